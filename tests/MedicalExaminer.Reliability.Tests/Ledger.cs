using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Dapper;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>One run's counts: what went in, what was lost, what was duplicated, and what else the scenario measured.</summary>
public sealed record RunCounts(string Scenario, int Seed, long Messages, long Lost, long Duplicated, string Details)
{
    /// <summary>Where <c>scripts/fault-matrix.sh</c> collects every run's line (tab-separated) to print the table.</summary>
    public const string ReportVariable = "ME_FAULT_REPORT";

    private static readonly Lock ReportGate = new();

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Scenario} seed={Seed}: messages={Messages} lost={Lost} duplicated={Duplicated} ({Details})");

    /// <summary>Prints the counts to the test output (and the report file when one is named).</summary>
    public RunCounts Print()
    {
        TestContext.Current.TestOutputHelper?.WriteLine(ToString());
        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } path)
        {
            lock (ReportGate)
            {
                File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{Scenario}\t{Seed}\t{Messages}\t{Lost}\t{Duplicated}\t{Details}\n"));
            }
        }

        return this;
    }

    /// <summary>The invariant of every row of the matrix: nothing lost, nothing duplicated.</summary>
    public void AssertNothingLostOrDuplicated()
    {
        Assert.True(Lost == 0, $"nothing is lost: {this}");
        Assert.True(Duplicated == 0, $"nothing is duplicated: {this}");
    }
}

/// <summary>Counts read back from Postgres and Kafka after a run, to hold against what the run put in.</summary>
public static class Ledger
{
    /// <summary>Intake opens three case events per case (received, triaged, routed), with sequences 1 to 3.</summary>
    private const int IntakeEventsPerCase = 3;

    /// <summary>
    /// The intake invariant: every valid notification is exactly one case with exactly its three intake events, and
    /// every invalid one is on the dead-letter topic. Redeliveries by the stream are not duplicates; a second case or a
    /// second set of intake events for one notification is.
    /// </summary>
    public static async Task<RunCounts> IntakeAsync(string scenario, Pipeline pipeline, NotificationStream stream, string details = "")
    {
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        var caseKeys = (await connection.QueryAsync<string>("SELECT source_system || ':' || notification_id FROM casework.cases")).ToList();
        var opened = caseKeys.ToHashSet();
        var intakeEvents = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM casework.outbox WHERE sequence <= {IntakeEventsPerCase}");
        var deadLettered = pipeline.Kafka.ReadToEnd(pipeline.IntakeDeadLetterTopic, TimeSpan.FromSeconds(30)).Select(m => m.Message.Key).ToHashSet();

        var lostValid = stream.ValidKeys.Count(k => !opened.Contains(k));
        // Acknowledged by the cluster yet not on the topic: lost by the broker, before any code of ours saw it.
        var onTopic = pipeline.Kafka.ReadToEnd(pipeline.NotificationTopic, TimeSpan.FromSeconds(30)).Select(m => m.Message.Key).ToHashSet();
        var brokerLost = stream.Messages.Select(m => m.Key).Distinct().Count(k => !onTopic.Contains(k));
        var lostInvalid = stream.InvalidKeys.Count(k => !deadLettered.Contains(k));
        var duplicated = caseKeys.Count - opened.Count + (intakeEvents - (long)IntakeEventsPerCase * caseKeys.Count);
        return new RunCounts(scenario, pipeline.Seed, stream.Messages.Count, lostValid + lostInvalid, duplicated, string.Create(
            CultureInfo.InvariantCulture,
            $"valid={stream.ValidKeys.Count} cases={caseKeys.Count} invalid={stream.InvalidKeys.Count} dead-lettered={deadLettered.Count} intake-events={intakeEvents} acknowledged-not-on-topic={brokerLost}{(details.Length > 0 ? " " + details : "")}"));
    }

