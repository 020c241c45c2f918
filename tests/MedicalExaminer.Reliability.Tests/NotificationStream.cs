using Confluent.Kafka;
using MedicalExaminer.SyntheticData;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// The continuous stream a scenario runs under: seeded synthetic death notifications (with redeliveries and invalid
/// ones) published a few at a time over a span, through an idempotent producer, as a hospital system would. A publish
/// that fails (broker down longer than the producer waits) is tried again until acknowledged, so every message the
/// stream holds is on the topic at least once when <see cref="Completion"/> finishes.
/// </summary>
public sealed class NotificationStream : IAsyncDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly CancellationTokenSource _stop = new();

    private NotificationStream(IReadOnlyList<SyntheticNotification> messages, IProducer<string, byte[]> producer)
    {
        Messages = messages;
        _producer = producer;
    }

    public IReadOnlyList<SyntheticNotification> Messages { get; }

    /// <summary>Distinct keys of the valid notifications: each must become exactly one case.</summary>
    public IReadOnlySet<string> ValidKeys => Messages.Where(m => m.Kind != SyntheticKind.Invalid).Select(m => m.Key).ToHashSet();

    /// <summary>Distinct keys of the invalid notifications: each must be dead-lettered.</summary>
    public IReadOnlySet<string> InvalidKeys => Messages.Where(m => m.Kind == SyntheticKind.Invalid).Select(m => m.Key).ToHashSet();

    /// <summary>How many messages were acknowledged so far.</summary>
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>Finishes when every message is acknowledged by the cluster.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    private int _acknowledged;

    public static NotificationStream Start(string bootstrapServers, string topic, int seed, int count, TimeSpan span)
    {
        var messages = new NotificationGenerator(seed, new SyntheticMix(DuplicateRate: 0.05, InvalidRate: 0.02)).Take(count).ToList();
        var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            // Through an outage the producer retries by itself for this long before a publish fails.
            MessageTimeoutMs = 20_000,
        }).Build();
        var stream = new NotificationStream(messages, producer);
        stream.Completion = Task.Run(() => stream.RunAsync(topic, span));
        return stream;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages are acknowledged (the stream is flowing).</summary>
    public async Task WaitForAcknowledgedAsync(int count, TimeSpan timeout) =>
        await Eventually.HoldsAsync(() => Task.FromResult(Acknowledged >= count), timeout, $"{count} notifications are acknowledged by the cluster");

    private async Task RunAsync(string topic, TimeSpan span)
    {
        const int Chunk = 10;
        var pause = span / Math.Max(1, Messages.Count / Chunk);
        var deliveries = new List<Task>(Messages.Count);
        for (var i = 0; i < Messages.Count; i += Chunk)
        {
            deliveries.AddRange(Messages.Skip(i).Take(Chunk).Select(m => PublishUntilAcknowledgedAsync(topic, m)));
            await Task.Delay(pause, _stop.Token);
        }

        await Task.WhenAll(deliveries);
    }

    private async Task PublishUntilAcknowledgedAsync(string topic, SyntheticNotification message)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var headers = new Confluent.Kafka.Headers { { Contracts.Headers.Schema, "death-notification/1"u8.ToArray() } };
                await _producer.ProduceAsync(topic, new Message<string, byte[]> { Key = message.Key, Value = message.Value, Headers = headers }, _stop.Token);
                Interlocked.Increment(ref _acknowledged);
                return;
            }
            catch (ProduceException<string, byte[]>) when (attempt < 10 && !_stop.IsCancellationRequested)
            {
                // Not acknowledged (it may still have been written): publish again, as a hospital system would.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _stop.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Completion;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ProduceException<string, byte[]>)
        {
            // The scenario already failed or finished; what is left of the stream does not matter.
        }

        _producer.Dispose();
        _stop.Dispose();
    }
}
