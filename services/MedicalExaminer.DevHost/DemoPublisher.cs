using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.SyntheticData;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.DevHost;

/// <summary>Trickles synthetic death notifications into Kafka so the system has something to do.</summary>
public sealed partial class DemoPublisher(
    IKafkaPublisher publisher,
    IOptions<DevHostOptions> options,
    TimeProvider clock,
    ILogger<DemoPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rate = options.Value.DemoNotificationsPerSecond;
        if (rate <= 0)
        {
            return;
        }

        var generator = new NotificationGenerator(options.Value.DemoSeed, clock: clock);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / rate), clock);
        long published = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var notification = generator.Next();
                await publisher.PublishAsync(Topics.DeathNotifications, notification.Key, notification.Value, SchemaIds.DeathNotificationV1, stoppingToken);
                if (++published % 100 == 0)
                {
                    LogProgress(logger, published);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Ctrl+C: stop quietly.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo publisher: {Published} synthetic notifications published")]
    private static partial void LogProgress(ILogger logger, long published);
}
