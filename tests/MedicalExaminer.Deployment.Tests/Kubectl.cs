using System.Diagnostics;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>
/// Runs <c>kubectl kustomize</c>. kubectl comes from the machine (scripts/install-prerequisites.sh installs
/// Debian's kubernetes-client where it is missing); KUBECTL may name another binary.
/// </summary>
public static class Kubectl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    public static string Path { get; } = Locate();

    public static string Kustomize(string directory) => Run("kustomize", directory);

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("KUBECTL");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
        return found ?? throw new InvalidOperationException(
            "kubectl is not on PATH: run scripts/install-prerequisites.sh (Debian package kubernetes-client) or set KUBECTL.");
    }

    private static string Run(params string[] args)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {Timeout}.");
        }

        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"kubectl {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
    }
}