    /// <summary>
    /// Evidence for a run that did not settle: per partition of <paramref name="topic"/>, the group's committed offset
    /// against the end, and where the notifications that never became cases sit (partition@offset).
    /// </summary>
    public static async Task<string> StallEvidenceAsync(Pipeline pipeline, string topic, string groupId, NotificationStream? stream = null)
    {
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = pipeline.Kafka.BootstrapServers, GroupId = groupId, EnableAutoCommit = false }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = pipeline.Kafka.BootstrapServers }).Build();
        var timeout = TimeSpan.FromSeconds(10);
        var partitions = admin.GetMetadata(topic, timeout).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var lines = probe.Committed(partitions, timeout)
            .Select(c => string.Create(CultureInfo.InvariantCulture,
                $"partition {c.Partition.Value}: committed {c.Offset} of end {probe.QueryWatermarkOffsets(c.TopicPartition, timeout).High}"))
            .ToList();
        if (stream is not null)
        {
            await using var connection = await pipeline.DataSource.OpenConnectionAsync();
            var opened = (await connection.QueryAsync<string>("SELECT source_system || ':' || notification_id FROM casework.cases")).ToHashSet();
            var missing = pipeline.Kafka.ReadToEnd(topic, TimeSpan.FromSeconds(30))
                .Where(m => stream.ValidKeys.Contains(m.Message.Key) && !opened.Contains(m.Message.Key))
                .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Partition.Value}@{m.Offset.Value}"))
                .ToList();
            lines.Add($"notifications on the topic that are not cases: {missing.Count} at {string.Join(" ", missing.Take(50))}");
        }

        return string.Join("; ", lines);
    }

    public static async Task<long> CaseCountAsync(Pipeline pipeline)
    {
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.cases");
    }

    /// <summary>Case events on the case-events topic: how many messages, and how many distinct event ids.</summary>
    public static (int Messages, HashSet<Guid> EventIds) CaseEvents(Pipeline pipeline)
    {
        var messages = pipeline.Kafka.ReadToEnd(pipeline.CaseEventTopic, TimeSpan.FromSeconds(60));
        var ids = messages.Select(m => JsonSerializer.Deserialize(m.Message.Value, ContractsJsonContext.Default.CaseEvent)!.EventId).ToHashSet();
        return (messages.Count, ids);
    }

    /// <summary>
    /// The family invariant: every notification the notifier decided to send was delivered, by exactly one message at
    /// the provider; none is left queued or failed.
    /// </summary>
    public static async Task<FamilyCounts> FamilyAsync(Pipeline pipeline)
    {
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        var statuses = (await connection.QueryAsync<(string Status, long Count)>("SELECT status, count(*) FROM family.notifications GROUP BY status"))
            .ToDictionary(s => s.Status, s => s.Count);
        var messages = pipeline.SinkStore.All();
        var references = messages.Select(m => m.Reference).Distinct().Count();
        long Of(string status) => statuses.GetValueOrDefault(status);
        return new FamilyCounts(
            Decided: statuses.Values.Sum(),
            ToSend: statuses.Values.Sum() - Of(FamilyNotificationStatuses.Withheld),
            Delivered: Of(FamilyNotificationStatuses.Delivered),
            Messages: messages.Count,
            DuplicateMessages: messages.Count - references,
            Unfinished: Of(FamilyNotificationStatuses.Queued) + Of(FamilyNotificationStatuses.Sent) + Of(FamilyNotificationStatuses.Failed));
    }

    /// <summary>
    /// For every notification the provider got more than one message for: when each message arrived and every attempt the
    /// notifier recorded, the evidence of how the second message came about.
    /// </summary>
    public static async Task<string> DuplicateEvidenceAsync(Pipeline pipeline)
    {
        var duplicates = pipeline.SinkStore.All().GroupBy(m => m.Reference).Where(g => g.Count() > 1).ToList();
        if (duplicates.Count == 0)
        {
            return "";
        }

        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        var lines = new List<string>();
        foreach (var duplicate in duplicates)
        {
            var id = Guid.Parse(duplicate.Key!);
            var notification = await connection.QuerySingleAsync<(string Status, int Attempts, int Claims)>(
                "SELECT status, attempts, claims FROM family.notifications WHERE notification_id = @id", new { id });
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"notification {id}: status={notification.Status} attempts={notification.Attempts} claims={notification.Claims}; provider messages at {string.Join(", ", duplicate.Select(m => m.CreatedAt.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)).Order())}"));
            var attempts = await connection.QueryAsync<(int Attempt, DateTime StartedAt, int DurationMs, string Outcome, int? HttpStatus)>(
                "SELECT attempt, started_at, duration_ms, outcome, http_status FROM family.attempts WHERE notification_id = @id ORDER BY attempt", new { id });
            lines.AddRange(attempts.Select(a => string.Create(CultureInfo.InvariantCulture,
                $"  attempt {a.Attempt} at {a.StartedAt:HH:mm:ss.fff} {a.DurationMs}ms {a.Outcome} {a.HttpStatus}")));
        }

        return string.Join('\n', lines);
    }

    /// <summary>What casework holds, to compare with the metrics projection of its events.</summary>
    public static async Task<(long Cases, long Completed)> CaseworkTotalsAsync(Pipeline pipeline)
    {
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long)>(
            "SELECT count(*), count(*) FILTER (WHERE state = @complete) FROM casework.cases", new { complete = CaseStates.ScrutinyComplete });
    }

    /// <summary>What the metrics projection counts: cases notified and scrutinies completed, and its kept events.</summary>
    public static async Task<(long Notified, long Completed, long Events)> MetricsTotalsAsync(Pipeline pipeline)
    {
        await using var connection = await pipeline.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long, long)>(
            """
            SELECT (SELECT count(*) FILTER (WHERE notified) FROM metrics.case_facts),
                   (SELECT count(*) FILTER (WHERE scrutiny_completed) FROM metrics.case_facts),
                   (SELECT count(*) FROM metrics.events)
            """);
    }
}

public sealed record FamilyCounts(long Decided, long ToSend, long Delivered, long Messages, long DuplicateMessages, long Unfinished)
{
    /// <summary>Everything decided has been delivered, once.</summary>
    public bool Settled => Decided > 0 && Unfinished == 0 && Delivered == ToSend && Messages == ToSend;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"family decided={Decided} to-send={ToSend} delivered={Delivered} provider-messages={Messages} duplicate-messages={DuplicateMessages} unfinished={Unfinished}");
}
