using System.Buffers;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Auth;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Publishing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalExaminer.Gateway.Api;

/// <summary>What the caller gets once Kafka has acknowledged the notification.</summary>
public sealed record NotificationAccepted(string NotificationId, string SourceSystem);

/// <summary><c>POST /api/notifications</c>: one endpoint, the format chosen by Content-Type.</summary>
public static class NotificationEndpoints
{
    public const string ProblemBase = "https://medical-examiner.nhs.example/problems/";
    public const string PublisherPolicy = "publisher";
    public const string RateLimitPolicy = "per-publisher";

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/notifications", PostAsync)
            .RequireAuthorization(PublisherPolicy)
            .RequireRateLimiting(RateLimitPolicy)
            .WithTags("Notifications")
            .WithSummary("Publishes a death notification: DOMAIN §2 JSON, FHIR R4 (a Patient or a Bundle), or HL7 v2 ADT (ER7).")
            .WithDescription("202 with the notification id once Kafka acknowledged it; the same notification sent again gets the same id and opens no second case.")
            .Produces<NotificationAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Accepted<NotificationAccepted>, ProblemHttpResult>> PostAsync(
        HttpContext context, NotificationReader reader, NotificationPublisher publisher, CancellationToken cancellationToken)
    {
        // The policy let only publishers through.
        var identity = PublisherIdentity.From(context.User) ?? throw new InvalidOperationException("Endpoint reached without a publisher.");
        string? format;
        byte[]? body;
        byte[] contractJson;
        try
        {
            format = NotificationReader.FormatOf(context.Request.ContentType, out var hl7Charset);
            if (format is null)
            {
                return Problem(StatusCodes.Status415UnsupportedMediaType, GatewayErrorCodes.UnsupportedMediaType,
                    $"Send one of: {string.Join(", ", NotificationReader.MediaTypes)}.", [new ValidationError(GatewayErrorCodes.UnsupportedMediaType, "Content-Type")]);
            }

            body = await ReadBodyAsync(context.Request, cancellationToken);
            if (body is null)
            {
                // The rest of the body is left unread: close the connection after answering, or the client may send its
                // next request on it and lose it to the unread bytes (found by the malformed-input corpus, 300 KB HL7).
                context.Response.Headers.Connection = "close";
                return Problem(StatusCodes.Status413PayloadTooLarge, ValidationErrorCodes.Oversize,
                    $"A notification is at most {DeathNotificationParser.MaxMessageBytes} bytes.", [new ValidationError(ValidationErrorCodes.Oversize, "$")]);
            }

            contractJson = reader.ToContractJson(format, body, hl7Charset, identity);
        }
        catch (NotificationRejectedException ex)
        {
            var status = ex.Code == GatewayErrorCodes.UnsupportedCharset ? StatusCodes.Status415UnsupportedMediaType : StatusCodes.Status400BadRequest;
            return Problem(status, ex.Code, "The notification could not be read.", [new ValidationError(ex.Code, ex.Field)]);
        }

        var outcome = await publisher.PublishAsync(contractJson, identity, format, cancellationToken);
        switch (outcome.Status)
        {
            case PublishStatus.Accepted:
                return TypedResults.Accepted((string?)null, new NotificationAccepted(outcome.NotificationId!, outcome.SourceSystem!));
            case PublishStatus.OtherOdsCode:
                return Problem(StatusCodes.Status403Forbidden, GatewayErrorCodes.OtherOdsCode, "This publisher may publish only for its own ODS code.", outcome.Errors);
            case PublishStatus.Unavailable:
                context.Response.Headers.RetryAfter = "5";
                return Problem(StatusCodes.Status503ServiceUnavailable, GatewayErrorCodes.PublishFailed, "The notification was not published; send it again.", []);
            default:
                return Problem(StatusCodes.Status400BadRequest, outcome.Errors[0].Code, "The notification is not valid.", outcome.Errors);
        }
    }

    /// <summary>Problem details with our code and the fields concerned; never a value from the request.</summary>
    public static ProblemHttpResult Problem(int status, string code, string detail, IReadOnlyList<ValidationError> errors) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            type: ProblemBase + code,
            extensions: new Dictionary<string, object?>
            {
                ["code"] = code,
                ["errors"] = errors.Select(e => new Dictionary<string, string> { ["code"] = e.Code, ["field"] = e.Field }).ToList(),
            });

    /// <returns>The body, or null when it is larger than a notification may be.</returns>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        const int Max = DeathNotificationParser.MaxMessageBytes;
        if (request.ContentLength > Max)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Max + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, Max + 1 - length), cancellationToken)) > 0)
            {
                length += read;
                if (length > Max)
                {
                    return null;
                }
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
