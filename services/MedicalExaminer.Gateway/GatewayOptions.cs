using System.ComponentModel.DataAnnotations;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Gateway;

/// <summary>Settings of the hospital gateway (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string Section = "Gateway";

    [Required]
    public string Topic { get; set; } = Topics.DeathNotifications;

    /// <summary>
    /// Publishers allowed to send with an API key, by publisher id. Only the SHA-256 of each key is held
    /// (see <see cref="Auth.ApiKeys"/>); the key itself is shown once, when it is made, and never stored.
    /// </summary>
    public Dictionary<string, ApiKeyPublisher> ApiKeys { get; set; } = [];

    /// <summary>Publisher profiles by the publisher's ODS code: how each sender writes its messages (<see cref="Formats.PublisherProfile"/>).</summary>
    public Dictionary<string, Formats.PublisherProfile> Profiles { get; set; } = [];

    [Required]
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Whether the MLLP listener runs.</summary>
    public bool MllpEnabled { get; set; } = true;

    /// <summary>TCP port of the MLLP listener (2575 is HL7's registered port); 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int MllpPort { get; set; } = 2575;

    /// <summary>Address the MLLP listener binds to.</summary>
    [Required]
    public string MllpAddress { get; set; } = "127.0.0.1";

    /// <summary>How long an MLLP connection may stay silent before it is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MllpIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>TLS on the MLLP listener, and client certificates bound to publishers (<see cref="Mllp.MllpTlsOptions"/>).</summary>
    public Mllp.MllpTlsOptions MllpTls { get; set; } = new();

    /// <summary>Time zone of HL7 v2 times sent without an offset (IANA id).</summary>
    [Required]
    public string Hl7LocalTimeZone { get; set; } = "Europe/London";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (id, publisher) in ApiKeys)
        {
            if (publisher.KeySha256 is not { Length: 64 } || !publisher.KeySha256.All(char.IsAsciiHexDigit))
            {
                yield return new ValidationResult($"Gateway:ApiKeys:{id}:KeySha256 must be 64 hexadecimal digits (the SHA-256 of the key).", [nameof(ApiKeys)]);
            }

            if (string.IsNullOrWhiteSpace(publisher.OdsCode))
            {
                yield return new ValidationResult($"Gateway:ApiKeys:{id}:OdsCode is required.", [nameof(ApiKeys)]);
            }
        }

        foreach (var (ods, profile) in Profiles)
        {
            foreach (var error in profile.Validate(ods))
            {
                yield return error;
            }
        }

        // Data annotations do not reach into a nested options object: its own rules are asked here.
        foreach (var error in MllpTls.Validate(validationContext))
        {
            yield return error;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(Hl7LocalTimeZone, out _))
        {
            yield return new ValidationResult("Gateway:Hl7LocalTimeZone is not a known time zone.", [nameof(Hl7LocalTimeZone)]);
        }
    }
}

/// <summary>A publisher's API key: its hash, the ODS code it may publish for, and whether it is revoked.</summary>
public sealed class ApiKeyPublisher
{
    public string KeySha256 { get; set; } = "";

    public string OdsCode { get; set; } = "";

    /// <summary>A revoked key is refused (401) but kept, so the audit trail still names the publisher.</summary>
    public bool Revoked { get; set; }
}

/// <summary>Per-publisher token bucket: <see cref="PermitsPerSecond"/> sustained, bursts up to <see cref="Burst"/>.</summary>
public sealed class RateLimitOptions
{
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 200;

    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 400;
}
