using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Dapper;
using MedicalExaminer.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MedicalExaminer.Outbox;

/// <summary>
/// Publishes a schema's outbox rows to Kafka, keyed by case id, then marks them published
/// (DESIGN §3: publish-then-mark). A crash between the two republishes the rows on restart;
/// consumers dedupe by event id. It serves any bounded context whose schema has an <c>outbox</c> table with
/// <c>position</c>, <c>case_id</c>, <c>event_type</c>, <c>payload</c> (jsonb) and <c>published_at</c>: the schema,
/// topic and <c>schema</c> header come from <see cref="OutboxRelayOptions"/>.
/// <para>
/// Ordering: rows are published in position order by one relay at a time. Every batch runs in a
/// transaction that first takes a transaction-scoped advisory lock (the lease) for the schema, so
/// several relays (one per writer process) are safe: the others find the lease taken and wait.
/// Row-level SKIP LOCKED alone would let two relays interleave one case's events.
/// </para>
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    IKafkaPublisher publisher,
    OutboxRelayOptions options,
    IMeterFactory meterFactory,
    ILogger<OutboxRelay> logger)
{
    public const string MeterName = "MedicalExaminer.Outbox";
    private static readonly ActivitySource Source = new(MeterName);
    private readonly Counter<long> _published = meterFactory.Create(MeterName).CreateCounter<long>("me.outbox.published", "{event}");
    private readonly Counter<long> _pruned = meterFactory.Create(MeterName).CreateCounter<long>("me.outbox.pruned", "{event}");

    /// <summary>Test seam: runs after the batch is acknowledged by Kafka and before it is marked published.</summary>
    internal Func<CancellationToken, Task>? AfterPublish { get; set; }

    // Schema is validated as a plain identifier (OutboxRelayOptions), so interpolating it into SQL is safe.
    private long LeaseKey => StableHash($"outbox-relay:{options.Schema}");

    /// <returns>How many rows were published; 0 when nothing was pending or another relay holds the lease.</returns>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var leased = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT pg_try_advisory_xact_lock(@key)", new { key = LeaseKey }, transaction, cancellationToken: cancellationToken));
        if (!leased)
        {
            return 0;
        }

        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            $"""
            SELECT position AS Position, case_id AS CaseId, event_type AS EventType, payload::text AS Payload
            FROM {options.Schema}.outbox
            WHERE published_at IS NULL
            ORDER BY position
            LIMIT @limit
            """,
            new { limit = options.BatchSize }, transaction, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
        {
            return 0;
        }

        using (var activity = Source.StartActivity($"relay {options.Schema}.outbox", ActivityKind.Producer))
        {
            activity?.SetTag("messaging.destination.name", options.Topic);
            activity?.SetTag("messaging.batch.message_count", rows.Count);

            // The idempotent producer keeps per-partition order across retries, so issuing the whole
            // batch before awaiting keeps each case's events (same key, same partition) in order.
            await Task.WhenAll(rows.Select(row => publisher.PublishAsync(
                options.Topic,
                new Message<string?, byte[]>
                {
                    Key = row.CaseId.ToString(),
                    Value = Encoding.UTF8.GetBytes(row.Payload),
                    Headers = new Headers { { Contracts.Headers.Schema, Encoding.UTF8.GetBytes(options.SchemaId) } },
                },
                cancellationToken)));
        }

        if (AfterPublish is { } afterPublish)
        {
            await afterPublish(cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {options.Schema}.outbox SET published_at = now() WHERE position = ANY(@positions)",
            new { positions = rows.Select(r => r.Position).ToArray() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        _published.Add(rows.Count, new KeyValuePair<string, object?>("schema", options.Schema));
        return rows.Count;
    }

    /// <summary>Deletes published rows older than the retention period, in bounded chunks.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = 0;
        int deleted;
        do
        {
            deleted = await connection.ExecuteAsync(new CommandDefinition(
                $"""
                DELETE FROM {options.Schema}.outbox
                WHERE position IN (
                    SELECT position FROM {options.Schema}.outbox
                    WHERE published_at < now() - @retention
                    ORDER BY position LIMIT 10000)
                """,
                new { retention = options.Retention }, cancellationToken: cancellationToken));
            total += deleted;
        }
        while (deleted > 0);

        if (total > 0)
        {
            _pruned.Add(total, new KeyValuePair<string, object?>("schema", options.Schema));
            LogPruned(logger, total, options.Schema);
        }

        return total;
    }

    // Advisory lock keys are bigints; a fixed FNV-1a hash keeps the key stable across processes and versions.
    private static long StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    private sealed record OutboxRow(long Position, Guid CaseId, string EventType, string Payload);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} published outbox rows of {Schema}")]
    private static partial void LogPruned(ILogger logger, int count, string schema);
}
