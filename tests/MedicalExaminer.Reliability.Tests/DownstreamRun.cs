using System.Globalization;
using Dapper;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// The run shared by the scenarios that strike downstream of intake (the casework outbox relay, the family notifier,
/// the Notify provider): notifications stream in and examiners complete cases while every deployable runs — intake,
/// the scrutiny API relaying casework events, the family notifier sending through the Notify sink, the metrics
/// projection. After the fault: every case event published, every family notification delivered by exactly one
/// provider message, and the metrics counting every case and every completed scrutiny exactly once.
/// </summary>
/// <remarks>
/// The sink does not honour a repeated reference here (the real Notify does not either), so a notification sent twice
/// shows as two provider messages: only the notifier's own bookkeeping can keep the count at one.
/// </remarks>
public sealed class DownstreamRun
{
    public const int Notifications = 150;
    public const int CompletedCases = 10;
    private static readonly TimeSpan StreamSpan = TimeSpan.FromSeconds(2.5);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    private DownstreamRun(Pipeline pipeline, NotificationStream stream, CaseWork caseWork)
    {
        Pipeline = pipeline;
        Stream = stream;
        CaseWork = caseWork;
    }

    public Pipeline Pipeline { get; }

    public NotificationStream Stream { get; }

    public CaseWork CaseWork { get; }

    /// <param name="startCasework">Starts the scrutiny API, which relays the casework outbox (in-process unless the relay is to be killed).</param>
    /// <param name="startNotifier">Starts the family notifier (in-process unless it is to be killed).</param>
    /// <param name="strike">The fault, once notifications flow; returns what it did, for the printed counts.</param>
    /// <param name="messages">What the scenario counts as its messages (case events relayed, or family messages).</param>
    public static async Task<(RunCounts Counts, DownstreamCounts Downstream)> RunAsync(
        string scenario, int seed, PostgresFixture postgres, KafkaClusterFixture kafka,
        Func<DownstreamRun, Task<string>> strike, Func<DownstreamCounts, long> messages,
        Func<Pipeline, Task>? startCasework = null, Func<Pipeline, Task>? startNotifier = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var pipeline = await Pipeline.CreateAsync(postgres, kafka, seed);
        await pipeline.StartSinkAsync();
        pipeline.SinkStore.HonourReference = false;
        await pipeline.StartIntakeAsync();
        await (startCasework ?? (p => p.StartCaseworkAsync()))(pipeline);
        await (startNotifier ?? (p => p.StartNotifierAsync()))(pipeline);
        await pipeline.StartMetricsAsync();

        await using var stream = NotificationStream.Start(kafka.BootstrapServers, pipeline.NotificationTopic, seed, Notifications, StreamSpan);
        await using var caseWork = CaseWork.Start(pipeline, CompletedCases);
        await stream.WaitForAcknowledgedAsync(Notifications / 10, TimeSpan.FromSeconds(30));
        var started = clock.Elapsed;
        var struck = await strike(new DownstreamRun(pipeline, stream, caseWork));
        await stream.Completion.WaitAsync(TimeSpan.FromSeconds(120));
        await caseWork.FinishAsync(TimeSpan.FromSeconds(120));

        var streamed = clock.Elapsed;
        try
        {
            await Eventually.HoldsAsync(async () => (await CountAsync(pipeline, stream, caseWork)).Settled, SettleTimeout, "the pipeline settles");
        }
        catch (TimeoutException)
        {
            // The counts below say what is missing.
        }

        var settled = clock.Elapsed;
        var downstream = await CountAsync(pipeline, stream, caseWork, withKafka: true);
        var counts = new RunCounts(scenario, seed, messages(downstream), downstream.Lost, downstream.Duplicated,
            $"{downstream} {struck} {IntakeRun.Timing(started, streamed, settled)}").Print();
        if (await Ledger.DuplicateEvidenceAsync(pipeline) is { Length: > 0 } evidence)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"duplicate family messages:\n{evidence}");
        }

        counts.AssertNothingLostOrDuplicated();
        Assert.True(downstream.Settled, $"every consumer caught up and every notification was delivered: {counts}");
        return (counts, downstream);
    }

    /// <summary>Waits until the notifier has decided at least <paramref name="count"/> notifications (family messages are flowing).</summary>
    public async Task WaitForDecisionsAsync(int count)
    {
        await Eventually.HoldsAsync(async () =>
        {
            await using var connection = await Pipeline.DataSource.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM family.notifications") >= count;
        }, TimeSpan.FromSeconds(60), $"the family notifier decides {count} notifications");
    }

    private static async Task<DownstreamCounts> CountAsync(Pipeline pipeline, NotificationStream stream, CaseWork caseWork, bool withKafka = false)
    {
        var (cases, completed) = await Ledger.CaseworkTotalsAsync(pipeline);
        var (notified, metricsCompleted, _) = await Ledger.MetricsTotalsAsync(pipeline);
        var family = await Ledger.FamilyAsync(pipeline);
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        var outbox = (await connection.QueryAsync<(Guid EventId, bool Published)>("SELECT event_id, published_at IS NOT NULL FROM casework.outbox")).ToList();
        var groupsCaughtUp = pipeline.Kafka.IsGroupCaughtUp(pipeline.NotificationTopic, pipeline.IntakeGroup)
            && pipeline.Kafka.IsGroupCaughtUp(pipeline.CaseEventTopic, pipeline.FamilyGroup)
            && pipeline.Kafka.IsGroupCaughtUp(pipeline.CaseEventTopic, pipeline.MetricsGroup);

        // Reading the whole topic back is slow: only for the final count, to prove every event is on it.
        var (eventMessages, eventIds) = withKafka ? Ledger.CaseEvents(pipeline) : (0, []);
        return new DownstreamCounts(
            ValidNotifications: stream.ValidKeys.Count,
            Cases: cases,
            Completed: completed,
            CompletedByExaminers: caseWork.Completed,
            OutboxEvents: outbox.Count,
            Unpublished: outbox.Count(e => !e.Published),
            EventMessages: eventMessages,
            EventsMissingFromTopic: withKafka ? outbox.Count(e => !eventIds.Contains(e.EventId)) : 0,
            MetricsNotified: notified,
            MetricsCompleted: metricsCompleted,
            Family: family,
            GroupsCaughtUp: groupsCaughtUp);
    }
}

