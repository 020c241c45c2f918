using MedicalExaminer.Contracts;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>
/// A small synthetic stream whose figures are worked out by hand in <see cref="FiguresTests"/>: office A in
/// January 2026, office B and the unrouted queue in February, nothing in March, one death that counts in April.
/// </summary>
internal static class SyntheticStream
{
    public const string OfficeA = "me-a";
    public const string OfficeB = "me-b";

    public static readonly OfficeReference[] Offices =
    [
        new() { Id = OfficeA, Name = "Office A", Region = "North" },
        new() { Id = OfficeB, Name = "Office B", Region = "South" },
    ];

    private static DateTimeOffset Utc(int month, int day, int hour = 0, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    public static IReadOnlyList<CaseStory> Stories() =>
    [
        // Office A, January: 10 deaths.
        new CaseStory("A1").Received(OfficeA, Utc(1, 5, 10)).TriagedToScrutiny(OfficeA).Claimed().Worked("held").Mccd(30),
        new CaseStory("A2").Received(OfficeA, Utc(1, 10)).TriagedToScrutiny(OfficeA).Claimed().Worked("declined").Mccd(100),
        new CaseStory("A3").Received(OfficeA, Utc(1, 12)).TriagedToScrutiny(OfficeA).Claimed().Worked("held")
            .Concern("clinical-governance").Concern("leder").Concern("clinical-governance").Mccd(150),
        new CaseStory("A4").Received(OfficeA, Utc(1, 20))
            .TriagedToCoroner(OfficeA, ReasonCodes.TraumaOrInjury, ReasonCodes.Poisoning, ReasonCodes.TraumaOrInjury)
            .Claimed().ReferralConfirmed(ReasonCodes.TraumaOrInjury, ReasonCodes.Poisoning).CoronerAccepted(),
        new CaseStory("A5").Received(OfficeA, Utc(1, 25)).TriagedToCoroner(OfficeA, ReasonCodes.NoAttendingPractitioner)
            .Claimed().ReferralConfirmed(ReasonCodes.NoAttendingPractitioner).CoronerDeclined().Claimed(30).Worked("held", 31).Mccd(200),
        // 23:30 GMT on 31 January is still January in the UK.
        new CaseStory("A6").Received(OfficeA, Utc(1, 31, 23, 30), "faith").TriagedToScrutiny(OfficeA, urgent: true).Claimed()
            .UrgentDecided(10).Worked("held").Mccd(20),
        // Reopened and not yet completed again: not completed.
        new CaseStory("A7").Received(OfficeA, Utc(1, 15)).TriagedToScrutiny(OfficeA).Claimed().Worked("held").Mccd(50).Reopened(60),
        // Reopened and completed again: the MCCD that stands is the second.
        new CaseStory("A8").Received(OfficeA, Utc(1, 16)).TriagedToScrutiny(OfficeA).Claimed().Worked("not-reachable").Mccd(80).Reopened(90).Mccd(300),
        new CaseStory("A9").Received(OfficeA, Utc(1, 18), "repatriation").TriagedToScrutiny(OfficeA, urgent: true).Claimed().UrgentDecided(30),
        new CaseStory("A10").Received(OfficeA, Utc(1, 19)).TriagedToCoroner(OfficeA, ReasonCodes.SelfHarm).Claimed().ReferralOverridden(),

        // Office B, February: 2 deaths, plus one that arrived unrouted and an admin assigned to B.
        new CaseStory("B1").Received(OfficeB, Utc(2, 3)).TriagedToScrutiny(OfficeB).Claimed().Worked("held").Mccd(48),
        new CaseStory("B2").Received(OfficeB, Utc(2, 10)).TriagedToScrutiny(OfficeB).Claimed().Concern("cdop"),
        new CaseStory("U1").Received(null, Utc(2, 14)).TriagedToScrutiny(null).AssignedTo(OfficeB),
        // Still unrouted.
        new CaseStory("U2").Received(null, Utc(2, 20)).TriagedToScrutiny(null),

        // 23:30 GMT on 31 March is 00:30 BST on 1 April: April.
        new CaseStory("X1").Received(OfficeA, Utc(3, 31, 23, 30)).TriagedToScrutiny(OfficeA),
    ];

    /// <summary>
    /// A larger seeded stream over offices A and B, January to April 2026, for views that need figures above
    /// the suppression threshold.
    /// </summary>
    public static List<CaseEvent> Bulk(int seed, int cases) =>
        [.. SyntheticData.SyntheticCaseHistories.Generate(seed, cases, [OfficeA, OfficeB], new DateOnly(2026, 1, 1), months: 4).SelectMany(h => h)];

    /// <summary>Every event, case after case, each case in its own order.</summary>
    public static List<CaseEvent> InOrder() => [.. Stories().SelectMany(s => s.Events)];

    /// <summary>
    /// The same events interleaved across cases at random (each case still in its own order, as one Kafka
    /// partition keeps it), every event delivered twice, the repeats at random later positions.
    /// </summary>
    public static List<CaseEvent> InterleavedTwice(int seed)
    {
        var random = new Random(seed);
        var queues = Stories().Select(s => new Queue<CaseEvent>(s.Events)).ToList();
        var stream = new List<CaseEvent>();
        while (queues.Count > 0)
        {
            var i = random.Next(queues.Count);
            stream.Add(queues[i].Dequeue());
            if (queues[i].Count == 0)
            {
                queues.RemoveAt(i);
            }
        }

        foreach (var e in stream.ToList())
        {
            stream.Insert(random.Next(stream.IndexOf(e) + 1, stream.Count + 1), e);
        }

        return stream;
    }
}
