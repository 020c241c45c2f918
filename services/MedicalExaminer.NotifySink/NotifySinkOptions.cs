using System.ComponentModel.DataAnnotations;
using MedicalExaminer.Notify;

namespace MedicalExaminer.NotifySink;

/// <summary>Settings of the local Notify sink (section <c>NotifySink</c>).</summary>
public sealed class NotifySinkOptions : IValidatableObject
{
    public const string Section = "NotifySink";

    /// <summary>The one API key whose tokens the sink accepts (the notifier is configured with the same key).</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>A message reads <c>created</c> until this age, then <c>sending</c>…</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SendingAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>…and <c>delivered</c> (or its configured permanent failure) from this age.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DeliveredAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Email addresses and phone numbers whose messages end in <c>permanent-failure</c> instead of <c>delivered</c>.</summary>
    public List<string> PermanentFailureRecipients { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!NotifyApiKey.TryParse(ApiKey, out _))
        {
            yield return new ValidationResult("NotifySink:ApiKey is not a Notify API key ({name}-{service id}-{secret key}).", [nameof(ApiKey)]);
        }

        if (DeliveredAfter < SendingAfter)
        {
            yield return new ValidationResult("NotifySink:DeliveredAfter must not be shorter than NotifySink:SendingAfter.", [nameof(DeliveredAfter)]);
        }
    }
}
