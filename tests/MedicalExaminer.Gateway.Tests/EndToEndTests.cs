using System.Net;
using System.Net.Http.Json;
using Confluent.Kafka;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Gateway.Api;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.IntakeWorker;
using MedicalExaminer.Casework;
using MedicalExaminer.Kafka;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Intake;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>Gateway → Kafka → the real intake worker → Postgres: the cases the notifications were meant to open, once each.</summary>
public sealed class EndToEndTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task each_format_opens_the_intended_case_and_sending_everything_again_opens_none()
    {
        await using var world = await IntakeWorld.StartAsync(postgres, kafka);
        await using var gateway = await GatewayHost.StartAsync(kafka, world.Topic);
        using var client = gateway.Client(GatewayHost.LeedsKey);
        var generated = new NotificationGenerator(seed: 505, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0)).Take(30).ToList();
        var sent = generated.Select((g, i) => (Synthetic: g, Notification: Samples.Valid(505, 30)[i], Format: FormatTests.Formats.ElementAt(i % 3).Data)).ToList();

        for (var round = 0; round < 2; round++)
        {
            foreach (var (_, n, format) in sent)
            {
                var (body, contentType) = FormatTests.Encode(n, format);
                using var response = await GatewayHost.PostAsync(client, body, contentType);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.Equal(n.NotificationId, (await response.Content.ReadFromJsonAsync<NotificationAccepted>())!.NotificationId);
            }
        }

        await world.WaitForCasesAsync(sent.Count, Deadline);
        await world.WaitForGroupToCatchUpAsync(Deadline);
        var cases = await world.CasesAsync();
        Assert.Equal(sent.Count, cases.Count);
        foreach (var (synthetic, n, format) in sent)
        {
            var c = cases[Samples.Key(n)];
            // The generator built each notification for a route, office and queue; the format carrying it changes none.
            Assert.True(synthetic.IntendedRoute == c.Route && synthetic.IntendedQueue == c.Queue && synthetic.IntendedOfficeId == c.OfficeId,
                $"{format}: route {c.Route}/{synthetic.IntendedRoute}, queue {c.Queue}/{synthetic.IntendedQueue}, office {c.OfficeId}/{synthetic.IntendedOfficeId}");
        }
    }

    [Fact]
    public async Task a_gateway_killed_after_publishing_but_before_answering_loses_nothing_and_the_retry_opens_one_case()
    {
        await using var world = await IntakeWorld.StartAsync(postgres, kafka);
        var n = Samples.Valid(seed: 506, count: 1)[0];
        var (body, contentType) = FormatTests.Encode(n, NotificationReader.Fhir);

        var crashing = await GatewayHost.StartAsync(kafka, world.Topic, configure: builder =>
        {
            builder.Services.AddHttpContextAccessor();
            builder.Services.AddSingleton<IKafkaPublisher>(provider => new DiesAfterPublishing(
                provider.GetRequiredService<KafkaPublisher>(), provider.GetRequiredService<IHttpContextAccessor>()));
        });
        using (var client = crashing.Client(GatewayHost.LeedsKey))
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => GatewayHost.PostAsync(client, body, contentType));
        }

        await crashing.DisposeAsync();
        Assert.Single(Samples.Published(kafka, world.Topic));

        // The client never heard back, so it sends again — to the restarted gateway.
        await using var restarted = await GatewayHost.StartAsync(kafka, world.Topic);
        using (var client = restarted.Client(GatewayHost.LeedsKey))
        using (var retry = await GatewayHost.PostAsync(client, body, contentType))
        {
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
            Assert.Equal(n.NotificationId, (await retry.Content.ReadFromJsonAsync<NotificationAccepted>())!.NotificationId);
        }

        var published = Samples.Published(kafka, world.Topic);
        Assert.Equal(2, published.Count);
        Assert.Single(published.Select(m => m.Message.Key).Distinct());
        await world.WaitForCasesAsync(1, Deadline);
        await world.WaitForGroupToCatchUpAsync(Deadline);
        Assert.Single(await world.CasesAsync());
    }

    /// <summary>Publishes for real, then drops the connection as a process dying at that instant would.</summary>
    private sealed class DiesAfterPublishing(KafkaPublisher inner, IHttpContextAccessor http) : IKafkaPublisher
    {
        public async Task PublishAsync(string topic, string? key, byte[] value, string schemaId, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(topic, key, value, schemaId, cancellationToken);
            http.HttpContext?.Abort();
        }

        public Task PublishAsync(string topic, Message<string?, byte[]> message, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task PublishBatchAsync(string topic, IEnumerable<KeyValuePair<string?, byte[]>> messages, string schemaId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public void Enqueue(string topic, string? key, byte[] value, string schemaId, Action<DeliveryReport<string?, byte[]>>? onDelivered = null) => throw new NotSupportedException();

        public void Flush(TimeSpan timeout) => inner.Flush(timeout);
    }
}
