using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;

namespace MedicalExaminer.Gateway.Formats.Fhir;

/// <summary>
/// A refusal of a FHIR request as FHIR answers it: an <c>OperationOutcome</c> with one issue per error — severity
/// <c>error</c>, the FHIR issue type, our code in <c>details</c> (the code system below, the same codes problem details
/// carry), and the element in <c>expression</c>. Like every answer of the gateway it names where, never what: no issue
/// carries a value from the message.
/// </summary>
public static class FhirOperationOutcome
{
    public const string MediaType = NotificationFormats.FhirMediaType;

    /// <summary>The gateway's error codes (<see cref="GatewayErrorCodes"/> and the domain's <see cref="ValidationErrorCodes"/>) as a FHIR code system.</summary>
    public const string ErrorCodeSystem = NotificationCodes.FhirBase + "/CodeSystem/gateway-error";

    /// <summary>
    /// The FHIR element a notification field comes from (docs/gateway.md, "The FHIR profile accepted"), so that a domain
    /// refusal of a mapped Bundle points at what the sender wrote rather than at our contract's JSON.
    /// </summary>
    private static readonly Dictionary<string, string> Elements = new(StringComparer.Ordinal)
    {
        ["sourceSystem"] = "Bundle.meta.source",
        ["notificationId"] = "Bundle.identifier",
        ["publisherOdsCode"] = "Encounter.serviceProvider.identifier",
        ["siteOdsCode"] = "Location.identifier",
        ["placeOfDeath"] = "Location.type",
        ["deceased"] = "Patient",
        ["deceased.nhsNumber"] = "Patient.identifier",
        ["deceased.identityConfirmed"] = "Patient.identifier.extension",
        ["deceased.givenName"] = "Patient.name.given",
        ["deceased.familyName"] = "Patient.name.family",
        ["deceased.dateOfBirth"] = "Patient.birthDate",
        ["deceased.sex"] = "Patient.gender",
        ["deceased.postcode"] = "Patient.address.postalCode",
        ["deceased.learningDisabilityOrAutism"] = "Observation.value",
        ["dateTimeOfDeath"] = "Patient.deceased",
        ["attendingPractitioner"] = "Practitioner",
        ["attendingPractitioner.gmcNumber"] = "Practitioner.identifier",
        ["attendingPractitioner.name"] = "Practitioner.name",
        ["attendingPractitioner.availableWithinReasonableTime"] = "Practitioner.extension",
        ["proposedCauseOfDeath.ia"] = "Condition.code.text",
        ["proposedCauseOfDeath.ib"] = "Condition.code.text",
        ["proposedCauseOfDeath.ic"] = "Condition.code.text",
        ["proposedCauseOfDeath.ii"] = "Condition.code.text",
        ["circumstances"] = "Observation.value",
        ["urgentRelease.reason"] = "Observation.value",
        ["informant"] = "RelatedPerson",
        ["informant.name"] = "RelatedPerson.name",
        ["informant.relationship"] = "RelatedPerson.relationship",
        ["informant.phone"] = "RelatedPerson.telecom",
        ["informant.email"] = "RelatedPerson.telecom",
        ["informant.address"] = "RelatedPerson.address",
        ["informant.language"] = "RelatedPerson.communication.language",
        ["informant.preferredChannel"] = "RelatedPerson.extension",
        ["informant.consentToContact"] = "RelatedPerson.extension",
    };

    /// <summary>
    /// The FHIRPath of the element an error names: a notification field becomes the element it was read from, a path the
    /// FHIR reader already gave (<c>Bundle.entry[0].resource.birthDate</c>) stays; null when the error concerns the body as
    /// a whole (<c>$</c>) or a header (<c>Content-Type</c>) or the root's <c>resourceType</c>, which FHIRPath does not name as elements.
    /// </summary>
    public static string? ExpressionOf(string field)
    {
        if (Elements.TryGetValue(field, out var element))
        {
            return element;
        }

        // circumstances[2] → the Observation's value.
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        if (bracket > 0 && Elements.TryGetValue(field[..bracket], out element))
        {
            return element;
        }

        // The reader's own paths start with a resource type (Firely's instance paths are FHIRPath already); the mapper
        // names a missing resource "Bundle.entry.resource(Patient)", which FHIRPath writes with ofType.
        return field.Length > 0 && char.IsAsciiLetterUpper(field[0]) && !field.Contains('-', StringComparison.Ordinal)
            ? field.Replace(".resource(", ".resource.ofType(", StringComparison.Ordinal)
            : null;
    }

