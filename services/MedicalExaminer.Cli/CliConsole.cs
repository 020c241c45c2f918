namespace MedicalExaminer.Cli;

/// <summary>
/// The process's streams, environment and clock, injectable so that tests run commands in-process.
/// Results go to <see cref="Out"/>; progress and diagnostics to <see cref="Error"/>, so output stays pipeable.
/// </summary>
public sealed class CliConsole
{
    public required Func<Stream> OpenStandardInput { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>True on a terminal a person watches: progress bars instead of plain progress lines.</summary>
    public bool IsInteractive { get; init; }

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public static CliConsole FromProcess() => new()
    {
        OpenStandardInput = Console.OpenStandardInput,
        Out = Console.Out,
        Error = Console.Error,
        IsInteractive = !Console.IsErrorRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb",
    };
}
