using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain;

/// <summary>A notification that passed validation, with its parsed values.</summary>
public sealed record AcceptedNotification(
    DeathNotification Notification,
    DateTimeOffset DateTimeOfDeath,
    DateOnly? DateOfBirth,
    int? AgeAtDeathYears,
    string? PostcodeDistrict);

/// <summary>Either an accepted notification or the errors that refused it (all of them, not just the first).</summary>
public sealed record NotificationValidation(AcceptedNotification? Accepted, IReadOnlyList<ValidationError> Errors)
{
    public bool IsValid => Accepted is not null;

    public static NotificationValidation Refused(string code, string field) => new(null, [new ValidationError(code, field)]);
}