    /// <summary>The FHIR issue type (value set <c>issue-type</c>) of one of our codes.</summary>
    public static OperationOutcome.IssueType IssueTypeOf(string code) => code switch
    {
        ValidationErrorCodes.Required or GatewayErrorCodes.MissingResource or GatewayErrorCodes.NotADeath => OperationOutcome.IssueType.Required,
        ValidationErrorCodes.TooLong or ValidationErrorCodes.Oversize or ValidationErrorCodes.TooMany or ValidationErrorCodes.TooDeep => OperationOutcome.IssueType.TooLong,
        ValidationErrorCodes.InvalidFormat or ValidationErrorCodes.InvalidNhsNumber or ValidationErrorCodes.UnknownCode or ValidationErrorCodes.InTheFuture
            or ValidationErrorCodes.BeforeBirth or ValidationErrorCodes.WrongType or ValidationErrorCodes.InvalidCharacter or GatewayErrorCodes.AmbiguousLocalTime => OperationOutcome.IssueType.Value,
        GatewayErrorCodes.MalformedFhir or GatewayErrorCodes.InvalidFhir or GatewayErrorCodes.BadEncoding or ValidationErrorCodes.MalformedJson
            or ValidationErrorCodes.UnknownField or ValidationErrorCodes.DuplicateField or GatewayErrorCodes.Malformed
            or GatewayErrorCodes.MalformedHl7 or GatewayErrorCodes.BadEscape or GatewayErrorCodes.BrokenSegment => OperationOutcome.IssueType.Structure,
        GatewayErrorCodes.UnsupportedMediaType or GatewayErrorCodes.UnsupportedCharset or GatewayErrorCodes.UnsupportedResource
            or ValidationErrorCodes.UnsupportedSchemaVersion or GatewayErrorCodes.UnsupportedMessageType or GatewayErrorCodes.UnsupportedVersion => OperationOutcome.IssueType.NotSupported,
        GatewayErrorCodes.Unauthenticated => OperationOutcome.IssueType.Login,
        GatewayErrorCodes.OtherOdsCode or GatewayErrorCodes.Forbidden => OperationOutcome.IssueType.Forbidden,
        GatewayErrorCodes.RateLimited => OperationOutcome.IssueType.Throttled,
        GatewayErrorCodes.PublishFailed => OperationOutcome.IssueType.Transient,
        GatewayErrorCodes.NotFound => OperationOutcome.IssueType.NotFound,
        _ => OperationOutcome.IssueType.Invalid,
    };

    /// <param name="code">The refusal's code (problem details' <c>code</c>).</param>
    /// <param name="detail">A sentence that states the refusal without a value from the message.</param>
    /// <param name="errors">The errors (code, field); none gives one issue of <paramref name="code"/> without an element.</param>
    public static OperationOutcome Of(string code, string detail, IReadOnlyList<ValidationError> errors)
    {
        var outcome = new OperationOutcome();
        foreach (var (issueCode, field) in errors.Count == 0 ? [new ValidationError(code, "$")] : errors)
        {
            var expression = ExpressionOf(field);
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = IssueTypeOf(issueCode),
                Details = new CodeableConcept(ErrorCodeSystem, issueCode),
                // The field is ours to name (a path or a header), never a value; the detail says what to do.
                Diagnostics = field == "$" ? detail : $"{detail} ({issueCode} at {field})",
                Expression = expression is null ? [] : [expression],
            });
        }

        return outcome;
    }

    public static string Write(string code, string detail, IReadOnlyList<ValidationError> errors) => Of(code, detail, errors).ToJson();
}
