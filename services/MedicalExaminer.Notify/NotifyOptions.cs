using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.Notify;

/// <summary>The GOV.UK Notify-compatible provider (section <c>Notify</c>): where, which key, how hard to try.</summary>
public sealed class NotifyOptions : IValidatableObject
{
    public const string Section = "Notify";

    /// <summary>The API's base address (the real service, or the local sink in development and tests).</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "";

    /// <summary><c>{name}-{service id}-{secret key}</c>; a secret: from the environment, never from a committed file.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// Provider template ids by <c>{template}.{language}.{channel}</c> (e.g. <c>mccd-issued.cy.sms</c>); a missing entry
    /// uses <see cref="TemplateCatalog.DefaultTemplateId"/>, which the local sink knows.
    /// </summary>
    public Dictionary<string, Guid> TemplateIds { get; set; } = [];

    /// <summary>One HTTP call may take this long before it counts as failed (the dispatcher's next claim tries again).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The circuit opens when this share of attempts failed within the sampling window…</summary>
    [Range(0.01, 1.0)]
    public double CircuitFailureRatio { get; set; } = 0.5;

    /// <summary>…and at least this many attempts were made in it.</summary>
    [Range(2, 10_000)]
    public int CircuitMinimumThroughput { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls before one probe is let through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    public Guid TemplateId(string template, string language, string channel) =>
        TemplateIds.TryGetValue($"{template}.{language}.{channel}", out var id) ? id : TemplateCatalog.DefaultTemplateId(template, language, channel);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!NotifyApiKey.TryParse(ApiKey, out _))
        {
            // The key itself is never echoed.
            yield return new ValidationResult("Notify:ApiKey is not a Notify API key ({name}-{service id}-{secret key}).", [nameof(ApiKey)]);
        }

        if (CircuitSamplingDuration < 2 * AttemptTimeout)
        {
            yield return new ValidationResult("Notify:CircuitSamplingDuration must be at least twice Notify:AttemptTimeout.", [nameof(CircuitSamplingDuration)]);
        }
    }
}
