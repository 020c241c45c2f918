using System.Diagnostics.Metrics;
using System.Text.Json;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Casework;
using MedicalExaminer.Kafka;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.Outbox.Tests;

/// <summary>The relay against a real Postgres outbox (filled by the intake writer) and the mock Kafka cluster over TCP.</summary>
public sealed class OutboxRelayTests(PostgresFixture postgres, KafkaClusterFixture kafka) : IAsyncDisposable
{
    private const int Cases = 300;
    private const int EventsPerCase = 3;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly List<KafkaPublisher> _publishers = [];

    [Fact]
    public async Task every_outbox_event_is_published_keyed_by_case_in_case_order_and_marked()
    {
        var (dataSource, topic) = await SeedAsync();
        var relay = Relay(dataSource, topic);

        while (await relay.RelayOnceAsync(TestContext.Current.CancellationToken) > 0)
        {
        }

        var events = ReadEvents(topic, Cases * EventsPerCase);
        Assert.Equal(Cases * EventsPerCase, events.Count);
        Assert.Equal(Cases * EventsPerCase, events.Select(e => e.Event.EventId).Distinct().Count());
        Assert.All(events, e => Assert.Equal(e.Event.CaseId.ToString(), e.Key));
        AssertCaseOrder(events);
        Assert.Equal(0, await UnpublishedAsync(dataSource));
    }

    [Fact]
    public async Task every_message_carries_the_configured_schema_header_so_another_contexts_outbox_can_be_relayed()
    {
        var (dataSource, topic) = await SeedAsync();
        var relay = Relay(dataSource, topic, batchSize: 10, schemaId: "another-context-event/1");

        await relay.RelayOnceAsync(TestContext.Current.CancellationToken);

        var messages = kafka.ReadAll(topic, 10, TimeSpan.FromSeconds(30));
        Assert.Equal(10, messages.Count);
        Assert.All(messages, m => Assert.Equal(
            "another-context-event/1",
            System.Text.Encoding.UTF8.GetString(m.Message.Headers.GetLastBytes(Headers.Schema))));
    }

