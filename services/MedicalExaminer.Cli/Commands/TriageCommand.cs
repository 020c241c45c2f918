using System.CommandLine;
using System.Text.Json;
using MedicalExaminer.Domain;

namespace MedicalExaminer.Cli.Commands;

/// <summary><c>me triage FILE|-</c>: validates one notification and prints its triage decision (DOMAIN §3) or its validation errors.</summary>
internal static class TriageCommand
{
    private const string StandardInput = "-";

    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "A notification JSON file, or - to read standard input." };
        var command = new Command("triage", "Validate a death notification and print its triage decision (exit 0), or its validation errors (exit 2).")
        {
            file,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(console, parse.GetValue(file)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string path, CancellationToken cancellationToken)
    {
        byte[] message;
        try
        {
            await using var input = path == StandardInput ? console.OpenStandardInput() : File.OpenRead(path);
            message = await ReadBoundedAsync(input, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The reason, not the exception message: no part of the file's content is ever echoed.
            var reason = ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException => "permission denied",
                _ => "read error",
            };
            await console.Error.WriteLineAsync($"me triage: cannot read {(path == StandardInput ? "standard input" : path)}: {reason}");
            return ExitCodes.Failure;
        }

        var validation = DeathNotificationParser.Parse(message, console.Clock.GetUtcNow());
        if (!validation.IsValid)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new ValidationReport(validation.Errors), CliJsonContext.Readable.ValidationReport));
            return ExitCodes.Refused;
        }

        var decision = TriageEngine.Decide(validation.Accepted!);
        await console.Out.WriteLineAsync(JsonSerializer.Serialize(decision, CliJsonContext.Readable.TriageDecision));
        return ExitCodes.Success;
    }

    /// <summary>Reads at most one byte past the message size limit: enough for the parser to refuse it as oversize, never more.</summary>
    private static async Task<byte[]> ReadBoundedAsync(Stream input, CancellationToken cancellationToken)
    {
        var limit = DeathNotificationParser.MaxMessageBytes + 1;
        var buffer = new byte[limit];
        var length = 0;
        int read;
        while (length < limit && (read = await input.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return buffer[..length];
    }
}
