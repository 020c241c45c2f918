using System.Text.Json;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.Outbox;
using MedicalExaminer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedicalExaminer.FamilyNotifier.Tests;

public sealed class QuietHoursAndRelayTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    [Fact]
    public async Task an_sms_decided_at_23_00_uk_time_is_held_and_sent_at_08_00()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 23, 0, 0, TimeSpan.Zero)); // November: UK time is UTC
        await bed.StartNotifierAsync(builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var caseId = Guid.NewGuid();
        var morning = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

        await bed.PublishAsync([CaseEvents.Event(caseId, 1, CaseEvents.Received(CaseEvents.Informant(channel: ContactChannels.Sms)))]);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).Count == 1));
        await using (var connection = await bed.DataSource.OpenConnectionAsync())
        {
            Assert.Equal(morning.UtcDateTime, await connection.ExecuteScalarAsync<DateTime>("SELECT not_before FROM family.notifications WHERE case_id = @caseId", new { caseId }));
        }

        clock.SetUtcNow(morning.AddMinutes(-1));
        Assert.Equal(0, await bed.Dispatcher.DispatchOnceAsync(CancellationToken.None));
        Assert.Empty(await bed.SinkMessagesAsync());

        clock.SetUtcNow(morning);
        await bed.Dispatcher.DispatchOnceAsync(CancellationToken.None);

        // The notifier's own dispatch loop may be the one that sends it (this call then finds it leased): wait
        // until the send is recorded, not merely until the sink has it.
        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).Single().SentAt is not null));
        Assert.Single(await bed.SinkMessagesAsync());
        var row = (await bed.NotificationsAsync(caseId)).Single();
        Assert.Equal((ContactChannels.Sms, morning), (row.Channel, row.SentAt));
        Assert.Equal(ContactChannels.Sms, (await bed.SinkMessagesAsync()).Single().Type);
    }

    [Fact]
    public async Task an_email_decided_at_23_00_is_not_held()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        var night = new DateTimeOffset(2026, 11, 24, 23, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(night);
        await bed.StartNotifierAsync(builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var caseId = Guid.NewGuid();

        await bed.PublishAsync([CaseEvents.Event(caseId, 1, CaseEvents.Received(CaseEvents.Informant(channel: ContactChannels.Email)))]);
        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).Count == 1));
        await bed.Dispatcher.DispatchOnceAsync(CancellationToken.None);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).Single().SentAt is not null));
        Assert.Single(await bed.SinkMessagesAsync());
        Assert.Equal(night, (await bed.NotificationsAsync(caseId)).Single().SentAt);
    }

    [Fact]
    public async Task a_relay_killed_between_publish_and_mark_republishes_and_the_family_notifier_sends_each_message_once()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        var cases = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var events = cases.SelectMany(c => CaseEvents.FullCase(c, CaseEvents.Informant())).ToList();
        await using (var connection = await bed.DataSource.OpenConnectionAsync())
        {
            // What casework's writers leave in their outbox (the casework service itself is not under test here).
            await connection.ExecuteAsync(
                """
                INSERT INTO casework.outbox (event_id, case_id, sequence, event_type, payload, occurred_at)
                VALUES (@EventId, @CaseId, @Sequence, @EventType, @Payload::jsonb, @OccurredAt)
                """,
                events.Select(e => new { e.EventId, e.CaseId, e.Sequence, e.Body.EventType, Payload = JsonSerializer.Serialize(e, ContractsJsonContext.Default.CaseEvent), e.OccurredAt }));
        }

        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var publisher = new KafkaPublisher(Options.Create(new KafkaOptions { BootstrapServers = kafka.BootstrapServers }));
        OutboxRelay Relay() => new(bed.DataSource, publisher, new OutboxRelayOptions { Topic = bed.CaseTopic }, metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), NullLogger<OutboxRelay>.Instance);
        var crashing = Relay();
        crashing.AfterPublish = _ => throw new InvalidOperationException("simulated crash after publish, before mark");

        await Assert.ThrowsAsync<InvalidOperationException>(() => crashing.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(events.Count, await Relay().RelayOnceAsync(CancellationToken.None));
        await bed.StartNotifierAsync();

        Assert.Equal(2 * events.Count, kafka.ReadToEnd(bed.CaseTopic, TimeSpan.FromSeconds(30)).Count);
        Assert.True(await Testbed.EventuallyAsync(async () =>
            (await bed.NotificationsAsync()).Count == 25 && (await bed.NotificationsAsync()).All(n => n.Status == FamilyNotificationStatuses.Delivered)));
        await ReliabilityTests.AssertOneMessagePerTemplateAsync(bed, expected: 25);
    }
}
