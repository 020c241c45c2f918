using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;

namespace MedicalExaminer.Gateway.Formats;

/// <summary>A notification as a publisher sends it in one of the gateway's formats: the inverse of the gateway's NotificationFormats.</summary>
public static class NotificationWriter
{
    public static (byte[] Body, string ContentType) Write(DeathNotification notification, string format) => format switch
    {
        NotificationFormats.Json => (JsonSerializer.SerializeToUtf8Bytes(notification, ContractsJsonContext.Default.DeathNotification), NotificationFormats.JsonMediaType),
        NotificationFormats.Fhir => (Encoding.UTF8.GetBytes(FhirNotificationWriter.Write(notification)), NotificationFormats.FhirMediaType),
        NotificationFormats.Hl7 => (Encoding.UTF8.GetBytes(AdtA03Writer.Write(notification)), NotificationFormats.Hl7MediaType),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a gateway format."),
    };

    public static string ContentTypeOf(string format) => format switch
    {
        NotificationFormats.Fhir => NotificationFormats.FhirMediaType,
        NotificationFormats.Hl7 => NotificationFormats.Hl7MediaType,
        _ => NotificationFormats.JsonMediaType,
    };
}
