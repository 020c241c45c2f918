namespace MedicalExaminer.Gateway.Formats;

/// <summary>The formats a publisher may send a notification in, and their media types (the gateway reads them, the CLI writes them).</summary>
public static class NotificationFormats
{
    public const string Json = "json";
    public const string Fhir = "fhir";
    public const string Hl7 = "hl7v2";

    public const string JsonMediaType = "application/json";
    public const string FhirMediaType = "application/fhir+json";

    /// <summary>HL7's media type for ER7 over HTTP (the HL7-over-HTTP specification); <c>application/hl7-v2</c> is accepted too.</summary>
    public const string Hl7MediaType = "x-application/hl7-v2+er7";

    /// <summary>The header a publisher sends its gateway API key in.</summary>
    public const string ApiKeyHeader = "X-Api-Key";
}
