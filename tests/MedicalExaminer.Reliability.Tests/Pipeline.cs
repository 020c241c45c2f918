using System.Globalization;
using System.Security.Cryptography;
using MedicalExaminer.FamilyNotifier;
using MedicalExaminer.IntakeWorker;
using MedicalExaminer.Casework;
using MedicalExaminer.Metrics;
using MedicalExaminer.Notify;
using MedicalExaminer.NotifySink;
using MedicalExaminer.ScrutinyApi;
using MedicalExaminer.ServiceDefaults;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// One scenario run's whole pipeline on a fresh database and fresh topics: intake worker, scrutiny API (casework and
/// the casework outbox relay), family notifier with a Notify sink, metrics service. Each deployable is started by the
/// scenario either in the test process or as a process of its own (<see cref="ServiceProcess"/>) when killing it -9
/// is the point; both run the same composition (the service's own <c>Build…</c> method) with the same settings.
/// </summary>
public sealed class Pipeline : IAsyncDisposable
{
    public const string IntakeWorkerApp = "MedicalExaminer.IntakeWorker";
    public const string ScrutinyApiApp = "MedicalExaminer.ScrutinyApi";
    public const string FamilyNotifierApp = "MedicalExaminer.FamilyNotifier";

    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
    private readonly Stack<IAsyncDisposable> _started = new();
    private readonly string _sinkApiKey = NotifyApiKey.Generate("faults");
    private WebApplication? _sink;

    private Pipeline(KafkaClusterFixture kafka, int seed, string connectionString)
    {
        Kafka = kafka;
        Seed = seed;
        Random = new Random(seed);
        ConnectionString = connectionString;
        // Unpooled: the test's own reads must not trip over a pooled connection that a Postgres restart cut.
        DataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        NotificationTopic = kafka.CreateTopic("notifications", partitions: 3);
        IntakeDeadLetterTopic = kafka.CreateTopic("notifications-dlq", partitions: 1);
        CaseEventTopic = kafka.CreateTopic("case-events", partitions: 3);
        FamilyTopic = kafka.CreateTopic("family-notifications", partitions: 3);
        FamilyDeadLetterTopic = kafka.CreateTopic("family-dlq", partitions: 1);
        MetricsDeadLetterTopic = kafka.CreateTopic("metrics-dlq", partitions: 1);
        SnapshotTopic = kafka.CreateTopic("metrics-snapshots", partitions: 1);
    }

    public KafkaClusterFixture Kafka { get; }

    public int Seed { get; }

