using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Api;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Intake;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>
/// HL7 v2 as English NHS systems send it (issue 16): our own samples in RealShapes/hl7, written after the public
/// specifications and vendors' published examples, each with what it must become — the notification, then the
/// route and reasons — or the code it is refused with. Leeds (RR8) and Manchester (R0A) have publisher profiles.
/// </summary>
public sealed class RealShapeHl7Tests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    public static readonly Dictionary<string, string?> Profiles = new()
    {
        ["Gateway:Profiles:RR8:Locations:LGI"] = "RR801",
        ["Gateway:Profiles:RR8:Locations:SJUH"] = "RR813",
        ["Gateway:Profiles:RR8:Locations:WARD 7"] = "RR801",
        ["Gateway:Profiles:RR8:NhsNumbersVerified"] = "true",
        ["Gateway:Profiles:RR8:DefaultLanguage"] = "en",
        ["Gateway:Profiles:R0A:DeathCodes:0"] = "ZDS-2=4",
        ["Gateway:Profiles:R0A:DefaultPlaceOfDeath"] = "hospice",
        ["Gateway:Profiles:R0A:NhsNumbersVerified"] = "true",
    };

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "RealShapes", "hl7");

    public static TheoryData<string> Hl7Samples => [.. Directory.GetFiles(Folder, "*.hl7").Select(f => Path.GetFileNameWithoutExtension(f)!).Order()];

    private static JsonObject Expected(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name + ".expected.json")))!.AsObject();

    private static byte[] Body(string name) => File.ReadAllBytes(Path.Combine(Folder, name + ".hl7"));

    private static string KeyOf(JsonObject expected) => (string?)expected["publisherKey"] == "manchester" ? GatewayHost.ManchesterKey : GatewayHost.LeedsKey;

    [Theory]
    [MemberData(nameof(Hl7Samples))]
    public async Task a_real_shaped_message_becomes_the_expected_notification_route_and_reasons_or_is_refused_with_its_code(string name)
    {
        await using var gateway = await GatewayHost.StartAsync(kafka, settings: Profiles);
        var expected = Expected(name);
        using var client = gateway.Client(KeyOf(expected));

        using var response = await GatewayHost.PostAsync(client, Body(name), "application/hl7-v2");

        if (expected["refused"] is JsonObject refused)
        {
            var (code, field, _) = await Problems.AssertProblemAsync(response, (HttpStatusCode)(int)refused["status"]!);
            Assert.Equal(((string?)refused["code"], (string?)refused["field"]), (code, field));
            Assert.Empty(Samples.Published(kafka, gateway.Topic));
            return;
        }

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var meant = expected["notification"]!.Deserialize(ContractsJsonContext.Default.DeathNotification)!;
        Assert.Equal(meant.NotificationId, (await response.Content.ReadFromJsonAsync<NotificationAccepted>())!.NotificationId);
        var published = Assert.Single(Samples.Published(kafka, gateway.Topic)).Message.Value;
        Assert.Equal(Samples.Json(meant), Samples.Canonical(published));

        var decision = TriageEngine.Decide(DeathNotificationParser.Parse(published, DateTimeOffset.UtcNow).Accepted!);
        Assert.Equal((string?)expected["route"], decision.Route);
        Assert.Equal(expected["reasons"]!.AsArray().Select(r => (string)r!).Order(), decision.Reasons.Select(r => r.Code).Distinct().Order());
    }

    [Fact]
    public async Task over_mllp_each_sample_is_acknowledged_AA_or_refused_with_its_ack_code()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka, settings: Profiles);
        var failures = new List<string>();
        foreach (var name in Hl7Samples.Select(row => (string)row.Data))
        {
            var expected = Expected(name);
            var reply = Er7Parser.Parse(Hl7Text.Decode(await Issue16DefectTests.ExchangeAsync(gateway, WithKey(Body(name), KeyOf(expected))), null, out _));
            var msa = reply.First("MSA")!;
            var wanted = expected["refused"] is JsonObject refused ? $"{refused["ack"]} {refused["code"]} at {refused["field"]}" : "AA";
            var got = msa.Value(1) == "AA" ? "AA" : $"{msa.Value(1)} {reply.First("ERR")?.Value(8)}";
            if (wanted != got)
            {
                failures.Add($"{name}: expected {wanted}, got {got}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task the_accepted_samples_open_one_case_each_through_the_intake_worker_with_the_expected_route()
    {
        await using var world = await IntakeWorld.StartAsync(postgres, kafka);
        await using var gateway = await GatewayHost.StartAsync(kafka, world.Topic, settings: Profiles);
        var accepted = new List<(string Name, DeathNotification Meant, string Route)>();
        foreach (var name in Hl7Samples.Select(row => (string)row.Data))
        {
            var expected = Expected(name);
            if (expected["notification"] is null)
            {
                continue;
            }

            using var client = gateway.Client(KeyOf(expected));
            for (var round = 0; round < 2; round++)
            {
                using var response = await GatewayHost.PostAsync(client, Body(name), "application/hl7-v2");
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }

            accepted.Add((name, expected["notification"]!.Deserialize(ContractsJsonContext.Default.DeathNotification)!, (string)expected["route"]!));
        }

        await world.WaitForCasesAsync(accepted.Count, TimeSpan.FromSeconds(60));
        await world.WaitForGroupToCatchUpAsync(TimeSpan.FromSeconds(60));
        var cases = await world.CasesAsync();
        Assert.Equal(accepted.Count, cases.Count);
        Assert.All(accepted, a => Assert.True(cases[Samples.Key(a.Meant)].Route == a.Route, $"{a.Name}: route {cases[Samples.Key(a.Meant)].Route}, expected {a.Route}"));
    }

    /// <summary>The API key in MSH-8, where MLLP carries it (a sender's interface engine sets it per route).</summary>
    public static byte[] WithKey(byte[] message, string key)
    {
        var text = Encoding.UTF8.GetString(message);
        var bom = text.StartsWith('\uFEFF');
        text = bom ? text[1..] : text;
        var end = text.IndexOfAny(['\r', '\n']);
        var fields = text[..end].Split('|');
        fields[7] = key;
        return Encoding.UTF8.GetBytes((bom ? "\uFEFF" : "") + string.Join('|', fields) + text[end..]);
    }
}
