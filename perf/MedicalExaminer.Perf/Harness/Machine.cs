using System.Globalization;

namespace MedicalExaminer.Perf.Harness;

/// <summary>The machine a figure was measured on: a figure without it cannot be compared with anything.</summary>
public sealed record Machine(int Cores, double MemoryGiB, string CpuModel, string Os, string Runtime)
{
    public static Machine Current() => new(
        Environment.ProcessorCount,
        Math.Round(MemInfoKiB("MemTotal") / 1024.0 / 1024.0, 1),
        CpuInfo("model name") ?? "unknown",
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);

    private static long MemInfoKiB(string key) => ReadProcField("/proc/meminfo", key) is { } value
        && long.TryParse(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture, out var kib) ? kib : 0;

    private static string? CpuInfo(string key) => ReadProcField("/proc/cpuinfo", key);

    /// <summary>The value of the first "key: value" line of a /proc file, or null.</summary>
    public static string? ReadProcField(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().SequenceEqual(key))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
