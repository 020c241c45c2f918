using System.Text;

namespace MedicalExaminer.Cli.Tests;

/// <summary>Runs <c>me</c> commands in-process with captured streams, a chosen environment and a fixed clock.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(string[] args, byte[]? stdin = null, IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var (console, output, error) = Console(stdin, environment);
        var exitCode = await CliApp.RunAsync(args, console, cancellationToken);
        return new CliResult(exitCode, output.Text, error.Text);
    }

    public static (CliConsole Console, CapturedWriter Output, CapturedWriter Error) Console(byte[]? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var output = new CapturedWriter();
        var error = new CapturedWriter();
        var console = new CliConsole
        {
            OpenStandardInput = () => new MemoryStream(stdin ?? []),
            Out = output,
            Error = error,
            IsInteractive = false,
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            Clock = FixedClock.Instance,
        };
        return (console, output, error);
    }
}

internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A text writer that a test may read while a command is still writing to it from another thread.</summary>
internal sealed class CapturedWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            _text.Append(buffer, index, count);
        }
    }
}
