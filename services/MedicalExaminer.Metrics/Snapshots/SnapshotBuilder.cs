using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Figures;

namespace MedicalExaminer.Metrics.Snapshots;

/// <summary>Turns a regulator <see cref="FigureTable"/> into one snapshot message per period.</summary>
public static class SnapshotBuilder
{
    public static IEnumerable<ScrutinyMetricsSnapshot> From(FigureTable table, DateTimeOffset generatedAt)
    {
        if (!table.DisclosureControlled)
        {
            throw new InvalidOperationException("Snapshots are regulator-facing: only disclosure-controlled figures may be published.");
        }

        return table.Rows
            .GroupBy(r => r.Period)
            .Select(g => new ScrutinyMetricsSnapshot
            {
                SnapshotId = Guid.NewGuid(),
                GeneratedAt = generatedAt,
                Granularity = table.Granularity,
                Period = g.Key.Label,
                Rows = [.. g.Select(r => new ScrutinyMetricsRow(r.Scope, r.OfficeId, r.Region, r.Figures))],
            });
    }

    /// <summary>The message key: a compacted topic then keeps the latest snapshot of each period.</summary>
    public static string KeyOf(ScrutinyMetricsSnapshot snapshot) => $"{snapshot.Granularity}:{snapshot.Period}";
}
