namespace MedicalExaminer.Contracts;

/// <summary>
/// One period's regulator figures (DOMAIN §7) on <see cref="Topics.ScrutinyMetrics"/>, keyed by
/// <c>{granularity}:{period}</c> so a compacted topic keeps the latest snapshot of every period.
/// Regulator-facing: every figure has been through disclosure control; no case-level data, no free text.
/// </summary>
public sealed record ScrutinyMetricsSnapshot
{
    public int SchemaVersion { get; init; } = 1;
    public required Guid SnapshotId { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary><c>month</c> or <c>quarter</c> (<see cref="PeriodGranularities"/>).</summary>
    public required string Granularity { get; init; }

    /// <summary><c>2026-01</c> for a month, <c>2026-Q1</c> for a calendar quarter (by UK date of death).</summary>
    public required string Period { get; init; }

    /// <summary>One row per ME office (plus <c>unrouted</c>) and one national row.</summary>
    public required IReadOnlyList<ScrutinyMetricsRow> Rows { get; init; }
}

/// <summary>The figures of one office (<c>scope</c> <c>office</c>) or of the nation (<c>scope</c> <c>national</c>).</summary>
public sealed record ScrutinyMetricsRow(string Scope, string? OfficeId, string? Region, IReadOnlyDictionary<string, MetricFigure> Figures);

/// <summary>
/// A figure: its value, or <see cref="Suppressed"/> true (small-number suppression) and no value; neither
/// when it does not apply (a rate with a zero denominator, a median of no cases).
/// </summary>
public sealed record MetricFigure(decimal? Value, bool? Suppressed)
{
    public static readonly MetricFigure Hidden = new(null, true);
    public static readonly MetricFigure NotApplicable = new(null, null);
}

public static class PeriodGranularities
{
    public const string Month = "month";
    public const string Quarter = "quarter";
    public static readonly IReadOnlyList<string> All = [Month, Quarter];
}

public static class MetricScopes
{
    public const string Office = "office";
    public const string National = "national";
    public static readonly IReadOnlyList<string> All = [Office, National];
}

/// <summary>The metric names of DOMAIN §7 as the API, the CSV files and the snapshots spell them.</summary>
public static class ScrutinyMetricNames
{
    public const string DeathsNotified = "deaths_notified";
    public const string CoronerReferralRecommended = "coroner_referral_recommended";
    public const string ReferredToCoroner = "referred_to_coroner";
    public const string CoronerDeclined = "coroner_declined";
    public const string CoronerAccepted = "coroner_accepted";
    public const string ScrutinyCompleted = "scrutiny_completed";
    public const string BereavedDiscussionHeld = "bereaved_discussion_held";
    public const string ConcernsRaised = "concerns_raised";
    public const string LederFlags = "leder_flags";
    public const string CdopFlags = "cdop_flags";
    public const string WithinRegistrationTarget = "within_registration_target";
    public const string UrgentReleaseDecided = "urgent_release_decided";
    public const string UrgentReleaseMet = "urgent_release_met";

    public const string ScrutinyCoveragePct = "scrutiny_coverage_pct";
    public const string BereavedInteractionPct = "bereaved_interaction_pct";
    public const string WithinRegistrationTargetPct = "within_registration_target_pct";
    public const string UrgentReleaseMetPct = "urgent_release_met_pct";

    public const string MedianHoursDeathToMccd = "median_hours_death_to_mccd";
    public const string P90HoursDeathToMccd = "p90_hours_death_to_mccd";

    /// <summary>Prefix of the breakdown of <see cref="CoronerReferralRecommended"/> by reason code.</summary>
    public const string ReasonPrefix = "coroner_referral_reason.";

    public static string Reason(string reasonCode) => ReasonPrefix + reasonCode;

    /// <summary>Counts of cases: disclosure control suppresses 1–7 and protects totals.</summary>
    public static readonly IReadOnlyList<string> Counts =
    [
        DeathsNotified, CoronerReferralRecommended, .. ReasonCodes.All.Select(Reason), ReferredToCoroner, CoronerDeclined,
        CoronerAccepted, ScrutinyCompleted, BereavedDiscussionHeld, ConcernsRaised, LederFlags, CdopFlags,
        WithinRegistrationTarget, UrgentReleaseDecided, UrgentReleaseMet,
    ];

    public static readonly IReadOnlyList<string> Rates =
        [ScrutinyCoveragePct, BereavedInteractionPct, WithinRegistrationTargetPct, UrgentReleaseMetPct];

    public static readonly IReadOnlyList<string> Hours = [MedianHoursDeathToMccd, P90HoursDeathToMccd];

    public static readonly IReadOnlyList<string> All = [.. Counts, .. Rates, .. Hours];
}
