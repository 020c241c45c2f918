using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Figures;
using MedicalExaminer.Metrics.Snapshots;
using MedicalExaminer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NJsonSchema;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>The service end to end: the mock Kafka cluster over TCP into a real Postgres.</summary>
public sealed class ReplayTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static async Task<(string Months, string Regulator)> FiguresOf(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var report = new ScrutinyReport(new FigureStore(dataSource), Options.Create(new MetricsOptions { Offices = [.. SyntheticStream.Offices] }));
        var from = Period.Month(new DateOnly(2026, 1, 1));
        var to = Period.Month(new DateOnly(2026, 6, 1));
        var months = await report.BuildAsync(new FigureQuery(from, to, [], null), MetricsWorld.Everything, TestContext.Current.CancellationToken);
        var regulator = await report.BuildAsync(new FigureQuery(from, to, [], null), MetricsViewer.Regulator, TestContext.Current.CancellationToken);
        return (MetricsWorld.Canonical(months), MetricsWorld.Canonical(regulator));
    }

    [Fact]
    public async Task replaying_the_topic_from_offset_0_into_an_empty_schema_gives_identical_figures()
    {
        var topic = kafka.CreateTopic("case-events", partitions: 6);
        // The stream, then all of it again (a relay that republished everything), keyed by case id.
        var events = SyntheticStream.InOrder();
        await MetricsHost.PublishAsync(kafka.BootstrapServers, topic, events.Concat(events));
        var kept = MetricsHost.KeptCount(events);

        (string Months, string Regulator) live;
        await using (var first = await MetricsHost.StartAsync(await postgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken), kafka.BootstrapServers, topic))
        {
            await first.WaitForEventsAsync(kept, Deadline);
            live = await FiguresOf(first.ConnectionString);
        }

        // A new deployment: empty schema, new consumer group, so it starts from offset 0.
        await using var replay = await MetricsHost.StartAsync(await postgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken), kafka.BootstrapServers, topic);
        await replay.WaitForEventsAsync(kept, Deadline);
        var replayed = await FiguresOf(replay.ConnectionString);

        Assert.Equal(live.Months, replayed.Months);
        Assert.Equal(live.Regulator, replayed.Regulator);

        // And both are the figures the hand-checked in-process projection gives.
        await using var world = await MetricsWorld.CreateAsync(postgres);
        await world.ProjectAsync(events);
        Assert.Equal(live.Months, MetricsWorld.Canonical(await world.FiguresAsync("2026-01", "2026-06")));
    }

    [Fact]
    public async Task snapshots_go_to_the_snapshot_topic_one_per_period_suppressed_and_valid_against_the_schema()
    {
        var topic = kafka.CreateTopic("case-events", partitions: 3);
        var snapshots = kafka.CreateTopic("scrutiny-metrics", partitions: 1);
        var events = SyntheticStream.InOrder();
        await MetricsHost.PublishAsync(kafka.BootstrapServers, topic, events);
        // Mid-April 2026: the 13 months from May 2025, the quarters from 2025-Q2 to 2026-Q2.
        await using var host = await MetricsHost.StartAsync(
            await postgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken), kafka.BootstrapServers, topic, snapshots,
            new MetricsHost.FixedClock(new DateTimeOffset(2026, 4, 15, 12, 0, 0, TimeSpan.Zero)));
        await host.WaitForEventsAsync(MetricsHost.KeptCount(events), Deadline);

        var published = await host.Services.GetRequiredService<SnapshotPublisher>().PublishOnceAsync(TestContext.Current.CancellationToken);

        var messages = kafka.ReadAll(snapshots, published, Deadline);
        Assert.Equal(13 + 5, published);
        Assert.Equal(published, messages.Count);
        Assert.Equal(13, messages.Count(m => m.Message.Key.StartsWith("month:", StringComparison.Ordinal)));
        var schema = await JsonSchema.FromJsonAsync(JsonSchemas.Read(JsonSchemas.ScrutinyMetricsV1));
        foreach (var message in messages)
        {
            var json = System.Text.Encoding.UTF8.GetString(message.Message.Value);
            var errors = schema.Validate(json);
            Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
            Assert.DoesNotContain(CaseStory.FreeText, json);
            Assert.Equal(SchemaIds.ScrutinyMetricsV1, System.Text.Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes(Headers.Schema)));
        }

        // The first quarter of 2026 carries the regulator figures worked out in FiguresTests.
        var q1 = messages.Single(m => m.Message.Key == "quarter:2026-Q1");
        var snapshot = JsonSerializer.Deserialize(q1.Message.Value, ContractsJsonContext.Default.ScrutinyMetricsSnapshot)!;
        Assert.Equal(14m, snapshot.Rows.Single(r => r.Scope == MetricScopes.National).Figures[ScrutinyMetricNames.DeathsNotified].Value);
        Assert.Equal(MetricFigure.Hidden, snapshot.Rows.Single(r => r.OfficeId == SyntheticStream.OfficeA).Figures[ScrutinyMetricNames.DeathsNotified]);
        Assert.Equal("North", snapshot.Rows.Single(r => r.OfficeId == SyntheticStream.OfficeA).Region);
    }
}
