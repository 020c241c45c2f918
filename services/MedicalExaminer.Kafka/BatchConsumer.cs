using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace MedicalExaminer.Kafka;

/// <summary>
/// The consume loop every consumer of this system runs (DESIGN §3–§4):
/// accumulate up to MaxBatchSize messages or MaxBatchWait; hand the batch to the handler, which
/// commits its effects; publish its dead letters and wait for the acknowledgement; only then store
/// the offsets (auto offset store is off; librdkafka commits stored offsets). A failing handler is
/// retried with backoff on the same batch, so a database restart stalls the partition instead of
/// losing or skipping messages. Consumption is single-threaded, so per-partition order holds.
/// </summary>
public sealed partial class BatchConsumer(
    IBatchHandler handler,
    KafkaOptions kafkaOptions,
    BatchConsumerOptions options,
    IKafkaPublisher deadLetterPublisher,
    ConsumerHeartbeat heartbeat,
    KafkaMetrics metrics,
    ILogger<BatchConsumer> logger)
{
    public const string ActivitySourceName = "MedicalExaminer.Kafka";
    private const int MaxLinks = 32;
    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            // Any failure is retried, without limit, until shutdown: a database restart stalls the partition
            // instead of skipping messages. Only our own cancellation ends the attempts (a timeout inside the
            // handler may also surface as OperationCanceledException, and that one is retried).
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay,
            MaxDelay = options.RetryMaxDelay,
            OnRetry = args =>
            {
                metrics.Retried(options.Topic, options.GroupId);
                heartbeat.Beat();
                LogRetry(logger, args.AttemptNumber + 1, args.Outcome.Exception?.GetType().Name ?? "unknown", args.Outcome.Exception);
                return default;
            },
        })
        .Build();

    private readonly List<ConsumeResult<string?, byte[]>> _pending = [];

    /// <summary>
    /// Starts the consume loop on a thread of its own and returns a task that completes when the loop ends, or faults
    /// with what ended it (a fatal Kafka error). Consume() blocks, and the loop also blocks on the handler while a
    /// batch is in hand (it may not consume on meanwhile: per-partition order and offsets after commit depend on it),
    /// so the loop holds this one thread for its whole life instead of a thread-pool thread; the handler's own
    /// awaits still run on the pool. The thread is a background thread: it never keeps the process alive.
    /// </summary>
    public Task RunAsync(CancellationToken stoppingToken)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
                ended.SetResult();
            }
            catch (OperationCanceledException ex)
            {
                ended.SetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                ended.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = $"consume {options.Topic}",
        };
        thread.Start();
        return ended.Task;
    }

    /// <summary>Runs the loop on the calling thread until <paramref name="stoppingToken"/> fires; the batch in hand then has ShutdownDrainTimeout to finish.</summary>
    private void Run(CancellationToken stoppingToken)
    {
        using var drain = new CancellationTokenSource();
        using var onStop = stoppingToken.Register(() => drain.CancelAfter(options.ShutdownDrainTimeout));

        using var consumer = new ConsumerBuilder<string?, byte[]>(KafkaClientFactory.ConsumerConfig(kafkaOptions, options))
            .SetPartitionsAssignedHandler((_, partitions) => LogAssigned(logger, options.Topic, partitions.Count))
            .SetPartitionsRevokedHandler((c, partitions) => Forget(c, partitions.Select(p => p.TopicPartition), lost: false))
            .SetPartitionsLostHandler((c, partitions) => Forget(c, partitions.Select(p => p.TopicPartition), lost: true))
            .SetLogHandler((_, message) => OnClientLog(message))
            .SetErrorHandler((_, error) =>
            {
                // Fatal errors also surface from Consume() as a ConsumeException, which stops the loop.
                LogClientError(logger, error.Code, error.IsFatal, error.Reason);
            })
            .Build();

        consumer.Subscribe(options.Topic);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                heartbeat.Beat();
                Accumulate(consumer, stoppingToken);
                if (_pending.Count == 0)
                {
                    continue;
                }

                // Blocks this (dedicated) thread until the batch is handled: see RunAsync.
                if (!HandleAsync(consumer, drain.Token).GetAwaiter().GetResult())
                {
                    break;
                }
            }
        }
        finally
        {
            heartbeat.Stop();
            try
            {
                // Commits what was stored and leaves the group so partitions move at once.
                consumer.Close();
            }
            catch (KafkaException ex)
            {
                LogCloseFailed(logger, ex.Error.Code);
            }
        }
    }

    private void Accumulate(IConsumer<string?, byte[]> consumer, CancellationToken stoppingToken)
    {
        _pending.Clear();
        var windowEnds = long.MaxValue;
        while (_pending.Count < options.MaxBatchSize && !stoppingToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= windowEnds)
            {
                return;
            }

            var timeout = _pending.Count == 0 ? IdlePoll : Stopwatch.GetElapsedTime(now, windowEnds);
            ConsumeResult<string?, byte[]>? result;
            try
            {
                result = consumer.Consume(timeout);
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                // Payload is not logged: it may hold personal data.
                LogConsumeError(logger, ex.Error.Code, ex.ConsumerRecord?.TopicPartitionOffset?.ToString() ?? "?");
                continue;
            }

            if (result is null)
            {
                if (_pending.Count == 0)
                {
                    return; // idle: go round and beat
                }

                continue;
            }

            if (_pending.Count == 0)
            {
                windowEnds = Stopwatch.GetTimestamp() + (long)(options.MaxBatchWait.TotalSeconds * Stopwatch.Frequency);
            }

            _pending.Add(result);
        }
    }

    /// <returns>false when shutdown abandoned the batch (its offsets are not stored).</returns>
    private async Task<bool> HandleAsync(IConsumer<string?, byte[]> consumer, CancellationToken drainToken)
    {
        var started = Stopwatch.GetTimestamp();
        var messages = _pending.ConvertAll(ToInbound);
        var batch = new MessageBatch(messages);

        using var activity = Source.StartActivity(
            ActivityKind.Consumer,
            name: $"consume {options.Topic}",
            links: messages.Where(m => m.ParentContext != default).Take(MaxLinks).Select(m => new ActivityLink(m.ParentContext)));
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.destination.name", options.Topic);
        activity?.SetTag("messaging.consumer.group.name", options.GroupId);
        activity?.SetTag("messaging.batch.message_count", messages.Count);

        try
        {
            await _retry.ExecuteAsync(
                async token =>
                {
                    batch.ResetDeadLetters();
                    await handler.HandleAsync(batch, token);
                    await PublishDeadLettersAsync(batch, token);
                },
                drainToken);
        }
        catch (OperationCanceledException) when (drainToken.IsCancellationRequested)
        {
            // Shut down mid-batch: nothing is stored, so the batch is redelivered and deduplicated.
            LogAbandoned(logger, messages.Count);
            return false;
        }

        StoreOffsets(consumer);
        metrics.BatchHandled(options.Topic, options.GroupId, messages.Count, Stopwatch.GetElapsedTime(started));
        return true;
    }

    private async Task PublishDeadLettersAsync(MessageBatch batch, CancellationToken cancellationToken)
    {
        if (batch.DeadLetters.Count == 0)
        {
            return;
        }

        var topic = options.DeadLetterTopic
            ?? throw new InvalidOperationException($"The handler dead-lettered messages but no DeadLetterTopic is configured for {options.Topic}.");
        var failedAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        await Task.WhenAll(batch.DeadLetters.Select(deadLetter =>
        {
            var original = deadLetter.Message;
            var headers = new Headers();
            foreach (var (key, value) in original.Headers)
            {
                headers.Add(key, value);
            }

            headers.Add(Contracts.Headers.DeadLetterErrorCode, Encoding.UTF8.GetBytes(deadLetter.ErrorCode));
            headers.Add(Contracts.Headers.DeadLetterErrorMessage, Encoding.UTF8.GetBytes(deadLetter.ErrorMessage));
            headers.Add(Contracts.Headers.DeadLetterOriginalTopic, Encoding.UTF8.GetBytes(original.Topic));
            headers.Add(Contracts.Headers.DeadLetterOriginalPartition, Encoding.UTF8.GetBytes(original.Partition.ToString(CultureInfo.InvariantCulture)));
            headers.Add(Contracts.Headers.DeadLetterOriginalOffset, Encoding.UTF8.GetBytes(original.Offset.ToString(CultureInfo.InvariantCulture)));
            headers.Add(Contracts.Headers.DeadLetterFailedAt, Encoding.UTF8.GetBytes(failedAt));
            return deadLetterPublisher.PublishAsync(topic, new Message<string?, byte[]> { Key = original.Key, Value = original.Value, Headers = headers }, cancellationToken);
        }));

        foreach (var deadLetter in batch.DeadLetters)
        {
            metrics.DeadLettered(options.Topic, options.GroupId, deadLetter.ErrorCode);
        }
    }

    private void StoreOffsets(IConsumer<string?, byte[]> consumer)
    {
        foreach (var last in _pending.GroupBy(r => r.TopicPartition).Select(g => g.MaxBy(r => r.Offset.Value)!))
        {
            try
            {
                consumer.StoreOffset(new TopicPartitionOffset(last.TopicPartition, last.Offset + 1));
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_State)
            {
                // Rebalances only happen inside Consume(), so the partition can only have gone because the handler
                // outlasted max.poll.interval.ms (e.g. retrying through a long database outage) and the group
                // evicted us. Its new owner redelivers the batch; effects are idempotent.
                LogStoreSkipped(logger, last.TopicPartition.Partition.Value);
            }
        }

        _pending.Clear();
    }

    private void Forget(IConsumer<string?, byte[]> consumer, IEnumerable<TopicPartition> partitions, bool lost)
    {
        // Runs inside Consume(), i.e. only while a batch is being accumulated, never while one is handled:
        // messages of partitions we no longer own are dropped; their new owner will deliver them.
        var gone = partitions.ToHashSet();
        _pending.RemoveAll(r => gone.Contains(r.TopicPartition));
        LogRevoked(logger, options.Topic, gone.Count, lost);
        if (!lost)
        {
            try
            {
                consumer.Commit();
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_NoOffset)
            {
                // Nothing stored since the last commit.
            }
        }
    }

    private void OnClientLog(LogMessage message)
    {
        // librdkafka's own log lines name topics, partitions, offsets and brokers, never keys or payloads.
        var level = message.Level switch
        {
            <= SyslogLevel.Critical => LogLevel.Critical,
            SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };

        // The client resets a partition's position only at a warning level when the position it had (committed
        // or in flight) no longer exists on the broker: retention deleted messages this group never consumed.
        // Nothing else reports that loss, so it is counted for alerting, not just logged.
        if (level >= LogLevel.Warning && message.Facility == "OFFSET" && message.Message.Contains("offset reset", StringComparison.OrdinalIgnoreCase))
        {
            metrics.OffsetReset(options.Topic, options.GroupId);
            LogOffsetReset(logger, options.Topic, message.Message);
            return;
        }

        LogClient(logger, level, message.Facility, message.Message);
    }

    private static InboundMessage ToInbound(ConsumeResult<string?, byte[]> result)
    {
        var headers = result.Message.Headers is { Count: > 0 } h
            ? h.Select(x => new KeyValuePair<string, byte[]>(x.Key, x.GetValueBytes())).ToList()
            : [];
        return new InboundMessage(
            result.Topic,
            result.Partition.Value,
            result.Offset.Value,
            result.Message.Key,
            result.Message.Value ?? [],
            headers,
            result.Message.Timestamp.UtcDateTime,
            TraceContextPropagation.Extract(headers));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Assigned {Count} partitions of {Topic}")]
    private static partial void LogAssigned(ILogger logger, string topic, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} partitions of {Topic} revoked (lost: {Lost})")]
    private static partial void LogRevoked(ILogger logger, string topic, int count, bool lost);

    [LoggerMessage(Message = "librdkafka {Facility}: {ClientMessage}")]
    private static partial void LogClient(ILogger logger, LogLevel level, string facility, string clientMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer position on {Topic} reset because the broker no longer holds it; messages between were deleted unconsumed: {ClientMessage}")]
    private static partial void LogOffsetReset(ILogger logger, string topic, string clientMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka client error {Code} (fatal: {Fatal}): {Reason}")]
    private static partial void LogClientError(ILogger logger, ErrorCode code, bool fatal, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consume error {Code} at {Position}")]
    private static partial void LogConsumeError(ILogger logger, ErrorCode code, string position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch handling failed ({ExceptionType}); attempt {Attempt} follows")]
    private static partial void LogRetry(ILogger logger, int attempt, string exceptionType, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown abandoned a batch of {Count} messages; they will be redelivered")]
    private static partial void LogAbandoned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Partition} no longer assigned; its offset was not stored")]
    private static partial void LogStoreSkipped(ILogger logger, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing the consumer failed: {Code}")]
    private static partial void LogCloseFailed(ILogger logger, ErrorCode code);
}

/// <summary>
/// Hosts a <see cref="BatchConsumer"/>, whose loop runs on a thread of its own (<see cref="BatchConsumer.RunAsync"/>),
/// so host start-up never waits for the blocking Consume(). Stopping the host cancels the loop and waits for the batch
/// in hand to drain. An exception out of the loop (a fatal Kafka error) faults the task ExecuteAsync returned, which
/// stops the host (BackgroundServiceExceptionBehavior.StopHost), so the orchestrator restarts the process rather than
/// keeping a live process with a dead consumer.
/// </summary>
public sealed class BatchConsumerService(BatchConsumer consumer) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => consumer.RunAsync(stoppingToken);
}
