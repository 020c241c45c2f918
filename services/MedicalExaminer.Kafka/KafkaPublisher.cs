using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Kafka;

/// <summary>The process's one long-lived idempotent producer (DESIGN §3), with trace context on every message.</summary>
public interface IKafkaPublisher
{
    /// <summary>Publishes and waits for the brokers' acknowledgement.</summary>
    Task PublishAsync(string topic, string? key, byte[] value, string schemaId, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes a prepared message and waits for the acknowledgement. Its headers are kept; trace context is
    /// added only when it carries none (a dead letter or an outbox row keeps the context of its origin).
    /// </summary>
    Task PublishAsync(string topic, Message<string?, byte[]> message, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes many messages at once (one batch of produce requests, not one round trip each) and returns
    /// when the brokers acknowledged all of them; throws <see cref="ProduceException{TKey, TValue}"/> for the
    /// first that failed. Cancellation stops the wait, not messages already handed to the producer.
    /// </summary>
    Task PublishBatchAsync(string topic, IEnumerable<KeyValuePair<string?, byte[]>> messages, string schemaId, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a message to the producer without waiting; <paramref name="onDelivered"/> reports the
    /// outcome. For bulk publishing (CLI, load generator): call <see cref="Flush"/> at the end.
    /// </summary>
    void Enqueue(string topic, string? key, byte[] value, string schemaId, Action<DeliveryReport<string?, byte[]>>? onDelivered = null);

    void Flush(TimeSpan timeout);
}

public sealed class KafkaPublisher : IKafkaPublisher, IDisposable
{
    private static readonly ActivitySource Source = new("MedicalExaminer.Kafka");
    private readonly IProducer<string?, byte[]> _producer;
    private int _disposed;

    public KafkaPublisher(IOptions<KafkaOptions> options) =>
        _producer = new ProducerBuilder<string?, byte[]>(KafkaClientFactory.ProducerConfig(options.Value)).Build();

    public Task PublishAsync(string topic, string? key, byte[] value, string schemaId, CancellationToken cancellationToken) =>
        PublishAsync(topic, new Message<string?, byte[]> { Key = key, Value = value, Headers = SchemaHeaders(schemaId) }, cancellationToken);

    public async Task PublishAsync(string topic, Message<string?, byte[]> message, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity($"publish {topic}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.destination.name", topic);
        message.Headers ??= [];
        if (!message.Headers.TryGetLastBytes(Contracts.Headers.TraceParent, out _))
        {
            TraceContextPropagation.Inject(message.Headers, activity ?? Activity.Current);
        }

        await _producer.ProduceAsync(topic, message, cancellationToken);
    }

    public async Task PublishBatchAsync(string topic, IEnumerable<KeyValuePair<string?, byte[]>> messages, string schemaId, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity($"publish {topic}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.destination.name", topic);
        var deliveries = new List<Task>();
        foreach (var (key, value) in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            deliveries.Add(delivered.Task);
            Enqueue(topic, key, value, schemaId, report =>
            {
                if (report.Error.IsError)
                {
                    delivered.TrySetException(new ProduceException<string?, byte[]>(report.Error, report));
                }
                else
                {
                    delivered.TrySetResult();
                }
            });
        }

        activity?.SetTag("messaging.batch.message_count", deliveries.Count);
        await Task.WhenAll(deliveries).WaitAsync(cancellationToken);
    }

    public void Enqueue(string topic, string? key, byte[] value, string schemaId, Action<DeliveryReport<string?, byte[]>>? onDelivered = null)
    {
        var headers = SchemaHeaders(schemaId);
        TraceContextPropagation.Inject(headers, Activity.Current);
        var message = new Message<string?, byte[]> { Key = key, Value = value, Headers = headers };
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, onDelivered);
                return;
            }
            catch (ProduceException<string?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Backpressure: let librdkafka drain its queue rather than buffer without bound.
                _producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    public void Flush(TimeSpan timeout) => _producer.Flush(timeout);

    public void Dispose()
    {
        // The container disposes this instance once per registration (as KafkaPublisher and as IKafkaPublisher).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }

    private static Headers SchemaHeaders(string schemaId) => new() { { Contracts.Headers.Schema, Encoding.UTF8.GetBytes(schemaId) } };
}
