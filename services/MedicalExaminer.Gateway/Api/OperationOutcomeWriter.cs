using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Fhir;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MedicalExaminer.Gateway.Api;

/// <summary>
/// Writes every refusal of a FHIR request — the handler's (400, 403, 413, 415, 503), the rate limiter's (429) and the
/// framework's (401, 403) alike, since all go through the problem details service — as a FHIR <c>OperationOutcome</c>
/// (<c>application/fhir+json</c>) with the same status: a FHIR client reads FHIR. A request is a FHIR one when its body
/// is FHIR (Content-Type) or it asks for FHIR (Accept); JSON and HL7 over HTTP keep problem details.
/// </summary>
public sealed class OperationOutcomeWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => IsFhirRequest(context.HttpContext.Request);

    public static bool IsFhirRequest(HttpRequest request)
    {
        if (MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepts)
            && accepts.Any(a => IsFhir(a.MediaType.Value)))
        {
            return true;
        }

        return MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) && IsFhir(contentType.MediaType.Value);
    }

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        // The default writer applies the customisation itself; so must every other writer.
        options.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        var code = problem.Extensions.TryGetValue("code", out var c) && c is string s ? s : "error";
        var errors = problem.Extensions.TryGetValue("errors", out var e) && e is IEnumerable<IReadOnlyDictionary<string, string>> list
            ? list.Select(error => new ValidationError(error["code"], error["field"])).ToList()
            : [];
        var response = context.HttpContext.Response;
        response.ContentType = FhirOperationOutcome.MediaType + "; charset=utf-8";
        await response.WriteAsync(FhirOperationOutcome.Write(code, problem.Detail ?? problem.Title ?? "The request was refused.", errors), context.HttpContext.RequestAborted);
    }

    private static bool IsFhir(string? mediaType) =>
        string.Equals(mediaType, NotificationFormats.FhirMediaType, StringComparison.OrdinalIgnoreCase)
        || string.Equals(mediaType, "application/json+fhir", StringComparison.OrdinalIgnoreCase);
}
