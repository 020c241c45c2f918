using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.Kafka;

/// <summary>
/// Connection to Kafka (section <c>Kafka</c>). Any librdkafka setting can be added under
/// <see cref="Producer"/> or <see cref="Consumer"/> (TLS, SASL, tuning), so the same code runs
/// against the embedded mock cluster and a production cluster. Settings that decide delivery
/// semantics are fixed in <see cref="KafkaClientFactory"/> and cannot be overridden here.
/// </summary>
public sealed class KafkaOptions
{
    public const string Section = "Kafka";

    [Required]
    public string BootstrapServers { get; set; } = "";

    public string ClientId { get; set; } = "medical-examiner";

    public Dictionary<string, string> Producer { get; set; } = [];

    public Dictionary<string, string> Consumer { get; set; } = [];
}

/// <summary>One batch consumer: its topic, group, dead-letter topic and batch bounds.</summary>
public sealed class BatchConsumerOptions
{
    [Required]
    public string Topic { get; set; } = "";

    [Required]
    public string GroupId { get; set; } = "";

    /// <summary>Where messages the handler refuses go; required when the handler dead-letters.</summary>
    public string? DeadLetterTopic { get; set; }

    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 1000;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>On shutdown, how long the batch in hand may take to finish before it is abandoned (and redelivered later).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay before a failed batch is retried; it doubles (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Readiness fails when the consume loop has not beaten for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
