using System.Net;
using System.Text;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>
/// Corpora of invalid inputs per format: each is refused with the right status, code and field, the
/// problem never echoes a value, and nothing at all reaches the topic.
/// </summary>
public sealed class InvalidInputTests(KafkaClusterFixture kafka)
{
    private static readonly DeathNotification Valid = Samples.Valid(seed: 202, count: 1)[0] with
    {
        Deceased = Samples.Valid(seed: 202, count: 1)[0].Deceased! with { NhsNumber = "9434765919", GivenName = "Zebedee", FamilyName = "Quixotic" },
    };

    private static readonly string Future = DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-dd'T'HH:mm:sszzz");

    public sealed record Case(string Name, byte[] Body, string ContentType, HttpStatusCode Status, string Code, string? Field)
    {
        public override string ToString() => Name;
    }

    private static Case Text(string name, string body, string contentType, HttpStatusCode status, string code, string? field) =>
        new(name, Encoding.UTF8.GetBytes(body), contentType, status, code, field);

    public static IEnumerable<Case> JsonCases()
    {
        var json = Samples.Json(Valid);
        const string Type = NotificationReader.JsonMediaType;
        yield return Text("json truncated", json[..(json.Length / 2)], Type, HttpStatusCode.BadRequest, ValidationErrorCodes.MalformedJson, "$");
        yield return Text("json wrong type", System.Text.RegularExpressions.Regex.Replace(json, "\"identityConfirmed\":(true|false)", "\"identityConfirmed\":\"yes\""), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.WrongType, "deceased.identityConfirmed");
        yield return Text("json missing required", Samples.Json(Valid with { DateTimeOfDeath = null }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.Required, "dateTimeOfDeath");
        yield return Text("json bad nhs number", Samples.Json(Valid with { Deceased = Valid.Deceased! with { NhsNumber = "9434765918" } }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.InvalidNhsNumber, "deceased.nhsNumber");
        yield return Text("json future death", Samples.Json(Valid with { DateTimeOfDeath = Future }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.InTheFuture, "dateTimeOfDeath");
        yield return Text("json oversize", Samples.Json(Valid with { ProposedCauseOfDeath = new ProposedCauseOfDeath { Ia = new string('x', 70_000) } }), Type, HttpStatusCode.RequestEntityTooLarge, ValidationErrorCodes.Oversize, "$");
        yield return Text("json wrong content type", json, "text/plain", HttpStatusCode.UnsupportedMediaType, GatewayErrorCodes.UnsupportedMediaType, "Content-Type");
        yield return Text("json declared latin-1", json, "application/json; charset=iso-8859-1", HttpStatusCode.UnsupportedMediaType, GatewayErrorCodes.UnsupportedCharset, "Content-Type");
        yield return new Case("json bad encoding", [.. Encoding.UTF8.GetBytes(json[..20]), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(json[20..])], Type, HttpStatusCode.BadRequest, ValidationErrorCodes.MalformedJson, "$");
        yield return Text("json NUL character", json.Replace("\"familyName\":\"Quixotic\"", "\"familyName\":\"Qui\\u0000xotic\""), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.InvalidCharacter, "$");
    }

    /// <summary>FHIR requests are answered with an OperationOutcome: the field of these cases is the issue's expression (FHIRPath).</summary>
    public static IEnumerable<Case> FhirCases()
    {
        var bundle = FhirNotificationWriter.Write(Valid);
        const string Type = NotificationReader.FhirMediaType;
        yield return Text("fhir truncated", bundle[..(bundle.Length / 2)], Type, HttpStatusCode.BadRequest, GatewayErrorCodes.MalformedFhir, null);
        yield return Text("fhir wrong type", bundle.Replace("\"birthDate\":\"", "\"birthDate\":19"), Type, HttpStatusCode.BadRequest, GatewayErrorCodes.MalformedFhir, null);
        yield return Text("fhir neither a bundle nor a patient", """{"resourceType":"Location","id":"p1"}""", Type, HttpStatusCode.BadRequest, GatewayErrorCodes.UnsupportedResource, null);
        yield return Text("fhir patient not known to be dead", """{"resourceType":"Patient","id":"p1"}""", Type, HttpStatusCode.BadRequest, ValidationErrorCodes.Required, "Patient.deceased");
        yield return Text("fhir unknown element", bundle.Replace("\"resourceType\":\"Patient\",", "\"resourceType\":\"Patient\",\"colour\":\"red\","), Type, HttpStatusCode.BadRequest, GatewayErrorCodes.InvalidFhir, "Bundle.entry[0].resource.colour");
        yield return Text("fhir missing patient", """{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:9a0b3c1e-0c59-4f7e-9a3b-2f6c7d8e9f01","resource":{"resourceType":"Location","name":"Ward 3"}}]}""", Type, HttpStatusCode.BadRequest, GatewayErrorCodes.MissingResource, "Bundle.entry.resource.ofType(Patient)");
        yield return Text("fhir missing death time", FhirNotificationWriter.Write(Valid with { DateTimeOfDeath = null }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.Required, "Patient.deceased");
        yield return Text("fhir bad nhs number", FhirNotificationWriter.Write(Valid with { Deceased = Valid.Deceased! with { NhsNumber = "9434765918" } }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.InvalidNhsNumber, "Patient.identifier");
        yield return Text("fhir future death", FhirNotificationWriter.Write(Valid with { DateTimeOfDeath = Future }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.InTheFuture, "Patient.deceased");
        yield return Text("fhir unknown place of death", FhirNotificationWriter.Write(Valid with { PlaceOfDeath = "garden" }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.UnknownCode, "Location.type");
        yield return Text("fhir oversize", FhirNotificationWriter.Write(Valid with { ProposedCauseOfDeath = new ProposedCauseOfDeath { Ia = new string('x', 70_000) } }), Type, HttpStatusCode.RequestEntityTooLarge, ValidationErrorCodes.Oversize, null);
        yield return new Case("fhir bad encoding", [.. Encoding.UTF8.GetBytes(bundle[..30]), 0xFF, .. Encoding.UTF8.GetBytes(bundle[30..])], Type, HttpStatusCode.BadRequest, GatewayErrorCodes.BadEncoding, null);
        yield return Text("fhir declared latin-1", bundle, Type + "; charset=iso-8859-1", HttpStatusCode.UnsupportedMediaType, GatewayErrorCodes.UnsupportedCharset, null);
    }

    public static IEnumerable<Case> Hl7Cases()
    {
        var message = AdtA03Writer.Write(Valid);
        const string Type = NotificationReader.Hl7MediaType;
        yield return Text("hl7 truncated", message[..40], Type, HttpStatusCode.BadRequest, GatewayErrorCodes.UnsupportedMessageType, "MSH-9");
        yield return Text("hl7 wrong message type", message.Replace("ADT^A03^ADT_A03", "ADT^A02^ADT_A02"), Type, HttpStatusCode.BadRequest, GatewayErrorCodes.UnsupportedMessageType, "MSH-9");
        yield return Text("hl7 wrong version", message.Replace("|2.5.1|", "|3.0|"), Type, HttpStatusCode.BadRequest, GatewayErrorCodes.UnsupportedVersion, "MSH-12");
        yield return Text("hl7 broken segment", message.Replace("\rPV1|", "\rP1|"), Type, HttpStatusCode.BadRequest, GatewayErrorCodes.BrokenSegment, "segment 4");
        yield return Text("hl7 not starting with MSH", "PID|1\r" + message, Type, HttpStatusCode.BadRequest, GatewayErrorCodes.MalformedHl7, "MSH");
        yield return Text("hl7 bad escape", message.Replace("|Quixotic^", "|Qui\\Z\\xotic^"), Type, HttpStatusCode.BadRequest, GatewayErrorCodes.BadEscape, "PID-5");
        yield return Text("hl7 missing PV1", string.Join('\r', message.Split('\r').Where(s => !s.StartsWith("PV1", StringComparison.Ordinal))), Type, HttpStatusCode.BadRequest, GatewayErrorCodes.MissingResource, "PV1");
        yield return Text("hl7 patient not dead", AdtA03Writer.Write(Valid with { DateTimeOfDeath = null }).Replace("|Y|", "|N|").Replace("|20\r", "|01\r"), Type, HttpStatusCode.BadRequest, GatewayErrorCodes.NotADeath, "PID-30");
        yield return Text("hl7 bad nhs number", AdtA03Writer.Write(Valid with { Deceased = Valid.Deceased! with { NhsNumber = "9434765918" } }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.InvalidNhsNumber, "deceased.nhsNumber");
        yield return Text("hl7 future death", AdtA03Writer.Write(Valid with { DateTimeOfDeath = Future }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.InTheFuture, "dateTimeOfDeath");
        yield return Text("hl7 unparseable death time", AdtA03Writer.Write(Valid with { DateTimeOfDeath = "yesterday" }), Type, HttpStatusCode.BadRequest, ValidationErrorCodes.InvalidFormat, "dateTimeOfDeath");
        yield return Text("hl7 oversize", AdtA03Writer.Write(Valid with { ProposedCauseOfDeath = new ProposedCauseOfDeath { Ia = new string('x', 70_000) } }), Type, HttpStatusCode.RequestEntityTooLarge, ValidationErrorCodes.Oversize, "$");
        yield return new Case("hl7 bad encoding", [.. Encoding.UTF8.GetBytes(message[..60]), 0xE9, .. Encoding.UTF8.GetBytes(message[60..])], Type, HttpStatusCode.BadRequest, GatewayErrorCodes.BadEncoding, "$");
        yield return Text("hl7 control character", message.Replace("|Quixotic^", "|Qui\u0001xotic^"), Type, HttpStatusCode.BadRequest, GatewayErrorCodes.BadEncoding, "PID (segment 3)");
    }

    [Fact]
    public async Task every_invalid_input_of_every_format_is_refused_with_its_code_and_field_and_nothing_is_published()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var failures = new List<string>();
        foreach (var c in JsonCases().Concat(FhirCases()).Concat(Hl7Cases()))
        {
            using var response = await GatewayHost.PostAsync(client, c.Body, c.ContentType);
            var body = await response.Content.ReadAsStringAsync();
            if (c.ContentType.StartsWith(NotificationReader.FhirMediaType, StringComparison.Ordinal))
            {
                // A FHIR client is answered in FHIR: an OperationOutcome whose issue carries our code and the element.
                var answered = OperationOutcomeOf(response, body);
                if (response.StatusCode != c.Status || answered?.Code != c.Code || answered.Value.Expression != c.Field)
                {
                    failures.Add($"{c.Name}: expected {(int)c.Status} OperationOutcome {c.Code} at {c.Field}, got {(int)response.StatusCode} {body}");
                }
            }
            else if (response.StatusCode != c.Status || !body.Contains($"\"code\":\"{c.Code}\"", StringComparison.Ordinal)
                || (c.Field is not null && !body.Contains($"\"field\":\"{c.Field}\"", StringComparison.Ordinal)))
            {
                failures.Add($"{c.Name}: expected {(int)c.Status} {c.Code} at {c.Field}, got {(int)response.StatusCode} {body}");
            }

            if (body.Contains("Quixotic", StringComparison.Ordinal) || body.Contains("Zebedee", StringComparison.Ordinal) || body.Contains("943476591", StringComparison.Ordinal))
            {
                failures.Add($"{c.Name}: the problem echoes personal data");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task the_gateway_refuses_every_sample_the_contract_calls_invalid_with_the_code_the_intake_worker_would_dead_letter_it_with()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var samples = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Samples", "invalid"), "*.json");
        Assert.NotEmpty(samples);
        var failures = new List<string>();
        var accepted = 0;
        foreach (var path in samples)
        {
            var bytes = await File.ReadAllBytesAsync(path);
            // The sample's publisher is whatever it is; the key's ODS code must match for the content to be judged.
            var text = System.Text.RegularExpressions.Regex.Replace(Encoding.UTF8.GetString(bytes), "\"publisherOdsCode\"\\s*:\\s*\"[A-Z0-9]+\"", $"\"publisherOdsCode\":\"{GatewayHost.LeedsOds}\"");
            bytes = Encoding.UTF8.GetBytes(text);
            var expected = DeathNotificationParser.Parse(bytes, DateTimeOffset.UtcNow);
            using var response = await GatewayHost.PostAsync(client, bytes, NotificationReader.JsonMediaType);
            if (expected.IsValid)
            {
                // Invalid by the JSON Schema but read by the worker (e.g. a number in a string): the gateway takes it too.
                accepted++;
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    failures.Add($"{Path.GetFileName(path)}: the worker accepts it, the gateway answered {(int)response.StatusCode}");
                }

                continue;
            }

            var (code, field, _) = await Problems.AssertProblemAsync(response, response.StatusCode == HttpStatusCode.Forbidden ? HttpStatusCode.Forbidden : HttpStatusCode.BadRequest);
            if (code != expected.Errors[0].Code || field != expected.Errors[0].Field)
            {
                failures.Add($"{Path.GetFileName(path)}: worker {expected.Errors[0].Code} at {expected.Errors[0].Field}, gateway {code} at {field}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(accepted, Samples.Published(kafka, gateway.Topic).Count);
    }

    /// <summary>Our code and the first expression of an OperationOutcome answer; null when the answer is not one.</summary>
    private static (string? Code, string? Expression)? OperationOutcomeOf(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != NotificationReader.FhirMediaType)
        {
            return null;
        }

        using var json = System.Text.Json.JsonDocument.Parse(body);
        if (json.RootElement.GetProperty("resourceType").GetString() != "OperationOutcome")
        {
            return null;
        }

        var issue = json.RootElement.GetProperty("issue")[0];
        return (issue.GetProperty("details").GetProperty("coding")[0].GetProperty("code").GetString(),
            issue.TryGetProperty("expression", out var expression) ? expression[0].GetString() : null);
    }
}
