using System.Globalization;
using Spectre.Console;

namespace MedicalExaminer.Cli;

/// <summary>
/// Shows how many messages the brokers have acknowledged: a progress bar on an interactive terminal,
/// otherwise a plain line at every tenth, which reads well in CI logs and files.
/// </summary>
internal static class PublishProgress
{
    public static Task RunAsync(CliConsole console, string description, long total, Func<Action<long>, Task> work)
    {
        if (!console.IsInteractive)
        {
            var lastTenth = 0L;
            return work(done =>
            {
                var tenth = total == 0 ? 10 : done * 10 / total;
                if (tenth > lastTenth)
                {
                    lastTenth = tenth;
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{description}: {done}/{total} ({tenth * 10}%)"));
                }
            });
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(console.Error),
            Interactive = InteractionSupport.Yes,
        });
        return terminal.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: total);
                await work(done => task.Value = done);
                task.Value = task.MaxValue;
            });
    }
}
