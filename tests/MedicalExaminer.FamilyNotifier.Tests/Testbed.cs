using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.FamilyNotifier.Sending;
using MedicalExaminer.Kafka;
using MedicalExaminer.Notify;
using MedicalExaminer.NotifySink;
using MedicalExaminer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.FamilyNotifier.Tests;

/// <summary>What the sink's admin endpoint reports about one received message.</summary>
public sealed record SinkMessageView(Guid Id, string? Reference, string Type, string Template, string Language, string? Subject, string Body, string Status);

public sealed record NotificationRow(Guid NotificationId, Guid CaseId, string Template, string Status, string? Reason, string? Channel, string? Language, int Attempts, string? ProviderStatus, DateTime? SentAtUtc)
{
    public DateTimeOffset? SentAt => SentAtUtc is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
}

/// <summary>
/// One test's world: a fresh database and topics, a real Notify sink over HTTP, and the real family notifier hosted in
/// the test process (started, stopped and restarted as the test needs).
/// </summary>
/// <remarks>
/// The sink listens on a Unix domain socket of its own (a fresh path per testbed), not on a loopback TCP port, and the
/// notifier's Notify client and the test's admin client connect to that socket only (issue 19). A TCP port is a name
/// the kernel recycles: once one testbed's sink stops, a sink started later by another test, in this process or in a
/// test project running beside it, can be given the same port, and anything still holding the old address (work a
/// stopped notifier abandoned, another suite's client of its own sink) then reads, fills or clears the wrong sink; the
/// sink's admin API (messages, faults, clear) is unauthenticated. A socket path is never reused, so a test can only
/// ever see the messages its own notifier sent.
/// </remarks>
public sealed class Testbed : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly KafkaClusterFixture _kafka;
    private readonly WebApplication _sink;
    private readonly KafkaPublisher _publisher;
    private readonly Dictionary<string, string?> _settings;
    private WebApplication? _notifier;

    private Testbed(KafkaClusterFixture kafka, WebApplication sink, string sinkSocket, string connectionString, Dictionary<string, string?> settings)
    {
        _kafka = kafka;
        _sink = sink;
        _settings = settings;
        SinkSocket = sinkSocket;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Sink = new HttpClient(OverSocket(sinkSocket)) { BaseAddress = new Uri(SinkBaseUrl) };
        _publisher = new KafkaPublisher(Options.Create(new KafkaOptions { BootstrapServers = kafka.BootstrapServers }));
    }

    /// <summary>The host name in the sink's URLs; the connection goes to <see cref="SinkSocket"/> whatever it says.</summary>
    public const string SinkBaseUrl = "http://notify-sink.invalid/";

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The path of the Unix domain socket the sink listens on (unique to this testbed).</summary>
    public string SinkSocket { get; }

    /// <summary>Where the sink listens, as the sink itself reports it.</summary>
    public IReadOnlyCollection<string> SinkListeners => [.. _sink.Urls];

    /// <summary>The sink's HTTP API (admin endpoints, and the Notify API itself for tests of the sink).</summary>
    public HttpClient Sink { get; }

    public string ApiKey => _settings["Notify:ApiKey"]!;

    public string CaseTopic => _settings[$"{FamilyNotifierExtensions.ConsumerSection}:Topic"]!;

    public string FamilyTopic => _settings["Outbox:Topic"]!;

    public IServiceProvider Services => _notifier?.Services ?? throw new InvalidOperationException("The notifier is not running.");

    public static async Task<Testbed> StartAsync(PostgresFixture postgres, KafkaClusterFixture kafka, Action<Dictionary<string, string?>>? tweak = null)
    {
        var apiKey = NotifyApiKey.Generate("test");
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:Consumer:session.timeout.ms"] = "6000",
            ["Postgres:ConnectionString"] = await postgres.CreateMigratedDatabaseAsync(),
            [$"{FamilyNotifierExtensions.ConsumerSection}:Topic"] = kafka.CreateTopic("case-events", partitions: 3),
            [$"{FamilyNotifierExtensions.ConsumerSection}:GroupId"] = KafkaClusterFixture.NewGroupId("family"),
            [$"{FamilyNotifierExtensions.ConsumerSection}:DeadLetterTopic"] = kafka.CreateTopic("family-dlq", partitions: 1),
            [$"{FamilyNotifierExtensions.ConsumerSection}:MaxBatchWait"] = "00:00:00.050",
            [$"{FamilyNotifierExtensions.ConsumerSection}:RetryDelay"] = "00:00:00.050",
            ["Outbox:Topic"] = kafka.CreateTopic("family-notifications", partitions: 3),
            ["Outbox:IdleDelay"] = "00:00:00.050",
            ["FamilyNotifier:IdleDelay"] = "00:00:00.050",
            ["FamilyNotifier:Lease"] = "00:00:06", // 3 x Notify:AttemptTimeout
            ["FamilyNotifier:RetryDelay"] = "00:00:00.100",
            ["FamilyNotifier:RetryMaxDelay"] = "00:00:00.500",
            ["FamilyNotifier:PollDelay"] = "00:00:00.100",
            ["FamilyNotifier:PollMaxDelay"] = "00:00:00.300",
            ["Notify:ApiKey"] = apiKey,
            ["Notify:AttemptTimeout"] = "00:00:02",
            ["Notify:CircuitMinimumThroughput"] = "4",
            ["Notify:CircuitSamplingDuration"] = "00:00:05",
            ["Notify:CircuitBreakDuration"] = "00:00:01",
        };
        settings["Notify:BaseUrl"] = SinkBaseUrl;
        tweak?.Invoke(settings);

        var socket = Path.Combine(Path.GetTempPath(), $"me-notify-sink-{Guid.NewGuid():N}.sock");
        var sink = NotifySinkExtensions.BuildNotifySink([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["NotifySink:ApiKey"] = apiKey,
                ["NotifySink:SendingAfter"] = "00:00:00",
                ["NotifySink:DeliveredAfter"] = "00:00:00.200",
                ["NotifySink:PermanentFailureRecipients:0"] = "bounces@example.org",
            });
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socket));
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await sink.StartAsync();
        return new Testbed(kafka, sink, socket, settings["Postgres:ConnectionString"]!, settings);
    }

    /// <summary>An HTTP handler whose every connection goes to the Unix domain socket at <paramref name="path"/>.</summary>
    public static SocketsHttpHandler OverSocket(string path) => new()
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Starts the notifier (consume loop, dispatcher, outbox relay); <paramref name="configure"/> may replace services, e.g. the clock.</summary>
    public async Task StartNotifierAsync(Action<WebApplicationBuilder>? configure = null, Action<IServiceProvider>? beforeStart = null)
    {
        _notifier = FamilyNotifierExtensions.BuildFamilyNotifier([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(_settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            // The production Notify client (handlers, resilience pipeline) over this testbed's own sink socket.
            builder.Services.AddHttpClient<NotifyClient>().ConfigurePrimaryHttpMessageHandler(() => OverSocket(SinkSocket));
            configure?.Invoke(builder);
        });
        beforeStart?.Invoke(_notifier.Services);
        await _notifier.StartAsync();
    }

    /// <summary>Stops the notifier the way an orchestrator would (a batch in hand is abandoned after the drain time, its offsets not stored).</summary>
    public async Task StopNotifierAsync()
    {
        if (_notifier is { } notifier)
        {
            _notifier = null;
            await notifier.StopAsync();
            await notifier.DisposeAsync();
        }
    }

    public NotificationDispatcher Dispatcher => Services.GetRequiredService<NotificationDispatcher>();

    public async Task PublishAsync(IEnumerable<CaseEvent> events)
    {
        foreach (var e in events)
        {
            await _publisher.PublishAsync(CaseTopic, e.CaseId.ToString(), JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.CaseEvent), SchemaIds.CaseEventV1, CancellationToken.None);
        }
    }

    public async Task<List<SinkMessageView>> SinkMessagesAsync() =>
        (await Sink.GetFromJsonAsync<List<SinkMessageView>>("/admin/messages", Web))!;

    public async Task<long> SinkSendRequestsAsync() =>
        (await Sink.GetFromJsonAsync<JsonElement>("/admin/stats", Web)).GetProperty("sendRequests").GetInt64();

    public async Task SetFaultsAsync(int? status = null, int? count = null, int latencyMs = 0, bool? honourReference = null)
    {
        using var response = await Sink.PostAsJsonAsync("/admin/faults", new { status, count, latencyMs, honourReference }, Web);
        response.EnsureSuccessStatusCode();
    }

    public async Task<List<NotificationRow>> NotificationsAsync(Guid? caseId = null)
    {
        const string sql = """
            SELECT notification_id AS NotificationId, case_id AS CaseId, template AS Template, status AS Status, reason AS Reason,
                   channel AS Channel, language AS Language, attempts AS Attempts, provider_status AS ProviderStatus, sent_at AS SentAtUtc
            FROM family.notifications WHERE @caseId::uuid IS NULL OR case_id = @caseId ORDER BY created_at, template
            """;
        await using var connection = await DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<NotificationRow>(sql, new { caseId })];
    }

    public async Task<List<(int Attempt, string Outcome, int? HttpStatus)>> AttemptsAsync(Guid notificationId)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<(int, string, int?)>(
            "SELECT attempt, outcome, http_status FROM family.attempts WHERE notification_id = @notificationId ORDER BY attempt", new { notificationId })];
    }

    /// <summary>Family events the relay published so far.</summary>
    public List<FamilyNotificationEvent> FamilyEvents() =>
        _kafka.ReadToEnd(FamilyTopic, TimeSpan.FromSeconds(30))
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.FamilyNotificationEvent)!)
            .ToList();

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }

    public async ValueTask DisposeAsync()
    {
        await StopNotifierAsync();
        _publisher.Dispose();
        Sink.Dispose();
        await _sink.StopAsync();
        await _sink.DisposeAsync();
        File.Delete(SinkSocket);
        await DataSource.DisposeAsync();
    }
}
