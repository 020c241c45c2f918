using System.Collections.Concurrent;
using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;
using MedicalExaminer.Casework;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.SyntheticData;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.ScrutinyApi.Tests;

/// <summary>Take next under contention: SKIP LOCKED must assign every case to exactly one caller per role.</summary>
public sealed class ClaimConcurrencyTests(PostgresFixture postgres)
{
    private const string Office = "me-leeds";
    private const int Cases = 5_000;
    private const int Claimers = 64;

    [Fact]
    public async Task sixty_four_callers_taking_next_drain_five_thousand_cases_each_assigned_exactly_once_and_none_skipped()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await postgres.CreateMigratedDatabaseAsync())
        {
            MaxPoolSize = Claimers + 8,
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await SeedAsync(dataSource);
        var store = new CaseStore(dataSource, TimeProvider.System);
        var options = new WorkflowOptions();
        var claims = new ConcurrentBag<(Guid CaseId, string Claimer)>();
        var ct = TestContext.Current.CancellationToken;

        await Task.WhenAll(Enumerable.Range(0, Claimers).Select(i => Task.Run(async () =>
        {
            var actor = new Actor($"claimer-{i:00}", Roles.MedicalExaminer, Office);
            // Bounded: no claimer can take more than every case.
            for (var attempt = 0; attempt <= Cases; attempt++)
            {
                var outcome = await store.ClaimNextAsync(actor, Office, [Queues.UrgentRelease, Queues.Scrutiny], options, ct);
                if (outcome.Status == CommandStatus.NothingToClaim)
                {
                    return;
                }

                Assert.Equal(CommandStatus.Applied, outcome.Status);
                claims.Add((outcome.Case!.CaseId, actor.Id));
            }
        }, ct)));

        var claimed = claims.Select(c => c.CaseId).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var all = (await connection.QueryAsync<Guid>("SELECT case_id FROM casework.cases")).ToHashSet();
        var unclaimedLeft = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM casework.cases WHERE assigned_examiner IS NULL");
        var claimEvents = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM casework.case_history WHERE event_type = 'CaseAssigned'");
        var holders = (await connection.QueryAsync<(Guid, string)>("SELECT case_id, assigned_examiner FROM casework.cases")).ToDictionary(r => r.Item1, r => r.Item2);

        Assert.True(claimed.Count == Cases, $"every one of {Cases} cases is claimed once; claims made: {claimed.Count}");
        Assert.True(claimed.Distinct().Count() == Cases, $"no case is claimed twice; distinct: {claimed.Distinct().Count()}");
        Assert.True(all.SetEquals(claimed), "the claimed cases are exactly the seeded cases: none skipped");
        Assert.Equal(0, unclaimedLeft);
        Assert.Equal(Cases, claimEvents);
        Assert.All(claims, c => Assert.Equal(c.Claimer, holders[c.CaseId]));
        Assert.True(claims.Select(c => c.Claimer).Distinct().Count() > 1, "the claimers really ran concurrently");
    }

    [Fact]
    public async Task an_officer_taking_next_gets_the_cases_examiners_hold_and_an_examiner_those_officers_hold()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync());
        await SeedAsync(dataSource, count: 6);
        var store = new CaseStore(dataSource, TimeProvider.System);
        var examiner = new Actor("me.me-leeds", Roles.MedicalExaminer, Office);
        var officer = new Actor("meo.me-leeds", Roles.MedicalExaminerOfficer, Office);
        var ct = TestContext.Current.CancellationToken;
        var queues = new[] { Queues.UrgentRelease, Queues.Scrutiny };

        var byExaminer = new List<Guid>();
        var byOfficer = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            byExaminer.Add((await store.ClaimNextAsync(examiner, Office, queues, new WorkflowOptions(), ct)).Case!.CaseId);
            byOfficer.Add((await store.ClaimNextAsync(officer, Office, queues, new WorkflowOptions(), ct)).Case!.CaseId);
        }

        // Each role takes the same cases in the same (urgency) order: an assignment in one role never hides a case from the other.
        Assert.Equal(byExaminer, byOfficer);
        Assert.Equal(CommandStatus.NothingToClaim, (await store.ClaimNextAsync(examiner, Office, queues, new WorkflowOptions(), ct)).Status);
        Assert.Equal(CommandStatus.NothingToClaim, (await store.ClaimNextAsync(officer, Office, queues, new WorkflowOptions(), ct)).Status);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        Assert.Equal(6, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM casework.cases WHERE assigned_examiner = @e AND assigned_officer = @o", new { e = examiner.Id, o = officer.Id }));
    }

    [Fact]
    public async Task take_next_takes_urgent_release_first_then_the_oldest_death()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync());
        await SeedAsync(dataSource, count: 40);
        var store = new CaseStore(dataSource, TimeProvider.System);
        var actor = new Actor("me.me-leeds", Roles.MedicalExaminer, Office);
        var order = new List<(string Queue, DateTimeOffset Death)>();
        var ct = TestContext.Current.CancellationToken;

        for (var i = 0; i < 40; i++)
        {
            var outcome = await store.ClaimNextAsync(actor, Office, [Queues.UrgentRelease, Queues.Scrutiny], new WorkflowOptions(), ct);
            order.Add((outcome.Case!.Queue!, outcome.Case.DateTimeOfDeath));
        }

        var urgent = order.TakeWhile(o => o.Queue == Queues.UrgentRelease).ToList();
        Assert.NotEmpty(urgent);
        Assert.All(order.Skip(urgent.Count), o => Assert.Equal(Queues.Scrutiny, o.Queue));
        Assert.Equal(urgent.Select(o => o.Death).Order(), urgent.Select(o => o.Death));
        Assert.Equal(order.Skip(urgent.Count).Select(o => o.Death).Order(), order.Skip(urgent.Count).Select(o => o.Death));
    }

    /// <summary>Cases straight into the office's queues (every 20th urgent), deaths spread over four days.</summary>
    private static async Task SeedAsync(NpgsqlDataSource dataSource, int count = Cases)
    {
        await OfficeRegistry.UpsertAsync(dataSource, DemoOffices.All, TestContext.Current.CancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO casework.cases (case_id, source_system, notification_id, publisher_ods_code, site_ods_code, office_id,
                state, queue, route, place_of_death, date_time_of_death, registration_due_at, urgent_release_reason,
                leder_flag, cdop_flag, notification, received_at, updated_at, version, last_event_sequence)
            SELECT gen_random_uuid(), 'claim-test', 'n-' || i, 'RR8', 'RR801', @office,
                'AwaitingScrutiny', CASE WHEN i % 20 = 0 THEN 'urgent-release' ELSE 'scrutiny' END, 'scrutiny', 'hospital-inpatient',
                now() - (i * interval '4 days' / @count), now() - (i * interval '4 days' / @count) + interval '5 days',
                CASE WHEN i % 20 = 0 THEN 'faith' END, false, false, '{}'::jsonb, now(), now(), 1, 0
            FROM generate_series(1, @count) AS i;
            ANALYZE casework.cases;
            """,
            new { office = Office, count });
    }
}
