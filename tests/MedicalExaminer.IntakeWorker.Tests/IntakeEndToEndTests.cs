using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;

namespace MedicalExaminer.IntakeWorker.Tests;

/// <summary>The intake path end to end, over TCP: mock Kafka cluster → intake worker → Postgres.</summary>
public sealed class IntakeEndToEndTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ten_thousand_notifications_open_exactly_ten_thousand_cases_routed_as_intended_and_republishing_changes_nothing()
    {
        await using var scenario = await IntakeScenario.CreateAsync(postgres, kafka);
        var notifications = new NotificationGenerator(seed: 3, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0))
            .Take(10_000).ToList();
        Assert.All(notifications, n => Assert.Equal(SyntheticKind.Valid, n.Kind));

        await using (await IntakeWorkerRunner.StartAsync(scenario))
        {
            await scenario.PublishAsync(notifications.Select(n => (n.Key, n.Value)));
            await IntakeScenario.WaitUntilAsync(async () => await scenario.CaseCountAsync() >= 10_000, Deadline,
                "every valid notification opens a case");

            await scenario.PublishAsync(notifications.Select(n => (n.Key, n.Value)));
            await scenario.WaitForGroupToCatchUpAsync(Deadline);
        }

        var cases = await scenario.CasesAsync();
        Assert.Equal(10_000, cases.Count);
        Assert.Equal(30_000, await scenario.OutboxCountAsync());

        var intended = notifications.ToDictionary(n => n.Key);
        var wrong = cases
            .Select(c => (Case: c, Intended: intended[$"{c.SourceSystem}:{c.NotificationId}"]))
            .Where(x => x.Case.Route != x.Intended.IntendedRoute
                        || x.Case.OfficeId != x.Intended.IntendedOfficeId
                        || x.Case.Queue != x.Intended.IntendedQueue)
            .Select(x => $"{x.Case.CaseId}: route {x.Case.Route}/{x.Intended.IntendedRoute}, office {x.Case.OfficeId}/{x.Intended.IntendedOfficeId}, queue {x.Case.Queue}/{x.Intended.IntendedQueue}")
            .Take(10).ToList();
        Assert.True(wrong.Count == 0, "every case has the route, office and queue its notification was built for:\n" + string.Join("\n", wrong));
        Assert.All(cases, c => Assert.Equal(3, c.LastEventSequence));
        Assert.Contains(cases, c => c.Queue == Queues.Unrouted);
        Assert.Contains(cases, c => c.Queue == Queues.CoronerReferralReview);
        Assert.Contains(cases, c => c.Queue == Queues.UrgentRelease);
        Assert.Contains(cases, c => c.Queue == Queues.Scrutiny);
    }

    [Fact]
    public async Task invalid_messages_are_dead_lettered_with_reason_headers_and_valid_ones_behind_them_are_processed()
    {
        await using var scenario = await IntakeScenario.CreateAsync(postgres, kafka, partitions: 1);
        var valid = new NotificationGenerator(seed: 11, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0)).Take(3).ToList();
        byte[] truncated = valid[0].Value[..(valid[0].Value.Length / 2)];
        var badNhsNumber = WithNhsNumber(valid[1].Value, "9434765918");

        await using (await IntakeWorkerRunner.StartAsync(scenario))
        {
            await scenario.PublishAsync(
            [
                ("bad:truncated", truncated),
                (valid[0].Key, valid[0].Value),
                ("bad:nhs", badNhsNumber),
                (valid[1].Key, valid[1].Value),
                (valid[2].Key, valid[2].Value),
            ]);
            await IntakeScenario.WaitUntilAsync(async () => await scenario.CaseCountAsync() >= 3, Deadline,
                "the valid notifications behind invalid ones are still processed");
        }

        var deadLetters = scenario.ReadDeadLetters(expected: 2, Deadline);
        Assert.Equal(2, deadLetters.Count);
        Assert.Equal(3, await scenario.CaseCountAsync());

        var byKey = deadLetters.ToDictionary(d => d.Message.Key);
        AssertDeadLetter(byKey["bad:truncated"], scenario.Topic, offset: 0, "malformed-json");
        AssertDeadLetter(byKey["bad:nhs"], scenario.Topic, offset: 2, "invalid-nhs-number");
        Assert.Equal(badNhsNumber, byKey["bad:nhs"].Message.Value);

        var reason = Header(byKey["bad:nhs"], Headers.DeadLetterErrorMessage);
        Assert.Contains("deceased.nhsNumber", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("9434765918", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_notification_published_again_with_changes_keeps_the_first_delivery_because_order_per_key_is_kept()
    {
        await using var scenario = await IntakeScenario.CreateAsync(postgres, kafka, partitions: 4);
        var originals = new NotificationGenerator(seed: 21, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0)).Take(200).ToList();
        var amended = originals.Select(n => (n.Key, WithPlaceOfDeath(n.Value, PlacesOfDeath.Other))).ToList();

        await using (await IntakeWorkerRunner.StartAsync(scenario))
        {
            // Interleaved so first and repeat of a key often share a batch as well as a partition.
            await scenario.PublishAsync(originals.Zip(amended).SelectMany(p => new[] { (p.First.Key, p.First.Value), p.Second }));
            await IntakeScenario.WaitUntilAsync(async () => await scenario.CaseCountAsync() >= 200, Deadline, "every notification opens one case");
            await scenario.WaitForGroupToCatchUpAsync(Deadline);
        }

        var cases = (await scenario.CasesAsync()).ToDictionary(c => $"{c.SourceSystem}:{c.NotificationId}");
        Assert.Equal(200, cases.Count);
        var firstPlaces = originals.ToDictionary(n => n.Key, n => PlaceOfDeath(n.Value));
        Assert.All(cases, c => Assert.Equal(firstPlaces[c.Key], c.Value.PlaceOfDeath));
    }

    [Fact]
    public async Task a_notification_no_office_covers_lands_in_the_unrouted_queue()
    {
        await using var scenario = await IntakeScenario.CreateAsync(postgres, kafka, partitions: 1);
        var notification = new NotificationGenerator(seed: 5, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0, UnroutedRate: 0)).Next();
        var unroutable = WithUnmappedLocation(notification.Value);

        await using (await IntakeWorkerRunner.StartAsync(scenario))
        {
            await scenario.PublishAsync([(notification.Key, unroutable)]);
            await IntakeScenario.WaitUntilAsync(async () => await scenario.CaseCountAsync() >= 1, Deadline, "the notification opens a case");
        }

        var single = Assert.Single(await scenario.CasesAsync());
        Assert.Null(single.OfficeId);
        Assert.Equal(Queues.Unrouted, single.Queue);
    }

    private static void AssertDeadLetter(Confluent.Kafka.ConsumeResult<string, byte[]> deadLetter, string topic, long offset, string code)
    {
        Assert.Equal(code, Header(deadLetter, Headers.DeadLetterErrorCode));
        Assert.Equal(topic, Header(deadLetter, Headers.DeadLetterOriginalTopic));
        Assert.Equal("0", Header(deadLetter, Headers.DeadLetterOriginalPartition));
        Assert.Equal(offset.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(deadLetter, Headers.DeadLetterOriginalOffset));
    }

    private static string Header(Confluent.Kafka.ConsumeResult<string, byte[]> result, string name) =>
        result.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : $"(no {name} header)";

    private static byte[] WithNhsNumber(byte[] json, string nhsNumber) =>
        Mutate(json, n => n with { Deceased = n.Deceased! with { NhsNumber = nhsNumber } });

    private static byte[] WithPlaceOfDeath(byte[] json, string place) =>
        Mutate(json, n => n with { PlaceOfDeath = place });

    private static byte[] WithUnmappedLocation(byte[] json) =>
        Mutate(json, n => n with { SiteOdsCode = "ZZZ99", Deceased = n.Deceased! with { Postcode = "ZE2 9QQ" } });

    private static string PlaceOfDeath(byte[] json) =>
        JsonSerializer.Deserialize(json, ContractsJsonContext.Default.DeathNotification)!.PlaceOfDeath!;

    private static byte[] Mutate(byte[] json, Func<DeathNotification, DeathNotification> change) =>
        JsonSerializer.SerializeToUtf8Bytes(change(JsonSerializer.Deserialize(json, ContractsJsonContext.Default.DeathNotification)!), ContractsJsonContext.Default.DeathNotification);
}
