using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using MedicalExaminer.Gateway.Api;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Gateway.Mllp;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>Regression tests of the three defects issue 16 found; each failed on the code before the fix.</summary>
public sealed class Issue16DefectTests(KafkaClusterFixture kafka)
{
    private static string PatientWithVerification(string extensionUrl, string system, string code) => $$"""
        {
          "resourceType": "Bundle",
          "id": "b7e2f0c4-5d1a-4a53-9b53-0f3c1f1c2a11",
          "meta": { "source": "leeds-epr" },
          "type": "collection",
          "entry": [
            { "fullUrl": "urn:uuid:0b7e2f0c-aaaa-4a53-9b53-0f3c1f1c2a11", "resource": {
              "resourceType": "Patient",
              "identifier": [ {
                "extension": [ { "url": "{{extensionUrl}}", "valueCodeableConcept": { "coding": [ { "system": "{{system}}", "code": "{{code}}", "display": "Number present and verified" } ] } } ],
                "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018" } ],
              "name": [ { "family": "EXAMPLE", "given": [ "Ada" ] } ],
              "gender": "female", "birthDate": "1938-04-02", "deceasedDateTime": "2026-11-20T03:15:00+00:00"
            } }
          ]
        }
        """;

    [Theory]
    [InlineData("https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus", "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland", "01")]
    [InlineData("https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus", "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus", "01")]
    [InlineData("https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-NHSNumberVerificationStatus-1", "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1", "01")]
    public void issue_16_an_nhs_number_verified_with_uk_core_code_01_confirms_identity(string extension, string system, string code)
    {
        var n = FhirNotificationMapper.Map(Encoding.UTF8.GetBytes(PatientWithVerification(extension, system, code)));

        Assert.True(n.Deceased!.IdentityConfirmed, "a verified NHS number (code 01) establishes identity: DOMAIN §3 (g) must not be raised");
    }

    [Theory]
    [InlineData("02")]
    [InlineData("03")]
    public void an_nhs_number_present_but_not_verified_does_not_confirm_identity(string code)
    {
        var n = FhirNotificationMapper.Map(Encoding.UTF8.GetBytes(PatientWithVerification(
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus", "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland", code)));

        Assert.False(n.Deceased!.IdentityConfirmed);
    }

    [Theory]
    [InlineData("application/hl7-v2")]
    [InlineData("application/hl7-v2; charset=utf-8")]
    [InlineData("application/hl7-v2; charset=UTF-8")]
    [InlineData("x-application/hl7-v2+er7; charset=utf-8")]
    public async Task issue_16_hl7_over_http_is_accepted_as_application_hl7_v2_with_or_without_a_charset(string contentType)
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var n = Samples.Valid(seed: 1601, count: 1)[0];

        using var response = await GatewayHost.PostAsync(client, AdtA03Writer.Write(n), contentType);

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{contentType}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(n.NotificationId, (await response.Content.ReadFromJsonAsync<NotificationAccepted>())!.NotificationId);
    }

    [Fact]
    public async Task an_hl7_message_in_latin1_is_read_in_the_charset_its_content_type_declares()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var n = Samples.Valid(seed: 1602, count: 1)[0];
        n = n with { Deceased = n.Deceased! with { FamilyName = "Zoë Brontë" } };

        using var response = await GatewayHost.PostAsync(client, Encoding.Latin1.GetBytes(AdtA03Writer.Write(n).Replace("|UNICODE UTF-8", "|", StringComparison.Ordinal)), "application/hl7-v2; charset=ISO-8859-1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var published = Assert.Single(Samples.Published(kafka, gateway.Topic));
        Assert.Equal("Zoë Brontë", FamilyNameOf(published.Message.Value));
    }

    [Fact]
    public async Task an_unreadable_charset_is_refused_415()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);

        using var response = await GatewayHost.PostAsync(client, AdtA03Writer.Write(Samples.Valid(seed: 1603, count: 1)[0]), "application/hl7-v2; charset=koi8-r");

        var (code, field, _) = await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal((GatewayErrorCodes.UnsupportedCharset, "Content-Type"), (code, field));
    }