/// <summary>What every context holds after a downstream run.</summary>
public sealed record DownstreamCounts(
    long ValidNotifications, long Cases, long Completed, long CompletedByExaminers, long OutboxEvents, long Unpublished,
    long EventMessages, long EventsMissingFromTopic, long MetricsNotified, long MetricsCompleted, FamilyCounts Family, bool GroupsCaughtUp)
{
    /// <summary>Case events the relay published more than once (republished after a crash between publish and mark).</summary>
    public long Republished => EventMessages - (OutboxEvents - EventsMissingFromTopic);

    public bool Settled => Cases >= ValidNotifications && Completed >= CompletedByExaminers && Unpublished == 0 && Family.Settled
        && MetricsNotified == Cases && MetricsCompleted == Completed && GroupsCaughtUp;

    /// <summary>Cases not opened, events not published, notifications not delivered, cases the metrics miss.</summary>
    public long Lost => Math.Max(0, ValidNotifications - Cases) + Unpublished + EventsMissingFromTopic
        + Family.Unfinished + Math.Max(0, Family.ToSend - Family.Delivered)
        + Math.Max(0, Cases - MetricsNotified) + Math.Max(0, Completed - MetricsCompleted);

    /// <summary>Second provider messages for one notification, and cases or completions the metrics count twice.</summary>
    public long Duplicated => Family.DuplicateMessages + Math.Max(0, Family.Messages - Family.ToSend - Family.DuplicateMessages)
        + Math.Max(0, MetricsNotified - Cases) + Math.Max(0, MetricsCompleted - Completed);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"valid={ValidNotifications} cases={Cases} completed={Completed} outbox-events={OutboxEvents} case-event-messages={EventMessages} republished={Republished} unpublished={Unpublished} missing-from-topic={EventsMissingFromTopic} metrics-notified={MetricsNotified} metrics-completed={MetricsCompleted} {Family} groups-caught-up={GroupsCaughtUp}");
}
