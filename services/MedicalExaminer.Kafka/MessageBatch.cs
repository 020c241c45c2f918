using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MedicalExaminer.Kafka;

/// <summary>A consumed Kafka message as handlers see it.</summary>
public sealed record InboundMessage(
    string Topic,
    int Partition,
    long Offset,
    string? Key,
    byte[] Value,
    IReadOnlyList<KeyValuePair<string, byte[]>> Headers,
    DateTimeOffset Timestamp,
    ActivityContext ParentContext);

/// <summary>A message the handler refused, with why: a code and a message that carry no value from the input.</summary>
public sealed record DeadLetter(InboundMessage Message, string ErrorCode, string ErrorMessage);

/// <summary>
/// The messages of one batch, in per-partition order, and the dead letters the handler adds.
/// </summary>
public sealed class MessageBatch(IReadOnlyList<InboundMessage> messages)
{
    private readonly List<DeadLetter> _deadLetters = [];

    public IReadOnlyList<InboundMessage> Messages { get; } = messages;

    public IReadOnlyList<DeadLetter> DeadLetters => _deadLetters;

    /// <summary>
    /// Sends <paramref name="message"/> to the dead-letter topic once the batch is handled.
    /// <paramref name="errorMessage"/> goes into a Kafka header: codes and field names only, never a
    /// value from the message (it may be an NHS number or a name).
    /// </summary>
    public void DeadLetter(InboundMessage message, string errorCode, string errorMessage) =>
        _deadLetters.Add(new DeadLetter(message, errorCode, errorMessage));

    /// <summary>
    /// Reads <paramref name="message"/> as JSON; a message that cannot be read (broken JSON, a shape the contract does
    /// not allow, the literal <c>null</c>) is dead-lettered with <paramref name="errorCode"/> and false is returned, so
    /// the handler skips it and its partition keeps flowing. The dead-letter message is "<c>{code} at {JSON path}</c>",
    /// the format every consumer here uses: the path names where the reader stopped; the serializer's own text is not
    /// used because it can quote the payload.
    /// </summary>
    public bool TryDecode<T>(InboundMessage message, JsonTypeInfo<T> typeInfo, string errorCode, [NotNullWhen(true)] out T? value)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize(message.Value, typeInfo);
            if (value is not null)
            {
                return true;
            }

            DeadLetter(message, errorCode, $"{errorCode} at $");
        }
        catch (JsonException ex)
        {
            DeadLetter(message, errorCode, $"{errorCode} at {ex.Path ?? "$"}");
        }
        catch (NotSupportedException)
        {
            // A shape the contract cannot bind (e.g. an abstract type without its discriminator): no position known.
            DeadLetter(message, errorCode, $"{errorCode} at $");
        }

        value = null;
        return false;
    }

    /// <summary>A retried attempt starts from no dead letters so none is sent twice.</summary>
    internal void ResetDeadLetters() => _deadLetters.Clear();
}

/// <summary>
/// Handles a batch. Returns only when its effects are durable (the offsets are stored right after); throwing
/// makes the same batch be retried with backoff, so effects must be idempotent. Messages that can never be
/// handled go to <see cref="MessageBatch.DeadLetter"/> instead of throwing, or they would block their partition.
/// A thrown exception is logged: its message must not carry personal data.
/// </summary>
public interface IBatchHandler
{
    /// <param name="cancellationToken">Fires when shutdown's drain time is up; the batch is then redelivered later.</param>
    Task HandleAsync(MessageBatch batch, CancellationToken cancellationToken);
}
