using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedicalExaminer.Notify;

// The subset of GOV.UK Notify's v2 API that the family notifier calls and the local sink serves
// (snake_case on the wire). Request and response shapes follow Notify's published API.

/// <summary>POST /v2/notifications/email.</summary>
public sealed record SendEmailRequest(string EmailAddress, Guid TemplateId, IReadOnlyDictionary<string, string> Personalisation, string? Reference);

/// <summary>POST /v2/notifications/sms.</summary>
public sealed record SendSmsRequest(string PhoneNumber, Guid TemplateId, IReadOnlyDictionary<string, string> Personalisation, string? Reference);

/// <summary>POST /v2/notifications/letter: the address is in the personalisation as <c>address_line_1</c>…<c>address_line_7</c>.</summary>
public sealed record SendLetterRequest(Guid TemplateId, IReadOnlyDictionary<string, string> Personalisation, string? Reference);

/// <summary>201 answer to a send.</summary>
public sealed record SendResponse(Guid Id, string? Reference, SentContent Content, string Uri, TemplateReference Template);

public sealed record SentContent(string Body, string? Subject = null, string? FromNumber = null, string? FromEmail = null);

public sealed record TemplateReference(Guid Id, int Version, string Uri);

/// <summary>GET /v2/notifications/{id}, and each item of the list.</summary>
public sealed record NotificationResponse(
    Guid Id,
    string? Reference,
    string Type,
    string Status,
    TemplateReference Template,
    string Body,
    string? Subject,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? CompletedAt,
    string? EmailAddress = null,
    string? PhoneNumber = null,
    [property: JsonPropertyName("line_1")] string? Line1 = null);

/// <summary>GET /v2/notifications?reference=… (newest first, paged).</summary>
public sealed record NotificationListResponse(IReadOnlyList<NotificationResponse> Notifications, NotificationListLinks Links);

public sealed record NotificationListLinks(string Current, string? Next);

/// <summary>Every error answer: <c>{ "status_code": 400, "errors": [ { "error": "BadRequestError", "message": "…" } ] }</c>.</summary>
public sealed record ErrorResponse(int StatusCode, IReadOnlyList<ErrorItem> Errors);

public sealed record ErrorItem(string Error, string Message);

/// <summary>Notify's notification types and the delivery statuses we act on.</summary>
public static class NotifyStatuses
{
    public const string Created = "created";
    public const string Sending = "sending";
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string PermanentFailure = "permanent-failure";
    public const string TemporaryFailure = "temporary-failure";
    public const string TechnicalFailure = "technical-failure";

    // Letters: accepted for printing, then received by the postal service (Notify's final letter status).
    public const string Accepted = "accepted";
    public const string Received = "received";

    /// <summary>Statuses after which the provider will not change its mind.</summary>
    public static bool IsFinal(string status) => status is Delivered or Received or PermanentFailure or TemporaryFailure or TechnicalFailure
        or "cancelled" or "validation-failed" or "virus-scan-failed" or "returned-letter";

    public static bool IsDelivered(string status) => status is Delivered or Received;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SendEmailRequest))]
[JsonSerializable(typeof(SendSmsRequest))]
[JsonSerializable(typeof(SendLetterRequest))]
[JsonSerializable(typeof(SendResponse))]
[JsonSerializable(typeof(NotificationResponse))]
[JsonSerializable(typeof(NotificationListResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class NotifyJsonContext : JsonSerializerContext;
