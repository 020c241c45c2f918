using MedicalExaminer.Contracts;
using MedicalExaminer.FamilyNotifier.Decisions;
using MedicalExaminer.Testing;

namespace MedicalExaminer.FamilyNotifier.Tests;

/// <summary>Case events over Kafka → the notifier (real Postgres) → the Notify sink over HTTP, and back out as family events.</summary>
public sealed class NotifierEndToEndTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    [Fact]
    public async Task each_template_is_triggered_by_its_event_sent_delivered_and_published_as_family_events()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.StartNotifierAsync();
        var caseId = Guid.NewGuid();

        await bed.PublishAsync(CaseEvents.FullCase(caseId, CaseEvents.Informant()));

        Assert.True(
            await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).Count(n => n.Status == FamilyNotificationStatuses.Delivered) == 5),
            "all five notifications of the case should end delivered");
        var messages = await bed.SinkMessagesAsync();
        Assert.Equal(FamilyTemplates.All.Order(), messages.Select(m => m.Template).Order());
        Assert.All(messages, m => Assert.Equal(ContactChannels.Email, m.Type));
        Assert.Contains(messages, m => m.Template == FamilyTemplates.MccdIssued && m.Body.Contains("register by 25 November 2026", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Template == FamilyTemplates.UrgentReleaseDecided && m.Body.Contains("has been approved", StringComparison.Ordinal) && !m.Body.Contains("could not be approved", StringComparison.Ordinal));

        // Every notification's story is on the family topic: queued, sent, delivered; and nothing personal.
        List<FamilyNotificationEvent> events = [];
        Assert.True(await Testbed.EventuallyAsync(() =>
        {
            events = bed.FamilyEvents();
            return Task.FromResult(events.Count(e => e.Type == FamilyNotificationEventTypes.Delivered) == 5);
        }), "five FamilyNotificationDelivered events should be published");
        foreach (var template in FamilyTemplates.All)
        {
            Assert.Equal(
                [FamilyNotificationEventTypes.Queued, FamilyNotificationEventTypes.Sent, FamilyNotificationEventTypes.Delivered],
                events.Where(e => e.Template == template).Select(e => e.Type));
        }

        Assert.All(events, e => Assert.Equal(caseId, e.CaseId));
    }

    [Fact]
    public async Task without_consent_nothing_is_sent_and_the_withheld_decision_is_recorded()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.StartNotifierAsync();
        var refused = Guid.NewGuid();
        var unanswered = Guid.NewGuid();
        var consented = Guid.NewGuid();

        await bed.PublishAsync(CaseEvents.FullCase(refused, CaseEvents.Informant(consent: false)));
        await bed.PublishAsync(CaseEvents.FullCase(unanswered, CaseEvents.Informant(consent: null)));
        await bed.PublishAsync([CaseEvents.Event(consented, 1, CaseEvents.Received(CaseEvents.Informant()))]);

        // The consented case is a marker: once it is sent, the others' events were handled too (same topic, earlier offsets or other partitions).
        Assert.True(await Testbed.EventuallyAsync(async () =>
            (await bed.NotificationsAsync()).Count == 11 && (await bed.NotificationsAsync(consented)).Single().Status != FamilyNotificationStatuses.Queued));
        foreach (var caseId in new[] { refused, unanswered })
        {
            var rows = await bed.NotificationsAsync(caseId);
            Assert.Equal(5, rows.Count);
            Assert.All(rows, r => Assert.Equal((FamilyNotificationStatuses.Withheld, WithheldReasons.NoConsent), (r.Status, r.Reason)));
        }

        Assert.Single(await bed.SinkMessagesAsync());
    }

    [Fact]
    public async Task a_missing_preferred_contact_detail_falls_back_to_the_next_channel()
    {
        // An SMS must not wait for the morning whatever the wall clock says (quiet hours have their own tests): no quiet hours here.
        await using var bed = await Testbed.StartAsync(postgres, kafka, s => (s["FamilyNotifier:QuietHoursStart"], s["FamilyNotifier:QuietHoursEnd"]) = ("00:00:00", "00:00:00"));
        await bed.StartNotifierAsync();
        var smsWithoutPhone = Guid.NewGuid();
        var emailWithoutAddress = Guid.NewGuid();
        var onlyPostal = Guid.NewGuid();

        await bed.PublishAsync([
            CaseEvents.Event(smsWithoutPhone, 1, CaseEvents.Received(CaseEvents.Informant(channel: ContactChannels.Sms, phone: null))),
            CaseEvents.Event(emailWithoutAddress, 1, CaseEvents.Received(CaseEvents.Informant(channel: ContactChannels.Email, email: null))),
            CaseEvents.Event(onlyPostal, 1, CaseEvents.Received(CaseEvents.Informant(channel: ContactChannels.Sms, email: null, phone: null))),
        ]);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.SinkMessagesAsync()).Count == 3));
        Assert.Equal(ContactChannels.Email, (await bed.NotificationsAsync(smsWithoutPhone)).Single().Channel);
        Assert.Equal(ContactChannels.Sms, (await bed.NotificationsAsync(emailWithoutAddress)).Single().Channel);
        Assert.Equal(ContactChannels.Letter, (await bed.NotificationsAsync(onlyPostal)).Single().Channel);
        Assert.Equal([ContactChannels.Email, ContactChannels.Letter, ContactChannels.Sms], (await bed.SinkMessagesAsync()).Select(m => m.Type).Order());
    }

    [Fact]
    public async Task a_welsh_speaking_informant_receives_the_welsh_text()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.StartNotifierAsync();
        var caseId = Guid.NewGuid();

        await bed.PublishAsync(CaseEvents.FullCase(caseId, CaseEvents.Informant(language: Languages.Welsh)));

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.SinkMessagesAsync()).Count == 5));
        var messages = await bed.SinkMessagesAsync();
        Assert.All(messages, m => Assert.Equal(Languages.Welsh, m.Language));
        Assert.All(messages, m => Assert.StartsWith("Annwyl Alex Relative", m.Body, StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Template == FamilyTemplates.MccdIssued && m.Body.Contains("cofrestrwch erbyn 25 Tachwedd 2026", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_permanent_failure_reported_by_the_provider_ends_the_notification_as_failed()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.StartNotifierAsync();
        var caseId = Guid.NewGuid();

        await bed.PublishAsync([CaseEvents.Event(caseId, 1, CaseEvents.Received(CaseEvents.Informant(email: "bounces@example.org")))]);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).SingleOrDefault()?.Status == FamilyNotificationStatuses.Failed));
        var row = (await bed.NotificationsAsync(caseId)).Single();
        Assert.Equal(("permanent-failure", "permanent-failure"), (row.ProviderStatus, row.Reason));
    }
}
