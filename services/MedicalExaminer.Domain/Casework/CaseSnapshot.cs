using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Casework;

/// <summary>The MCCD cause of death agreed with the attending practitioner (parts Ia–Ic and II).</summary>
public sealed record AgreedCause(string Ia, string? Ib, string? Ic, string? Ii);

/// <summary>
/// What the workflow needs to know about a case to decide a command. Loaded from and written back
/// to <c>casework.cases</c>; <see cref="CaseWorkflow.Evolve"/> is the only way it changes.
/// </summary>
public sealed record CaseSnapshot
{
    public required Guid CaseId { get; init; }
    public required string? OfficeId { get; init; }
    public required string State { get; init; }

    /// <summary>Null once the case has ended (scrutiny complete, coroner investigating).</summary>
    public required string? Queue { get; init; }

    public required string Route { get; init; }
    public required DateTimeOffset DateTimeOfDeath { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public int? AgeAtDeathYears { get; init; }
    public IReadOnlyList<string> TriageReasonCodes { get; init; } = [];

    public string? UrgentReleaseReason { get; init; }
    public string? UrgentReleaseDecision { get; init; }

    /// <summary>The medical examiner the case is assigned to; persists until released or handed over.</summary>
    public string? AssignedExaminer { get; init; }

    /// <summary>When the assigned examiner last took or worked the case (what an office's idle lapse counts from).</summary>
    public DateTimeOffset? ExaminerActiveAt { get; init; }

    /// <summary>The officer the case is assigned to, besides the examiner; an officer never blocks the examiner.</summary>
    public string? AssignedOfficer { get; init; }

    public DateTimeOffset? OfficerActiveAt { get; init; }

    public DateTimeOffset? RecordsReviewedAt { get; init; }
    public AgreedCause? AgreedCause { get; init; }
    public string? BereavedOutcome { get; init; }
    public bool? BereavedConcerns { get; init; }
    public bool ClinicalGovernanceFlag { get; init; }
    public bool LederFlag { get; init; }
    public bool CdopFlag { get; init; }
    public string? CoronerDecision { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When the registrar received the MCCD: the registration clock runs from here (DOMAIN §4); null before.</summary>
    public DateTimeOffset? RegistrarReceivedAt { get; init; }

    /// <summary>Optimistic concurrency: bumped by every accepted command.</summary>
    public required int Version { get; init; }

    public required int LastEventSequence { get; init; }

    public bool UrgentReleasePending => UrgentReleaseReason is not null && UrgentReleaseDecision is null;

    /// <summary>Who holds the case in <paramref name="role"/> (examiner or officer); null for any other role.</summary>
    public string? AssigneeIn(string role) => role switch
    {
        Roles.MedicalExaminer => AssignedExaminer,
        Roles.MedicalExaminerOfficer => AssignedOfficer,
        _ => null,
    };

    public bool IsAssigned => AssignedExaminer is not null || AssignedOfficer is not null;
}
