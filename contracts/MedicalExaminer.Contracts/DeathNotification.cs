namespace MedicalExaminer.Contracts;

// The wire form of a death notification (DOMAIN.md §2), exactly as publishers send it.
// Codes and dates stay strings here so that a wrong value is reported by the domain's
// validator as a field-level error (code + field name) instead of failing deserialization.

public sealed record DeathNotification
{
    public int SchemaVersion { get; init; }
    public string? SourceSystem { get; init; }
    public string? NotificationId { get; init; }
    public string? PublisherOdsCode { get; init; }
    public string? SiteOdsCode { get; init; }
    public string? PlaceOfDeath { get; init; }
    public Deceased? Deceased { get; init; }

    /// <summary>ISO 8601 with an offset, e.g. <c>2026-11-20T03:15:00+00:00</c>.</summary>
    public string? DateTimeOfDeath { get; init; }

    public AttendingPractitioner? AttendingPractitioner { get; init; }
    public ProposedCauseOfDeath? ProposedCauseOfDeath { get; init; }
    public IReadOnlyList<string>? Circumstances { get; init; }
    public UrgentRelease? UrgentRelease { get; init; }
    public Informant? Informant { get; init; }
}

public sealed record Deceased
{
    public string? NhsNumber { get; init; }
    public bool? IdentityConfirmed { get; init; }
    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }

    /// <summary>ISO 8601 date, <c>yyyy-MM-dd</c>.</summary>
    public string? DateOfBirth { get; init; }

    public string? Sex { get; init; }
    public string? Postcode { get; init; }
    public bool? LearningDisabilityOrAutism { get; init; }
}

public sealed record AttendingPractitioner
{
    public string? GmcNumber { get; init; }
    public string? Name { get; init; }
    public bool? AvailableWithinReasonableTime { get; init; }
}

/// <summary>MCCD parts Ia–Ic and II, free text.</summary>
public sealed record ProposedCauseOfDeath
{
    public string? Ia { get; init; }
    public string? Ib { get; init; }
    public string? Ic { get; init; }
    public string? Ii { get; init; }
}

public sealed record UrgentRelease
{
    public string? Reason { get; init; }
}

public sealed record Informant
{
    public string? Name { get; init; }
    public string? Relationship { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? Address { get; init; }
    public string? PreferredChannel { get; init; }
    public string? Language { get; init; }
    public bool? ConsentToContact { get; init; }
}
