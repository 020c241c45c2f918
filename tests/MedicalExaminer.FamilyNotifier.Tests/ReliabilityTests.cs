using MedicalExaminer.Contracts;
using MedicalExaminer.FamilyNotifier.Persistence;
using MedicalExaminer.Notify;
using MedicalExaminer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalExaminer.FamilyNotifier.Tests;

/// <summary>Never twice, never lost: redelivery, kills at the worst moment, and a misbehaving provider.</summary>
public sealed class ReliabilityTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    [Fact]
    public async Task the_same_case_event_delivered_three_times_sends_one_message_per_case_and_template()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.StartNotifierAsync();
        var caseId = Guid.NewGuid();
        var events = CaseEvents.FullCase(caseId, CaseEvents.Informant());

        await bed.PublishAsync(events);
        await bed.PublishAsync(events);
        await bed.PublishAsync(events);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).All(n => n.Status == FamilyNotificationStatuses.Delivered)
            && (await bed.NotificationsAsync(caseId)).Count == 5));
        await AssertOneMessagePerTemplateAsync(bed, expected: 5);
    }

    [Fact]
    public async Task a_reopened_case_issued_a_second_mccd_still_gets_one_mccd_message()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.StartNotifierAsync();
        var caseId = Guid.NewGuid();
        var events = CaseEvents.FullCase(caseId, CaseEvents.Informant());
        events.Add(CaseEvents.Event(caseId, 7, new CaseReopened("family raised a concern")));
        events.Add(CaseEvents.Event(caseId, 8, new MccdIssued("Bronchopneumonia", "Frailty", null, null, CaseEvents.Death)));

        await bed.PublishAsync(events);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.SinkMessagesAsync()).Count >= 5 && (await bed.NotificationsAsync(caseId)).All(n => n.Status == FamilyNotificationStatuses.Delivered)));
        await AssertOneMessagePerTemplateAsync(bed, expected: 5);
    }

    [Fact]
    public async Task a_notifier_killed_after_sending_but_before_storing_offsets_sends_nothing_twice_on_restart()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka, s => s[$"{FamilyNotifierExtensions.ConsumerSection}:ShutdownDrainTimeout"] = "00:00:00");
        var sent = new TaskCompletionSource();
        var caseId = Guid.NewGuid();
        // In process: the batch's decisions are committed, then the handler holds the batch (offsets not stored) until the
        // dispatcher has sent its messages; the host is then stopped with no drain time, abandoning the batch. The six
        // events may arrive in more than one batch (on a busy machine they are published slower than the 50 ms batch
        // wait): only the batch whose commit completed the five decisions is held, or the later events would never be
        // read and the five messages never sent.
        await bed.StartNotifierAsync(beforeStart: services => services.GetRequiredService<CaseEventHandler>().AfterCommit = async token =>
        {
            if ((await bed.NotificationsAsync(caseId)).Count < 5)
            {
                return;
            }

            await sent.Task.WaitAsync(token);
            await Task.Delay(Timeout.Infinite, token);
        });

        await bed.PublishAsync(CaseEvents.FullCase(caseId, CaseEvents.Informant()));
        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.SinkMessagesAsync()).Count == 5), "the first run sends all five");
        sent.SetResult();
        await bed.StopNotifierAsync();

        var redelivered = new TaskCompletionSource();
        // The restarted notifier gets the whole batch again (its offsets were never stored) and must find every event handled.
        await bed.StartNotifierAsync(beforeStart: services => services.GetRequiredService<CaseEventHandler>().AfterCommit = _ =>
        {
            redelivered.TrySetResult();
            return Task.CompletedTask;
        });
        await redelivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await bed.Dispatcher.DispatchOnceAsync(CancellationToken.None);
        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).All(n => n.Status == FamilyNotificationStatuses.Delivered)));
        await AssertOneMessagePerTemplateAsync(bed, expected: 5);
    }

    [Fact]
    public async Task a_dispatcher_killed_after_the_provider_accepted_but_before_recording_it_finds_the_message_by_reference()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        // The sink behaves like the real Notify here: a repeated reference would make a second message. Only the
        // notifier's reference lookup can prevent it.
        await bed.SetFaultsAsync(honourReference: false);
        var crashes = 0;
        await bed.StartNotifierAsync(beforeStart: services => services.GetRequiredService<Sending.NotificationDispatcher>().AfterSend = (_, outcome, _) =>
            outcome.Result == SendResult.Accepted && Interlocked.Increment(ref crashes) == 1
                ? throw new InvalidOperationException("simulated crash after the provider accepted, before the result was committed")
                : Task.CompletedTask);
        var caseId = Guid.NewGuid();

        await bed.PublishAsync([CaseEvents.Event(caseId, 1, CaseEvents.Received(CaseEvents.Informant()))]);

        // The crash ends the dispatcher (and with it the host, as it would the process); a new one takes over once the lease expires.
        Assert.True(await Testbed.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref crashes) == 1)), "the provider should accept the message once before the crash");
        await bed.StopNotifierAsync();
        Assert.Single(await bed.SinkMessagesAsync());
        await bed.StartNotifierAsync();

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).SingleOrDefault()?.Status == FamilyNotificationStatuses.Delivered));
        var row = (await bed.NotificationsAsync(caseId)).Single();
        var attempts = await bed.AttemptsAsync(row.NotificationId);
        Assert.Equal(AttemptOutcomes.FoundByReference, attempts.Last().Outcome);
        await AssertOneMessagePerTemplateAsync(bed, expected: 1);
    }

    [Fact]
    public async Task a_send_that_timed_out_is_not_sent_again_at_once_because_it_may_still_be_in_flight()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.StartNotifierAsync();
        // Slower than the 2 s attempt timeout; like GOV.UK Notify, the sink does not dedupe references here.
        await bed.SetFaultsAsync(latencyMs: 3_000, honourReference: false);
        var client = bed.Services.GetRequiredService<NotifyClient>();
        var before = await bed.SinkSendRequestsAsync();

        var outcome = await client.SendOnceAsync(
            new NotifyMessage(Guid.NewGuid(), "email", Guid.NewGuid(), "someone@example.invalid", new Dictionary<string, string>()),
            earlierAttemptUncertain: false,
            TestContext.Current.CancellationToken);

        Assert.Equal(SendResult.Transient, outcome.Result);
        Assert.Equal([AttemptOutcomes.Timeout], outcome.Attempts.Select(a => a.Outcome));
        Assert.Equal(1, await bed.SinkSendRequestsAsync() - before);
    }

    [Fact]
    public async Task after_a_send_that_timed_out_the_next_claim_waits_at_least_one_attempt_timeout_before_looking_the_reference_up()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        // Slower than the 2 s attempt timeout: the first send times out. A provider may still be storing such a send
        // when the client gives up, so a lookup made sooner than one attempt timeout later could miss it and send twice.
        await bed.SetFaultsAsync(latencyMs: 3_000, honourReference: false);
        await bed.StartNotifierAsync();
        var caseId = Guid.NewGuid();

        await bed.PublishAsync([CaseEvents.Event(caseId, 1, CaseEvents.Received(CaseEvents.Informant()))]);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).SingleOrDefault() is { Attempts: >= 1 }),
            "the first send is made and times out");
        await bed.SetFaultsAsync(latencyMs: 0, honourReference: false);
        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).SingleOrDefault()?.Status == FamilyNotificationStatuses.Delivered));

        await using var connection = await bed.DataSource.OpenConnectionAsync();
        var attempts = (await Dapper.SqlMapper.QueryAsync<(int Attempt, string Outcome, DateTime StartedAt, int DurationMs)>(connection,
            "SELECT attempt, outcome, started_at, duration_ms FROM family.attempts WHERE notification_id = (SELECT notification_id FROM family.notifications WHERE case_id = @caseId) ORDER BY attempt",
            new { caseId })).ToList();
        Assert.Equal(AttemptOutcomes.Timeout, attempts[0].Outcome);
        var firstEnded = attempts[0].StartedAt.AddMilliseconds(attempts[0].DurationMs);
        Assert.True(attempts[1].StartedAt - firstEnded >= TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(50),
            $"the second claim started {(attempts[1].StartedAt - firstEnded).TotalMilliseconds:0} ms after the timed-out send, sooner than the 2 s attempt timeout");
    }

    [Fact]
    public async Task provider_errors_twice_then_accepts_one_message_three_attempts_recorded()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.SetFaultsAsync(status: 500, count: 2);
        await bed.StartNotifierAsync();
        var caseId = Guid.NewGuid();

        await bed.PublishAsync([CaseEvents.Event(caseId, 1, CaseEvents.Received(CaseEvents.Informant()))]);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).SingleOrDefault()?.Status == FamilyNotificationStatuses.Delivered));
        var row = (await bed.NotificationsAsync(caseId)).Single();
        var attempts = await bed.AttemptsAsync(row.NotificationId);
        Assert.Equal([(1, AttemptOutcomes.ProviderError, (int?)500), (2, AttemptOutcomes.ProviderError, 500), (3, AttemptOutcomes.Accepted, 201)], attempts);
        Assert.Equal(3, row.Attempts);
        await AssertOneMessagePerTemplateAsync(bed, expected: 1);
    }

    [Fact]
    public async Task provider_down_for_a_while_opens_the_circuit_and_everything_is_delivered_once_after_it_recovers()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.SetFaultsAsync(status: 503);
        await bed.StartNotifierAsync();
        var cases = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();

        await bed.PublishAsync(cases.Select(c => CaseEvents.Event(c, 1, CaseEvents.Received(CaseEvents.Informant()))));

        Assert.True(await Testbed.EventuallyAsync(async () =>
        {
            await using var connection = await bed.DataSource.OpenConnectionAsync();
            return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT count(*) FROM family.attempts WHERE outcome = 'circuit-open'") > 0;
        }), "with the provider failing, the circuit should open and refuse calls without sending them");
        var requestsWhileDown = await bed.SinkSendRequestsAsync();
        Assert.Empty(await bed.SinkMessagesAsync());
        Assert.All(await bed.NotificationsAsync(), n => Assert.Equal(FamilyNotificationStatuses.Queued, n.Status));

        await bed.SetFaultsAsync(status: null);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync()).All(n => n.Status == FamilyNotificationStatuses.Delivered), TimeSpan.FromSeconds(45)),
            "every queued notification is delivered once the provider is back");
        Assert.True(requestsWhileDown > 0);
        await AssertOneMessagePerTemplateAsync(bed, expected: cases.Count);
    }

    [Fact]
    public async Task a_permanent_refusal_is_recorded_as_failed_and_not_retried()
    {
        await using var bed = await Testbed.StartAsync(postgres, kafka);
        await bed.SetFaultsAsync(status: 400);
        await bed.StartNotifierAsync();
        var caseId = Guid.NewGuid();

        await bed.PublishAsync([CaseEvents.Event(caseId, 1, CaseEvents.Received(CaseEvents.Informant()))]);

        Assert.True(await Testbed.EventuallyAsync(async () => (await bed.NotificationsAsync(caseId)).SingleOrDefault()?.Status == FamilyNotificationStatuses.Failed));
        // Give a wrongly retrying notifier every chance to try again before counting.
        await bed.Dispatcher.DispatchOnceAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var row = (await bed.NotificationsAsync(caseId)).Single();
        Assert.Equal(("failed", 1), (row.Status, row.Attempts));
        Assert.Equal(1, await bed.SinkSendRequestsAsync());
        Assert.Equal([(1, AttemptOutcomes.Rejected, (int?)400)], await bed.AttemptsAsync(row.NotificationId));
        Assert.Contains(bed.FamilyEvents(), e => e.Type == FamilyNotificationEventTypes.Failed && e.Final == true && e.HttpStatus == 400);
    }

    internal static async Task AssertOneMessagePerTemplateAsync(Testbed bed, int expected)
    {
        var messages = await bed.SinkMessagesAsync();
        var notifications = (await bed.NotificationsAsync()).ToDictionary(n => n.NotificationId.ToString());
        var perCaseTemplate = messages.GroupBy(m => (notifications[m.Reference!].CaseId, m.Template)).ToList();
        Assert.True(messages.Count == expected, $"expected {expected} messages in the sink, found {messages.Count}");
        Assert.True(perCaseTemplate.All(g => g.Count() == 1), "at most one message per (case, template)");
    }
}
