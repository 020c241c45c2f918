using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Tests;

public sealed class NotificationValidatorTests
{
    private static readonly string LongText = new('x', 501);

    // One rule per row: a named change to a valid notification, the error code and field it must yield.
    private static readonly Dictionary<string, (Func<DeathNotification, DeathNotification> Change, string Code, string Field)> Rules = new()
    {
        ["schema version 2"] = (n => n with { SchemaVersion = 2 }, ValidationErrorCodes.UnsupportedSchemaVersion, "schemaVersion"),
        ["schema version missing"] = (n => n with { SchemaVersion = 0 }, ValidationErrorCodes.UnsupportedSchemaVersion, "schemaVersion"),
        ["source system missing"] = (n => n with { SourceSystem = null }, ValidationErrorCodes.Required, "sourceSystem"),
        ["source system blank"] = (n => n with { SourceSystem = "  " }, ValidationErrorCodes.Required, "sourceSystem"),
        ["source system 65 chars"] = (n => n with { SourceSystem = new string('s', 65) }, ValidationErrorCodes.TooLong, "sourceSystem"),
        ["notification id missing"] = (n => n with { NotificationId = null }, ValidationErrorCodes.Required, "notificationId"),
        ["notification id 65 chars"] = (n => n with { NotificationId = new string('n', 65) }, ValidationErrorCodes.TooLong, "notificationId"),
        ["publisher ods missing"] = (n => n with { PublisherOdsCode = null }, ValidationErrorCodes.Required, "publisherOdsCode"),
        ["publisher ods lower case"] = (n => n with { PublisherOdsCode = "rxx" }, ValidationErrorCodes.InvalidFormat, "publisherOdsCode"),
        ["site ods missing"] = (n => n with { SiteOdsCode = null }, ValidationErrorCodes.Required, "siteOdsCode"),
        ["site ods too short"] = (n => n with { SiteOdsCode = "R1" }, ValidationErrorCodes.InvalidFormat, "siteOdsCode"),
        ["site ods too long"] = (n => n with { SiteOdsCode = "RXX0123456X" }, ValidationErrorCodes.InvalidFormat, "siteOdsCode"),
        ["site ods punctuation"] = (n => n with { SiteOdsCode = "RXX-01" }, ValidationErrorCodes.InvalidFormat, "siteOdsCode"),
        ["place of death missing"] = (n => n with { PlaceOfDeath = null }, ValidationErrorCodes.Required, "placeOfDeath"),
        ["place of death unknown"] = (n => n with { PlaceOfDeath = "car-park" }, ValidationErrorCodes.UnknownCode, "placeOfDeath"),
        ["place of death wrong case"] = (n => n with { PlaceOfDeath = "Hospice" }, ValidationErrorCodes.UnknownCode, "placeOfDeath"),
        ["deceased missing"] = (n => n with { Deceased = null }, ValidationErrorCodes.Required, "deceased"),
        ["nhs number bad check digit"] = (n => n.WithDeceased(d => d with { NhsNumber = "9990000019" }), ValidationErrorCodes.InvalidNhsNumber, "deceased.nhsNumber"),
        ["nhs number with spaces"] = (n => n.WithDeceased(d => d with { NhsNumber = "999 000 0018" }), ValidationErrorCodes.InvalidNhsNumber, "deceased.nhsNumber"),
        ["identity confirmed missing"] = (n => n.WithDeceased(d => d with { IdentityConfirmed = null }), ValidationErrorCodes.Required, "deceased.identityConfirmed"),
        ["given name 101 chars"] = (n => n.WithDeceased(d => d with { GivenName = new string('g', 101) }), ValidationErrorCodes.TooLong, "deceased.givenName"),
        ["family name 101 chars"] = (n => n.WithDeceased(d => d with { FamilyName = new string('f', 101) }), ValidationErrorCodes.TooLong, "deceased.familyName"),
        ["date of birth not iso"] = (n => n.WithDeceased(d => d with { DateOfBirth = "15/03/1940" }), ValidationErrorCodes.InvalidFormat, "deceased.dateOfBirth"),
        ["date of birth impossible"] = (n => n.WithDeceased(d => d with { DateOfBirth = "1940-02-30" }), ValidationErrorCodes.InvalidFormat, "deceased.dateOfBirth"),
        ["date of birth in future"] = (n => n.WithDeceased(d => d with { DateOfBirth = "2027-01-01" }), ValidationErrorCodes.InTheFuture, "deceased.dateOfBirth"),
        ["sex unknown code"] = (n => n.WithDeceased(d => d with { Sex = "F" }), ValidationErrorCodes.UnknownCode, "deceased.sex"),
        ["postcode malformed"] = (n => n.WithDeceased(d => d with { Postcode = "LEEDS 1" }), ValidationErrorCodes.InvalidFormat, "deceased.postcode"),
        ["death time missing"] = (n => n with { DateTimeOfDeath = null }, ValidationErrorCodes.Required, "dateTimeOfDeath"),
        ["death time without offset"] = (n => n with { DateTimeOfDeath = "2026-11-20T03:15:00" }, ValidationErrorCodes.InvalidFormat, "dateTimeOfDeath"),
        ["death time date only"] = (n => n with { DateTimeOfDeath = "2026-11-20" }, ValidationErrorCodes.InvalidFormat, "dateTimeOfDeath"),
        ["death time not a date"] = (n => n with { DateTimeOfDeath = "yesterday" }, ValidationErrorCodes.InvalidFormat, "dateTimeOfDeath"),
        ["death time beyond clock skew"] = (n => n with { DateTimeOfDeath = "2026-11-20T12:06:00+00:00" }, ValidationErrorCodes.InTheFuture, "dateTimeOfDeath"),
        ["death before birth"] = (n => n with { DateTimeOfDeath = "1939-12-31T10:00:00+00:00" }, ValidationErrorCodes.BeforeBirth, "dateTimeOfDeath"),
        ["gmc number 6 digits"] = (n => n with { AttendingPractitioner = n.AttendingPractitioner! with { GmcNumber = "123456" } }, ValidationErrorCodes.InvalidFormat, "attendingPractitioner.gmcNumber"),
        ["gmc number letters"] = (n => n with { AttendingPractitioner = n.AttendingPractitioner! with { GmcNumber = "GMC1234" } }, ValidationErrorCodes.InvalidFormat, "attendingPractitioner.gmcNumber"),
        ["practitioner name 101 chars"] = (n => n with { AttendingPractitioner = n.AttendingPractitioner! with { Name = new string('p', 101) } }, ValidationErrorCodes.TooLong, "attendingPractitioner.name"),
        ["cause ia 501 chars"] = (n => n.WithCause(LongText), ValidationErrorCodes.TooLong, "proposedCauseOfDeath.ia"),
        ["cause ib 501 chars"] = (n => n.WithCause("Pneumonia", ib: LongText), ValidationErrorCodes.TooLong, "proposedCauseOfDeath.ib"),
        ["cause ic 501 chars"] = (n => n.WithCause("Pneumonia", ic: LongText), ValidationErrorCodes.TooLong, "proposedCauseOfDeath.ic"),
        ["cause ii 501 chars"] = (n => n.WithCause("Pneumonia", ii: LongText), ValidationErrorCodes.TooLong, "proposedCauseOfDeath.ii"),
        ["circumstance unknown code"] = (n => n with { Circumstances = [ReasonCodes.Violence, "murder"] }, ValidationErrorCodes.UnknownCode, "circumstances[1]"),
        ["circumstance null"] = (n => n with { Circumstances = [null!] }, ValidationErrorCodes.Required, "circumstances[0]"),
        ["circumstances too many"] = (n => n with { Circumstances = Enumerable.Repeat(ReasonCodes.Violence, 15).ToList() }, ValidationErrorCodes.TooMany, "circumstances"),
        ["urgent release reason missing"] = (n => n with { UrgentRelease = new UrgentRelease() }, ValidationErrorCodes.Required, "urgentRelease.reason"),
        ["urgent release reason unknown"] = (n => n with { UrgentRelease = new UrgentRelease { Reason = "holiday" } }, ValidationErrorCodes.UnknownCode, "urgentRelease.reason"),
        ["informant name 101 chars"] = (n => n with { Informant = n.Informant! with { Name = new string('i', 101) } }, ValidationErrorCodes.TooLong, "informant.name"),
        ["informant relationship 101 chars"] = (n => n with { Informant = n.Informant! with { Relationship = new string('r', 101) } }, ValidationErrorCodes.TooLong, "informant.relationship"),
        ["informant address 301 chars"] = (n => n with { Informant = n.Informant! with { Address = new string('a', 301) } }, ValidationErrorCodes.TooLong, "informant.address"),
        ["informant phone letters"] = (n => n with { Informant = n.Informant! with { Phone = "call me" } }, ValidationErrorCodes.InvalidFormat, "informant.phone"),
        ["informant phone 21 chars"] = (n => n with { Informant = n.Informant! with { Phone = "+44 7700 900 123 4567" } }, ValidationErrorCodes.InvalidFormat, "informant.phone"),
        ["informant email no at"] = (n => n with { Informant = n.Informant! with { Email = "test.relative.example.org" } }, ValidationErrorCodes.InvalidFormat, "informant.email"),
        ["informant email 255 chars"] = (n => n with { Informant = n.Informant! with { Email = new string('e', 243) + "@example.org" } }, ValidationErrorCodes.InvalidFormat, "informant.email"),
        ["informant channel unknown"] = (n => n with { Informant = n.Informant! with { PreferredChannel = "pigeon" } }, ValidationErrorCodes.UnknownCode, "informant.preferredChannel"),
        ["informant language unknown"] = (n => n with { Informant = n.Informant! with { Language = "fr" } }, ValidationErrorCodes.UnknownCode, "informant.language"),
    };

