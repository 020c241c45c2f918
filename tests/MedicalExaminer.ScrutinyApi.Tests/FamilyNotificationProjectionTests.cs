using MedicalExaminer.Casework;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Kafka;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.Testing;

namespace MedicalExaminer.ScrutinyApi.Tests;

/// <summary>The office sees each family notification on the case page, from the family notifier's events (never its schema).</summary>
public sealed class FamilyNotificationProjectionTests(PostgresFixture postgres)
{
    private static FamilyNotificationEvent Event(Guid caseId, Guid notificationId, string template, string type, string status, DateTimeOffset at) => new()
    {
        EventId = Guid.NewGuid(),
        NotificationId = notificationId,
        CaseId = caseId,
        Type = type,
        Template = template,
        Status = status,
        OccurredAt = at,
        CauseEventId = Guid.NewGuid(),
    };

    private static MessageBatch Batch(params FamilyNotificationEvent[] events) => new(
        events.Select((e, i) => new InboundMessage(Topics.FamilyNotifications, 0, i, e.CaseId.ToString(), JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.FamilyNotificationEvent), [], DateTimeOffset.UtcNow, default)).ToList());

    [Fact]
    public async Task each_family_notification_shows_on_the_case_page_with_its_latest_status_and_a_stale_redelivery_changes_nothing()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 50);
        await using var host = await ApiHost.StartAsync(world);
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        var view = new FamilyNotificationProjection(world.DataSource);
        var mccd = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var queued = Event(caseId, mccd, FamilyTemplates.MccdIssued, FamilyNotificationEventTypes.Queued, FamilyNotificationStatuses.Queued, at) with { Channel = ContactChannels.Email, Language = Languages.Welsh };

        await view.HandleAsync(Batch(
            queued,
            Event(caseId, mccd, FamilyTemplates.MccdIssued, FamilyNotificationEventTypes.Sent, FamilyNotificationStatuses.Sent, at.AddSeconds(1)) with { Channel = ContactChannels.Email, Language = Languages.Welsh, Attempts = 3, ProviderStatus = "created" },
            Event(caseId, mccd, FamilyTemplates.MccdIssued, FamilyNotificationEventTypes.Delivered, FamilyNotificationStatuses.Delivered, at.AddSeconds(9)) with { ProviderStatus = "delivered" },
            Event(caseId, Guid.NewGuid(), FamilyTemplates.CaseReceived, FamilyNotificationEventTypes.Withheld, FamilyNotificationStatuses.Withheld, at.AddSeconds(-60)) with { Reason = "no-consent" }),
            TestContext.Current.CancellationToken);
        await view.HandleAsync(Batch(queued), TestContext.Current.CancellationToken);

        var items = await view.ForCaseAsync(caseId, TestContext.Current.CancellationToken);
        Assert.Equal(
            [(FamilyTemplates.CaseReceived, FamilyNotificationStatuses.Withheld, (string?)null), (FamilyTemplates.MccdIssued, FamilyNotificationStatuses.Delivered, Languages.Welsh)],
            items.Select(i => (i.Template, i.Status, i.Language)));
        Assert.Equal(3, items[1].Attempts);

        using var client = host.Client(ApiHost.Token(Roles.MedicalExaminer, CaseworkWorld.Office, "me.me-leeds"));
        var page = await client.GetStringAsync($"/cases/{caseId}", TestContext.Current.CancellationToken);
        var table = page[page.IndexOf("id=\"family-notifications\"", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];
        Assert.Contains("mccd-issued", table, StringComparison.Ordinal);
        Assert.Contains("<strong>delivered</strong>", table, StringComparison.Ordinal);
        Assert.Contains("Welsh", table, StringComparison.Ordinal);
        Assert.Contains("24 Nov 2026 10:00:09", table, StringComparison.Ordinal);
        Assert.Contains("<strong>withheld</strong> (no-consent)", table, StringComparison.Ordinal);
        Assert.DoesNotContain("queued", table, StringComparison.Ordinal);
    }
}
