using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Gateway.Formats;

/// <summary>
/// How one publisher's system really writes its messages (section <c>Gateway:Profiles:{publisher ODS code}</c>):
/// hospital systems carry local ward and facility names, not ODS codes, put the death in fields of their own and
/// leave out what their PAS always knows. Configuration rather than a table for the reason API keys are: the
/// gateway owns no data, the profiles are few (one per publishing system) and change when an interface does.
/// A publisher without a profile gets <see cref="Default"/>: HL7 and FHIR read as the standards say.
/// </summary>
public sealed partial class PublisherProfile
{
    public static PublisherProfile Default { get; } = new();

    /// <summary>Local location codes or names (ward, facility, building, MSH-4 sending facility) → ODS site code; compared case-insensitively.</summary>
    public Dictionary<string, string> Locations { get; set; } = [];

    /// <summary>The site when no location of the message is mapped; else the publisher's own ODS code.</summary>
    public string? DefaultSiteOdsCode { get; set; }

    /// <summary>
    /// HL7 fields whose value is looked up in <see cref="Locations"/>, in order (<c>SEG-field[.component[.subcomponent]]</c>);
    /// empty means PV1-3.4 (facility), PV1-3.1 (point of care, the ward), PV1-3.7 (building), PV1-3.9 (description), MSH-4.
    /// </summary>
    public List<string> SiteFields { get; set; } = [];

    /// <summary>The HL7 field naming the source system; MSH-3 when not set.</summary>
    public string? SourceSystemField { get; set; }

    /// <summary>
    /// The HL7 field that identifies the notification across resends and corrections (an A08 after the A03); when not
    /// set, PV1-19 (visit number) if the message has one, else MSH-10 (message control id).
    /// </summary>
    public string? NotificationIdField { get; set; }

    /// <summary>Further HL7 death indicators of this sender, <c>SEG-field[.component]=code</c> (e.g. <c>ZDS-3=4</c>, <c>PV2-12=79</c>).</summary>
    public List<string> DeathCodes { get; set; } = [];

    /// <summary>Place of death when the message does not say (e.g. <c>hospice</c> for a hospice's system); else <c>other</c>.</summary>
    public string? DefaultPlaceOfDeath { get; set; }

    /// <summary>The informant's language when the message does not say (<c>en</c>, <c>cy</c>).</summary>
    public string? DefaultLanguage { get; set; }

    /// <summary>Every NHS number this sender sends has been traced and verified on PDS (its PAS verifies on registration).</summary>
    public bool NhsNumbersVerified { get; set; }

    /// <summary>Whether NEMS "PDS Death Notification" event messages are accepted from this publisher (community deaths).</summary>
    public bool NemsDeathNotifications { get; set; }

    /// <summary>The ODS site code a local location maps to, or null.</summary>
    public string? SiteOf(string? local)
    {
        if (string.IsNullOrWhiteSpace(local))
        {
            return null;
        }

        var key = local.Trim();
        foreach (var (name, ods) in Locations)
        {
            if (string.Equals(name.Trim(), key, StringComparison.OrdinalIgnoreCase))
            {
                return ods;
            }
        }

        return null;
    }

    public IEnumerable<ValidationResult> Validate(string ods)
    {
        foreach (var (local, site) in Locations)
        {
            if (!OdsPattern().IsMatch(site))
            {
                yield return new ValidationResult($"Gateway:Profiles:{ods}:Locations:{local} must be an ODS code.", ["Profiles"]);
            }
        }

        if (DefaultSiteOdsCode is { } d && !OdsPattern().IsMatch(d))
        {
            yield return new ValidationResult($"Gateway:Profiles:{ods}:DefaultSiteOdsCode must be an ODS code.", ["Profiles"]);
        }

        if (DefaultPlaceOfDeath is { } place && !PlacesOfDeath.All.Contains(place))
        {
            yield return new ValidationResult($"Gateway:Profiles:{ods}:DefaultPlaceOfDeath is not a place of death (DOMAIN §2).", ["Profiles"]);
        }

        if (DefaultLanguage is { } language && language is not (Languages.English or Languages.Welsh))
        {
            yield return new ValidationResult($"Gateway:Profiles:{ods}:DefaultLanguage must be en or cy.", ["Profiles"]);
        }

        foreach (var path in SiteFields.Concat(SourceSystemField is null ? [] : [SourceSystemField]).Concat(NotificationIdField is null ? [] : [NotificationIdField]))
        {
            if (!Hl7v2.Er7Path.TryParse(path, out _))
            {
                yield return new ValidationResult($"Gateway:Profiles:{ods}: '{path}' is not an HL7 field (SEG-n[.c[.s]]).", ["Profiles"]);
            }
        }

        foreach (var rule in DeathCodes)
        {
            var at = rule.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || at == rule.Length - 1 || !Hl7v2.Er7Path.TryParse(rule[..at], out _))
            {
                yield return new ValidationResult($"Gateway:Profiles:{ods}:DeathCodes: '{rule}' must be SEG-n[.c]=code.", ["Profiles"]);
            }
        }
    }

    [GeneratedRegex("^[A-Z0-9]{3,10}$")]
    internal static partial Regex OdsPattern();
}
