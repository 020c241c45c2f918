using System.CommandLine;
using MedicalExaminer.Cli.Commands;

namespace MedicalExaminer.Cli;

/// <summary>The <c>me</c> operator tool: triage a notification, generate and publish synthetic ones, run a development Kafka, mint development tokens, inspect and replay dead letters, manage office routing.</summary>
public static class CliApp
{
    public static RootCommand BuildRootCommand(CliConsole console)
    {
        var root = new RootCommand("Medical examiner pipeline operator tool.");
        root.Subcommands.Add(TriageCommand.Create(console));
        root.Subcommands.Add(GenerateCommand.Create(console));
        root.Subcommands.Add(PublishCommand.Create(console));
        root.Subcommands.Add(KafkaMockCommand.Create(console));
        root.Subcommands.Add(TokenCommand.Create(console));
        root.Subcommands.Add(DlqCommand.Create(console));
        root.Subcommands.Add(OfficesCommand.Create(console));
        return root;
    }

    /// <summary>Parses and runs; Ctrl+C and SIGTERM cancel <paramref name="cancellationToken"/>'s linked token.</summary>
    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default) =>
        BuildRootCommand(console)
            .Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, cancellationToken);
}
