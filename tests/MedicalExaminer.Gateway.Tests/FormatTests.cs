using System.Net;
using System.Net.Http.Json;
using System.Text;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Api;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>Each format, valid: 202 with the notification id, and the notification on the topic as the contract says.</summary>
public sealed class FormatTests(KafkaClusterFixture kafka)
{
    public static TheoryData<string> Formats => [NotificationReader.Json, NotificationReader.Fhir, NotificationReader.Hl7];

    public static (byte[] Body, string ContentType) Encode(DeathNotification n, string format) => NotificationWriter.Write(n, format);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task a_valid_notification_is_acknowledged_with_its_id_and_published_keyed_by_source_and_id(string format)
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var notifications = Samples.Valid(seed: 101, count: 20);

        foreach (var n in notifications)
        {
            var (body, contentType) = Encode(n, format);
            using var response = await GatewayHost.PostAsync(client, body, contentType);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{format}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var accepted = await response.Content.ReadFromJsonAsync<NotificationAccepted>();
            Assert.Equal(n.NotificationId, accepted!.NotificationId);
            Assert.Equal(n.SourceSystem, accepted.SourceSystem);
        }

        var published = Samples.Published(kafka, gateway.Topic);
        Assert.Equal(notifications.Count, published.Count);
        var byKey = published.ToDictionary(m => m.Message.Key);
        foreach (var n in notifications)
        {
            var message = byKey[Samples.Key(n)];
            // What arrives is the notification that was meant, whatever format carried it.
            Assert.Equal(Samples.Json(format == NotificationReader.Json ? n : Samples.AsCarried(n)), Samples.Canonical(message.Message.Value));
            Assert.Equal(SchemaIds.DeathNotificationV1, Encoding.UTF8.GetString(message.Message.Headers.GetLastBytes(Headers.Schema)));
            Assert.NotNull(message.Message.Headers.GetLastBytes(Headers.TraceParent));
        }
    }

    [Fact]
    public async Task json_is_published_byte_for_byte_as_the_publisher_sent_it()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var n = Samples.Valid(seed: 7, count: 1)[0];
        var body = "{\n  " + Samples.Json(n)[1..];

        using var response = await GatewayHost.PostAsync(client, body, "application/json; charset=utf-8");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(body), Assert.Single(Samples.Published(kafka, gateway.Topic)).Message.Value);
    }

    [Fact]
    public async Task the_openapi_document_describes_the_notification_endpoint()
    {
        await using var gateway = await GatewayHost.StartAsync(kafka);
        using var client = gateway.Client();
        var document = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/notifications", document, StringComparison.Ordinal);
        Assert.Contains(NotificationReader.FhirMediaType, document, StringComparison.Ordinal);
    }
}
