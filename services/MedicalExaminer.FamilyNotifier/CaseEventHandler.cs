using MedicalExaminer.Contracts;
using MedicalExaminer.FamilyNotifier.Decisions;
using MedicalExaminer.FamilyNotifier.Persistence;
using MedicalExaminer.Kafka;

namespace MedicalExaminer.FamilyNotifier;

/// <summary>
/// Consumes case events: decides, per DOMAIN §6, which family notification each one triggers and records the decision
/// (see <see cref="DecisionWriter"/>). Sending is the dispatcher's job, from the recorded decisions, so a slow or
/// absent provider never holds up the partition.
/// </summary>
public sealed partial class CaseEventHandler(DecisionWriter writer, QuietHours quietHours, TimeProvider clock, ILogger<CaseEventHandler> logger) : IBatchHandler
{
    public const string MalformedEventCode = "malformed-case-event";

    /// <summary>Test seam: runs after the batch's transaction committed and before the offsets are stored.</summary>
    internal Func<CancellationToken, Task>? AfterCommit { get; set; }

    public async Task HandleAsync(MessageBatch batch, CancellationToken cancellationToken)
    {
        var events = new List<CaseEvent>(batch.Messages.Count);
        foreach (var message in batch.Messages)
        {
            if (batch.TryDecode(message, ContractsJsonContext.Default.CaseEvent, MalformedEventCode, out var caseEvent))
            {
                events.Add(caseEvent);
            }
        }

        var result = await writer.WriteAsync(events, clock.GetUtcNow(), quietHours, cancellationToken);
        LogBatch(logger, batch.Messages.Count, result.NewEvents, result.Duplicates, result.Queued, result.Withheld);
        if (AfterCommit is { } afterCommit)
        {
            await afterCommit(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Case events: {Messages} consumed, {New} new, {Duplicates} already handled; {Queued} notifications queued, {Withheld} withheld")]
    private static partial void LogBatch(ILogger logger, int messages, int @new, int duplicates, int queued, int withheld);
}
