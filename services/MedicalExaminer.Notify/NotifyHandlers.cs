using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Notify;

/// <summary>
/// Runs once per attempt, inside the resilience pipeline: records each attempt's outcome, and makes a retried send
/// idempotent. The notification's own stable id travels as Notify's <c>reference</c>. Notify itself does not refuse a
/// second message with the same reference, so before sending again when an earlier attempt may have reached it (a
/// timeout, a 5xx, a dropped connection, or a process killed after the provider accepted but before the result was
/// committed), this asks <c>GET /v2/notifications?reference=…</c> and adopts the message it finds instead of sending
/// a second one. (The local sink additionally answers a repeated reference with the same notification.)
/// </summary>
internal sealed class NotifyAttemptHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(AttemptLog.Key, out var log))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        try
        {
            if (log.Uncertain)
            {
                using var lookup = new HttpRequestMessage(HttpMethod.Get, new Uri(request.RequestUri!, $"/v2/notifications?reference={Uri.EscapeDataString(log.Reference)}"));
                var found = await base.SendAsync(lookup, cancellationToken);
                if (!found.IsSuccessStatusCode)
                {
                    log.Add(new SendAttempt(started, clock.Elapsed, Outcome(found.StatusCode), (int)found.StatusCode));
                    return found;
                }

                var list = await found.Content.ReadFromJsonAsync(NotifyJsonContext.Default.NotificationListResponse, cancellationToken);
                found.Dispose();
                if (list?.Notifications.FirstOrDefault(n => n.Reference == log.Reference) is { } existing)
                {
                    log.FoundExisting = existing;
                    log.Add(new SendAttempt(started, clock.Elapsed, AttemptOutcomes.FoundByReference, (int)HttpStatusCode.OK));
                    return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
                }
            }

            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                log.Uncertain = true;
            }

            log.Add(new SendAttempt(started, clock.Elapsed, Outcome(response.StatusCode), (int)response.StatusCode));
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The request may have arrived: the next attempt checks the reference first.
            log.Uncertain = true;
            log.Add(new SendAttempt(started, clock.Elapsed, ex is HttpRequestException ? AttemptOutcomes.NetworkError : AttemptOutcomes.Timeout, null));
            throw;
        }
    }

    private static string Outcome(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Created => AttemptOutcomes.Accepted,
        HttpStatusCode.TooManyRequests => AttemptOutcomes.RateLimited,
        _ when (int)status >= 500 || status == HttpStatusCode.RequestTimeout => AttemptOutcomes.ProviderError,
        _ => AttemptOutcomes.Rejected,
    };
}

/// <summary>
/// Signs every attempt with a fresh token (Notify refuses an <c>iat</c> more than 30 s off, and a retry may come
/// later than that). The token's time is the real clock, not the service's TimeProvider: it is about the wire.
/// </summary>
internal sealed class NotifyAuthHandler(IOptions<NotifyOptions> options) : DelegatingHandler
{
    private readonly NotifyApiKey _key = NotifyApiKey.Parse(options.Value.ApiKey);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NotifyToken.Create(_key, DateTimeOffset.UtcNow));
        return base.SendAsync(request, cancellationToken);
    }
}
