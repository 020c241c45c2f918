namespace MedicalExaminer.Contracts;

/// <summary>
/// The explainable triage decision of DOMAIN.md §3:
/// <c>{ "route": "coroner-referral" | "scrutiny", "reasons": [ { "code", "source", "evidence" } ] }</c>.
/// Evidence names a field, a circumstance code, or a text part and matched term; never the person.
/// </summary>
public sealed record TriageDecision(string Route, IReadOnlyList<TriageReason> Reasons);

public sealed record TriageReason(string Code, string Source, string Evidence);

/// <summary>A validation failure: a machine-readable code and the field's JSON path, never its value.</summary>
public sealed record ValidationError(string Code, string Field);
