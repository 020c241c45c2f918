using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;

namespace MedicalExaminer.Gateway.Formats;

/// <summary>A notification as a publisher sends it in one of the gateway's formats: the inverse of <see cref="NotificationReader"/>.</summary>
public static class NotificationWriter
{
    public static (byte[] Body, string ContentType) Write(DeathNotification notification, string format) => format switch
    {
        NotificationReader.Json => (JsonSerializer.SerializeToUtf8Bytes(notification, ContractsJsonContext.Default.DeathNotification), NotificationReader.JsonMediaType),
        NotificationReader.Fhir => (Encoding.UTF8.GetBytes(FhirNotificationWriter.Write(notification)), NotificationReader.FhirMediaType),
        NotificationReader.Hl7 => (Encoding.UTF8.GetBytes(AdtA03Writer.Write(notification)), NotificationReader.Hl7MediaType),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a gateway format."),
    };

    public static string ContentTypeOf(string format) => format switch
    {
        NotificationReader.Fhir => NotificationReader.FhirMediaType,
        NotificationReader.Hl7 => NotificationReader.Hl7MediaType,
        _ => NotificationReader.JsonMediaType,
    };
}
