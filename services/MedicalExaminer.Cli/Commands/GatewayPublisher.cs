using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.SyntheticData;

namespace MedicalExaminer.Cli.Commands;

/// <summary>
/// <c>me publish --via-gateway URL --api-key KEY</c>: the synthetic stream sent through the hospital gateway
/// over HTTP, as a publisher would send it — in JSON, FHIR or HL7 v2 — with several requests in flight.
/// Counts what the gateway acknowledged (202, i.e. Kafka acknowledged), what it refused and why (codes),
/// and what failed; a 429 is waited out as its Retry-After says and sent again.
/// </summary>
internal static class GatewayPublisher
{
    public const string ApiKeyVariable = "ME_GATEWAY_API_KEY";
    public static readonly string[] Formats = [NotificationFormats.Json, NotificationFormats.Fhir, NotificationFormats.Hl7];
    private const int MaxRateLimitRetries = 20;

    public sealed record Run(Uri Gateway, string ApiKey, string OdsCode, string Format, int Count, int Seed, SyntheticMix Mix, int Concurrency, double? Rate);

    public static async Task<int> RunAsync(CliConsole console, Run run, CancellationToken cancellationToken)
    {
        var generator = new NotificationGenerator(run.Seed, run.Mix, clock: console.Clock);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = run.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = run.Gateway,
            Timeout = TimeSpan.FromSeconds(60),
        };
        http.DefaultRequestHeaders.Add(NotificationFormats.ApiKeyHeader, run.ApiKey);

        // Bodies are made up front, so the rate measured is the gateway's, not the generator's.
        var bodies = new List<(byte[] Body, string ContentType)>(run.Count);
        for (var i = 0; i < run.Count; i++)
        {
            bodies.Add(Encode(generator.Next(), run.OdsCode, run.Format));
        }

        var accepted = 0L;
        var failed = 0L;
        var refusals = new ConcurrentDictionary<string, int>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await PublishProgress.RunAsync(console, $"publishing through {run.Gateway} as {run.Format}", run.Count, async report =>
        {
            async Task WorkerAsync()
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < run.Count && !cancellationToken.IsCancellationRequested)
                {
                    if (run.Rate is { } perSecond && TimeSpan.FromSeconds(index / perSecond) - clock.Elapsed is { Ticks: > 0 } ahead)
                    {
                        await Task.Delay(ahead, cancellationToken);
                    }

                    var (status, code) = await SendAsync(http, bodies[index], cancellationToken);
                    if (status == HttpStatusCode.Accepted)
                    {
                        Interlocked.Increment(ref accepted);
                    }
                    else if ((int)status is >= 400 and < 500)
                    {
                        refusals.AddOrUpdate(code ?? ((int)status).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }

                    report(Interlocked.Read(ref accepted) + Interlocked.Read(ref failed) + refusals.Values.Sum());
                }
            }

            try
            {
                await Task.WhenAll(Enumerable.Range(0, run.Concurrency).Select(_ => Task.Run(WorkerAsync, CancellationToken.None)));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: what was answered is counted below.
            }
        });
        clock.Stop();

        var refused = refusals.Values.Sum();
        var done = accepted + refused + failed;
        if (done < run.Count)
        {
            await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"me publish: interrupted after {done} of {run.Count} notifications."));
        }

        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        var why = refused == 0 ? "" : " (" + string.Join(", ", refusals.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}")) + ")";
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"published {accepted} notifications through {run.Gateway} as {run.Format} in {seconds:F1} s ({accepted / seconds:F0}/s acknowledged): "
            + $"{refused} refused{why}, {failed} failed; seed {run.Seed}"));
        return failed > 0 || done < run.Count ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static async Task<(HttpStatusCode Status, string? Code)> SendAsync(HttpClient http, (byte[] Body, string ContentType) request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var content = new ByteArrayContent(request.Body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync("/api/notifications", content, cancellationToken);
            }
            catch (HttpRequestException)
            {
                return (HttpStatusCode.ServiceUnavailable, null);
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxRateLimitRetries)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken);
                    continue;
                }

                return (response.StatusCode, response.IsSuccessStatusCode ? null : await CodeOfAsync(response, cancellationToken));
            }
        }
    }

    private static async Task<string?> CodeOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A generated message as the publisher with <paramref name="odsCode"/> would send it in <paramref name="format"/>.</summary>
    public static (byte[] Body, string ContentType) Encode(SyntheticNotification synthetic, string odsCode, string format)
    {
        DeathNotification? notification;
        try
        {
            notification = JsonSerializer.Deserialize(synthetic.Value, ContractsJsonContext.Default.DeathNotification);
        }
        catch (JsonException)
        {
            notification = null;
        }

        // An invalid message the generator made unreadable on purpose goes as it is, for the gateway to refuse.
        return notification is null
            ? (synthetic.Value, NotificationWriter.ContentTypeOf(format))
            : NotificationWriter.Write(notification with { PublisherOdsCode = odsCode }, format);
    }
}
