using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.Metrics.Telemetry;

namespace MedicalExaminer.Metrics.Projection;

/// <summary>
/// Consumes a batch of case events: keeps what bears on a metric and recomputes the facts of the cases
/// it touched, in one transaction. The consume loop stores the offsets only after this returns, i.e.
/// after the commit; a redelivered batch changes nothing (events are deduplicated by id).
/// An event that cannot be read is dead-lettered so its partition keeps flowing.
/// </summary>
public sealed partial class CaseEventProjector(
    ProjectionStore store,
    ScrutinyInstruments instruments,
    ILogger<CaseEventProjector> logger) : IBatchHandler
{
    public const string UnreadableCode = "unreadable-case-event";

    public async Task HandleAsync(MessageBatch batch, CancellationToken cancellationToken)
    {
        var kept = new List<ProjectedEvent>(batch.Messages.Count);
        foreach (var message in batch.Messages)
        {
            if (batch.TryDecode(message, ContractsJsonContext.Default.CaseEvent, UnreadableCode, out var e)
                && ProjectedEvent.From(e) is { } projected)
            {
                kept.Add(projected);
            }
        }

        var result = await store.ApplyAsync(kept, cancellationToken);
        instruments.Projected(batch.Messages.Count, kept, result);
        LogBatch(logger, batch.Messages.Count, kept.Count, result.Changed.Count, batch.DeadLetters.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metrics batch: {Messages} events, {Kept} kept, {Changed} case facts changed, {DeadLettered} dead-lettered")]
    private static partial void LogBatch(ILogger logger, int messages, int kept, int changed, int deadLettered);
}
