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
/// The GOV.UK Notify API as the family notifier uses it: send email/SMS/letter, status by id, find by reference.
/// Transport concerns live in the handler chain (see <see cref="NotifyServiceCollectionExtensions.AddNotifyClient"/>):
/// resilience (timeouts, jittered retry, circuit breaker) outermost, then per-attempt recording and the reference
/// check, then the per-request JWT.
/// </summary>
public sealed class NotifyClient(HttpClient http)
{
    /// <param name="mayHaveBeenSent">
    /// An earlier claim of this message may have reached the provider (the process died before recording the
    /// answer): look the reference up before sending again.
    /// </param>
    public async Task<SendOutcome> SendAsync(NotifyMessage message, bool mayHaveBeenSent, CancellationToken cancellationToken)
    {
        var log = new AttemptLog(message.Reference.ToString("D"), mayHaveBeenSent);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v2/notifications/{message.Channel}") { Content = Body(message) };
        request.Options.Set(AttemptLog.Key, log);
        var started = DateTimeOffset.UtcNow;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var sent = await response.Content.ReadFromJsonAsync(NotifyJsonContext.Default.SendResponse, cancellationToken);
                return new SendOutcome(SendResult.Accepted, log.Attempts, sent!.Id, NotifyStatuses.Created, status);
            }

            if (response.StatusCode == HttpStatusCode.OK && log.FoundExisting is { } existing)
            {
                return new SendOutcome(SendResult.Accepted, log.Attempts, existing.Id, existing.Status, status);
            }

            var error = await ErrorCodeAsync(response, cancellationToken);
            return IsTransient(response.StatusCode)
                ? new SendOutcome(SendResult.Transient, log.Attempts, HttpStatus: status, ErrorCode: error ?? "provider-unavailable")
                : new SendOutcome(SendResult.Permanent, log.Attempts, HttpStatus: status, ErrorCode: error ?? "provider-rejected");
        }
        catch (BrokenCircuitException)
        {
            log.Add(new SendAttempt(started, DateTimeOffset.UtcNow - started, AttemptOutcomes.CircuitOpen, null));
            return new SendOutcome(SendResult.Transient, log.Attempts, ErrorCode: AttemptOutcomes.CircuitOpen);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new SendOutcome(SendResult.Transient, log.Attempts, ErrorCode: ex is HttpRequestException ? AttemptOutcomes.NetworkError : AttemptOutcomes.Timeout);
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

/// <summary>What happened on each attempt of one send, shared with the per-attempt handler through the request's options.</summary>
internal sealed class AttemptLog(string reference, bool checkReferenceFirst)
{
    public static readonly HttpRequestOptionsKey<AttemptLog> Key = new("me.notify.attempts");
    private readonly List<SendAttempt> _attempts = [];
    private readonly Lock _lock = new();

    public string Reference { get; } = reference;

    /// <summary>True once an attempt may have reached the provider without us seeing its answer.</summary>
    public bool Uncertain { get; set; } = checkReferenceFirst;

    public NotificationResponse? FoundExisting { get; set; }

    public IReadOnlyList<SendAttempt> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
        }
    }

    public void Add(SendAttempt attempt)
    {
        lock (_lock)
        {
            _attempts.Add(attempt);
        }
    }
}
