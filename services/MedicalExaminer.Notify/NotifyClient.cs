using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalExaminer.Contracts;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MedicalExaminer.Notify;

/// <summary>A message to send: the recipient is the email address or phone number (letters carry the address in the personalisation).</summary>
public sealed record NotifyMessage(Guid Reference, string Channel, Guid TemplateId, string? Recipient, IReadOnlyDictionary<string, string> Personalisation);

public enum SendResult
{
    /// <summary>The provider holds the message (accepted now, or found from an earlier attempt by its reference).</summary>
    Accepted,

    /// <summary>Worth trying again later: 5xx, 429, timeout, network error, open circuit.</summary>
    Transient,

    /// <summary>The provider refused the message itself (4xx other than 429): trying again cannot help.</summary>
    Permanent,
}

/// <summary>One try: an HTTP request, or a call the open circuit refused without one.</summary>
public sealed record SendAttempt(DateTimeOffset StartedAt, TimeSpan Duration, string Outcome, int? HttpStatus);

public static class AttemptOutcomes
{
    public const string Accepted = "accepted";
    public const string FoundByReference = "found-by-reference";
    public const string Rejected = "rejected";
    public const string ProviderError = "provider-error";
    public const string RateLimited = "rate-limited";
    public const string Timeout = "timeout";
    public const string NetworkError = "network-error";
    public const string CircuitOpen = "circuit-open";
}

public sealed record SendOutcome(
    SendResult Result,
    IReadOnlyList<SendAttempt> Attempts,
    Guid? ProviderNotificationId = null,
    string? ProviderStatus = null,
    int? HttpStatus = null,
    string? ErrorCode = null);

public sealed record StatusOutcome(bool Known, string? Status, int? HttpStatus);

