using MedicalExaminer.Domain;
using MedicalExaminer.Casework;
using MedicalExaminer.SyntheticData;

namespace MedicalExaminer.Perf.Harness;

/// <summary>Synthetic notifications turned into cases exactly as the intake worker does (parse, triage, plan, build).</summary>
public static class SyntheticCases
{
    private static readonly OfficeDirectory Directory = new(DemoOffices.All);

    /// <summary>The cases the valid notifications among <paramref name="notifications"/> open, in order (duplicates and invalid ones skipped).</summary>
    public static IEnumerable<NewCase> Open(IEnumerable<SyntheticNotification> notifications, DateTimeOffset now)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in notifications)
        {
            if (n.Kind != SyntheticKind.Valid || !seen.Add(n.Key) || DeathNotificationParser.Parse(n.Value, now).Accepted is not { } accepted)
            {
                continue;
            }

            yield return NewCaseFactory.Create(accepted, IntakePlanner.Plan(accepted, Directory), n.Value, now);
        }
    }
}
