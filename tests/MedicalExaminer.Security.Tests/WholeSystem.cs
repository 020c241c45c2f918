using System.Net.Http.Headers;
using MedicalExaminer.FamilyNotifier;
using MedicalExaminer.Gateway;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.IntakeWorker;
using MedicalExaminer.Metrics;
using MedicalExaminer.Notify;
using MedicalExaminer.NotifySink;
using MedicalExaminer.Security;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Casework;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalExaminer.Security.Tests;

/// <summary>One of the system's web applications, running on a loopback port.</summary>
public sealed record RunningService(string Name, IServiceProvider Services, Uri BaseAddress)
{
    /// <summary>Every endpoint the application maps (the composite of its routing's data sources).</summary>
    public IReadOnlyList<RouteEndpoint> Endpoints =>
        [.. Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
}

/// <summary>
/// Every deployable HTTP surface of the system in the test process, wired as in production over one fresh database
/// (each context in its own schema) and fresh topics of the shared mock cluster: the gateway publishes what the intake
/// worker consumes; the scrutiny API relays its outbox to the case-event topic that the family notifier and the metrics
/// service consume; the family notifier sends through the local Notify sink and relays its events to the topic the
/// scrutiny API reads for the case page. <see cref="Options.Pipeline"/> off keeps the API's outbox unrelayed (the
/// authorization matrix needs the endpoints, not the flow).
/// </summary>
public sealed class WholeSystem : IAsyncDisposable
{
    public const string OwnOffice = CaseworkWorld.Office;
    public const string OtherOffice = "me-bristol";

    /// <summary>The ODS code the Leeds publisher may publish for; its API key is <see cref="PublisherKey"/>.</summary>
    public const string PublisherOds = "RR8";
    public const string OtherPublisherOds = "R0A";

    public static readonly string PublisherKey = ApiKeys.NewKey();

    private readonly List<RunningService> _services = [];
    private readonly List<Func<ValueTask>> _stops = [];

    private WholeSystem(CaseworkWorld casework, TopicSet topics)
    {
        Casework = casework;
        TopicNames = topics;
    }

    public sealed record Options(bool Pipeline = false, int Cases = 300, Action<string, WebApplicationBuilder>? Configure = null);

    public sealed record TopicSet(
        string Notifications, string NotificationsDeadLetter, string CaseEvents, string FamilyNotifications, string FamilyDeadLetter,
        string MetricsDeadLetter, string Snapshots, string CaseworkFamilyDeadLetter)
    {
        public IEnumerable<string> All => [Notifications, NotificationsDeadLetter, CaseEvents, FamilyNotifications, FamilyDeadLetter, MetricsDeadLetter, Snapshots, CaseworkFamilyDeadLetter];
    }

    public CaseworkWorld Casework { get; }

    public TopicSet TopicNames { get; }

    public IReadOnlyList<RunningService> Services => _services;

    public RunningService this[string name] => _services.Single(s => s.Name == name);

    public static async Task<WholeSystem> StartAsync(PostgresFixture postgres, KafkaClusterFixture kafka, Options options)
    {
        var casework = await CaseworkWorld.CreateAsync(postgres, cases: options.Cases);
        var topics = new TopicSet(
            kafka.CreateTopic("notifications", 3),
            kafka.CreateTopic("notifications-dlq", 1),
            kafka.CreateTopic("case-events", 3),
            kafka.CreateTopic("family-notifications", 3),
            kafka.CreateTopic("family-dlq", 1),
            kafka.CreateTopic("metrics-dlq", 1),
            kafka.CreateTopic("snapshots", 1),
            kafka.CreateTopic("casework-family-dlq", 1));
        var system = new WholeSystem(casework, topics);
        try
        {
            await system.StartServicesAsync(kafka.BootstrapServers, options);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }

        return system;
    }

    private async Task StartServicesAsync(string bootstrapServers, Options options)
    {
        var notifyKey = NotifyApiKey.Generate("security-tests");
        var shared = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:Consumer:session.timeout.ms"] = "6000",
            ["Postgres:ConnectionString"] = Casework.ConnectionString,
            ["Auth:Jwt:SigningKeys:0"] = ApiHost.Key,
            ["Logging:LogLevel:Default"] = "Warning",
        };

        Dictionary<string, string?> With(params (string Key, string? Value)[] settings)
        {
            var all = new Dictionary<string, string?>(shared);
            foreach (var (key, value) in settings)
            {
                all[key] = value;
            }

            return all;
        }

        var sink = await StartAsync("notify-sink", NotifySinkExtensions.BuildNotifySink, options, With(
            ("NotifySink:ApiKey", notifyKey),
            ("NotifySink:SendingAfter", "00:00:00"),
            ("NotifySink:DeliveredAfter", "00:00:00.100")));

