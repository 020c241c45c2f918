using MedicalExaminer.Contracts;

namespace MedicalExaminer.SyntheticData;

/// <summary>
/// Seeded synthetic case histories as casework would publish them on <see cref="Topics.CaseEvents"/>: received,
/// triaged, routed, claimed, worked and completed, some referred to the coroner (accepted, or declined and then
/// completed), some urgent releases, some concerns, some reopened, some still open. For the metrics projection's
/// load tests and benchmarks. Codes and times only: no names, no free text.
/// </summary>
public static class SyntheticCaseHistories
{
    /// <summary>
    /// Histories of <paramref name="cases"/> deaths spread over <paramref name="months"/> months from
    /// <paramref name="firstMonth"/>, across <paramref name="offices"/>; each history in its own sequence order.
    /// </summary>
    public static IEnumerable<IReadOnlyList<CaseEvent>> Generate(int seed, int cases, IReadOnlyList<string> offices, DateOnly firstMonth, int months)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(firstMonth.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var span = (start.AddMonths(months) - start).TotalHours;
        for (var i = 0; i < cases; i++)
        {
            var office = offices[random.Next(offices.Count)];
            var death = start.AddHours(random.NextDouble() * span);
            yield return History(random, seed, i, office, death);
        }
    }

    private static List<CaseEvent> History(Random random, int seed, int index, string office, DateTimeOffset death)
    {
        var h = new Builder(DeterministicGuid(seed, index), death);
        var urgent = random.Next(20) == 0;
        h.Add(new NotificationReceived("synthetic", $"{seed}-{index}", "RXX", "RXX01", PlacesOfDeath.HospitalInpatient, death, 40 + random.Next(60),
            random.Next(50) == 0, urgent ? "faith" : null, office, new DeceasedSummary(null, null), null), 1);

        if (random.Next(5) == 0)
        {
            var reason = ReasonCodes.All[random.Next(ReasonCodes.All.Count)];
            h.Add(new CaseTriaged(Routes.CoronerReferral, [new TriageReason(reason, ReasonSources.Circumstance, reason)]), 1)
                .Add(new CaseRoutedToCoronerReferralReview(office, Queues.CoronerReferralReview), 1)
                .Add(new CaseClaimed("synthetic-me", Queues.CoronerReferralReview), 2);
            switch (random.Next(10))
            {
                case < 3:
                    h.Add(new CoronerReferralOverridden("overridden", Queues.Scrutiny), 4);
                    Scrutiny(h, random, 5);
                    break;
                case < 7:
                    h.Add(new CoronerReferralConfirmed([reason], null), 4).Add(new CoronerAccepted(null), 30);
                    break;
                default:
                    h.Add(new CoronerReferralConfirmed([reason], null), 4).Add(new CoronerDeclined("declined", Queues.ReturnedFromCoroner), 30);
                    Scrutiny(h, random, 31);
                    break;
            }
        }
        else
        {
            h.Add(new CaseTriaged(Routes.Scrutiny, []), 1).Add(new CaseRoutedToScrutiny(office, urgent ? Queues.UrgentRelease : Queues.Scrutiny), 1);
            if (urgent)
            {
                h.Add(new CaseClaimed("synthetic-me", Queues.UrgentRelease), 2)
                    .Add(new UrgentReleaseDecided("approved", death.AddHours(1), 24, null), 2 + random.Next(40));
            }

            Scrutiny(h, random, 3);
        }

        return h.Events;
    }

    /// <summary>Scrutiny from claim to outcome; a few cases stay open, a few are reopened.</summary>
    private static void Scrutiny(Builder h, Random random, double hours)
    {
        h.Add(new CaseClaimed("synthetic-me", Queues.Scrutiny), hours);
        if (random.Next(10) == 0)
        {
            h.Add(new CaseReleased("synthetic-me", "lapsed", Queues.Scrutiny), hours + 8).Add(new CaseClaimed("synthetic-meo", Queues.Scrutiny), hours + 9);
        }

        h.Add(new RecordsReviewed(null), hours + 2)
            .Add(new AttendingPractitionerDiscussed("I(a) pneumonia", null, null, null, null), hours + 4)
            .Add(new BereavedDiscussed(random.Next(10) < 7 ? "held" : random.Next(2) == 0 ? "declined" : "not-reachable", random.Next(20) == 0, null), hours + 6);
        if (random.Next(25) == 0)
        {
            h.Add(new ConcernRaised(WorkflowCodes.ConcernKinds[random.Next(WorkflowCodes.ConcernKinds.Count)], null), hours + 7);
        }

        if (random.Next(15) == 0)
        {
            return; // still in scrutiny
        }

        var mccd = hours + 8 + (random.NextDouble() * 150);
        h.Add(new MccdIssued("I(a) pneumonia", null, null, null, h.Death), mccd);
        if (random.Next(50) == 0)
        {
            h.Add(new CaseReopened("reopened"), mccd + 24).Add(new CaseClaimed("synthetic-me", Queues.Scrutiny), mccd + 24);
            if (random.Next(2) == 0)
            {
                h.Add(new MccdIssued("I(a) pneumonia", null, null, null, h.Death), mccd + 48);
            }
        }
    }

    private static Guid DeterministicGuid(int seed, int index)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, seed);
        BitConverter.TryWriteBytes(bytes[4..], index);
        bytes[15] = 0x5d;
        return new Guid(bytes);
    }

    private sealed class Builder(Guid caseId, DateTimeOffset death)
    {
        public List<CaseEvent> Events { get; } = [];

        public DateTimeOffset Death => death;

        public Builder Add(CaseEventBody body, double hoursAfterDeath)
        {
            var sequence = Events.Count + 1;
            var id = caseId.ToByteArray();
            BitConverter.TryWriteBytes(id.AsSpan(8), sequence);
            Events.Add(new CaseEvent
            {
                EventId = new Guid(id),
                CaseId = caseId,
                Sequence = sequence,
                OccurredAt = death.AddHours(hoursAfterDeath),
                Actor = EventActor.Service("synthetic"),
                Body = body,
            });
            return this;
        }
    }
}
