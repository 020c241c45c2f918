using System.Net;
using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>The README's examples (services/MedicalExaminer.Gateway/examples) are one notification in three formats, and the gateway takes each.</summary>
public sealed class ExampleTests(KafkaClusterFixture kafka)
{
    private static string Example(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", name));

    [Fact]
    public void the_fhir_and_hl7_examples_carry_the_json_example_under_their_own_ids()
    {
        var json = JsonSerializer.Deserialize(Example("notification.json"), ContractsJsonContext.Default.DeathNotification)!;
        var fhir = FhirNotificationMapper.Map(Encoding.UTF8.GetBytes(Example("notification.fhir.json")));
        var hl7 = AdtA03Mapper.Map(Er7Parser.Parse(Example("adt-a03.hl7")), TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));

        var expected = Samples.Json(json with { Circumstances = null });
        Assert.Equal(expected, Samples.Json(fhir with { NotificationId = json.NotificationId }));
        Assert.Equal(expected, Samples.Json(hl7 with { NotificationId = json.NotificationId }));
        Assert.Equal(3, new[] { json.NotificationId, fhir.NotificationId, hl7.NotificationId }.Distinct().Count());
    }

    [Fact]
    public async Task the_gateway_accepts_each_example_as_the_readme_sends_it()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        foreach (var (file, type) in new[] { ("notification.json", NotificationReader.JsonMediaType), ("notification.fhir.json", NotificationReader.FhirMediaType), ("adt-a03.hl7", NotificationReader.Hl7MediaType) })
        {
            using var response = await GatewayHost.PostAsync(client, Example(file), type);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{file}: {await response.Content.ReadAsStringAsync()}");
        }

        var mllp = Er7Parser.Parse(await gateway.SendMllpAsync(Example("adt-a03.hl7").Replace("DEMO-API-KEY", GatewayHost.LeedsKey, StringComparison.Ordinal)));
        Assert.Equal(Hl7Acknowledgement.Accepted, mllp.First("MSA")!.Value(1));
        Assert.Equal(4, Samples.Published(kafka, gateway.Topic).Count);
    }

    [Fact]
    public async Task the_real_shaped_pas_example_is_accepted_through_the_publisher_profile()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka, settings: RealShapeHl7Tests.Profiles);
        using var client = gateway.Client(GatewayHost.LeedsKey);

        using var response = await GatewayHost.PostAsync(client, Example("adt-a03-pas.hl7"), "application/hl7-v2");

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var n = JsonSerializer.Deserialize(Assert.Single(Samples.Published(kafka, gateway.Topic)).Message.Value, ContractsJsonContext.Default.DeathNotification)!;
        Assert.Equal(("RR8", "RR801", "V20261104-0042", "2026-11-20T03:15:00+00:00"), (n.PublisherOdsCode, n.SiteOdsCode, n.NotificationId, n.DateTimeOfDeath));
        Assert.Equal(("9990000018", true), (n.Deceased!.NhsNumber, n.Deceased.IdentityConfirmed));
        Assert.Equal("Bronchopneumonia", n.ProposedCauseOfDeath!.Ia);
    }
}
