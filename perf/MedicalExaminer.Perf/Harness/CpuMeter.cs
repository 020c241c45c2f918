using System.Globalization;

namespace MedicalExaminer.Perf.Harness;

/// <summary>
/// CPU seconds (user + system) spent by a process tree, read from /proc. On a 2-core machine shared with other
/// work, wall time says little about where the time goes; CPU seconds per 1,000 cases do: they show whether the
/// worker or Postgres is the bottleneck, and they barely change with the machine's load.
/// </summary>
public static class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux ABI .NET runs on.

    /// <summary>CPU seconds of <paramref name="pid"/>, its reaped children, and its live children (one level: a postmaster's backends).</summary>
    public static double TreeSeconds(int pid)
    {
        var total = Seconds(pid, includeReaped: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var child) && child != pid && ParentOf(child) == pid)
            {
                total += Seconds(child, includeReaped: true);
            }
        }

        return total;
    }

    /// <summary>The postmaster of a local cluster, from its data directory's postmaster.pid.</summary>
    public static int? PostmasterPid(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "postmaster.pid");
        return File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault(), CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static double Seconds(int pid, bool includeReaped)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return 0;
        }

        // After the command name: field 14 utime, 15 stime, 16 cutime, 17 cstime (1-based, per proc(5)).
        double ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (includeReaped)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }

        return ticks / TicksPerSecond;
    }

    private static int? ParentOf(int pid) => StatFields(pid) is { } fields && int.TryParse(fields[1], CultureInfo.InvariantCulture, out var parent) ? parent : null;

    /// <summary>The fields after "pid (comm)": index 0 is the state (field 3).</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var end = stat.LastIndexOf(')');
            return end < 0 ? null : stat[(end + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
