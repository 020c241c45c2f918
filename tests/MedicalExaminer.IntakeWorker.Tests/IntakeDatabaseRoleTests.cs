using MedicalExaminer.Contracts;
using Dapper;
using MedicalExaminer.ServiceDefaults;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MedicalExaminer.IntakeWorker.Tests;

/// <summary>
/// Production runs the worker as a login that is a member of <c>me_intake_worker</c> only (migration 0007, k8s/):
/// the real worker end to end over the mock cluster under that login, and what the login must not do.
/// </summary>
public sealed class IntakeDatabaseRoleTests(PostgresFixture postgres, KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_worker_logged_in_as_its_own_role_opens_each_case_once_dead_letters_and_is_ready()
    {
        await using var database = await IntakeRoleDatabase.CreateAsync(postgres, Ct);
        await using var scenario = await IntakeScenario.CreateAsync(postgres, kafka, partitions: 3, database.OwnerConnectionString);
        var notifications = new NotificationGenerator(seed: 71, new SyntheticMix(DuplicateRate: 0, InvalidRate: 0)).Take(600).ToList();
        var messages = notifications.Select(n => (n.Key, n.Value)).ToList();
        messages.Insert(300, ("bad:truncated", notifications[0].Value[..20]));

        long sessionsWhileRunning;
        await using (var worker = await IntakeWorkerRunner.StartAsync(scenario, builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Postgres:ConnectionString"] = database.LoginConnectionString })))
        {
            await scenario.PublishAsync(messages);
            await IntakeScenario.WaitUntilAsync(async () => await scenario.CaseCountAsync() >= notifications.Count, Deadline,
                "every valid notification opens a case when the worker runs as me_intake_worker");
            await scenario.PublishAsync(messages);
            await scenario.WaitForGroupToCatchUpAsync(Deadline);

            // Ready means the consume loop is alive and the schema version is readable under this login.
            var health = worker.Services.GetRequiredService<HealthCheckService>();
            HealthReport? ready = null;
            await IntakeScenario.WaitUntilAsync(async () =>
            {
                ready = await health.CheckHealthAsync(c => c.Tags.Contains(HealthTags.Ready), Ct);
                return ready.Status == HealthStatus.Healthy;
            }, Deadline, "the worker logged in as me_intake_worker becomes ready");
            sessionsWhileRunning = await database.SessionsAsync();
        }

        Assert.True(sessionsWhileRunning > 0, $"the worker's pooled sessions are {database.Login}'s, not the owner's");
        var cases = await scenario.CasesAsync();
        Assert.Equal(notifications.Count, cases.Count);
        Assert.Equal(3L * notifications.Count, await scenario.OutboxCountAsync());
        var intended = notifications.ToDictionary(n => n.Key);
        Assert.All(cases, c => Assert.Equal(intended[$"{c.SourceSystem}:{c.NotificationId}"].IntendedOfficeId, c.OfficeId));
        Assert.Contains(cases, c => c.OfficeId is not null);
        await using (var owner = await database.Owner.OpenConnectionAsync(Ct))
        {
            Assert.Equal(cases.Count * 3L, await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.case_history"));
        }

        var deadLetters = scenario.ReadDeadLetters(expected: 2, Deadline);
        Assert.Equal(2, deadLetters.Count);
        Assert.All(deadLetters, d => Assert.Equal("bad:truncated", d.Message.Key));
    }

    [Fact]
    public async Task the_intake_role_cannot_touch_another_contexts_schema_the_audit_log_or_a_case_once_written()
    {
        await using var database = await IntakeRoleDatabase.CreateAsync(postgres, Ct);
        var caseId = Guid.NewGuid();
        await using (var owner = await database.Owner.OpenConnectionAsync(Ct))
        {
            await owner.ExecuteAsync("INSERT INTO casework.audit_log (user_id, role, action, outcome) VALUES ('u', 'admin', 'probe', 'applied')");
            await owner.ExecuteAsync("""
                INSERT INTO casework.cases (case_id, source_system, notification_id, publisher_ods_code, site_ods_code, state, queue, route,
                    place_of_death, date_time_of_death, registration_due_at, leder_flag, cdop_flag, notification, received_at, updated_at, last_event_sequence)
                VALUES (@caseId, 's', 'n', 'RX1', 'RX1', 'awaiting-scrutiny', 'scrutiny', 'scrutiny', 'hospital', now(), now(), false, false, '{}', now(), now(), 1)
                """, new { caseId });
        }

        var refused = new[]
        {
            "SELECT count(*) FROM family.notifications",
            "SELECT count(*) FROM family.case_contacts",
            "INSERT INTO family.processed_events (event_id) VALUES (gen_random_uuid())",
            "SELECT count(*) FROM metrics.events",
            "UPDATE metrics.case_facts SET last_sequence = 0",
            "UPDATE casework.audit_log SET outcome = 'rewritten'",
            "DELETE FROM casework.audit_log",
            "TRUNCATE casework.audit_log",
            "INSERT INTO casework.audit_log (user_id, role, action, outcome) VALUES ('u', 'admin', 'probe', 'applied')",
            "UPDATE casework.cases SET state = 'closed'",
            "DELETE FROM casework.cases",
            "DELETE FROM casework.triage_reasons",
            "UPDATE casework.outbox SET published_at = now()",
            "DELETE FROM casework.outbox",
            "SELECT count(*) FROM casework.outbox",
            "UPDATE casework.case_history SET event_type = 'x'",
            "INSERT INTO casework.offices (office_id, name) VALUES ('me-x', 'Elsewhere')",
            "CREATE TABLE casework.smuggled (id int)",
        };

        var allowed = new List<string>();
        await using (var login = new NpgsqlConnection(database.LoginConnectionString))
        {
            await login.OpenAsync(Ct);
            foreach (var statement in refused)
            {
                try
                {
                    await login.ExecuteAsync(statement);
                    allowed.Add(statement);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                {
                    // Refused by privileges, not by the audit log's trigger or a constraint.
                    Assert.Contains("permission denied", e.MessageText, StringComparison.Ordinal);
                }
            }
        }

        Assert.True(allowed.Count == 0, "me_intake_worker may not:\n" + string.Join("\n", allowed));
        await using var check = await database.Owner.OpenConnectionAsync(Ct);
        Assert.Equal("applied", await check.ExecuteScalarAsync<string>("SELECT outcome FROM casework.audit_log"));
        Assert.Equal("awaiting-scrutiny", await check.ExecuteScalarAsync<string>("SELECT state FROM casework.cases WHERE case_id = @caseId", new { caseId }));
    }
}
