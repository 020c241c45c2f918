using System.Diagnostics;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Casework;
using MedicalExaminer.Kafka;
using Npgsql;

namespace MedicalExaminer.IntakeWorker.Intake;

/// <summary>
/// Handles one batch of death notifications: validate and triage in memory, write every new case
/// with its reasons and outbox events in one transaction, and dead-letter what is invalid.
/// The consume loop stores the offsets only after this returns, i.e. after the commit.
/// </summary>
public sealed partial class IntakeBatchHandler(
    CaseIntakeWriter writer,
    OfficeDirectoryCache offices,
    IntakeMetrics metrics,
    TimeProvider clock,
    ILogger<IntakeBatchHandler> logger) : IBatchHandler
{
    public const string InvalidCharacterCode = ValidationErrorCodes.InvalidCharacter;
    public const string PersistenceRejectedCode = "persistence-rejected";

    public async Task HandleAsync(MessageBatch batch, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var directory = await offices.GetAsync(cancellationToken);
        var pending = new List<(NewCase Case, InboundMessage Message)>(batch.Messages.Count);
        var seen = new HashSet<(string, string)>();
        var repeatsInBatch = 0;

        foreach (var message in batch.Messages)
        {
            var accepted = Accept(batch, message, now);
            if (accepted is null)
            {
                continue;
            }

            var n = accepted.Notification;
            if (!seen.Add((n.SourceSystem!, n.NotificationId!)))
            {
                repeatsInBatch++;
                continue;
            }

            var plan = IntakePlanner.Plan(accepted, directory);
            pending.Add((NewCaseFactory.Create(accepted, plan, message.Value, now), message));
        }

        var created = await WriteAsync(batch, pending, cancellationToken);
        foreach (var (newCase, _) in pending)
        {
            if (created.Contains(newCase.CaseId))
            {
                metrics.CaseCreated(newCase.Route, newCase.Queue);
            }
        }

        var duplicates = pending.Count - created.Count + repeatsInBatch;
        metrics.Duplicates(duplicates);
        LogBatch(logger, batch.Messages.Count, created.Count, duplicates, batch.DeadLetters.Count);
    }

    private AcceptedNotification? Accept(MessageBatch batch, InboundMessage message, DateTimeOffset now)
    {
        var validation = DeathNotificationParser.Parse(message.Value, now);
        if (validation.Accepted is { } accepted)
        {
            return accepted;
        }

        var code = validation.Errors.Count > 0 ? validation.Errors[0].Code : ValidationErrorCodes.MalformedJson;
        batch.DeadLetter(message, code, Describe(validation.Errors));
        metrics.Rejected(code);
        return null;
    }

    /// <summary>Codes and field names only: a dead-letter header must never echo a value.</summary>
    private static string Describe(IReadOnlyList<ValidationError> errors) =>
        string.Join("; ", errors.Take(20).Select(e => $"{e.Code} at {e.Field}"));

    private async Task<IReadOnlySet<Guid>> WriteAsync(
        MessageBatch batch, List<(NewCase Case, InboundMessage Message)> pending, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await writer.WriteAsync(pending.ConvertAll(p => p.Case), cancellationToken);
            return result.CreatedCaseIds;
        }
        catch (PostgresException ex) when (IsCausedByData(ex))
        {
            // One row the database refuses must not block the partition: find it by writing the
            // batch's cases one at a time, dead-letter the refused ones, keep the rest.
            LogIsolating(logger, ex.SqlState, pending.Count);
            return await IsolateAsync(batch, pending, cancellationToken);
        }
        finally
        {
            metrics.WriteDuration(Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<IReadOnlySet<Guid>> IsolateAsync(
        MessageBatch batch, List<(NewCase Case, InboundMessage Message)> pending, CancellationToken cancellationToken)
    {
        var created = new HashSet<Guid>();
        foreach (var (newCase, message) in pending)
        {
            try
            {
                created.UnionWith((await writer.WriteAsync([newCase], cancellationToken)).CreatedCaseIds);
            }
            catch (PostgresException ex) when (IsCausedByData(ex))
            {
                batch.DeadLetter(message, PersistenceRejectedCode, $"SQLSTATE {ex.SqlState}");
                metrics.Rejected(PersistenceRejectedCode);
            }
        }

        return created;
    }

    // Class 22 (data exception) and 23 (integrity constraint) come from the rows themselves;
    // everything else (connection loss, shutdown, serialization) is transient and retried whole.
    private static bool IsCausedByData(PostgresException ex) =>
        ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Intake batch: {Messages} messages, {Created} cases created, {Duplicates} duplicates, {DeadLettered} dead-lettered")]
    private static partial void LogBatch(ILogger logger, int messages, int created, int duplicates, int deadLettered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postgres refused the batch (SQLSTATE {SqlState}); isolating the refused rows among {Count}")]
    private static partial void LogIsolating(ILogger logger, string sqlState, int count);
}