    [Fact]
    public async Task two_relays_at_once_publish_each_event_exactly_once_in_case_order()
    {
        var (dataSource, topic) = await SeedAsync();
        var relays = new[] { Relay(dataSource, topic, batchSize: 50), Relay(dataSource, topic, batchSize: 50) };

        await Task.WhenAll(relays.Select(relay => Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await UnpublishedAsync(dataSource) > 0 && DateTime.UtcNow < deadline)
            {
                await relay.RelayOnceAsync(TestContext.Current.CancellationToken);
            }
        })));

        var events = ReadEvents(topic, Cases * EventsPerCase);
        Assert.Equal(Cases * EventsPerCase, events.Count);
        Assert.Equal(Cases * EventsPerCase, events.Select(e => e.Event.EventId).Distinct().Count());
        AssertCaseOrder(events);
    }

    [Fact]
    public async Task a_relay_killed_between_publish_and_mark_republishes_and_event_ids_let_consumers_dedupe()
    {
        var (dataSource, topic) = await SeedAsync();
        var crashing = Relay(dataSource, topic, batchSize: 100);
        crashing.AfterPublish = _ => throw new InvalidOperationException("simulated crash after publish, before mark");

        await Assert.ThrowsAsync<InvalidOperationException>(() => crashing.RelayOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(Cases * EventsPerCase, await UnpublishedAsync(dataSource));

        var restarted = Relay(dataSource, topic);
        while (await restarted.RelayOnceAsync(TestContext.Current.CancellationToken) > 0)
        {
        }

        var events = ReadEvents(topic, Cases * EventsPerCase + 100);
        Assert.Equal(Cases * EventsPerCase + 100, events.Count);
        Assert.Equal(Cases * EventsPerCase, events.Select(e => e.Event.EventId).Distinct().Count());
        Assert.Equal(0, await UnpublishedAsync(dataSource));
    }

    [Fact]
    public async Task published_rows_older_than_the_retention_are_pruned_and_unpublished_ones_never()
    {
        var (dataSource, topic) = await SeedAsync();
        var relay = Relay(dataSource, topic, batchSize: 300);
        await relay.RelayOnceAsync(TestContext.Current.CancellationToken);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE casework.outbox SET published_at = now() - interval '2 hours' WHERE published_at IS NOT NULL AND position % 2 = 0");
        }

        var pruned = await relay.PruneAsync(TestContext.Current.CancellationToken);

        Assert.Equal(150, pruned);
        await using var check = await dataSource.OpenConnectionAsync();
        Assert.Equal(Cases * EventsPerCase - 150, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.outbox"));
        Assert.Equal(Cases * EventsPerCase - 300, await UnpublishedAsync(dataSource));
    }

    [Fact]
    public async Task an_event_whose_jsonb_keys_sort_before_the_type_discriminator_still_reads_back()
    {
        // jsonb stores keys shortest first, so MccdIssued's "ia" precedes "type" in what the relay publishes.
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync());
        var original = new CaseEvent
        {
            EventId = Guid.NewGuid(),
            CaseId = Guid.NewGuid(),
            Sequence = 9,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = new EventActor("dr.a", Roles.MedicalExaminer, "me-leeds"),
            Body = new MccdIssued("Bronchopneumonia", null, null, null, DateTimeOffset.UtcNow.AddDays(-1)),
        };
        await using var connection = await dataSource.OpenConnectionAsync();
        var roundTripped = await connection.ExecuteScalarAsync<string>(
            "SELECT (@json)::jsonb::text", new { json = JsonSerializer.Serialize(original, ContractsJsonContext.Default.CaseEvent) });

        var read = JsonSerializer.Deserialize(roundTripped!, ContractsJsonContext.Default.CaseEvent)!;

        Assert.True(
            roundTripped!.IndexOf("\"ia\"", StringComparison.Ordinal) < roundTripped.IndexOf("\"type\"", StringComparison.Ordinal),
            "the premise of this test: jsonb puts the body's \"ia\" before its \"type\" discriminator");
        Assert.Equal(original.Body, read.Body);
    }

    private async Task<(NpgsqlDataSource DataSource, string Topic)> SeedAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync());
        await OfficeRegistry.UpsertAsync(dataSource, DemoOffices.All, TestContext.Current.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        var offices = new OfficeDirectory(DemoOffices.All);
        var cases = new NotificationGenerator(seed: 17, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0))
            .Take(Cases)
            .Select(n =>
            {
                var accepted = DeathNotificationParser.Parse(n.Value, now).Accepted!;
                return NewCaseFactory.Create(accepted, IntakePlanner.Plan(accepted, offices), n.Value, now);
            })
            .ToList();
        await new CaseIntakeWriter(dataSource).WriteAsync(cases, TestContext.Current.CancellationToken);
        return (dataSource, kafka.CreateTopic("case-events", partitions: 6));
    }

    private OutboxRelay Relay(NpgsqlDataSource dataSource, string topic, int batchSize = 1000, string schemaId = SchemaIds.CaseEventV1)
    {
        var publisher = new KafkaPublisher(Options.Create(new KafkaOptions { BootstrapServers = kafka.BootstrapServers }));
        _publishers.Add(publisher);
        return new OutboxRelay(
            dataSource,
            publisher,
            new OutboxRelayOptions { Topic = topic, BatchSize = batchSize, Retention = TimeSpan.FromHours(1), SchemaId = schemaId },
            _services.GetRequiredService<IMeterFactory>(),
            NullLogger<OutboxRelay>.Instance);
    }

    private List<(string Key, CaseEvent Event)> ReadEvents(string topic, int expected) =>
        kafka.ReadAll(topic, expected, TimeSpan.FromSeconds(60))
            .Select(r => (r.Message.Key, JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.CaseEvent)!))
            .ToList();

    private static void AssertCaseOrder(List<(string Key, CaseEvent Event)> events)
    {
        // Events of one case share a key, hence a partition; read in partition order they must ascend.
        var outOfOrder = events.GroupBy(e => e.Event.CaseId)
            .Where(g => !g.Select(e => e.Event.Sequence).SequenceEqual(Enumerable.Range(1, EventsPerCase)))
            .Select(g => g.Key)
            .ToList();
        Assert.True(outOfOrder.Count == 0, $"each case's events arrive in sequence order; {outOfOrder.Count} cases did not");
    }

    private static async Task<long> UnpublishedAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.outbox WHERE published_at IS NULL");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var publisher in _publishers)
        {
            publisher.Dispose();
        }

        await _services.DisposeAsync();
    }
}
