using System.Diagnostics;
using System.Globalization;

namespace MedicalExaminer.Testing;

/// <summary>
/// A deployable (intake worker, scrutiny API, family notifier, ...) running as a process of its own, started from the
/// apphost that a <c>ProjectReference</c> to it copies beside the test assembly, so that a test can kill it -9 the way
/// an orchestrator or the kernel would. Settings go on the command line (<c>--Section:Key=value</c>).
/// </summary>
/// <remarks>
/// The process never outlives the test: disposing kills it, and it runs under a tiny shell that SIGKILLs it as soon
/// as its standard input closes, which the kernel does when the test process dies without disposing (a test host
/// killed on timeout). The same pipe trick keeps <c>LocalPostgres</c> from leaving servers behind.
/// </remarks>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int TailLines = 200;
    private const string PidLine = "me-service-process-pid ";

    // $1 is the program, the rest its arguments. The reader holds a copy of stdin (fd 3): a background job's own
    // stdin is /dev/null. When the pipe closes (disposed, or the test process died) it kills the service -9.
    private const string Supervisor = """
        exec 3<&0
        "$@" </dev/null &
        service=$!
        echo "me-service-process-pid $service"
        ( read -r _ <&3; kill -9 "$service" 2>/dev/null ) &
        reader=$!
        wait "$service"
        status=$?
        kill "$reader" 2>/dev/null
        exit "$status"
        """;

    private readonly Process _shell;
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<int> _pid = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string>? _log;
    private int _disposed;

    private ServiceProcess(string name, Process shell, Action<string>? log)
    {
        Name = name;
        _shell = shell;
        _log = log;
    }

    /// <summary>The apphost's name, e.g. <c>MedicalExaminer.IntakeWorker</c>.</summary>
    public string Name { get; }

    /// <summary>Whether the service has exited (killed, crashed or stopped).</summary>
    public bool HasExited => _shell.HasExited;

    /// <summary>The service's exit status as the shell saw it (128 + signal when killed by one).</summary>
    public int ExitCode => _shell.ExitCode;

    /// <summary>
    /// Starts <paramref name="name"/> from the test's output folder with <paramref name="arguments"/>;
    /// <paramref name="log"/> receives every line it writes (stdout and stderr).
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string name, IEnumerable<string> arguments, Action<string>? log = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, name);
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"No apphost {name} beside the test assembly: reference its project from the test project.", executable);
        }

        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in (string[])["-c", Supervisor, "me-service-process", executable, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var shell = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, shell, log);
        shell.OutputDataReceived += (_, e) => service.Receive(e.Data);
        shell.ErrorDataReceived += (_, e) => service.Receive(e.Data);
        shell.Exited += (_, _) => service._pid.TrySetException(new InvalidOperationException($"{name}'s supervisor exited before reporting a process id."));
        shell.Start();
        shell.BeginOutputReadLine();
        shell.BeginErrorReadLine();
        try
        {
            service.Id = await service._pid.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    /// <summary>The service's own process id (not the supervising shell's).</summary>
    public int Id { get; private set; }

    /// <summary>The last lines the service wrote, for a failure message.</summary>
    public string OutputTail
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown hook, no drain, no flush; then waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_shell.HasExited)
        {
            try
            {
                // Process.Kill on Unix is kill(pid, SIGKILL).
                using var service = Process.GetProcessById(Id);
                service.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
        }

        await WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits for the service to exit on its own (e.g. a crash point it reached); false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _shell.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (Id != 0)
            {
                await KillAsync();
            }
        }
        finally
        {
            // Closing stdin makes the supervisor kill the service too, should the kill above have missed it.
            try
            {
                _shell.StandardInput.Close();
            }
            catch (IOException)
            {
            }

            if (!await WaitForExitAsync(TimeSpan.FromSeconds(10)))
            {
                _shell.Kill(entireProcessTree: true);
            }

            _shell.Dispose();
        }
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith(PidLine, StringComparison.Ordinal) && int.TryParse(line.AsSpan(PidLine.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            _pid.TrySetResult(pid);
            return;
        }

        lock (_gate)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }

        _log?.Invoke($"[{Name}] {line}");
    }
}
