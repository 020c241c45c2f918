namespace MedicalExaminer.Perf;

/// <summary>Sizes of the scenarios; the defaults are the (a year of deaths, 2,000/s for 60 s, 50,000 claims).</summary>
public sealed record PerfOptions
{
    public int Notifications { get; init; } = 600_000;
    public int Partitions { get; init; } = 12;
    public int NaiveNotifications { get; init; } = 20_000;
    public int ClaimCases { get; init; } = 50_000;

    /// <summary>Connections the claimers share, as in one scrutiny API process (its Postgres pool size).</summary>
    public int ClaimPoolSize { get; init; } = 16;
    public int LatencyRate { get; init; } = 2_000;
    public int LatencySeconds { get; init; } = 60;
    public int ScaleOutNotifications { get; init; } = 200_000;
    public int MetricsEvents { get; init; } = 1_000_000;
    public bool MetricsStoreOnly { get; init; }
    public int Seed { get; init; } = 2026;

    /// <summary>Case events the family scenario relays and notifications it sends through the local Notify sink.</summary>
    public int FamilyCases { get; init; } = 20_000;

    /// <summary>Sends in flight per family-notifier dispatcher in the family scenario.</summary>
    public int FamilyParallelism { get; init; } = 8;
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// Partitions for a topic that must hold <paramref name="messages"/> at once: at least <see cref="Partitions"/>,
    /// and enough that none outgrows the embedded broker's fixed 5 MiB a partition (about 55,000 zstd-compressed
    /// notifications; 40,000 leaves a margin). Otherwise the broker deletes the oldest messages before they are read.
    /// </summary>
    public int PartitionsFor(int messages) => Math.Max(Partitions, (messages + 39_999) / 40_000);
}
