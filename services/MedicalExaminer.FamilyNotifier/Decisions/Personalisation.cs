using MedicalExaminer.Contracts;
using MedicalExaminer.Notify;

namespace MedicalExaminer.FamilyNotifier.Decisions;

/// <summary>
/// The personalisation fields of each template, in the family's language. Every field any channel of the template
/// uses is given (the provider ignores extras), so a channel fallback never lacks one. Letters also get the
/// address lines Notify needs.
/// </summary>
public static class Personalisation
{
    /// <summary>Deaths are registered within 5 days (DOMAIN §1).</summary>
    public const int RegistrationDays = 5;

    public static Dictionary<string, string> For(string template, string language, string channel, CaseContact contact, CaseEventBody cause, TimeZoneInfo zone)
    {
        var values = TemplateCatalog.ValuesFor(language);
        var informant = contact.Informant;
        var deceased = string.Join(' ', new[] { contact.Deceased.GivenName, contact.Deceased.FamilyName }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["informant_name"] = string.IsNullOrWhiteSpace(informant?.Name) ? values.UnnamedInformant : informant.Name.Trim(),
            ["deceased_name"] = deceased.Length == 0 ? values.UnnamedDeceased : deceased,
            ["date_of_death"] = values.Date(LocalDate(contact.DateTimeOfDeath, zone)),
        };

        switch (cause)
        {
            case UrgentReleaseDecided decided:
                var approved = decided.Decision == "approved";
                fields["approved"] = approved ? "yes" : "no";
                fields["declined"] = approved ? "no" : "yes";
                break;
            case MccdIssued issued:
                fields["register_by"] = values.Date(LocalDate(issued.DateTimeOfDeath, zone).AddDays(RegistrationDays));
                break;
        }

        if (channel == ContactChannels.Letter && informant is not null)
        {
            // Notify's letter address: line 1 the addressee, then the address, at most 7 lines in all.
            var lines = new[] { fields["informant_name"] }
                .Concat((informant.Address ?? "").Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Take(7)
                .ToList();
            for (var i = 0; i < lines.Count; i++)
            {
                fields[$"address_line_{i + 1}"] = lines[i];
            }
        }

        return fields;
    }

    private static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
}
