using MedicalExaminer.Contracts;

namespace MedicalExaminer.FamilyNotifier.Decisions;

/// <summary>What the notifier knows about a case's family, from the case's NotificationReceived event.</summary>
public sealed record CaseContact(Guid CaseId, string? OfficeId, DeceasedSummary Deceased, DateTimeOffset DateTimeOfDeath, Informant? Informant);

/// <summary>The decision for one (case, template): send on a channel in a language, not before a time; or withhold, and why.</summary>
public sealed record Decision(string? Channel, string? Language, string? Recipient, DateTimeOffset NotBefore, string? WithheldReason)
{
    public bool Send => WithheldReason is null;

    public static Decision Withhold(string reason, DateTimeOffset now) => new(null, null, null, now, reason);
}

public static class WithheldReasons
{
    public const string NoInformant = "no-informant";
    public const string NoConsent = "no-consent";
    public const string NoContactDetail = "no-contact-detail";

    /// <summary>An event for a case whose NotificationReceived the notifier never saw (e.g. created before it existed).</summary>
    public const string CaseUnknown = "case-unknown";
}

/// <summary>The rules of DOMAIN §6, as pure functions of the event, the contact and the time.</summary>
public static class NotificationPolicy
{
    /// <summary>The fallback order when the preferred channel's contact detail is missing.</summary>
    public static readonly IReadOnlyList<string> FallbackOrder = [ContactChannels.Email, ContactChannels.Sms, ContactChannels.Letter];

    /// <summary>Which template a case event triggers, if any.</summary>
    public static string? TemplateFor(CaseEventBody body) => body switch
    {
        NotificationReceived => FamilyTemplates.CaseReceived,
        UrgentReleaseDecided => FamilyTemplates.UrgentReleaseDecided,
        CoronerReferralConfirmed => FamilyTemplates.ReferredToCoroner,
        CoronerDeclined => FamilyTemplates.CoronerDeclined,
        MccdIssued => FamilyTemplates.MccdIssued,
        _ => null,
    };

    public static Decision Decide(CaseContact? contact, DateTimeOffset now, QuietHours quietHours)
    {
        if (contact is null)
        {
            return Decision.Withhold(WithheldReasons.CaseUnknown, now);
        }

        if (contact.Informant is not { } informant)
        {
            return Decision.Withhold(WithheldReasons.NoInformant, now);
        }

        // Only an explicit yes is consent.
        if (informant.ConsentToContact != true)
        {
            return Decision.Withhold(WithheldReasons.NoConsent, now);
        }

        var channel = new[] { informant.PreferredChannel }.Concat(FallbackOrder)
            .FirstOrDefault(c => c is not null && DetailFor(informant, c) is not null);
        if (channel is null)
        {
            return Decision.Withhold(WithheldReasons.NoContactDetail, now);
        }

        var language = informant.Language == Languages.Welsh ? Languages.Welsh : Languages.English;
        var notBefore = channel == ContactChannels.Sms ? quietHours.NextAllowed(now) : now;
        return new Decision(channel, language, DetailFor(informant, channel), notBefore, null);
    }

    /// <summary>The contact detail a channel needs: the email address, the phone number, or (letters) the address.</summary>
    public static string? DetailFor(Informant informant, string channel)
    {
        var detail = channel switch
        {
            ContactChannels.Email => informant.Email,
            ContactChannels.Sms => informant.Phone,
            ContactChannels.Letter => informant.Address,
            _ => null,
        };
        return string.IsNullOrWhiteSpace(detail) ? null : detail.Trim();
    }
}

/// <summary>No SMS between <c>start</c> and <c>end</c> local time (21:00–08:00 in the UK): a text is held until the end.</summary>
public sealed class QuietHours(TimeZoneInfo zone, TimeSpan start, TimeSpan end)
{
    public TimeZoneInfo Zone { get; } = zone;

    public bool IsQuiet(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Zone).TimeOfDay;
        return start > end ? local >= start || local < end : local >= start && local < end;
    }

    /// <summary><paramref name="now"/> itself outside quiet hours, else the next local <c>end</c> (08:00), in the zone's offset of that day.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset now)
    {
        if (!IsQuiet(now))
        {
            return now;
        }

        var local = TimeZoneInfo.ConvertTime(now, Zone);
        var day = local.TimeOfDay >= end ? local.Date.AddDays(1) : local.Date;
        var wallClock = day + end;

        // 08:00 is never in a UK clock change (those happen at 01:00/02:00), but stay correct for any zone.
        while (Zone.IsInvalidTime(wallClock))
        {
            wallClock = wallClock.AddMinutes(30);
        }

        return new DateTimeOffset(wallClock, Zone.GetUtcOffset(wallClock)).ToUniversalTime();
    }
}
