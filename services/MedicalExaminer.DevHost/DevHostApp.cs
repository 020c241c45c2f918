using MedicalExaminer.FamilyNotifier;
using MedicalExaminer.Notify;
using MedicalExaminer.NotifySink;
using Dapper;
using MedicalExaminer.Gateway;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.IntakeWorker;
using MedicalExaminer.Kafka;
using MedicalExaminer.Metrics;
using MedicalExaminer.ScrutinyApi;
using MedicalExaminer.Security;
using MedicalExaminer.ServiceDefaults;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.WebUi;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.DevHost;

/// <summary>
/// Runs the whole system in one process for development: infrastructure first, then every
/// service on its own port, then the demo publisher. Ctrl+C stops everything and removes the
/// throwaway database.
/// </summary>
public static class DevHostApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.Configuration.GetSection(DevHostOptions.Section).Get<DevHostOptions>() ?? new DevHostOptions();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger("DevHost");

        using var startup = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            startup.Cancel();
        };

        await using var infrastructure = await DevInfrastructure.StartAsync(builder.Configuration, options, logger, startup.Token);
        var shared = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = infrastructure.BootstrapServers,
            ["Postgres:ConnectionString"] = infrastructure.ConnectionString,
        };

        builder.Configuration.AddInMemoryCollection(shared);
        builder.AddServiceDefaults("dev-host");
        builder.Services.AddOptions<DevHostOptions>().Bind(builder.Configuration.GetSection(DevHostOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddKafkaProducer(builder.Configuration);
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(infrastructure.ConnectionString));
        builder.Services.AddHostedService<DemoPublisher>();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/", CaseCountsAsync);

        var intakeWorker = IntakeWorkerExtensions.BuildIntakeWorker(
            [],
            worker =>
            {
                worker.Configuration.AddInMemoryCollection(shared);
                worker.WebHost.UseUrls($"http://127.0.0.1:{options.IntakeWorkerPort}");
            });

        // Development signing key (created once per machine), shared with `me token` for API calls.
        var devKey = SigningKey.LoadOrCreateDevKey();
        var scrutinyApi = ScrutinyApiExtensions.BuildScrutinyApi(
            [],
            api =>
            {
                api.Configuration.AddInMemoryCollection(shared);
                api.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Auth:Jwt:SigningKeys:0"] = devKey,
                    ["WebUi:DemoSignIn"] = "true",
                });
                api.WebHost.UseUrls($"http://127.0.0.1:{options.ScrutinyApiPort}");
                api.Services.AddSingleton(new DemoUserDirectory(DemoUsers.All));
            });

        var metrics = ScrutinyMetricsExtensions.BuildMetricsService(
            [],
            service =>
            {
                service.Configuration.AddInMemoryCollection(shared);
                service.Configuration.AddInMemoryCollection(MetricsSettings(devKey, options));
                service.WebHost.UseUrls($"http://127.0.0.1:{options.MetricsPort}");
                service.Services.AddSingleton(new DemoUserDirectory(DemoUsers.All));
            });

        // The family notifier sends through the local Notify sink; both get one fresh API key per run.
        var notifyKey = NotifyApiKey.Generate("dev-host");
        var notifySink = NotifySinkExtensions.BuildNotifySink(
            [],
            sink =>
            {
                sink.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["NotifySink:ApiKey"] = notifyKey });
                sink.WebHost.UseUrls($"http://127.0.0.1:{options.NotifySinkPort}");
            });
        var familyNotifier = FamilyNotifierExtensions.BuildFamilyNotifier(
            [],
            notifier =>
            {
                notifier.Configuration.AddInMemoryCollection(shared);
                notifier.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Notify:BaseUrl"] = $"http://127.0.0.1:{options.NotifySinkPort}",
                    ["Notify:ApiKey"] = notifyKey,
                    // A developer watching the sink should see delivery within seconds.
                    ["FamilyNotifier:PollDelay"] = "00:00:02",
                    ["FamilyNotifier:PollMaxDelay"] = "00:00:10",
                });
                notifier.WebHost.UseUrls($"http://127.0.0.1:{options.FamilyNotifierPort}");
            });

        await notifySink.StartAsync(startup.Token);
        await familyNotifier.StartAsync(startup.Token);

        // A fresh demo publisher key per run: only its hash is configured, the key itself is printed once below.
        var demoKey = ApiKeys.NewKey();
        var gateway = GatewayExtensions.BuildGateway(
            [],
            gw =>
            {
                gw.Configuration.AddInMemoryCollection(shared);
                // The dev host's own Gateway:* settings (e.g. --Gateway:RateLimit:PermitsPerSecond=...) reach the gateway.
                gw.Configuration.AddInMemoryCollection(builder.Configuration.GetSection(GatewayOptions.Section).AsEnumerable()
                    .Where(setting => setting.Value is not null));
                gw.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Auth:Jwt:SigningKeys:0"] = devKey,
                    ["Gateway:ApiKeys:demo-publisher:KeySha256"] = ApiKeys.Hash(demoKey),
                    ["Gateway:ApiKeys:demo-publisher:OdsCode"] = options.DemoPublisherOdsCode,
                    ["Gateway:MllpPort"] = options.GatewayMllpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    // The demo publisher's profile (docs/gateway.md): its PAS writes local site names and verifies every NHS number.
                    [$"Gateway:Profiles:{options.DemoPublisherOdsCode}:Locations:LGI"] = "RR801",
                    [$"Gateway:Profiles:{options.DemoPublisherOdsCode}:Locations:LEEDS GENERAL INFIRMARY"] = "RR801",
                    [$"Gateway:Profiles:{options.DemoPublisherOdsCode}:Locations:SJUH"] = "RR813",
                    [$"Gateway:Profiles:{options.DemoPublisherOdsCode}:NhsNumbersVerified"] = "true",
                    [$"Gateway:Profiles:{options.DemoPublisherOdsCode}:DefaultLanguage"] = "en",
                });
                gw.WebHost.UseUrls($"http://127.0.0.1:{options.GatewayPort}");
            });

        await intakeWorker.StartAsync(startup.Token);
        await scrutinyApi.StartAsync(startup.Token);
        await metrics.StartAsync(startup.Token);
        await gateway.StartAsync(startup.Token);
        await app.StartAsync(startup.Token);
        PrintBanner(app, infrastructure, options, demoKey);

        await app.WaitForShutdownAsync();
        await familyNotifier.StopAsync();
        await familyNotifier.DisposeAsync();
        await notifySink.StopAsync();
        await notifySink.DisposeAsync();
        await metrics.StopAsync();
        await metrics.DisposeAsync();
        await gateway.StopAsync();
        await gateway.DisposeAsync();
        await scrutinyApi.StopAsync();
        await scrutinyApi.DisposeAsync();
        await intakeWorker.StopAsync();
        await intakeWorker.DisposeAsync();
        await app.DisposeAsync();
        return 0;
    }

    private static void PrintBanner(WebApplication app, DevInfrastructure infrastructure, DevHostOptions options, string demoKey)
    {
        var devHostUrl = app.Urls.FirstOrDefault() ?? "http://127.0.0.1:8080";
        var rate = app.Services.GetRequiredService<IOptions<DevHostOptions>>().Value.DemoNotificationsPerSecond;
        var psqlUri = PsqlUri(infrastructure.ConnectionString);
        Console.WriteLine($"""

            ==================================================================================
             Medical Examiner pipeline — development host
             Kafka bootstrap servers : {infrastructure.BootstrapServers}{(infrastructure.EmbeddedKafka ? "  (embedded mock cluster, 3 brokers)" : "")}
             Postgres                : {infrastructure.ConnectionString}{(infrastructure.LocalPostgres ? "  (throwaway local cluster)" : "")}
             Case counts (JSON)      : {devHostUrl}/
             Scrutiny web UI         : http://127.0.0.1:{options.ScrutinyApiPort}/   (sign in as a demo user, e.g. "Dr Okafor", ME of me-leeds)
             Scrutiny API (OpenAPI)  : http://127.0.0.1:{options.ScrutinyApiPort}/openapi/v1.json
             API token for curl      : dotnet run --project services/MedicalExaminer.Cli -- token --role medical-examiner --office me-leeds --user me.me-leeds
             Metrics dashboard       : http://127.0.0.1:{options.MetricsPort}/   (sign in as "Regulator analyst", or as an office's ME)
             Metrics API / CSV       : http://127.0.0.1:{options.MetricsPort}/api/metrics?granularity=month   /api/metrics/csv   (OpenAPI: /openapi/v1.json)
             Prometheus scrape       : http://127.0.0.1:{options.MetricsPort}/metrics
             Intake worker health    : http://127.0.0.1:{options.IntakeWorkerPort}/health/ready
             Notify sink (messages)  : http://127.0.0.1:{options.NotifySinkPort}/   (what families would receive; faults: POST /admin/faults)
             Family notifier health  : http://127.0.0.1:{options.FamilyNotifierPort}/health/ready   (SMS wait for 08:00 UK time at night)
             Hospital gateway (HTTP) : http://127.0.0.1:{options.GatewayPort}/api/notifications   (OpenAPI: /openapi/v1.json)
             Gateway MLLP (HL7 v2)   : 127.0.0.1:{options.GatewayMllpPort}   (API key in MSH-8)
             Demo publisher API key  : {demoKey}   (ODS code {options.DemoPublisherOdsCode}; send it as X-Api-Key)
             Publish through gateway : dotnet run --project services/MedicalExaminer.Cli -- publish --via-gateway http://127.0.0.1:{options.GatewayPort} --api-key {demoKey} --ods {options.DemoPublisherOdsCode} --count 100 --format fhir
             Demo publisher          : {rate} synthetic notifications per second
             Watch cases arrive      : psql "{psqlUri}" -c "select queue, count(*) from casework.cases group by 1"
             Ctrl+C stops everything.
            ==================================================================================

            """);
    }

    /// <summary>The metrics service's settings: the dev signing key, the demo offices with their regions, the snapshot rate.</summary>
    private static Dictionary<string, string?> MetricsSettings(string devKey, DevHostOptions options)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Jwt:SigningKeys:0"] = devKey,
            ["Metrics:DemoSignIn"] = "true",
            ["Metrics:SnapshotInterval"] = options.MetricsSnapshotInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < DemoOffices.All.Count; i++)
        {
            var office = DemoOffices.All[i];
            settings[$"Metrics:Offices:{i}:Id"] = office.OfficeId;
            settings[$"Metrics:Offices:{i}:Name"] = office.Name;
            settings[$"Metrics:Offices:{i}:Region"] = DemoOffices.Regions[office.OfficeId];
        }

        return settings;
    }

    /// <summary>psql speaks libpq URIs, not Npgsql connection strings.</summary>
    private static string PsqlUri(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var password = string.IsNullOrEmpty(b.Password) ? "" : ":" + Uri.EscapeDataString(b.Password);
        return $"postgresql://{Uri.EscapeDataString(b.Username ?? "postgres")}{password}@{b.Host}:{b.Port}/{Uri.EscapeDataString(b.Database ?? "postgres")}";
    }

    private const string CountsSql = """
        SELECT coalesce(office_id, '(unrouted)') AS office, queue, count(*)::int AS cases
        FROM casework.cases GROUP BY 1, 2 ORDER BY 1, 2
        """;

    private static async Task<IResult> CaseCountsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<QueueCount>(new CommandDefinition(CountsSql, cancellationToken: cancellationToken))).ToList();
        return Results.Ok(new { total = rows.Sum(r => r.Cases), queues = rows });
    }

    private sealed record QueueCount(string Office, string Queue, int Cases);
}
