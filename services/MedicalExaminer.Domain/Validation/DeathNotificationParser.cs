using System.Text.Json;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain;

/// <summary>Reads a notification message (UTF-8 JSON) and validates it. Never throws on bad input.</summary>
public static class DeathNotificationParser
{
    public const int MaxMessageBytes = 64 * 1024;

    public static NotificationValidation Parse(ReadOnlySpan<byte> utf8Json, DateTimeOffset now)
    {
        if (utf8Json.Length > MaxMessageBytes)
        {
            return NotificationValidation.Refused(ValidationErrorCodes.Oversize, "$");
        }

        DeathNotification? notification;
        try
        {
            notification = JsonSerializer.Deserialize(utf8Json, ContractsJsonContext.Default.DeathNotification);
        }
        catch (JsonException ex)
        {
            // The exception's message can quote the offending value, so only its path is reported;
            // the message text is used solely to tell the kinds of failure apart.
            var field = ex.Path?.TrimStart('$', '.');
            return NotificationValidation.Refused(Classify(ex), string.IsNullOrEmpty(field) ? "$" : field);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or System.Text.DecoderFallbackException)
        {
            return NotificationValidation.Refused(ValidationErrorCodes.MalformedJson, "$");
        }

        return notification is null
            ? NotificationValidation.Refused(ValidationErrorCodes.Required, "$")
            : NotificationValidator.Validate(notification, now);
    }

    private static string Classify(JsonException ex) =>
        ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? ValidationErrorCodes.UnknownField
        : ex.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) ? ValidationErrorCodes.WrongType
        : ValidationErrorCodes.MalformedJson;
}