    /// <summary>Every random choice of the run (when to strike, for how long) comes from here, so a seed replays a run.</summary>
    public Random Random { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public string NotificationTopic { get; }

    public string IntakeDeadLetterTopic { get; }

    public string CaseEventTopic { get; }

    public string FamilyTopic { get; }

    public string FamilyDeadLetterTopic { get; }

    public string MetricsDeadLetterTopic { get; }

    public string SnapshotTopic { get; }

    public string IntakeGroup { get; } = KafkaClusterFixture.NewGroupId("intake");

    public string FamilyGroup { get; } = KafkaClusterFixture.NewGroupId("family");

    public string MetricsGroup { get; } = KafkaClusterFixture.NewGroupId("metrics");

    /// <summary>The Notify stand-in's store (what it accepted) and fault switch, once <see cref="StartSinkAsync"/> ran.</summary>
    public SinkStore SinkStore => Sink.Services.GetRequiredService<SinkStore>();

    public SinkFaults SinkFaults => Sink.Services.GetRequiredService<SinkFaults>();

    private WebApplication Sink => _sink ?? throw new InvalidOperationException("The Notify sink is not started.");

    public static async Task<Pipeline> CreateAsync(PostgresFixture postgres, KafkaClusterFixture kafka, int seed)
    {
        var pipeline = new Pipeline(kafka, seed, await postgres.CreateMigratedDatabaseAsync());
        await OfficeRegistry.UpsertAsync(pipeline.DataSource, DemoOffices.All, CancellationToken.None);
        return pipeline;
    }

    public Dictionary<string, string?> IntakeSettings() => new(Common())
    {
        [$"{IntakeWorkerExtensions.ConsumerSection}:Topic"] = NotificationTopic,
        [$"{IntakeWorkerExtensions.ConsumerSection}:DeadLetterTopic"] = IntakeDeadLetterTopic,
        [$"{IntakeWorkerExtensions.ConsumerSection}:GroupId"] = IntakeGroup,
        // Small batches every 50 ms: a fault always finds a batch in flight.
        [$"{IntakeWorkerExtensions.ConsumerSection}:MaxBatchSize"] = "50",
        [$"{IntakeWorkerExtensions.ConsumerSection}:MaxBatchWait"] = "00:00:00.050",
        [$"{IntakeWorkerExtensions.ConsumerSection}:RetryDelay"] = "00:00:00.100",
        [$"{IntakeWorkerExtensions.ConsumerSection}:RetryMaxDelay"] = "00:00:01",
    };

    /// <summary>The scrutiny API: the casework outbox relay to the case-events topic (its family-notification view is off).</summary>
    public Dictionary<string, string?> CaseworkSettings() => new(Common())
    {
        ["Outbox:Topic"] = CaseEventTopic,
        ["Outbox:BatchSize"] = "50",
        ["Outbox:IdleDelay"] = "00:00:00.050",
        ["FamilyNotifications:Enabled"] = "false",
        ["Auth:Jwt:SigningKeys:0"] = SigningKey,
    };

    public Dictionary<string, string?> NotifierSettings() => new(Common())
    {
        [$"{FamilyNotifierExtensions.ConsumerSection}:Topic"] = CaseEventTopic,
        [$"{FamilyNotifierExtensions.ConsumerSection}:GroupId"] = FamilyGroup,
        [$"{FamilyNotifierExtensions.ConsumerSection}:DeadLetterTopic"] = FamilyDeadLetterTopic,
        [$"{FamilyNotifierExtensions.ConsumerSection}:MaxBatchWait"] = "00:00:00.050",
        [$"{FamilyNotifierExtensions.ConsumerSection}:RetryDelay"] = "00:00:00.050",
        ["Outbox:Topic"] = FamilyTopic,
        ["Outbox:IdleDelay"] = "00:00:00.050",
        // No quiet hours, whatever the time of the run: a text is sent at once.
        ["FamilyNotifier:QuietHoursStart"] = "00:00:00",
        ["FamilyNotifier:QuietHoursEnd"] = "00:00:00",
        ["FamilyNotifier:IdleDelay"] = "00:00:00.050",
        ["FamilyNotifier:Lease"] = "00:00:09", // 3 x Notify:AttemptTimeout
        ["FamilyNotifier:RetryDelay"] = "00:00:00.100",
        ["FamilyNotifier:RetryMaxDelay"] = "00:00:00.500",
        ["FamilyNotifier:PollDelay"] = "00:00:00.100",
        ["FamilyNotifier:PollMaxDelay"] = "00:00:00.300",
        ["Notify:BaseUrl"] = Sink.Urls.First(),
        ["Notify:ApiKey"] = _sinkApiKey,
        // Long enough that a provider merely starved of CPU on a busy test machine does not time out: a timed-out send
        // is only retried by the notifier's next claim, which would slow the scenario down.
        ["Notify:AttemptTimeout"] = "00:00:03",
        ["Notify:CircuitMinimumThroughput"] = "4",
        ["Notify:CircuitSamplingDuration"] = "00:00:06",
        ["Notify:CircuitBreakDuration"] = "00:00:00.500",
    };

    public Dictionary<string, string?> MetricsSettings() => new(Common())
    {
        [$"{ScrutinyMetricsExtensions.ConsumerSection}:Topic"] = CaseEventTopic,
        [$"{ScrutinyMetricsExtensions.ConsumerSection}:GroupId"] = MetricsGroup,
        [$"{ScrutinyMetricsExtensions.ConsumerSection}:DeadLetterTopic"] = MetricsDeadLetterTopic,
        [$"{ScrutinyMetricsExtensions.ConsumerSection}:MaxBatchWait"] = "00:00:00.050",
        ["Metrics:SnapshotTopic"] = SnapshotTopic,
        ["Metrics:SnapshotInterval"] = "00:00:00",
        ["Auth:Jwt:SigningKeys:0"] = SigningKey,
    };

    public Task<WebApplication> StartIntakeAsync() => StartInProcessAsync(IntakeWorkerExtensions.BuildIntakeWorker, IntakeSettings());

    public Task<WebApplication> StartCaseworkAsync() => StartInProcessAsync(ScrutinyApiExtensions.BuildScrutinyApi, CaseworkSettings());

    public Task<WebApplication> StartNotifierAsync() => StartInProcessAsync(FamilyNotifierExtensions.BuildFamilyNotifier, NotifierSettings());

    public Task<WebApplication> StartMetricsAsync() => StartInProcessAsync(ScrutinyMetricsExtensions.BuildMetricsService, MetricsSettings());

    /// <summary>The Notify stand-in, in the test process, so it outlives every notifier process a scenario kills.</summary>
    public async Task StartSinkAsync()
    {
        _sink = await StartInProcessAsync(NotifySinkExtensions.BuildNotifySink, new Dictionary<string, string?>
        {
            ["NotifySink:ApiKey"] = _sinkApiKey,
            ["NotifySink:SendingAfter"] = "00:00:00",
            ["NotifySink:DeliveredAfter"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        });
    }

    /// <summary>Starts a deployable as a process of its own; it is killed when the run ends, whatever happens.</summary>
    public async Task<ServiceProcess> StartProcessAsync(string app, IReadOnlyDictionary<string, string?> settings)
    {
        var output = TestContext.Current.TestOutputHelper;
        var process = await ServiceProcess.StartAsync(
            app,
            [.. settings.Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}"), "--urls=http://127.0.0.1:0"],
            line => output?.WriteLine(line));
        _started.Push(process);
        return process;
    }

    /// <summary>Starts a deployable as a process that kills itself -9 the <paramref name="hit"/>-th time it reaches <paramref name="crashPoint"/>.</summary>
    public Task<ServiceProcess> StartWithCrashPointAsync(string app, Dictionary<string, string?> settings, string crashPoint, int hit)
    {
        settings[$"{CrashPoint.Section}:{crashPoint}"] = hit.ToString(CultureInfo.InvariantCulture);
        return StartProcessAsync(app, settings);
    }

    /// <summary>Waits for a process to die at its crash point (killed -9: exit 137), then starts its successor without one.</summary>
    public async Task<ServiceProcess> ReplaceAfterCrashAsync(ServiceProcess crashing, string app, IReadOnlyDictionary<string, string?> settings)
    {
        Assert.True(await crashing.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"{app} reaches its crash point:\n{crashing.OutputTail}");
        Assert.True(crashing.ExitCode == 137, $"{app} died of SIGKILL at its crash point, not exit code {crashing.ExitCode}:\n{crashing.OutputTail}");
        return await StartProcessAsync(app, settings);
    }

    /// <summary>Stops a deployable started in-process (as an orchestrator would: drain, then stop).</summary>
    public static async Task StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        while (_started.TryPop(out var started))
        {
            try
            {
                await started.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // Stopped by the scenario already.
            }
        }

        await DataSource.DisposeAsync();
    }

    private async Task<WebApplication> StartInProcessAsync(Func<string[], Action<WebApplicationBuilder>?, WebApplication> build, IReadOnlyDictionary<string, string?> settings)
    {
        var app = build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        _started.Push(new StopOnce(app));
        return app;
    }

    private Dictionary<string, string?> Common() => new()
    {
        ["Kafka:BootstrapServers"] = Kafka.BootstrapServers,
        // A group waits session.timeout.ms for a member killed -9 before it gives its partitions to the newcomer
        // that replaced it: keep it short so a restarted process resumes quickly.
        ["Kafka:Consumer:session.timeout.ms"] = "3000",
        ["Kafka:Consumer:heartbeat.interval.ms"] = "1000",
        ["Postgres:ConnectionString"] = ConnectionString,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>An in-process app a scenario may already have stopped itself.</summary>
    private sealed class StopOnce(WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await app.StopAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            await app.DisposeAsync();
        }
    }
}
