using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MedicalExaminer.Outbox;

/// <summary>Runs the relay continuously beside a writer of case events, and prunes published rows now and then.</summary>
public sealed partial class OutboxRelayService(OutboxRelay relay, OutboxRelayOptions options, TimeProvider clock, ILogger<OutboxRelayService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPrune = clock.GetUtcNow();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await relay.RelayOnceAsync(stoppingToken);
                if (clock.GetUtcNow() >= nextPrune)
                {
                    await relay.PruneAsync(stoppingToken);
                    nextPrune = clock.GetUtcNow() + options.PruneInterval;
                }

                failures = 0;
                if (published < options.BatchSize)
                {
                    await Task.Delay(options.IdleDelay, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or Confluent.Kafka.KafkaException or TimeoutException)
            {
                // Database or broker unavailable: nothing was marked, so nothing is lost; back off and try again.
                failures++;
                LogRelayFailed(logger, ex.GetType().Name, failures, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 8)))), clock, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay failed ({ExceptionType}), attempt {Failures}; retrying")]
    private static partial void LogRelayFailed(ILogger logger, string exceptionType, int failures, Exception exception);
}
