namespace MedicalExaminer.Contracts;

/// <summary>Kafka header names carried on every message the service produces.</summary>
public static class Headers
{
    /// <summary>W3C trace context of the producer.</summary>
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>Schema id of the payload, e.g. <c>death-notification/1</c>.</summary>
    public const string Schema = "schema";

    // Dead-letter headers: why a message could not be processed and where it came from.
    // They carry codes and field names, never a value from the message.
    public const string DeadLetterErrorCode = "dlq-error-code";
    public const string DeadLetterErrorMessage = "dlq-error-message";
    public const string DeadLetterOriginalTopic = "dlq-original-topic";
    public const string DeadLetterOriginalPartition = "dlq-original-partition";
    public const string DeadLetterOriginalOffset = "dlq-original-offset";
    public const string DeadLetterFailedAt = "dlq-failed-at";
}

public static class SchemaIds
{
    public const string DeathNotificationV1 = "death-notification/1";
    public const string CaseEventV1 = "case-event/1";
    public const string FamilyNotificationV1 = "family-notification/1";
    public const string ScrutinyMetricsV1 = "scrutiny-metrics/1";
}
