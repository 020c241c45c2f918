using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MedicalExaminer.ServiceDefaults;

/// <summary>
/// Deliberate fail points for the fault-matrix tests (<c>tests/MedicalExaminer.Reliability.Tests</c>), which must kill a
/// service -9 at an exact instant (after Kafka acknowledged a publish and before it is marked; after the provider
/// accepted a message and before that is recorded) that a signal from outside would only hit by luck.
/// Inert everywhere else: a point does nothing unless the test-only setting <c>CrashPoints:{name}</c> is present.
/// </summary>
public static class CrashPoint
{
    public const string Section = "CrashPoints";

    /// <summary>
    /// An action that SIGKILLs this process the <c>CrashPoints:{name}</c>-th time it runs (1 = the first), or null —
    /// nothing to call — when the setting is absent.
    /// </summary>
    public static Action? Create(IConfiguration configuration, string name)
    {
        if (!int.TryParse(configuration[$"{Section}:{name}"], NumberStyles.None, CultureInfo.InvariantCulture, out var at) || at < 1)
        {
            return null;
        }

        var hits = 0;
        return () =>
        {
            if (Interlocked.Increment(ref hits) == at)
            {
                // kill -9 of ourselves: no shutdown hook, finally block or flush runs, as when the node dies.
                using var self = Process.GetCurrentProcess();
                self.Kill();
            }
        };
    }
}
