using MedicalExaminer.Contracts;

namespace MedicalExaminer.FamilyNotifier.Tests;

/// <summary>Synthetic case events as the casework context publishes them.</summary>
internal static class CaseEvents
{
    public static readonly DateTimeOffset Death = new(2026, 11, 20, 3, 15, 0, TimeSpan.Zero);

    public static Informant Informant(
        string channel = ContactChannels.Email,
        string language = Languages.English,
        bool? consent = true,
        string? email = "relative@example.org",
        string? phone = "07700 900123",
        string? address = "1 Example Street, Testville, TE1 1ST") => new()
        {
            Name = "Alex Relative",
            Relationship = "daughter",
            Email = email,
            Phone = phone,
            Address = address,
            PreferredChannel = channel,
            Language = language,
            ConsentToContact = consent,
        };

    public static NotificationReceived Received(Informant? informant) => new(
        "test-pas", $"n-{Guid.NewGuid():N}", "RXX", "RXX01", PlacesOfDeath.HospitalInpatient, Death, 84, false, "faith", "me-leeds",
        new DeceasedSummary("Pat", "Example"), informant);

    public static CaseEvent Event(Guid caseId, int sequence, CaseEventBody body, DateTimeOffset? at = null) => new()
    {
        EventId = Guid.NewGuid(),
        CaseId = caseId,
        Sequence = sequence,
        OccurredAt = at ?? DateTimeOffset.UtcNow,
        Actor = new EventActor("dr.a", Roles.MedicalExaminer, "me-leeds"),
        Body = body,
    };

    /// <summary>A case's events that trigger each of the five templates, in workflow order, plus one that triggers none.</summary>
    public static List<CaseEvent> FullCase(Guid caseId, Informant? informant) =>
    [
        Event(caseId, 1, Received(informant)),
        Event(caseId, 2, new CaseClaimed("dr.a", Queues.UrgentRelease)),
        Event(caseId, 3, new UrgentReleaseDecided("approved", Death, 24, null)),
        Event(caseId, 4, new CoronerReferralConfirmed([ReasonCodes.TraumaOrInjury], null)),
        Event(caseId, 5, new CoronerDeclined("natural causes", Queues.ReturnedFromCoroner)),
        Event(caseId, 6, new MccdIssued("Bronchopneumonia", null, null, null, Death)),
    ];
}
