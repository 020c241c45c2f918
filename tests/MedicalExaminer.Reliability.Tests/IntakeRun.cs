using System.Globalization;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// The run shared by the scenarios that strike the intake path (broker, requests, round trips, Postgres, the worker
/// itself): notifications stream in while intake writes cases and the scrutiny API relays their events; the fault
/// strikes mid-stream; then every notification must be exactly one case with its events on the case-events topic,
/// every invalid one dead-lettered, and both consumer groups caught up (the consumers resumed).
/// </summary>
public static class IntakeRun
{
    public const int Notifications = 300;
    private static readonly TimeSpan StreamSpan = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    /// <param name="startIntake">Starts the intake worker (in the test process unless the scenario needs it as a process).</param>
    /// <param name="strike">The fault, run once the stream is flowing; returns what it did, for the printed counts.</param>
    public static async Task<RunCounts> RunAsync(
        string scenario, int seed, PostgresFixture postgres, KafkaClusterFixture kafka,
        Func<Pipeline, NotificationStream, Task<string>> strike, Func<Pipeline, Task>? startIntake = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var pipeline = await Pipeline.CreateAsync(postgres, kafka, seed);
        await (startIntake ?? (p => p.StartIntakeAsync()))(pipeline);
        await pipeline.StartCaseworkAsync();
        await using var stream = NotificationStream.Start(kafka.BootstrapServers, pipeline.NotificationTopic, seed, Notifications, StreamSpan);
        await stream.WaitForAcknowledgedAsync(Notifications / 10, TimeSpan.FromSeconds(30));

        var started = clock.Elapsed;
        var struck = await strike(pipeline, stream);
        await stream.Completion.WaitAsync(TimeSpan.FromSeconds(120));

        var streamed = clock.Elapsed;
        var caughtUp = await SettleAsync(pipeline, stream);
        var settled = clock.Elapsed;
        var (eventMessages, eventIds) = Ledger.CaseEvents(pipeline);
        var outboxEvents = await OutboxEventIdsAsync(pipeline);
        var unpublished = outboxEvents.Count(id => !eventIds.Contains(id));
        var counts = await Ledger.IntakeAsync(scenario, pipeline, stream,
            $"case-events={eventMessages} unpublished-events={unpublished} groups-caught-up={caughtUp} {struck} {Timing(started, streamed, settled)}");
        counts = counts with { Lost = counts.Lost + unpublished };
        if (!caughtUp)
        {
            counts = counts with { Details = $"{counts.Details} STALL: {await Ledger.StallEvidenceAsync(pipeline, pipeline.NotificationTopic, pipeline.IntakeGroup, stream)}" };
        }

        counts.Print();

        counts.AssertNothingLostOrDuplicated();
        Assert.True(caughtUp, $"the intake group committed every partition's end and every case event was published (consumers resumed): {counts}");
        return counts;
    }

    /// <summary>Waits (bounded) until every valid notification is a case, every event is published and intake's group is at the end.</summary>
    private static async Task<bool> SettleAsync(Pipeline pipeline, NotificationStream stream)
    {
        try
        {
            await Eventually.HoldsAsync(async () =>
                await Ledger.CaseCountAsync(pipeline) >= stream.ValidKeys.Count
                && await UnpublishedCountAsync(pipeline) == 0
                && pipeline.Kafka.IsGroupCaughtUp(pipeline.NotificationTopic, pipeline.IntakeGroup),
                SettleTimeout, "intake and the relay settle");
            return true;
        }
        catch (TimeoutException)
        {
            // The counts below say what is missing.
            return false;
        }
    }

    /// <summary>Where a run's time went (for tuning the suite's duration; never asserted).</summary>
    public static string Timing(TimeSpan started, TimeSpan streamed, TimeSpan settled) => string.Create(CultureInfo.InvariantCulture,
        $"[start {started.TotalSeconds:0.0}s, stream+fault {(streamed - started).TotalSeconds:0.0}s, settle {(settled - streamed).TotalSeconds:0.0}s]");

    private static async Task<long> UnpublishedCountAsync(Pipeline pipeline)
    {
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT count(*) FROM casework.outbox WHERE published_at IS NULL");
    }

    private static async Task<HashSet<Guid>> OutboxEventIdsAsync(Pipeline pipeline)
    {
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        return (await Dapper.SqlMapper.QueryAsync<Guid>(connection, "SELECT event_id FROM casework.outbox")).ToHashSet();
    }
}
