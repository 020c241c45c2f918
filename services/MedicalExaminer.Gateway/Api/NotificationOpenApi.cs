using System.Text.Json.Nodes;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Formats;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MedicalExaminer.Gateway.Api;

/// <summary>
/// Describes the request body of <c>POST /api/notifications</c> per format, as a publisher really sends it: the
/// contract JSON schema for <c>application/json</c>, a FHIR resource for <c>application/fhir+json</c>, ER7 text for
/// HL7 v2. The endpoint declares no <c>Accepts</c> metadata on purpose: routing would then answer 415 itself for a
/// media type or parameter it does not list, before the handler (which knows the formats and their charsets) runs.
/// </summary>
public static class NotificationOpenApi
{
    private const string Hl7Example =
        "MSH|^~\\&|PAS|LEEDS GENERAL^2.16.840.1.113883.2.1.3.2.4.18.48^ISO|ME|ME|20261120041512||ADT^A03^ADT_A03|MSG00042|P|2.4|||AL|NE|GBR|UNICODE UTF-8\r"
        + "EVN|A03|20261120041500\r"
        + "PID|1||9990000018^^^NHS^NH~RR81234567^^^RR8^MR||EXAMPLE^ADA^^^MRS||19380402|2|||1 ROAD^^LEEDS^^LS1 4AP||||||||||||||||||20261120031500|Y\r"
        + "PV1|1|I|WARD 7^BAY 2^BED 4^LGI|||||C1234567^SMITH^JANE^^^DR^^^GMC||||||||||||||||||||||||||||4|79\r";

    public static void Describe(OpenApiOptions options) => options.AddOperationTransformer(async (operation, context, cancellationToken) =>
    {
        if (context.Description.RelativePath != "api/notifications" || context.Description.HttpMethod != "POST")
        {
            return;
        }

        var contract = await context.GetOrCreateSchemaAsync(typeof(DeathNotification), null, cancellationToken);
        var fhir = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A FHIR R4 resource: a UK Core Patient with deceasedDateTime, or a Bundle of type message, transaction, "
                + "collection or document holding one; a NEMS PDS Death Notification (STU3 message Bundle) where the publisher's profile allows it.",
            Required = new HashSet<string> { "resourceType" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["resourceType"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Bundle")!, JsonValue.Create("Patient")!] },
            },
        };
        var hl7 = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "HL7 v2.3–2.5.1 ER7: ADT^A03 (or A08/A04/A01) showing a death by PID-30, PID-29, PV1-36 (20, or the NHS Data Dictionary "
                + "codes: discharge method 4, destination 79) or a PDA segment. Segments end in CR, LF or CRLF; charset from the Content-Type or MSH-18.",
        };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One death notification, in the format the Content-Type names.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [NotificationReader.JsonMediaType] = new() { Schema = contract },
                [NotificationReader.FhirMediaType] = new() { Schema = fhir },
                [NotificationReader.Hl7V2MediaType] = new() { Schema = hl7, Example = JsonValue.Create(Hl7Example) },
                [NotificationReader.Hl7MediaType] = new() { Schema = hl7 },
            },
        };

        // A FHIR request's refusal is an OperationOutcome (OperationOutcomeWriter), with the status problem details would have.
        var outcome = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A FHIR R4 OperationOutcome: one issue per error, severity error, the FHIR issue type in code, our code in details.coding "
                + $"(system {Formats.Fhir.FhirOperationOutcome.ErrorCodeSystem}), the element in expression; never a value from the message.",
            Required = new HashSet<string> { "resourceType", "issue" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["resourceType"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("OperationOutcome")!] },
                ["issue"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Object } },
            },
        };
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.Length == 3 && status[0] is '4' or '5' && response is OpenApiResponse { Content: { } content })
            {
                content[NotificationReader.FhirMediaType] = new OpenApiMediaType { Schema = outcome };
            }
        }
    });
}