        await StartAsync("family-notifier", FamilyNotifierExtensions.BuildFamilyNotifier, options, With(
            ($"{FamilyNotifierExtensions.ConsumerSection}:Topic", TopicNames.CaseEvents),
            ($"{FamilyNotifierExtensions.ConsumerSection}:GroupId", KafkaClusterFixture.NewGroupId("family")),
            ($"{FamilyNotifierExtensions.ConsumerSection}:DeadLetterTopic", TopicNames.FamilyDeadLetter),
            ($"{FamilyNotifierExtensions.ConsumerSection}:MaxBatchWait", "00:00:00.050"),
            ("Outbox:Topic", TopicNames.FamilyNotifications),
            ("Outbox:IdleDelay", "00:00:00.050"),
            ("FamilyNotifier:IdleDelay", "00:00:00.050"),
            ("FamilyNotifier:PollDelay", "00:00:00.100"),
            ("FamilyNotifier:PollMaxDelay", "00:00:00.300"),
            // No quiet hours (start = end), so a text is sent whatever the time of day the suite runs.
            ("FamilyNotifier:QuietHoursStart", "00:00:00"),
            ("FamilyNotifier:QuietHoursEnd", "00:00:00"),
            ("Notify:BaseUrl", sink.BaseAddress.ToString()),
            ("Notify:ApiKey", notifyKey)));

        await StartAsync("intake-worker", IntakeWorkerExtensions.BuildIntakeWorker, options, With(
            ("Intake:Consumer:Topic", TopicNames.Notifications),
            ("Intake:Consumer:DeadLetterTopic", TopicNames.NotificationsDeadLetter),
            ("Intake:Consumer:GroupId", KafkaClusterFixture.NewGroupId("intake")),
            ("Intake:Consumer:MaxBatchWait", "00:00:00.050")));

        var metrics = With(
            ("Metrics:Consumer:Topic", TopicNames.CaseEvents),
            ("Metrics:Consumer:GroupId", KafkaClusterFixture.NewGroupId("metrics")),
            ("Metrics:Consumer:DeadLetterTopic", TopicNames.MetricsDeadLetter),
            ("Metrics:Consumer:MaxBatchWait", "00:00:00.050"),
            ("Metrics:SnapshotTopic", TopicNames.Snapshots),
            ("Metrics:SnapshotInterval", "00:00:01"));
        for (var i = 0; i < DemoOffices.All.Count; i++)
        {
            metrics[$"Metrics:Offices:{i}:Id"] = DemoOffices.All[i].OfficeId;
            metrics[$"Metrics:Offices:{i}:Name"] = DemoOffices.All[i].Name;
        }

        await StartAsync("metrics", ScrutinyMetricsExtensions.BuildMetricsService, options, metrics);

        await StartAsync("gateway", GatewayExtensions.BuildGateway, options, With(
            ("Gateway:Topic", TopicNames.Notifications),
            ("Gateway:MllpPort", "0"),
            ("Gateway:ApiKeys:leeds-epr:KeySha256", ApiKeys.Hash(PublisherKey)),
            ("Gateway:ApiKeys:leeds-epr:OdsCode", PublisherOds),
            ("Gateway:RateLimit:PermitsPerSecond", "100000"),
            ("Gateway:RateLimit:Burst", "100000")));

        var api = await ApiHost.StartAsync(Casework, With(
            ("Outbox:Enabled", options.Pipeline ? "true" : "false"),
            ("Outbox:Topic", TopicNames.CaseEvents),
            ("Outbox:IdleDelay", "00:00:00.050"),
            ("FamilyNotifications:Enabled", "true"),
            ($"{ScrutinyApi.ScrutinyApiExtensions.FamilyNotificationsSection}:Topic", TopicNames.FamilyNotifications),
            ($"{ScrutinyApi.ScrutinyApiExtensions.FamilyNotificationsSection}:GroupId", KafkaClusterFixture.NewGroupId("casework-family")),
            ($"{ScrutinyApi.ScrutinyApiExtensions.FamilyNotificationsSection}:DeadLetterTopic", TopicNames.CaseworkFamilyDeadLetter),
            ($"{ScrutinyApi.ScrutinyApiExtensions.FamilyNotificationsSection}:MaxBatchWait", "00:00:00.050")),
            builder => options.Configure?.Invoke("scrutiny-api", builder));
        _stops.Add(api.DisposeAsync);
        _services.Add(new RunningService("scrutiny-api", api.Services, api.BaseAddress));
    }

    private async Task<RunningService> StartAsync(
        string name, Func<string[], Action<WebApplicationBuilder>?, WebApplication> build, Options options, Dictionary<string, string?> settings)
    {
        var app = build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            options.Configure?.Invoke(name, builder);
        });
        _stops.Add(async () =>
        {
            await app.StopAsync();
            await app.DisposeAsync();
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var service = new RunningService(name, app.Services, new Uri(app.Urls.First()));
        _services.Add(service);
        return service;
    }

    /// <summary>A client of <paramref name="service"/> that follows no redirect and keeps cookies (the UI's antiforgery cookie).</summary>
    public HttpClient Client(string service, string? bearer = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = this[service].BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>A token signed with the key every service of this system trusts.</summary>
    public static string Token(
        string role, string? office, string user, string? ods = null, TimeSpan? lifetime = null, string? key = null, string audience = JwtAuthOptions.DefaultAudience) =>
        SigningKey.IssueToken(
            new CurrentUser(user, "Test User", role, office), JwtAuthOptions.DevIssuer, audience, key ?? ApiHost.Key, lifetime ?? TimeSpan.FromMinutes(10),
            extraClaims: ods is null ? null : new Dictionary<string, string> { [MeClaimTypes.OdsCode] = ods });

    public async ValueTask DisposeAsync()
    {
        // Stop in the reverse order of start: the API first, the sink the notifier sends to last.
        for (var i = _stops.Count - 1; i >= 0; i--)
        {
            await _stops[i]();
        }

        await Casework.DisposeAsync();
    }
}