    public static TheoryData<string> RuleNames => new(Rules.Keys);

    [Fact]
    public void complete_valid_notification_is_accepted_with_parsed_values()
    {
        var result = NotificationValidator.Validate(Notifications.Valid(), Notifications.Now);

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        var accepted = result.Accepted!;
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 3, 15, 0, TimeSpan.Zero), accepted.DateTimeOfDeath);
        Assert.Equal(new DateOnly(1940, 3, 15), accepted.DateOfBirth);
        Assert.Equal(86, accepted.AgeAtDeathYears);
        Assert.Equal("LS1", accepted.PostcodeDistrict);
    }

    [Fact]
    public void minimal_notification_with_only_required_fields_is_accepted()
    {
        var minimal = new DeathNotification
        {
            SchemaVersion = 1,
            SourceSystem = "test-pas",
            NotificationId = "n-2",
            PublisherOdsCode = "RXX",
            SiteOdsCode = "RXX01",
            PlaceOfDeath = PlacesOfDeath.Home,
            Deceased = new Deceased { IdentityConfirmed = true },
            DateTimeOfDeath = "2026-11-20T03:15:00Z",
        };

        var result = NotificationValidator.Validate(minimal, Notifications.Now);

        Assert.True(result.IsValid, string.Join(", ", result.Errors.Select(e => $"{e.Code} {e.Field}")));
        Assert.Null(result.Accepted!.DateOfBirth);
        Assert.Null(result.Accepted.AgeAtDeathYears);
        Assert.Null(result.Accepted.PostcodeDistrict);
    }

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void each_rule_reports_its_code_and_field(string rule)
    {
        var (change, code, field) = Rules[rule];

        var result = NotificationValidator.Validate(change(Notifications.Valid()), Notifications.Now);

        Assert.False(result.IsValid);
        Assert.Null(result.Accepted);
        Assert.Equal([new ValidationError(code, field)], result.Errors);
    }

    [Fact]
    public void every_error_is_reported_not_just_the_first()
    {
        var n = Notifications.Valid() with
        {
            SourceSystem = null,
            PlaceOfDeath = "car-park",
            Circumstances = ["murder"],
            Informant = Notifications.Valid().Informant! with { Language = "fr" },
        };
        n = n.WithDeceased(d => d with { NhsNumber = "9990000019" });

        var result = NotificationValidator.Validate(n, Notifications.Now);

        Assert.Equal(
            new[] { "circumstances[0]", "deceased.nhsNumber", "informant.language", "placeOfDeath", "sourceSystem" },
            result.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("2026-11-20T12:04:59+00:00")] // within five minutes of clock skew
    [InlineData("2026-11-20T13:00:00+01:00")] // noon UTC written in BST-style offset
    [InlineData("2026-11-20T03:15:00.123Z")]
    [InlineData("2026-11-20T03:15+00:00")]
    public void death_time_with_offset_and_not_in_the_future_is_accepted(string value)
    {
        var result = NotificationValidator.Validate(Notifications.Valid() with { DateTimeOfDeath = value }, Notifications.Now);

        Assert.True(result.IsValid, string.Join(", ", result.Errors.Select(e => $"{e.Code} {e.Field}")));
    }

    [Fact]
    public void death_on_the_day_of_birth_is_accepted()
    {
        var n = Notifications.Valid().WithDeceased(d => d with { DateOfBirth = "2026-11-19" }) with { DateTimeOfDeath = "2026-11-19T23:00:00+00:00" };

        var accepted = NotificationValidator.Validate(n, Notifications.Now).Accepted;

        Assert.NotNull(accepted);
        Assert.Equal(0, accepted.AgeAtDeathYears);
    }

    [Theory]
    [InlineData("1940-11-20", 86)] // birthday on the day of death counts
    [InlineData("1940-11-21", 85)]
    [InlineData("2008-11-21", 17)]
    [InlineData("2008-11-20", 18)]
    public void age_at_death_is_completed_years(string dateOfBirth, int expected)
    {
        var accepted = Notifications.Valid().WithDeceased(d => d with { DateOfBirth = dateOfBirth }).Accept();

        Assert.Equal(expected, accepted.AgeAtDeathYears);
    }

    [Theory]
    [InlineData("ls1 4ap", "LS1")]
    [InlineData("SW1A 1AA", "SW1A")]
    [InlineData("M11AE", "M1")]
    [InlineData("B33 8TH", "B33")]
    public void postcode_district_is_the_upper_case_outward_code(string postcode, string district)
    {
        var accepted = Notifications.Valid().WithDeceased(d => d with { Postcode = postcode }).Accept();

        Assert.Equal(district, accepted.PostcodeDistrict);
    }

    [Theory]
    [InlineData("+44 7700 900123")]
    [InlineData("0113 496 0000")]
    public void phone_numbers_as_people_write_them_are_accepted(string phone)
    {
        var n = Notifications.Valid() with { Informant = Notifications.Valid().Informant! with { Phone = phone } };

        Assert.True(NotificationValidator.Validate(n, Notifications.Now).IsValid);
    }

    [Fact]
    public void errors_never_contain_the_offending_values()
    {
        var n = Notifications.Valid() with
        {
            SourceSystem = "SRC-VALUE-MARKER-" + new string('s', 60),
            PlaceOfDeath = "PLACE-VALUE-MARKER",
            Circumstances = ["CIRCUMSTANCE-VALUE-MARKER"],
            Informant = Notifications.Valid().Informant! with { Email = "EMAIL-VALUE-MARKER", Phone = "PHONE-VALUE-MARKER" },
        };
        n = n.WithDeceased(d => d with { NhsNumber = "9990000019", GivenName = "GIVEN-VALUE-MARKER" + new string('g', 100), Postcode = "POSTCODE-VALUE-MARKER" });

        var errors = NotificationValidator.Validate(n, Notifications.Now).Errors;

        Assert.Equal(8, errors.Count);
        var rendered = string.Join("|", errors.Select(e => e.ToString()));
        Assert.DoesNotContain("MARKER", rendered, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("9990000019", rendered, StringComparison.Ordinal);
    }
}
