using System.Globalization;
using System.Text.RegularExpressions;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain;

/// <summary>
/// Validates every field of a death notification (DOMAIN §2). Each error is a code and the field's
/// JSON path; the value is never reported (it may be an NHS number, a name or a phone number).
/// </summary>
public static partial class NotificationValidator
{
    public const int IdMaxLength = 64;
    public const int NameMaxLength = 100;
    public const int CauseTextMaxLength = 500;
    public const int AddressMaxLength = 300;
    public const int EmailMaxLength = 254;

    /// <summary>Clocks of publishers drift; a death a few minutes "in the future" is not an error.</summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK",
    ];

    public static NotificationValidation Validate(DeathNotification notification, DateTimeOffset now)
    {
        var errors = new List<ValidationError>();
        void Error(string code, string field) => errors.Add(new ValidationError(code, field));

        if (notification.SchemaVersion != 1)
        {
            Error(ValidationErrorCodes.UnsupportedSchemaVersion, "schemaVersion");
        }

        RequiredText(notification.SourceSystem, "sourceSystem", IdMaxLength, errors);
        RequiredText(notification.NotificationId, "notificationId", IdMaxLength, errors);
        OdsCode(notification.PublisherOdsCode, "publisherOdsCode", errors);
        OdsCode(notification.SiteOdsCode, "siteOdsCode", errors);
        Code(notification.PlaceOfDeath, "placeOfDeath", PlacesOfDeath.All, required: true, errors);

        var dateOfBirth = ValidateDeceased(notification.Deceased, now, errors);
        var dateTimeOfDeath = ValidateDateTimeOfDeath(notification.DateTimeOfDeath, dateOfBirth, now, errors);
        ValidateAttendingPractitioner(notification.AttendingPractitioner, errors);
        ValidateCause(notification.ProposedCauseOfDeath, errors);
        ValidateCircumstances(notification.Circumstances, errors);
        if (notification.UrgentRelease is { } urgent)
        {
            Code(urgent.Reason, "urgentRelease.reason", UrgentReleaseReasons.All, required: true, errors);
        }

        ValidateInformant(notification.Informant, errors);

        if (errors.Count > 0 || dateTimeOfDeath is null)
        {
            return new NotificationValidation(null, errors);
        }

        return new NotificationValidation(
            new AcceptedNotification(
                notification,
                dateTimeOfDeath.Value,
                dateOfBirth,
                dateOfBirth is { } dob ? AgeInYears(dob, DateOnly.FromDateTime(dateTimeOfDeath.Value.DateTime)) : null,
                PostcodeDistrictOf(notification.Deceased?.Postcode)),
            []);
    }

    /// <summary>The outward code of a UK postcode ("LS1 4AP" → "LS1"), upper case.</summary>
    public static string? PostcodeDistrictOf(string? postcode)
    {
        if (string.IsNullOrWhiteSpace(postcode))
        {
            return null;
        }

        var compact = postcode.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return compact.Length > 3 ? compact[..^3] : null;
    }

    public static int AgeInYears(DateOnly dateOfBirth, DateOnly onDate)
    {
        var age = onDate.Year - dateOfBirth.Year;
        return onDate < dateOfBirth.AddYears(age) ? age - 1 : age;
    }

    private static DateOnly? ValidateDeceased(Deceased? deceased, DateTimeOffset now, List<ValidationError> errors)
    {
        if (deceased is null)
        {
            errors.Add(new(ValidationErrorCodes.Required, "deceased"));
            return null;
        }

        // Only the canonical 10-digit form is accepted ("943 476 5919" is refused): the number is a
        // matching key downstream, and one spelling per person keeps every system's lookups exact.
        if (deceased.NhsNumber is not null && !NhsNumber.IsValid(deceased.NhsNumber))
        {
            errors.Add(new(ValidationErrorCodes.InvalidNhsNumber, "deceased.nhsNumber"));
        }

        if (deceased.IdentityConfirmed is null)
        {
            errors.Add(new(ValidationErrorCodes.Required, "deceased.identityConfirmed"));
        }

        OptionalText(deceased.GivenName, "deceased.givenName", NameMaxLength, errors);
        OptionalText(deceased.FamilyName, "deceased.familyName", NameMaxLength, errors);
        Code(deceased.Sex, "deceased.sex", Sexes.All, required: false, errors);
        if (deceased.Postcode is not null && !PostcodePattern().IsMatch(deceased.Postcode))
        {
            errors.Add(new(ValidationErrorCodes.InvalidFormat, "deceased.postcode"));
        }

        if (deceased.DateOfBirth is null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(deceased.DateOfBirth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dateOfBirth))
        {
            errors.Add(new(ValidationErrorCodes.InvalidFormat, "deceased.dateOfBirth"));
            return null;
        }

        // A day of slack: "today" differs by time zone. A future birth is the error to report, so it
        // is not passed on to raise a second, derived error against the time of death.
        if (dateOfBirth > DateOnly.FromDateTime(now.UtcDateTime.AddDays(1)))
        {
            errors.Add(new(ValidationErrorCodes.InTheFuture, "deceased.dateOfBirth"));
            return null;
        }

        return dateOfBirth;
    }

    private static DateTimeOffset? ValidateDateTimeOfDeath(string? value, DateOnly? dateOfBirth, DateTimeOffset now, List<ValidationError> errors)
    {
        const string Field = "dateTimeOfDeath";
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(ValidationErrorCodes.Required, Field));
            return null;
        }

        // ISO 8601 with an explicit offset: a time without one is ambiguous across the clock change.
        if (!OffsetSuffix().IsMatch(value)
            || !DateTimeOffset.TryParseExact(value, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var death))
        {
            errors.Add(new(ValidationErrorCodes.InvalidFormat, Field));
            return null;
        }

        if (death > now + ClockSkewAllowance)
        {
            errors.Add(new(ValidationErrorCodes.InTheFuture, Field));
        }

        if (dateOfBirth is { } dob && DateOnly.FromDateTime(death.DateTime) < dob)
        {
            errors.Add(new(ValidationErrorCodes.BeforeBirth, Field));
        }

        return death;
    }

    private static void ValidateAttendingPractitioner(AttendingPractitioner? practitioner, List<ValidationError> errors)
    {
        if (practitioner is null)
        {
            return;
        }

        if (practitioner.GmcNumber is not null && !GmcPattern().IsMatch(practitioner.GmcNumber))
        {
            errors.Add(new(ValidationErrorCodes.InvalidFormat, "attendingPractitioner.gmcNumber"));
        }

        OptionalText(practitioner.Name, "attendingPractitioner.name", NameMaxLength, errors);

        // availableWithinReasonableTime may be absent: unknown is not "unavailable" (DOMAIN §3 (f), corrected in issue 16);
        // the case stays with the ME and the officer confirms it.
    }

    private static void ValidateCause(ProposedCauseOfDeath? cause, List<ValidationError> errors)
    {
        if (cause is null)
        {
            return;
        }

        OptionalText(cause.Ia, "proposedCauseOfDeath.ia", CauseTextMaxLength, errors);
        OptionalText(cause.Ib, "proposedCauseOfDeath.ib", CauseTextMaxLength, errors);
        OptionalText(cause.Ic, "proposedCauseOfDeath.ic", CauseTextMaxLength, errors);
        OptionalText(cause.Ii, "proposedCauseOfDeath.ii", CauseTextMaxLength, errors);
    }

    private static void ValidateCircumstances(IReadOnlyList<string>? circumstances, List<ValidationError> errors)
    {
        if (circumstances is null)
        {
            return;
        }

        if (circumstances.Count > ReasonCodes.All.Count)
        {
            errors.Add(new(ValidationErrorCodes.TooMany, "circumstances"));
            return;
        }

        for (var i = 0; i < circumstances.Count; i++)
        {
            Code(circumstances[i], $"circumstances[{i}]", ReasonCodes.All, required: true, errors);
        }
    }

    private static void ValidateInformant(Informant? informant, List<ValidationError> errors)
    {
        if (informant is null)
        {
            return;
        }

        OptionalText(informant.Name, "informant.name", NameMaxLength, errors);
        OptionalText(informant.Relationship, "informant.relationship", NameMaxLength, errors);
        OptionalText(informant.Address, "informant.address", AddressMaxLength, errors);
        if (informant.Phone is not null && !PhonePattern().IsMatch(informant.Phone))
        {
            errors.Add(new(ValidationErrorCodes.InvalidFormat, "informant.phone"));
        }

        if (informant.Email is not null && (informant.Email.Length > EmailMaxLength || !EmailPattern().IsMatch(informant.Email)))
        {
            errors.Add(new(ValidationErrorCodes.InvalidFormat, "informant.email"));
        }

        Code(informant.PreferredChannel, "informant.preferredChannel", ContactChannels.All, required: false, errors);
        Code(informant.Language, "informant.language", Languages.All, required: false, errors);
    }

    private static void RequiredText(string? value, string field, int maxLength, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(ValidationErrorCodes.Required, field));
        }
        else if (value.Length > maxLength)
        {
            errors.Add(new(ValidationErrorCodes.TooLong, field));
        }
    }

    private static void OptionalText(string? value, string field, int maxLength, List<ValidationError> errors)
    {
        if (value is not null && value.Length > maxLength)
        {
            errors.Add(new(ValidationErrorCodes.TooLong, field));
        }
    }

    private static void OdsCode(string? value, string field, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(ValidationErrorCodes.Required, field));
        }
        else if (!OdsPattern().IsMatch(value))
        {
            errors.Add(new(ValidationErrorCodes.InvalidFormat, field));
        }
    }

    private static void Code(string? value, string field, IReadOnlyList<string> allowed, bool required, List<ValidationError> errors)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(new(ValidationErrorCodes.Required, field));
            }
        }
        else if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new(ValidationErrorCodes.UnknownCode, field));
        }
    }

    // ODS codes: 3 to 10 upper-case letters and digits (trusts "RXX", sites "RXX01", practices "A81001").
    [GeneratedRegex("^[A-Z0-9]{3,10}$")]
    private static partial Regex OdsPattern();

    [GeneratedRegex("(Z|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex OffsetSuffix();

    [GeneratedRegex("^[0-9]{7}$")]
    private static partial Regex GmcPattern();

    [GeneratedRegex("^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$")]
    private static partial Regex PostcodePattern();

    // Digits, spaces and a leading +, 6 to 20 characters in all: UK and international numbers as people write them.
    [GeneratedRegex("^(?=.{6,20}$)\\+?[0-9 ]+$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")]
    private static partial Regex EmailPattern();
}
