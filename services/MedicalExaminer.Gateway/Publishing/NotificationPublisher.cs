using System.Text.Json;
using Confluent.Kafka;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Kafka;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Gateway.Publishing;

public enum PublishStatus
{
    Accepted,
    Refused,
    OtherOdsCode,
    Unavailable,
}

/// <summary>What became of a notification: the id on acceptance, the validation errors (codes and fields) on refusal.</summary>
public sealed record PublishOutcome(PublishStatus Status, string? SourceSystem, string? NotificationId, IReadOnlyList<ValidationError> Errors)
{
    public static PublishOutcome Refused(IReadOnlyList<ValidationError> errors) => new(PublishStatus.Refused, null, null, errors);
}

/// <summary>
/// The one path every format takes: the notification in its contract JSON is read and validated by the
/// domain's <see cref="DeathNotificationParser"/> — the very code the intake worker runs, so what the gateway
/// accepts the worker accepts, and what it refuses the worker would have dead-lettered with the same codes —
/// then checked against the publisher's ODS code and published to Kafka with the idempotent producer, keyed
/// <c>{sourceSystem}:{notificationId}</c>. It returns only after the brokers acknowledged.
/// </summary>
public sealed partial class NotificationPublisher(
    IKafkaPublisher kafka,
    IOptions<GatewayOptions> options,
    TimeProvider clock,
    GatewayMetrics metrics,
    ILogger<NotificationPublisher> logger)
{
    /// <summary>Contract JSON of a notification mapped from FHIR or HL7 v2.</summary>
    public static byte[] ToContractJson(DeathNotification notification) =>
        JsonSerializer.SerializeToUtf8Bytes(notification, ContractsJsonContext.Default.DeathNotification);

    /// <param name="contractJson">The notification as DOMAIN §2 JSON; published byte for byte as it was validated.</param>
    public async Task<PublishOutcome> PublishAsync(byte[] contractJson, PublisherIdentity publisher, string format, CancellationToken cancellationToken)
    {
        var validation = DeathNotificationParser.Parse(contractJson, clock.GetUtcNow());
        if (validation.Accepted is not { } accepted)
        {
            metrics.Refused(format, validation.Errors.Count > 0 ? validation.Errors[0].Code : ValidationErrorCodes.MalformedJson);
            return PublishOutcome.Refused(validation.Errors);
        }

        var n = accepted.Notification;
        if (!string.Equals(n.PublisherOdsCode, publisher.OdsCode, StringComparison.Ordinal))
        {
            metrics.Refused(format, GatewayErrorCodes.OtherOdsCode);
            return new PublishOutcome(PublishStatus.OtherOdsCode, n.SourceSystem, null, [new ValidationError(GatewayErrorCodes.OtherOdsCode, "publisherOdsCode")]);
        }

        try
        {
            await kafka.PublishAsync(options.Value.Topic, $"{n.SourceSystem}:{n.NotificationId}", contractJson, SchemaIds.DeathNotificationV1, cancellationToken);
        }
        catch (KafkaException ex)
        {
            // The code only: the reason may quote broker detail, and the message is never logged.
            LogPublishFailed(logger, ex.Error.Code, publisher.Id);
            metrics.Refused(format, GatewayErrorCodes.PublishFailed);
            return new PublishOutcome(PublishStatus.Unavailable, n.SourceSystem, n.NotificationId, []);
        }

        metrics.Accepted(format);
        return new PublishOutcome(PublishStatus.Accepted, n.SourceSystem, n.NotificationId, []);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka did not acknowledge a notification from publisher {Publisher}: {ErrorCode}")]
    private static partial void LogPublishFailed(ILogger logger, ErrorCode errorCode, string publisher);
}
