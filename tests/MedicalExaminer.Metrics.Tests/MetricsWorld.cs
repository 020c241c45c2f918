using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.Metrics.Figures;
using MedicalExaminer.Metrics.Projection;
using MedicalExaminer.Metrics.Telemetry;
using MedicalExaminer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using System.Diagnostics.Metrics;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>A fresh migrated database with the projection and the report over it, without Kafka.</summary>
internal sealed class MetricsWorld : IAsyncDisposable
{
    /// <summary>Unsuppressed, every office and the nation: for tests only; no caller of the service gets this view.</summary>
    public static readonly MetricsViewer Everything = new(true, null);

    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private MetricsWorld(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Report = new ScrutinyReport(new FigureStore(DataSource), Options.Create(new MetricsOptions { Offices = [.. SyntheticStream.Offices] }));
        Projector = new CaseEventProjector(new ProjectionStore(DataSource), new ScrutinyInstruments(_meters.GetRequiredService<IMeterFactory>()), NullLogger<CaseEventProjector>.Instance);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public ScrutinyReport Report { get; }

    public CaseEventProjector Projector { get; }

    public static async Task<MetricsWorld> CreateAsync(PostgresFixture postgres) =>
        new(await postgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken));

    /// <summary>Delivers <paramref name="events"/> in batches of <paramref name="batchSize"/>, as the consume loop would.</summary>
    public async Task<MessageBatch> ProjectAsync(IEnumerable<CaseEvent> events, int batchSize = 1000)
    {
        MessageBatch last = new([]);
        var offset = 0L;
        foreach (var chunk in events.Chunk(batchSize))
        {
            last = new MessageBatch([.. chunk.Select(e => Inbound(JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.CaseEvent), e.CaseId.ToString(), offset++))]);
            await Projector.HandleAsync(last, TestContext.Current.CancellationToken);
        }

        return last;
    }

    public static InboundMessage Inbound(byte[] value, string? key, long offset) =>
        new(Topics.CaseEvents, 0, offset, key, value, [], DateTimeOffset.UtcNow, default);

    public Task<FigureTable> FiguresAsync(string from, string to, MetricsViewer? viewer = null, string[]? offices = null, string? region = null)
    {
        Assert.True(Period.TryParse(from, out var f), $"bad test period {from}");
        Assert.True(Period.TryParse(to, out var t), $"bad test period {to}");
        return Report.BuildAsync(new FigureQuery(f, t, offices ?? [], region), viewer ?? Everything, TestContext.Current.CancellationToken);
    }

    /// <summary>A table as canonical JSON, to compare whole tables.</summary>
    public static string Canonical(FigureTable table) =>
        JsonSerializer.Serialize(table.Rows.Select(r => new
        {
            r.Scope,
            r.OfficeId,
            Period = r.Period.Label,
            Figures = r.Figures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value.Value}{(f.Value.Suppressed == true ? "*" : "")}"),
        }));

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _meters.DisposeAsync();
    }
}
