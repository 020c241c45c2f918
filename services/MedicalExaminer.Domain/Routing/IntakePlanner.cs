using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain;

/// <summary>What intake does with an accepted notification: its triage, office, queue and first state.</summary>
public sealed record IntakePlan(
    TriageDecision Decision,
    string? OfficeId,
    string Queue,
    string State,
    bool LederFlag,
    bool CdopFlag);

public static class IntakePlanner
{
    public const int ChildDeathAgeLimit = 18;

    public static IntakePlan Plan(AcceptedNotification accepted, OfficeDirectory offices)
    {
        var n = accepted.Notification;
        var decision = TriageEngine.Decide(accepted);
        var officeId = offices.Route(n.SiteOdsCode, accepted.PostcodeDistrict);

        var (queue, state) = decision.Route == Routes.CoronerReferral
            ? (Queues.CoronerReferralReview, CaseStates.CoronerReferralReview)
            : (n.UrgentRelease is not null ? Queues.UrgentRelease : Queues.Scrutiny, CaseStates.AwaitingScrutiny);

        return new IntakePlan(
            decision,
            officeId,
            officeId is null ? Queues.Unrouted : queue,
            state,
            LederFlag: n.Deceased?.LearningDisabilityOrAutism == true,
            CdopFlag: accepted.AgeAtDeathYears < ChildDeathAgeLimit);
    }
}
