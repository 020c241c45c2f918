using Confluent.Kafka;
using System.Diagnostics;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.SyntheticData;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.Perf.Harness;

/// <summary>Publishing a year of synthetic deaths, and waiting for the cases they open.</summary>
public static class Intake
{
    /// <summary>The default mix is the issue's: ~1 % duplicates (redeliveries), ~0.5 % invalid.</summary>
    public static NotificationGenerator Generator(int seed) => new(seed, new SyntheticMix());

    public sealed record Published(int Messages, int ExpectedCases, double Seconds);

    /// <summary>
    /// Publishes <paramref name="count"/> notifications with the idempotent producer the services use and returns
    /// how many distinct valid notifications (= cases) they hold.
    /// </summary>
    public static Published Publish(string bootstrapServers, string topic, int seed, int count)
    {
        using var publisher = new KafkaPublisher(Options.Create(new KafkaOptions
        {
            BootstrapServers = bootstrapServers,
            ClientId = "me-perf-publisher",
            Producer = { ["linger.ms"] = "20", ["batch.num.messages"] = "10000", ["queue.buffering.max.messages"] = "500000" },
        }));
        var validKeys = new HashSet<string>(StringComparer.Ordinal);
        var failures = 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var n in Generator(seed).Take(count))
        {
            if (n.Kind == SyntheticKind.Valid)
            {
                validKeys.Add(n.Key);
            }

            publisher.Enqueue(topic, n.Key, n.Value, SchemaIds.DeathNotificationV1, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failures);
                }
            });
        }

        publisher.Flush(TimeSpan.FromMinutes(5));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (failures > 0)
        {
            throw new InvalidOperationException($"{failures} notifications were not delivered to Kafka.");
        }

        EnsureNothingDeleted(bootstrapServers, topic);
        return new Published(count, validKeys.Count, seconds);
    }

    /// <summary>
    /// Fails the run when the broker already deleted some of what was published (the embedded broker keeps 5 MiB a
    /// partition, MockKafkaCluster): the consumers would never see those messages and the run would wait for them.
    /// </summary>
    public static void EnsureNothingDeleted(string bootstrapServers, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "me-perf-watermarks" }).Build();
        var deleted = partitions.Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).Low.Value);
        if (deleted > 0)
        {
            throw new InvalidOperationException(
                $"The broker deleted {deleted:N0} of the messages published to {partitions.Count} partitions before anything read them (the embedded broker keeps 5 MiB a partition): use more --partitions.");
        }
    }

    /// <summary>Polls until <paramref name="expected"/> cases exist; fails when the count stops moving for a minute.</summary>
    public static async Task<double> WaitForCasesAsync(NpgsqlDataSource dataSource, long expected, long startTimestamp, Action? onPoll, CancellationToken cancellationToken)
    {
        long last = -1;
        var lastProgress = Stopwatch.GetTimestamp();
        while (true)
        {
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                var count = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.cases");
                if (count >= expected)
                {
                    return Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
                }

                if (count != last)
                {
                    last = count;
                    lastProgress = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(lastProgress) > TimeSpan.FromMinutes(1))
                {
                    throw new TimeoutException($"Intake stalled at {count:N0} of {expected:N0} cases.");
                }
            }

            onPoll?.Invoke();
            await Task.Delay(100, cancellationToken);
        }
    }
}
