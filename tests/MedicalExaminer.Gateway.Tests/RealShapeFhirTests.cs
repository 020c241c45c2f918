using System.Net;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>FHIR R4 as English NHS systems send it (issue 16): a plain UK Core Patient, a transaction Bundle whose Patient says only deceasedBoolean.</summary>
public sealed class RealShapeFhirTests(KafkaClusterFixture kafka)
{
    private const string TransactionWithTimeOfDeathObservation = """
        {
          "resourceType": "Bundle",
          "id": "c0ffee00-1111-4222-8333-444455556666",
          "type": "transaction",
          "entry": [
            { "fullUrl": "urn:uuid:aa000000-0000-4000-8000-000000000001", "resource": {
                "resourceType": "Patient",
                "identifier": [ { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000069" } ],
                "name": [ { "family": "Price", "given": [ "Tom" ] } ], "gender": "male", "birthDate": "1950-01-30",
                "deceasedBoolean": true },
              "request": { "method": "PUT", "url": "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000069" } },
            { "fullUrl": "urn:uuid:aa000000-0000-4000-8000-000000000002", "resource": {
                "resourceType": "Observation", "status": "final",
                "code": { "coding": [ { "system": "http://loinc.org", "code": "81956-5", "display": "Date and time of death [TimeStamp]" } ] },
                "subject": { "reference": "urn:uuid:aa000000-0000-4000-8000-000000000001" },
                "valueDateTime": "2026-11-22T06:05:00+00:00" },
              "request": { "method": "POST", "url": "Observation" } }
          ]
        }
        """;

    [Fact]
    public async Task a_plain_uk_core_patient_with_a_verified_nhs_number_is_accepted_identity_confirmed()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var body = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "uk-core-patient.json"));

        using var response = await GatewayHost.PostAsync(client, body, "application/fhir+json");

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var published = Assert.Single(Samples.Published(kafka, gateway.Topic)).Message.Value;
        var n = JsonSerializer.Deserialize(published, ContractsJsonContext.Default.DeathNotification)!;
        Assert.Equal(("leeds-epr", "4f3a2c9e-7b1d-4e8a-9c55-2d1e0b6f7a31", GatewayHost.LeedsOds, GatewayHost.LeedsOds, PlacesOfDeath.Other),
            (n.SourceSystem, n.NotificationId, n.PublisherOdsCode, n.SiteOdsCode, n.PlaceOfDeath));
        Assert.True(n.Deceased!.IdentityConfirmed);
        Assert.Equal("2026-11-21T22:40:00+00:00", n.DateTimeOfDeath);

        // A Patient says nothing of the AP or the cause: triage recommends the review, and the officer confirms.
        var decision = TriageEngine.Decide(DeathNotificationParser.Parse(published, DateTimeOffset.UtcNow).Accepted!);
        Assert.Equal(Routes.CoronerReferral, decision.Route);
        Assert.Equal([ReasonCodes.CauseUnknown, ReasonCodes.NoAttendingPractitioner], decision.Reasons.Select(r => r.Code).Distinct().Order());
    }

    [Fact]
    public async Task a_transaction_bundle_with_deceased_boolean_takes_the_time_from_the_loinc_81956_5_observation()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);

        using var response = await GatewayHost.PostAsync(client, TransactionWithTimeOfDeathObservation, "application/fhir+json");

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var n = JsonSerializer.Deserialize(Assert.Single(Samples.Published(kafka, gateway.Topic)).Message.Value, ContractsJsonContext.Default.DeathNotification)!;
        Assert.Equal(("2026-11-22T06:05:00+00:00", "c0ffee00-1111-4222-8333-444455556666", false), (n.DateTimeOfDeath, n.NotificationId, n.Deceased!.IdentityConfirmed));
    }
}
