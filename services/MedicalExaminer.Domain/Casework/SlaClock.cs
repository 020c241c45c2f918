namespace MedicalExaminer.Domain.Casework;

/// <summary>Where a case stands against a deadline (DOMAIN §4).</summary>
public enum SlaStatus
{
    OnTrack,

    /// <summary>Less than <see cref="SlaClock.AtRiskWindow"/> left.</summary>
    AtRisk,

    Breached,
}

/// <summary>Hours left (negative once breached) and the status, as a queue row shows them.</summary>
public sealed record SlaState(DateTimeOffset DueAt, double HoursRemaining, SlaStatus Status);

/// <summary>
/// The SLA clocks: registration within 5 calendar days of death, and an urgent-release decision
/// within the office's target hours of the request. A clock stops once its goal is met.
/// </summary>
public static class SlaClock
{
    public static readonly TimeSpan AtRiskWindow = TimeSpan.FromHours(24);

    public static SlaState Registration(DateTimeOffset dateTimeOfDeath, DateTimeOffset now) =>
        Measure(dateTimeOfDeath + IntakePlanner.RegistrationTarget, now);

    public static SlaState UrgentRelease(DateTimeOffset requestedAt, int targetHours, DateTimeOffset now) =>
        Measure(requestedAt + TimeSpan.FromHours(targetHours), now, atRisk: TimeSpan.FromHours(Math.Min(targetHours / 4.0, 6)));

    public static SlaState Measure(DateTimeOffset dueAt, DateTimeOffset now, TimeSpan? atRisk = null)
    {
        var remaining = dueAt - now;
        var status = remaining <= TimeSpan.Zero ? SlaStatus.Breached
            : remaining < (atRisk ?? AtRiskWindow) ? SlaStatus.AtRisk
            : SlaStatus.OnTrack;
        return new SlaState(dueAt, Math.Round(remaining.TotalHours, 1), status);
    }
}
