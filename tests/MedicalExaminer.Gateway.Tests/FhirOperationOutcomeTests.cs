using System.Net;
using System.Net.Http.Headers;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>
/// Issue 16: a FHIR request is refused in FHIR — an OperationOutcome (application/fhir+json) with the status problem
/// details would have, our code in each issue's details, the element in its expression and no value of the message —
/// whether the handler, the rate limiter or authentication refuses it. JSON and HL7 over HTTP keep problem details.
/// </summary>
public sealed class FhirOperationOutcomeTests(KafkaClusterFixture kafka)
{
    private static readonly DeathNotification Leeds = Samples.Valid(seed: 1601, count: 1)[0] with
    {
        Deceased = Samples.Valid(seed: 1601, count: 1)[0].Deceased! with { NhsNumber = "9434765918", GivenName = "Zebedee", FamilyName = "Quixotic" },
    };

    [Fact]
    public async Task a_fhir_bundle_the_domain_refuses_is_answered_with_an_operation_outcome_naming_the_fhir_element_and_no_value()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        using var response = await GatewayHost.PostAsync(client, FhirNotificationWriter.Write(Leeds), NotificationReader.FhirMediaType);
        var (code, expression, body) = await Problems.AssertOperationOutcomeAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(ValidationErrorCodes.InvalidNhsNumber, code);
        Assert.Equal("Patient.identifier", expression);
        Assert.Contains("\"code\":\"value\"", body, StringComparison.Ordinal);
        foreach (var value in new[] { "943476591", "Zebedee", "Quixotic" })
        {
            Assert.DoesNotContain(value, body, StringComparison.Ordinal);
        }

        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task a_fhir_request_without_credentials_is_401_as_an_operation_outcome_of_type_login()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client();
        using var response = await GatewayHost.PostAsync(client, FhirNotificationWriter.Write(Samples.Valid(seed: 1602, count: 1)[0]), NotificationReader.FhirMediaType);
        var (code, expression, body) = await Problems.AssertOperationOutcomeAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(GatewayErrorCodes.Unauthenticated, code);
        Assert.Null(expression);
        Assert.Contains("\"code\":\"login\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_fhir_bundle_of_another_publisher_is_403_as_an_operation_outcome_naming_the_service_provider()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.ManchesterKey);
        using var response = await GatewayHost.PostAsync(client, FhirNotificationWriter.Write(Samples.Valid(seed: 1603, count: 1)[0]), NotificationReader.FhirMediaType);
        var (code, expression, body) = await Problems.AssertOperationOutcomeAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(GatewayErrorCodes.OtherOdsCode, code);
        Assert.Equal("Encounter.serviceProvider.identifier", expression);
        Assert.Contains("\"code\":\"forbidden\"", body, StringComparison.Ordinal);
        Assert.Empty(Samples.Published(kafka, gateway.Topic));
    }

    [Fact]
    public async Task a_fhir_publisher_over_its_rate_gets_429_with_retry_after_as_an_operation_outcome_of_type_throttled()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka, settings: new Dictionary<string, string?>
        {
            ["Gateway:RateLimit:PermitsPerSecond"] = "1",
            ["Gateway:RateLimit:Burst"] = "2",
        });
        using var client = gateway.Client(GatewayHost.LeedsKey);
        HttpResponseMessage? limited = null;
        var responses = new List<HttpResponseMessage>();
        foreach (var n in Samples.Valid(seed: 1604, count: 10))
        {
            var response = await GatewayHost.PostAsync(client, FhirNotificationWriter.Write(n), NotificationReader.FhirMediaType);
            responses.Add(response);
            limited ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        // A burst of 2 and one more per second: ten at once cannot all pass, however slow the machine.
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "429 carries Retry-After in seconds");
        var (code, _, body) = await Problems.AssertOperationOutcomeAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Equal(GatewayErrorCodes.RateLimited, code);
        Assert.Contains("\"code\":\"throttled\"", body, StringComparison.Ordinal);
        responses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task a_json_request_that_asks_for_fhir_is_refused_in_fhir_and_one_that_does_not_keeps_problem_details()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var json = Samples.Json(Leeds);
        using (var plain = await GatewayHost.PostAsync(client, json, NotificationReader.JsonMediaType))
        {
            var (code, field, _) = await Problems.AssertProblemAsync(plain, HttpStatusCode.BadRequest);
            Assert.Equal((ValidationErrorCodes.InvalidNhsNumber, "deceased.nhsNumber"), (code, field));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/notifications") { Content = new StringContent(json, MediaTypeHeaderValue.Parse(NotificationReader.JsonMediaType)) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(NotificationReader.FhirMediaType));
        using var fhir = await client.SendAsync(request);
        var (fhirCode, expression, _) = await Problems.AssertOperationOutcomeAsync(fhir, HttpStatusCode.BadRequest);
        Assert.Equal((ValidationErrorCodes.InvalidNhsNumber, "Patient.identifier"), (fhirCode, expression));
    }

    [Theory]
    [InlineData("deceased.nhsNumber", "Patient.identifier")]
    [InlineData("dateTimeOfDeath", "Patient.deceased")]
    [InlineData("circumstances[2]", "Observation.value")]
    [InlineData("informant.email", "RelatedPerson.telecom")]
    [InlineData("Bundle.entry[0].resource.birthDate", "Bundle.entry[0].resource.birthDate")]
    [InlineData("Bundle.entry.resource(Patient)", "Bundle.entry.resource.ofType(Patient)")]
    [InlineData("$", null)]
    [InlineData("Content-Type", null)]
    [InlineData("resourceType", null)]
    public void an_error_field_becomes_the_fhirpath_of_the_element_it_was_read_from(string field, string? expression) =>
        Assert.Equal(expression, FhirOperationOutcome.ExpressionOf(field));

    [Fact]
    public void every_code_the_gateway_answers_with_has_a_fhir_issue_type_more_specific_than_invalid()
    {
        var codes = typeof(GatewayErrorCodes).GetFields().Concat(typeof(ValidationErrorCodes).GetFields())
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.NotEmpty(codes);
        var generic = codes.Where(c => FhirOperationOutcome.IssueTypeOf(c) == Hl7.Fhir.Model.OperationOutcome.IssueType.Invalid).ToList();
        Assert.True(generic.Count == 0, $"codes without a specific FHIR issue type: {string.Join(", ", generic)}");
    }
}
