using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Mllp;
using MedicalExaminer.Security;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>
/// The real gateway, hosted in the test process on a free loopback port (HTTP and MLLP), publishing to a
/// fresh topic of the shared mock cluster. Three API-key publishers: Leeds (RR8), Manchester (R0A) and a
/// revoked Leeds key.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string LeedsOds = "RR8";
    public const string ManchesterOds = "R0A";

    public static readonly string LeedsKey = ApiKeys.NewKey();
    public static readonly string ManchesterKey = ApiKeys.NewKey();
    public static readonly string RevokedKey = ApiKeys.NewKey();
    public static readonly string SigningKeyBase64 = Convert.ToBase64String(Encoding.ASCII.GetBytes("gateway-tests-signing-key-of-at-least-32-bytes"));

    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, string topic)
    {
        _app = app;
        Topic = topic;
    }

    public string Topic { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public IPEndPoint MllpEndPoint { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayHost> StartAsync(
        KafkaClusterFixture kafka, string? topic = null, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        topic ??= kafka.CreateTopic("gateway", 3);
        var app = GatewayExtensions.BuildGateway([], builder =>
        {
            var config = new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
                ["Gateway:Topic"] = topic,
                ["Gateway:MllpPort"] = "0",
                ["Gateway:ApiKeys:leeds-epr:KeySha256"] = ApiKeys.Hash(LeedsKey),
                ["Gateway:ApiKeys:leeds-epr:OdsCode"] = LeedsOds,
                ["Gateway:ApiKeys:manchester-pas:KeySha256"] = ApiKeys.Hash(ManchesterKey),
                ["Gateway:ApiKeys:manchester-pas:OdsCode"] = ManchesterOds,
                ["Gateway:ApiKeys:leeds-old:KeySha256"] = ApiKeys.Hash(RevokedKey),
                ["Gateway:ApiKeys:leeds-old:OdsCode"] = LeedsOds,
                ["Gateway:ApiKeys:leeds-old:Revoked"] = "true",
                ["Gateway:RateLimit:PermitsPerSecond"] = "10000",
                ["Gateway:RateLimit:Burst"] = "10000",
                ["Auth:Jwt:SigningKeys:0"] = SigningKeyBase64,
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                config[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(config);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var host = new GatewayHost(app, topic)
        {
            BaseAddress = new Uri(app.Urls.First()),
        };
        host.MllpEndPoint = await app.Services.GetRequiredService<MllpListener>().BoundEndPoint.WaitAsync(TimeSpan.FromSeconds(10));
        return host;
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, apiKey);
        }

        return client;
    }

    public static string PublisherToken(string odsCode, string role = Roles.Publisher) =>
        SigningKey.IssueToken(new CurrentUser("publisher-jwt", "Publisher", role, null), JwtAuthOptions.DevIssuer, JwtAuthOptions.DefaultAudience,
            SigningKeyBase64, TimeSpan.FromMinutes(5), extraClaims: new Dictionary<string, string> { [MeClaimTypes.OdsCode] = odsCode });

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string contentType) =>
        await PostAsync(client, Encoding.UTF8.GetBytes(body), contentType);

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync("/api/notifications", content);
    }

    /// <summary>Sends one MLLP frame on a new connection and returns the acknowledgement.</summary>
    public async Task<string> SendMllpAsync(string message) => (await SendMllpAsync([message]))[0];

    public async Task<IReadOnlyList<string>> SendMllpAsync(IEnumerable<string> messages)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(MllpEndPoint);
        var stream = client.GetStream();
        var replies = new List<string>();
        foreach (var message in messages)
        {
            var payload = Encoding.UTF8.GetBytes(message);
            await stream.WriteAsync((byte[])[MllpListener.StartBlock, .. payload, MllpListener.EndBlock, MllpListener.CarriageReturn]);
            replies.Add(await ReadFrameAsync(stream));
        }

        return replies;
    }

    private static async Task<string> ReadFrameAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, timeout.Token) == 1)
        {
            if (one[0] == MllpListener.StartBlock)
            {
                continue;
            }

            if (one[0] == MllpListener.EndBlock)
            {
                await stream.ReadExactlyAsync(one, timeout.Token);
                return Encoding.UTF8.GetString(bytes.ToArray());
            }

            bytes.Add(one[0]);
        }

        throw new IOException("The MLLP connection closed before an acknowledgement arrived.");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Synthetic notifications as a given publisher would send them.</summary>
public static class Samples
{
    public static IReadOnlyList<DeathNotification> Valid(int seed, int count, string publisherOds = GatewayHost.LeedsOds) =>
        new NotificationGenerator(seed, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0))
            .Take(count)
            .Select(n => JsonSerializer.Deserialize(n.Value, ContractsJsonContext.Default.DeathNotification)! with { PublisherOdsCode = publisherOds })
            .ToList();

    /// <summary>
    /// The notification as FHIR and HL7 v2 can carry it: neither has an empty string, so an empty cause-of-death
    /// part travels as an absent one (which triage reads alike: no cause given).
    /// </summary>
    public static DeathNotification AsCarried(DeathNotification n)
    {
        static string? Text(string? value) => string.IsNullOrEmpty(value) ? null : value;
        var cause = n.ProposedCauseOfDeath is { } c ? new ProposedCauseOfDeath { Ia = Text(c.Ia), Ib = Text(c.Ib), Ic = Text(c.Ic), Ii = Text(c.Ii) } : null;
        return n with { ProposedCauseOfDeath = cause is { Ia: null, Ib: null, Ic: null, Ii: null } ? null : cause };
    }

    public static string Json(DeathNotification notification) => JsonSerializer.Serialize(notification, ContractsJsonContext.Default.DeathNotification);

    public static string Key(DeathNotification n) => $"{n.SourceSystem}:{n.NotificationId}";

    /// <summary>The contract JSON of a notification in one canonical form, to compare what arrived with what was meant.</summary>
    public static string Canonical(byte[] utf8Json) => Json(JsonSerializer.Deserialize(utf8Json, ContractsJsonContext.Default.DeathNotification)!);

    public static List<ConsumeResult<string, byte[]>> Published(KafkaClusterFixture kafka, string topic) => kafka.ReadToEnd(topic, TimeSpan.FromSeconds(30));
}
