using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.Metrics.Figures;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Metrics.Snapshots;

/// <summary>
/// Publishes the regulator figures of the recent months and quarters to <see cref="Topics.ScrutinyMetrics"/>
/// (<see cref="MetricsOptions.SnapshotTopic"/>)
/// at every <see cref="MetricsOptions.SnapshotInterval"/>. A failed round is logged and tried again at the
/// next tick: snapshots are a periodic restatement, so a missed one is replaced by the next.
/// </summary>
public sealed partial class SnapshotPublisher(
    ScrutinyReport report,
    IKafkaPublisher publisher,
    IOptions<MetricsOptions> options,
    TimeProvider clock,
    ILogger<SnapshotPublisher> logger) : BackgroundService
{
    /// <summary>Builds and publishes one round; returns the number of snapshots published.</summary>
    public async Task<int> PublishOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var thisMonth = Period.Month(UkCalendar.Today(now));
        var firstMonth = Period.Month(thisMonth.Start.AddMonths(1 - options.Value.SnapshotMonths));
        var published = 0;
        foreach (var granularity in PeriodGranularities.All)
        {
            var query = new FigureQuery(Period.Of(granularity, firstMonth.Start), Period.Of(granularity, thisMonth.Start), [], null);
            var table = await report.BuildAsync(query, MetricsViewer.Regulator, cancellationToken);
            var messages = SnapshotBuilder.From(table, now)
                .Select(s => new KeyValuePair<string?, byte[]>(SnapshotBuilder.KeyOf(s), JsonSerializer.SerializeToUtf8Bytes(s, ContractsJsonContext.Default.ScrutinyMetricsSnapshot)))
                .ToList();
            await publisher.PublishBatchAsync(options.Value.SnapshotTopic, messages, SchemaIds.ScrutinyMetricsV1, cancellationToken);
            published += messages.Count;
        }

        LogPublished(logger, published);
        return published;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SnapshotInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await PublishOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex.GetType().Name, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Count} scrutiny metrics snapshots")]
    private static partial void LogPublished(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing scrutiny metrics snapshots failed ({ExceptionType}); the next round will try again")]
    private static partial void LogFailed(ILogger logger, string exceptionType, Exception exception);
}
