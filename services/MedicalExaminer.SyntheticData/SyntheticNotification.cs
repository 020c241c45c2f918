namespace MedicalExaminer.SyntheticData;

/// <summary>How a generated stream is made up: each rate is the share of messages of that kind.</summary>
/// <param name="DuplicateRate">Re-deliveries of an earlier message (same key, same bytes).</param>
/// <param name="InvalidRate">Messages the parser must refuse.</param>
/// <param name="UnroutedRate">Valid notifications from a site and a postcode district no office covers.</param>
/// <param name="CoronerReferralRate">Valid notifications built to meet at least one coroner-referral criterion.</param>
/// <param name="UrgentReleaseRate">Valid notifications asking for an urgent release of the body.</param>
public sealed record SyntheticMix(
    double DuplicateRate = 0.01,
    double InvalidRate = 0.005,
    double UnroutedRate = 0.01,
    double CoronerReferralRate = 0.3,
    double UrgentReleaseRate = 0.05);

public enum SyntheticKind
{
    Valid,
    Duplicate,
    Invalid,
}

/// <summary>
/// One generated message. The intended route, office and queue are known by construction (how the
/// notification was built), not by running the triage, so tests can use them as an independent oracle.
/// A duplicate carries the intentions of the notification it repeats; an invalid message has none.
/// </summary>
public sealed record SyntheticNotification(
    string Key,
    byte[] Value,
    SyntheticKind Kind,
    string? IntendedRoute,
    string? IntendedOfficeId,
    string? IntendedQueue);
