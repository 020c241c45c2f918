using MedicalExaminer.SyntheticData;
using MedicalExaminer.WebUi;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Confluent.Kafka;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Projection;
using MedicalExaminer.Security;
using MedicalExaminer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>The real metrics service on 127.0.0.1: consuming a topic of the mock cluster into its own database.</summary>
internal sealed class MetricsHost : IAsyncDisposable
{
    public static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
    private readonly WebApplication _app;

    private MetricsHost(WebApplication app, Uri baseAddress, string connectionString)
    {
        _app = app;
        BaseAddress = baseAddress;
        ConnectionString = connectionString;
    }

    public Uri BaseAddress { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<MetricsHost> StartAsync(string connectionString, string bootstrapServers, string topic, string? snapshotTopic = null, TimeProvider? clock = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = connectionString,
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Metrics:Consumer:Topic"] = topic,
            ["Metrics:Consumer:GroupId"] = KafkaClusterFixture.NewGroupId("metrics"),
            ["Metrics:Consumer:DeadLetterTopic"] = $"{topic}-dlq",
            ["Metrics:SnapshotInterval"] = "00:00:00",
            ["Metrics:SnapshotTopic"] = snapshotTopic ?? $"{topic}-snapshots",
            ["Auth:Jwt:SigningKeys:0"] = Key,
            ["Metrics:DemoSignIn"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        for (var i = 0; i < SyntheticStream.Offices.Length; i++)
        {
            settings[$"Metrics:Offices:{i}:Id"] = SyntheticStream.Offices[i].Id;
            settings[$"Metrics:Offices:{i}:Name"] = SyntheticStream.Offices[i].Name;
            settings[$"Metrics:Offices:{i}:Region"] = SyntheticStream.Offices[i].Region;
        }

        var app = ScrutinyMetricsExtensions.BuildMetricsService([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddSingleton(new DemoUserDirectory(DemoUsers.All));
            if (clock is not null)
            {
                builder.Services.AddSingleton(clock);
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MetricsHost(app, new Uri(address), connectionString);
    }

    /// <summary>Publishes events keyed by case id, in the given order, and waits for every acknowledgement.</summary>
    public static async Task PublishAsync(string bootstrapServers, string topic, IEnumerable<CaseEvent> events)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers, EnableIdempotence = true }).Build();
        foreach (var e in events)
        {
            producer.Produce(topic, new Message<string, byte[]> { Key = e.CaseId.ToString(), Value = JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.CaseEvent) });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
        await Task.CompletedTask;
    }

    /// <summary>How many distinct events of <paramref name="events"/> the projection keeps.</summary>
    public static int KeptCount(IEnumerable<CaseEvent> events) => events.Where(e => ProjectedEvent.From(e) is not null).DistinctBy(e => e.EventId).Count();

    /// <summary>Polls until the projection holds <paramref name="expected"/> events; fails with what it holds at the deadline.</summary>
    public async Task WaitForEventsAsync(int expected, TimeSpan timeout)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var deadline = DateTime.UtcNow + timeout;
        var held = 0;
        while (DateTime.UtcNow < deadline)
        {
            await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
            held = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM metrics.events");
            if (held >= expected)
            {
                break;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(held == expected, $"the projection should hold {expected} events, holds {held}");
    }

    public static string Token(string role, string? office, string user = "tester") =>
        SigningKey.IssueToken(new CurrentUser(user, "Test User", role, office), JwtAuthOptions.DevIssuer, JwtAuthOptions.DefaultAudience, Key, TimeSpan.FromMinutes(10));

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A clock that stands still (for what depends on the current month).</summary>
    public sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