/// <summary>
/// The GOV.UK Notify API as the family notifier uses it: send email/SMS/letter once, status by id. Every HTTP call goes
/// through the client's resilience pipeline on its own (see <see cref="NotifyServiceCollectionExtensions.AddNotifyClient"/>:
/// circuit breaker and attempt timeout, no immediate retries), then the per-request JWT.
/// </summary>
public sealed class NotifyClient(HttpClient http)
{
    /// <summary>
    /// Sends <paramref name="message"/> at most once. Its own id travels as Notify's <c>reference</c>, but Notify does not
    /// refuse a second message with the same reference; so when an earlier attempt is uncertain, the reference is looked
    /// up first and a message found is adopted instead of sending another. If the lookup cannot be made, nothing is
    /// sent now. The POST itself is never repeated here, whatever its answer: one that timed out may still be in flight
    /// at the provider, where a lookup cannot see it yet, so only a later, delayed attempt (the dispatcher's next claim,
    /// which looks the reference up first) may try again.
    /// </summary>
    /// <param name="earlierAttemptUncertain">
    /// An earlier attempt may have reached the provider without its answer being recorded: it timed out, failed with a
    /// 5xx or a dropped connection, or the process died before recording the answer.
    /// </param>
    public async Task<SendOutcome> SendOnceAsync(NotifyMessage message, bool earlierAttemptUncertain, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        SendOutcome Outcome(SendResult result, string attempt, int? httpStatus, Guid? providerId = null, string? providerStatus = null, string? errorCode = null) =>
            new(result, [new SendAttempt(started, clock.Elapsed, attempt, httpStatus)], providerId, providerStatus, httpStatus, errorCode);

        // An answer other than success: 5xx, 408 and 429 are worth trying again later; any other refusal is final.
        async Task<SendOutcome> NotSent(HttpResponseMessage response)
        {
            var status = response.StatusCode;
            var error = await ErrorCodeAsync(response, cancellationToken);
            var attempt = status == HttpStatusCode.TooManyRequests ? AttemptOutcomes.RateLimited
                : IsTransient(status) ? AttemptOutcomes.ProviderError
                : AttemptOutcomes.Rejected;
            return IsTransient(status)
                ? Outcome(SendResult.Transient, attempt, (int)status, errorCode: error ?? "provider-unavailable")
                : Outcome(SendResult.Permanent, attempt, (int)status, errorCode: error ?? "provider-rejected");
        }

        try
        {
            var reference = message.Reference.ToString("D");
            if (earlierAttemptUncertain)
            {
                using var lookup = await http.GetAsync($"v2/notifications?reference={Uri.EscapeDataString(reference)}", cancellationToken);
                if (!lookup.IsSuccessStatusCode)
                {
                    return await NotSent(lookup);
                }

                var found = await lookup.Content.ReadFromJsonAsync(NotifyJsonContext.Default.NotificationListResponse, cancellationToken);
                if (found?.Notifications.FirstOrDefault(n => n.Reference == reference) is { } existing)
                {
                    return Outcome(SendResult.Accepted, AttemptOutcomes.FoundByReference, (int)lookup.StatusCode, existing.Id, existing.Status);
                }
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, $"v2/notifications/{message.Channel}") { Content = Body(message) };
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return await NotSent(response);
            }

            var sent = await response.Content.ReadFromJsonAsync(NotifyJsonContext.Default.SendResponse, cancellationToken);
            return Outcome(SendResult.Accepted, AttemptOutcomes.Accepted, (int)response.StatusCode, sent!.Id, NotifyStatuses.Created);
        }
        catch (BrokenCircuitException)
        {
            // Refused by the open circuit without a request.
            return Outcome(SendResult.Transient, AttemptOutcomes.CircuitOpen, null, errorCode: AttemptOutcomes.CircuitOpen);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var outcome = ex is HttpRequestException ? AttemptOutcomes.NetworkError : AttemptOutcomes.Timeout;
            return Outcome(SendResult.Transient, outcome, null, errorCode: outcome);
        }
    }

    /// <summary>The provider's status of a message; <see cref="StatusOutcome.Known"/> false when it could not be asked now.</summary>
    public async Task<StatusOutcome> GetStatusAsync(Guid providerNotificationId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync($"v2/notifications/{providerNotificationId:D}", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new StatusOutcome(false, null, (int)response.StatusCode);
            }

            var notification = await response.Content.ReadFromJsonAsync(NotifyJsonContext.Default.NotificationResponse, cancellationToken);
            return new StatusOutcome(true, notification!.Status, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is BrokenCircuitException or TimeoutRejectedException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new StatusOutcome(false, null, null);
        }
    }

    internal static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || status == HttpStatusCode.RequestTimeout || (int)status >= 500;

    private static JsonContent Body(NotifyMessage message) => message.Channel switch
    {
        ContactChannels.Email => JsonContent.Create(
            new SendEmailRequest(message.Recipient!, message.TemplateId, message.Personalisation, message.Reference.ToString("D")), NotifyJsonContext.Default.SendEmailRequest),
        ContactChannels.Sms => JsonContent.Create(
            new SendSmsRequest(message.Recipient!, message.TemplateId, message.Personalisation, message.Reference.ToString("D")), NotifyJsonContext.Default.SendSmsRequest),
        ContactChannels.Letter => JsonContent.Create(
            new SendLetterRequest(message.TemplateId, message.Personalisation, message.Reference.ToString("D")), NotifyJsonContext.Default.SendLetterRequest),
        _ => throw new ArgumentException($"Unknown channel {message.Channel}.", nameof(message)),
    };

    /// <summary>The provider's error name (e.g. <c>BadRequestError</c>) as a code; its message may echo personal data, so it is not kept.</summary>
    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(NotifyJsonContext.Default.ErrorResponse, cancellationToken);
            var name = error?.Errors is [var first, ..] ? first.Error : null;
            return name is null ? null : ToCode(name);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"BadRequestError" → "bad-request-error".</summary>
    private static string ToCode(string name) => string.Concat(name.Where(char.IsAsciiLetterOrDigit).Select((c, i) =>
        char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c).ToString(CultureInfo.InvariantCulture) : char.ToLowerInvariant(c).ToString(CultureInfo.InvariantCulture)));
}
