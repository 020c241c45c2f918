using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.FamilyNotifier.Decisions;
using MedicalExaminer.FamilyNotifier.Persistence;
using MedicalExaminer.Notify;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MedicalExaminer.FamilyNotifier.Sending;

/// <summary>
/// Sends the recorded decisions: takes due notifications from the durable queue, sends each through the resilient
/// Notify client, and records every attempt and the outcome. Transient failures (provider down, circuit open) put the
/// notification back in the queue with a growing delay, so nothing is lost while the provider is down; permanent ones
/// (4xx other than 429) are recorded as failed and never retried. Accepted messages are then asked for their delivery
/// status until it is final.
/// </summary>
public sealed partial class NotificationDispatcher(
    NotificationQueue queue,
    IServiceProvider services,
    IOptions<FamilyNotifierOptions> options,
    IOptions<NotifyOptions> notifyOptions,
    QuietHours quietHours,
    TimeProvider clock,
    IMeterFactory meterFactory,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    public const string MeterName = "MedicalExaminer.FamilyNotifier";
    private static readonly ActivitySource Source = new(MeterName);
    private readonly Counter<long> _outcomes = meterFactory.Create(MeterName).CreateCounter<long>("me.family.send_outcomes", "{notification}");
    private readonly FamilyNotifierOptions _options = options.Value;

    /// <summary>Test seam: runs after the provider answered a send and before the answer is recorded.</summary>
    internal Func<ClaimedNotification, SendOutcome, CancellationToken, Task>? AfterSend { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await DispatchOnceAsync(stoppingToken);
                var polled = await PollOnceAsync(stoppingToken);
                if (sent < _options.DispatchBatchSize && polled < _options.DispatchBatchSize)
                {
                    await Task.Delay(_options.IdleDelay, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                // Database unavailable: leases expire and the queue is intact; try again shortly.
                LogDatabaseUnavailable(logger, ex.GetType().Name, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
        }
    }

    /// <returns>How many notifications were taken from the queue.</returns>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var claimed = await queue.ClaimDueAsync(now, _options.Lease, _options.DispatchBatchSize, cancellationToken);
        await Parallel.ForEachAsync(
            claimed,
            new ParallelOptions { MaxDegreeOfParallelism = _options.DispatchParallelism, CancellationToken = cancellationToken },
            async (notification, token) => await SendOneAsync(notification, token));
        return claimed.Count;
    }

    private async Task SendOneAsync(ClaimedNotification notification, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (notification.Channel == ContactChannels.Sms && quietHours.IsQuiet(now))
        {
            // A text retried into the night waits for the morning like a new one.
            await queue.DeferAsync(notification.NotificationId, quietHours.NextAllowed(now), now, cancellationToken);
            return;
        }

        using var activity = Source.StartActivity("send family notification", ActivityKind.Client);
        activity?.SetTag("me.family.template", notification.Template);
        activity?.SetTag("me.family.channel", notification.Channel);

        // A typed client per send: HttpClientFactory hands out pooled handlers and the one shared resilience pipeline.
        var client = services.GetRequiredService<NotifyClient>();
        var message = new NotifyMessage(
            notification.NotificationId,
            notification.Channel,
            notifyOptions.Value.TemplateId(notification.Template, notification.Language, notification.Channel),
            notification.Recipient,
            JsonSerializer.Deserialize(notification.Personalisation, FamilyJsonContext.Default.DictionaryStringString)!);
        // An earlier claim ended without an accepted answer recorded (a transient failure, or the process died mid-send):
        // it may have reached the provider, so the reference is looked up before sending.
        var outcome = await client.SendOnceAsync(message, earlierAttemptUncertain: notification.Claims > 1, cancellationToken);
        if (AfterSend is { } afterSend)
        {
            await afterSend(notification, outcome, cancellationToken);
        }

        now = clock.GetUtcNow();
        DateTimeOffset? retryAt = null;
        if (outcome.Result == SendResult.Transient && now - notification.CreatedAt < _options.GiveUpAfter)
        {
            // Never sooner than one attempt timeout: a send given up on may still be landing at the provider, where the
            // next claim's reference lookup must find it rather than send a second message.
            var backoff = Backoff(notification.Claims);
            retryAt = now + (backoff > notifyOptions.Value.AttemptTimeout ? backoff : notifyOptions.Value.AttemptTimeout);
        }

        await queue.RecordSendAsync(notification, outcome, now, retryAt, now + _options.PollDelay, cancellationToken);
        _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Result.ToString()), new KeyValuePair<string, object?>("channel", notification.Channel));
        activity?.SetTag("me.family.outcome", outcome.Result.ToString());
        if (outcome.Result != SendResult.Accepted)
        {
            LogNotSent(logger, notification.NotificationId, outcome.Result.ToString(), outcome.ErrorCode ?? "", outcome.HttpStatus ?? 0, outcome.Attempts.Count);
        }
    }

    /// <returns>How many accepted messages were asked for their status.</returns>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var due = await queue.DuePollsAsync(clock.GetUtcNow(), _options.DispatchBatchSize, cancellationToken);
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = _options.DispatchParallelism, CancellationToken = cancellationToken },
            async (sent, token) =>
            {
                var status = await services.GetRequiredService<NotifyClient>().GetStatusAsync(sent.ProviderId, token);
                var now = clock.GetUtcNow();
                var age = now - sent.SentAt;
                DateTimeOffset? nextPoll = age > _options.PollGiveUpAfter
                    ? null
                    : now + TimeSpan.FromTicks(Math.Clamp(age.Ticks, _options.PollDelay.Ticks, _options.PollMaxDelay.Ticks));
                await queue.RecordStatusAsync(sent, status.Known ? status.Status : null, now, nextPoll, token);
            });
        return due.Count;
    }

    /// <summary>Exponential with full jitter, so notifications that failed together do not retry together.</summary>
    private TimeSpan Backoff(int claims)
    {
        var ceiling = Math.Min(_options.RetryMaxDelay.TotalMilliseconds, _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(claims - 1, 20)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Family notification {NotificationId} not sent: {Result} ({Code}, HTTP {HttpStatus}) after {Attempts} attempts")]
    private static partial void LogNotSent(ILogger logger, Guid notificationId, string result, string code, int httpStatus, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatcher cannot reach the database ({ExceptionType}); retrying")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string exceptionType, Exception exception);
}
