using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Gateway.Profiles;

/// <summary>The configured publisher profiles, read through a monitor so that a changed profile applies on reload.</summary>
public sealed class PublisherProfiles(IOptionsMonitor<GatewayOptions> options)
{
    /// <summary>Profiles of fixed options, for tools and tests that read messages without a host.</summary>
    public static PublisherProfiles Of(GatewayOptions options) => new(new Fixed(options));

    /// <summary>The profile of a publisher's ODS code, or null when none is configured.</summary>
    public PublisherProfile? Find(string odsCode)
    {
        foreach (var (ods, profile) in options.CurrentValue.Profiles)
        {
            if (string.Equals(ods, odsCode, StringComparison.OrdinalIgnoreCase))
            {
                return profile;
            }
        }

        return null;
    }

    public PublisherProfile For(PublisherIdentity? publisher) => publisher is null ? PublisherProfile.Default : Find(publisher.OdsCode) ?? PublisherProfile.Default;

    /// <summary>Whether an ODS code belongs to a configured publisher other than <paramref name="publisher"/>.</summary>
    public bool IsOtherPublisher(string odsCode, PublisherIdentity publisher) =>
        !string.Equals(odsCode, publisher.OdsCode, StringComparison.OrdinalIgnoreCase)
        && (options.CurrentValue.ApiKeys.Values.Any(k => string.Equals(k.OdsCode, odsCode, StringComparison.OrdinalIgnoreCase))
            || options.CurrentValue.Profiles.Keys.Any(k => string.Equals(k, odsCode, StringComparison.OrdinalIgnoreCase)));

    public Hl7Sender Hl7SenderOf(PublisherIdentity? publisher, TimeZoneInfo zone) => publisher is null
        ? new Hl7Sender(zone, PublisherProfile.Default)
        : new Hl7Sender(zone, For(publisher), publisher.OdsCode, ods => IsOtherPublisher(ods, publisher));

    private sealed class Fixed(GatewayOptions value) : IOptionsMonitor<GatewayOptions>
    {
        public GatewayOptions CurrentValue => value;

        public GatewayOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<GatewayOptions, string?> listener) => null;
    }
}
