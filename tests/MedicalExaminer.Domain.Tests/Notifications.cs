using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Tests;

/// <summary>Obviously synthetic notifications for tests; the base one is valid and triages to scrutiny.</summary>
internal static class Notifications
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public const string ValidNhsNumber = "9990000018";

    /// <summary>Born 1940-03-15, died 2026-11-20 03:15 UTC: 86 at death, natural cause, AP available.</summary>
    public static DeathNotification Valid() => new()
    {
        SchemaVersion = 1,
        SourceSystem = "test-pas",
        NotificationId = "n-000001",
        PublisherOdsCode = "RXX",
        SiteOdsCode = "RXX01",
        PlaceOfDeath = PlacesOfDeath.HospitalInpatient,
        Deceased = new Deceased
        {
            NhsNumber = ValidNhsNumber,
            IdentityConfirmed = true,
            GivenName = "Test",
            FamilyName = "Patient",
            DateOfBirth = "1940-03-15",
            Sex = "female",
            Postcode = "LS1 4AP",
            LearningDisabilityOrAutism = false,
        },
        DateTimeOfDeath = "2026-11-20T03:15:00+00:00",
        AttendingPractitioner = new AttendingPractitioner { GmcNumber = "7654321", Name = "Dr Test Doctor", AvailableWithinReasonableTime = true },
        ProposedCauseOfDeath = new ProposedCauseOfDeath { Ia = "Bronchopneumonia", Ii = "Chronic obstructive pulmonary disease" },
        Circumstances = [],
        Informant = new Informant
        {
            Name = "Test Relative",
            Relationship = "daughter",
            Phone = "07700 900123",
            Email = "test.relative@example.org",
            Address = "1 Test Street, Leeds",
            PreferredChannel = ContactChannels.Email,
            Language = Languages.English,
            ConsentToContact = true,
        },
    };

    public static DeathNotification WithCause(this DeathNotification n, string? ia, string? ib = null, string? ic = null, string? ii = null) =>
        n with { ProposedCauseOfDeath = new ProposedCauseOfDeath { Ia = ia, Ib = ib, Ic = ic, Ii = ii } };

    public static DeathNotification WithDeceased(this DeathNotification n, Func<Deceased, Deceased> change) =>
        n with { Deceased = change(n.Deceased!) };

    /// <summary>Sets the date of birth so the person was exactly <paramref name="years"/> at death (the day after a birthday).</summary>
    public static DeathNotification AgedAtDeath(this DeathNotification n, int years) =>
        n.WithDeceased(d => d with { DateOfBirth = new DateOnly(2026 - years, 11, 19).ToString("yyyy-MM-dd") });

    public static AcceptedNotification Accept(this DeathNotification n)
    {
        var result = NotificationValidator.Validate(n, Now);
        Assert.True(result.IsValid, "test notification should be valid; errors: " + string.Join(", ", result.Errors.Select(e => $"{e.Code} {e.Field}")));
        return result.Accepted!;
    }
}