    [Theory]
    [InlineData("œ∑´®", "ADT-œ∑´®-1", "Brontë")]
    [InlineData("نظام المستشفى", "رسالة-42", "عبد الله")]
    [InlineData("╔═EPR═╗", "┼─1─┼", "╚══╝")]
    [InlineData("病院", "😀-7", "𝔄da")]
    public async Task issue_16_a_message_with_non_ascii_header_and_patient_fields_is_acknowledged_not_dropped(string sourceSystem, string controlId, string familyName)
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        var n = Samples.Valid(seed: 1604, count: 1)[0];
        n = n with { SourceSystem = sourceSystem, NotificationId = controlId, Deceased = n.Deceased! with { FamilyName = familyName, GivenName = familyName } };

        var ack = await gateway.SendMllpAsync(AdtA03Writer.Write(n, GatewayHost.LeedsKey));

        var msa = Er7Parser.Parse(ack).First("MSA")!;
        Assert.Equal(Hl7Acknowledgement.Accepted, msa.Value(1));
        Assert.Equal(controlId, msa.Value(2));
        Assert.Equal(sourceSystem, Er7Parser.Parse(ack).Header.Value(5));
    }

    [Fact]
    public async Task a_message_declaring_8859_1_in_msh_18_is_read_and_answered_in_latin1()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        var n = Samples.Valid(seed: 1605, count: 1)[0];
        n = n with { SourceSystem = "PAS-Hôpital", Deceased = n.Deceased! with { FamilyName = "Zoë" } };
        var message = Encoding.Latin1.GetBytes(AdtA03Writer.Write(n, GatewayHost.LeedsKey).Replace("|UNICODE UTF-8", "|8859/1", StringComparison.Ordinal));

        var reply = await ExchangeAsync(gateway, message);

        var ack = Er7Parser.Parse(Encoding.Latin1.GetString(reply));
        Assert.Equal(Hl7Acknowledgement.Accepted, ack.First("MSA")!.Value(1));
        Assert.Equal("8859/1", ack.Header.Value(18));
        Assert.Equal("PAS-Hôpital", ack.Header.Value(5));
        Assert.Equal("Zoë", FamilyNameOf(Assert.Single(Samples.Published(kafka, gateway.Topic)).Message.Value));
    }

    [Fact]
    public async Task an_unreadable_message_is_still_answered_with_its_control_id()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);

        var ack = Er7Parser.Parse(await gateway.SendMllpAsync("MSH|^~\\&|EPR|RR8|ME|ME|20261120||ADT^A03|CTRL-9|P|2.4\rPID|1||\\Q\\\r"));

        Assert.Equal(Hl7Acknowledgement.Rejected, ack.First("MSA")!.Value(1));
        Assert.Equal("CTRL-9", ack.First("MSA")!.Value(2));
    }

    private static string? FamilyNameOf(byte[] contractJson) =>
        System.Text.Json.JsonSerializer.Deserialize(contractJson, Contracts.ContractsJsonContext.Default.DeathNotification)!.Deceased!.FamilyName;

    internal static async Task<byte[]> ExchangeAsync(GatewayHost gateway, byte[] message)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(gateway.MllpEndPoint);
        var stream = client.GetStream();
        await stream.WriteAsync((byte[])[MllpListener.StartBlock, .. message, MllpListener.EndBlock, MllpListener.CarriageReturn]);
        return await ReadFrameAsync(stream);
    }

    internal static async Task<byte[]> ReadFrameAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, timeout.Token) == 1)
        {
            if (one[0] == MllpListener.StartBlock)
            {
                continue;
            }

            if (one[0] == MllpListener.EndBlock)
            {
                await stream.ReadExactlyAsync(one, timeout.Token);
                return bytes.ToArray();
            }

            bytes.Add(one[0]);
        }

        throw new IOException("The MLLP connection closed before an acknowledgement arrived.");
    }
}
