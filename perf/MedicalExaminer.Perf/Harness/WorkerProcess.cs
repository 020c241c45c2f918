using System.Diagnostics;
using System.Globalization;

namespace MedicalExaminer.Perf.Harness;

/// <summary>
/// The real intake worker in a process of its own (this executable's <c>intake-worker</c> mode, which hosts
/// exactly what the worker's Program.cs hosts), so that its memory is measured alone and scale-out runs
/// several workers as a deployment would.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private long _peakRssKiB;
    private int _disposed;
    private double _cpuSeconds;

    private WorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static WorkerProcess Start(string bootstrapServers, string connectionString, string topic, string deadLetterTopic, string groupId)
    {
        // The apphost beside the assembly, whether the harness itself was started through it or through `dotnet me-perf.dll`.
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "me-perf.exe" : "me-perf"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The worker's own runtimeconfig (Web SDK) turns on the server GC; this harness's does not. An explicit
            // DOTNET_gcServer in the harness's environment wins, to compare the two.
            Environment = { ["DOTNET_gcServer"] = System.Environment.GetEnvironmentVariable("DOTNET_gcServer") ?? "1" },
        };
        foreach (var arg in new[]
        {
            PerfApp.WorkerMode,
            $"--Kafka:BootstrapServers={bootstrapServers}",
            $"--Postgres:ConnectionString={connectionString}",
            $"--Intake:Consumer:Topic={topic}",
            $"--Intake:Consumer:DeadLetterTopic={deadLetterTopic}",
            $"--Intake:Consumer:GroupId={groupId}",
            "--urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The intake worker process did not start.");
        process.OutputDataReceived += (_, e) => Echo(e.Data);
        process.ErrorDataReceived += (_, e) => Echo(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process);
    }

    private static void Echo(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Console.Error.WriteLine($"  [worker] {line}");
        }
    }

    /// <summary>CPU seconds the worker has used so far (read while it lives).</summary>
    public double CpuSeconds
    {
        get
        {
            Sample();
            return _cpuSeconds;
        }
    }

    /// <summary>Peak resident set size so far (the kernel's high-water mark, VmHWM), in MiB.</summary>
    public double PeakRssMiB
    {
        get
        {
            Sample();
            return _peakRssKiB / 1024.0;
        }
    }

    /// <summary>Reads VmHWM now; call while the process lives (the value is gone once it exits).</summary>
    public void Sample()
    {
        if (_disposed == 1 || _process.HasExited)
        {
            return;
        }

        var value = Machine.ReadProcField($"/proc/{_process.Id}/status", "VmHWM");
        if (value is not null && long.TryParse(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture, out var kib))
        {
            _peakRssKiB = Math.Max(_peakRssKiB, kib);
        }

        _cpuSeconds = Math.Max(_cpuSeconds, CpuMeter.TreeSeconds(_process.Id));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Sample();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
