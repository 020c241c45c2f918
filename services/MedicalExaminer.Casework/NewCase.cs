using MedicalExaminer.Contracts;

namespace MedicalExaminer.Casework;

/// <summary>A case intake wants to open, with the case events that record its opening.</summary>
public sealed record NewCase(
    Guid CaseId,
    string SourceSystem,
    string NotificationId,
    string PublisherOdsCode,
    string SiteOdsCode,
    string? OfficeId,
    string State,
    string Queue,
    string Route,
    string PlaceOfDeath,
    DateTimeOffset DateTimeOfDeath,
    string? UrgentReleaseReason,
    bool LederFlag,
    bool CdopFlag,
    string NotificationJson,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<TriageReason> Reasons,
    IReadOnlyList<CaseEvent> Events);

/// <summary>What one batch write did: the ids of the cases it actually opened (the rest were duplicates).</summary>
public sealed record IntakeWriteResult(IReadOnlySet<Guid> CreatedCaseIds);
