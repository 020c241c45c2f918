namespace MedicalExaminer.Domain.Casework;

/// <summary>Where a case stands against a deadline (DOMAIN §4).</summary>
public enum SlaStatus
{
    OnTrack,

    /// <summary>Less than the clock's at-risk window left (24 h for the scrutiny and registration clocks).</summary>
    AtRisk,

    /// <summary>The deadline has passed: now is later than the due instant.</summary>
    Breached,
}

/// <summary>Hours left (negative once breached) and the status, as a queue row shows them.</summary>
public sealed record SlaState(DateTimeOffset DueAt, double HoursRemaining, SlaStatus Status);

/// <summary>
/// The one definition of the SLA clocks of DOMAIN §4, used by the queues, the case page, the API, the family
/// messages and the metrics (the SQL of the queue counts calls <c>casework.sla_status</c>, which states the same
/// rule; a test pins both at the boundaries).
/// <list type="bullet">
/// <item><b>Scrutiny target</b>: the office's own, <see cref="DefaultScrutinyTargetHours"/> hours from death by
/// default — elapsed hours, so a clock change in between changes nothing.</item>
/// <item><b>Registration</b>: 5 calendar days from the registrar's receipt of the MCCD, in UK dates: the
/// register-by date is the UK date of receipt plus 5 days, and the clock runs out when that day ends in UK time.</item>
/// <item><b>Urgent release</b>: the office's target hours from the request.</item>
/// </list>
/// A deadline is met by what happens at or before its due instant; it is breached only once now is later than the
/// due instant, and at risk while less than the window is left. So at exactly 24 h left a clock is on track, at
/// exactly 0 h at risk, and the metrics' "within target" (done at or before due) agrees with "not breached".
/// </summary>
public static class SlaClock
{
    public static readonly TimeSpan AtRiskWindow = TimeSpan.FromHours(24);

    public const int DefaultScrutinyTargetHours = 72;

    /// <summary>The statutory period to register a death, counted from the registrar's receipt of the MCCD.</summary>
    public const int RegistrationDays = 5;

    /// <summary>Times are shown, and calendar days counted, in UK local time.</summary>
    public static readonly TimeZoneInfo UkTime = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateTimeOffset ScrutinyDueAt(DateTimeOffset dateTimeOfDeath, int targetHours) =>
        dateTimeOfDeath + TimeSpan.FromHours(targetHours);

    public static SlaState Scrutiny(DateTimeOffset dateTimeOfDeath, int targetHours, DateTimeOffset now) =>
        Measure(ScrutinyDueAt(dateTimeOfDeath, targetHours), now);

    /// <summary>Whether an MCCD sent to the registrar at <paramref name="sentAt"/> met the scrutiny target.</summary>
    public static bool WithinScrutinyTarget(DateTimeOffset dateTimeOfDeath, int targetHours, DateTimeOffset sentAt) =>
        sentAt <= ScrutinyDueAt(dateTimeOfDeath, targetHours);

    /// <summary>The date the family must register the death by: the UK date of the registrar's receipt plus 5 days.</summary>
    public static DateOnly RegisterBy(DateTimeOffset registrarReceivedAt) =>
        UkDate(registrarReceivedAt).AddDays(RegistrationDays);

    /// <summary>When the registration clock runs out: the end of the register-by day in UK time (the next UK midnight).</summary>
    public static DateTimeOffset RegistrationDueAt(DateTimeOffset registrarReceivedAt)
    {
        var midnight = RegisterBy(registrarReceivedAt).AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(midnight, UkTime.GetUtcOffset(midnight)).ToUniversalTime();
    }

    public static SlaState Registration(DateTimeOffset registrarReceivedAt, DateTimeOffset now) =>
        Measure(RegistrationDueAt(registrarReceivedAt), now);

    public static SlaState UrgentRelease(DateTimeOffset requestedAt, int targetHours, DateTimeOffset now) =>
        Measure(requestedAt + TimeSpan.FromHours(targetHours), now, atRisk: TimeSpan.FromHours(Math.Min(targetHours / 4.0, 6)));

    /// <summary>The status rule every clock shares (and <c>casework.sla_status</c> repeats in SQL).</summary>
    public static SlaStatus StatusAt(DateTimeOffset dueAt, DateTimeOffset now, TimeSpan atRisk) =>
        now > dueAt ? SlaStatus.Breached
        : dueAt - now < atRisk ? SlaStatus.AtRisk
        : SlaStatus.OnTrack;

    public static SlaState Measure(DateTimeOffset dueAt, DateTimeOffset now, TimeSpan? atRisk = null) =>
        new(dueAt, Math.Round((dueAt - now).TotalHours, 1), StatusAt(dueAt, now, atRisk ?? AtRiskWindow));

    /// <summary>An instant as UK local time, for display (the offset says GMT or BST).</summary>
    public static DateTimeOffset ToUkTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, UkTime);

    public static DateOnly UkDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToUkTime(instant).DateTime);
}
