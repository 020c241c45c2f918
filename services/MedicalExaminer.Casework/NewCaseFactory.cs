using System.Text;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;

namespace MedicalExaminer.Casework;

/// <summary>Turns an accepted notification and its intake plan into a case and its opening events.</summary>
public static class NewCaseFactory
{
    public static readonly EventActor Actor = EventActor.Service("intake-worker");

    public static NewCase Create(AcceptedNotification accepted, IntakePlan plan, ReadOnlySpan<byte> originalJson, DateTimeOffset now)
    {
        var n = accepted.Notification;
        var caseId = Guid.CreateVersion7(now);

        CaseEventBody routed = plan.Decision.Route == Routes.CoronerReferral
            ? new CaseRoutedToCoronerReferralReview(plan.OfficeId, plan.Queue)
            : new CaseRoutedToScrutiny(plan.OfficeId, plan.Queue);

        CaseEventBody[] bodies =
        [
            new NotificationReceived(
                n.SourceSystem!,
                n.NotificationId!,
                n.PublisherOdsCode!,
                n.SiteOdsCode!,
                n.PlaceOfDeath!,
                accepted.DateTimeOfDeath,
                accepted.AgeAtDeathYears,
                plan.LederFlag,
                n.UrgentRelease?.Reason,
                plan.OfficeId,
                new DeceasedSummary(n.Deceased?.GivenName, n.Deceased?.FamilyName),
                n.Informant),
            new CaseTriaged(plan.Decision.Route, plan.Decision.Reasons),
            routed,
        ];

        var events = new CaseEvent[bodies.Length];
        for (var i = 0; i < bodies.Length; i++)
        {
            events[i] = new CaseEvent
            {
                EventId = Guid.CreateVersion7(now),
                CaseId = caseId,
                Sequence = i + 1,
                OccurredAt = now,
                Actor = Actor,
                Body = bodies[i],
            };
        }

        return new NewCase(
            caseId,
            n.SourceSystem!,
            n.NotificationId!,
            n.PublisherOdsCode!,
            n.SiteOdsCode!,
            plan.OfficeId,
            plan.State,
            plan.Queue,
            plan.Decision.Route,
            n.PlaceOfDeath!,
            accepted.DateTimeOfDeath,
            n.UrgentRelease?.Reason,
            plan.LederFlag,
            plan.CdopFlag,
            Encoding.UTF8.GetString(originalJson),
            now,
            plan.Decision.Reasons,
            events);
    }
}
