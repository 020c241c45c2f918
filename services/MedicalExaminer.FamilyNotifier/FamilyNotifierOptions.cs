using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.FamilyNotifier;

/// <summary>Settings of the family notifier (section <c>FamilyNotifier</c>).</summary>
public sealed class FamilyNotifierOptions : IValidatableObject
{
    public const string Section = "FamilyNotifier";

    /// <summary>A claim makes at most two calls (reference lookup, send); the lease outlasts them with one to spare.</summary>
    public const int LeaseAttempts = 3;

    /// <summary>The families' clock: quiet hours and the dates in the messages are UK time.</summary>
    [Required]
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>No SMS from this local time…</summary>
    [Range(typeof(TimeSpan), "00:00:00", "23:59:59")]
    public TimeSpan QuietHoursStart { get; set; } = new(21, 0, 0);

    /// <summary>…until this one: a text decided at night is queued until then.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "23:59:59")]
    public TimeSpan QuietHoursEnd { get; set; } = new(8, 0, 0);

    /// <summary>Notifications a dispatcher takes at once.</summary>
    [Range(1, 1000)]
    public int DispatchBatchSize { get; set; } = 100;

    /// <summary>Sends in flight at once per dispatcher.</summary>
    [Range(1, 64)]
    public int DispatchParallelism { get; set; } = 8;

    /// <summary>Pause when nothing is due.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a dispatcher owns a notification it took; after that (it died) another takes it and checks the reference
    /// first. At least <see cref="LeaseAttempts"/> times <c>Notify:AttemptTimeout</c>: a live dispatcher's lookup and send
    /// must end before anyone else may take the notification, or both could send it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// First wait after a send failed for a transient reason; doubles up to <see cref="RetryMaxDelay"/>. Never shorter
    /// than <c>Notify:AttemptTimeout</c>: a send that timed out may still be landing at the provider, and the next claim's
    /// reference lookup must be able to see it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A notification still unsent this long after its decision is failed for good (a message days late would confuse a family).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>First delivery-status check after the provider accepted; doubles up to <see cref="PollMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan PollMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Status is not asked after this (Notify keeps messages for 7 days).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan PollGiveUpAfter { get; set; } = TimeSpan.FromDays(7);

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"FamilyNotifier:TimeZone {TimeZone} is not a known time zone (is tzdata installed?).", [nameof(TimeZone)]);
        }
    }
}
