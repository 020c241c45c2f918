using Dapper;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;
using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Casework;

namespace MedicalExaminer.ScrutinyApi.Tests;

/// <summary>
/// One clock (issue 18 item 1): the SQL that counts and orders the queues and SlaClock, which the case page, the
/// queue rows and the API show, agree on every case — above all at exactly 24 h and exactly 0 h left, where they
/// used to disagree.
/// </summary>
public sealed class ClockAgreementTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(10); // one microsecond, Postgres's resolution

    // Time left before the due instant (negative: past it), around both boundaries.
    private static readonly TimeSpan[] Offsets =
    [
        TimeSpan.FromHours(72), TimeSpan.FromHours(24) + Tick, TimeSpan.FromHours(24), TimeSpan.FromHours(24) - Tick,
        TimeSpan.FromHours(1), Tick, TimeSpan.Zero, -Tick, -TimeSpan.FromHours(1),
    ];

    [Fact]
    public async Task sql_and_sla_clock_give_the_same_deadline_and_status_at_every_boundary()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres, cases: 0);
        await using var connection = await world.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var death = new DateTimeOffset(2026, 3, 28, 1, 30, 0, TimeSpan.Zero); // across the March clock change
        foreach (var target in new[] { 72, 48 })
        {
            var expectedDue = SlaClock.ScrutinyDueAt(death, target);
            var sqlDue = await connection.ExecuteScalarAsync<DateTime>(
                "SELECT casework.scrutiny_due_at(@death, @target)", new { death, target });
            Assert.True(expectedDue == new DateTimeOffset(sqlDue, TimeSpan.Zero), $"the {target} h deadline: SQL {sqlDue:O}, SlaClock {expectedDue:O}");

            foreach (var left in Offsets)
            {
                var now = expectedDue - left;
                var sql = await connection.ExecuteScalarAsync<string>(
                    "SELECT casework.sla_status(casework.scrutiny_due_at(@death, @target), @now, @atRisk)",
                    new { death, target, now, atRisk = SlaClock.AtRiskWindow });
                var clock = SlaClock.Scrutiny(death, target, now).Status;
                Assert.True(sql == Code(clock), $"with {left} left of a {target} h target SQL says {sql}, SlaClock {clock}");
            }
        }
    }

    [Fact]
    public async Task queue_counts_and_queue_rows_agree_at_exactly_twenty_four_and_zero_hours_left()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var ct = TestContext.Current.CancellationToken;
        // On a whole microsecond, so that the instants Postgres stores are exactly the ones SlaClock is given.
        world.Clock.Now = new DateTimeOffset(world.Clock.Now.UtcTicks - (world.Clock.Now.UtcTicks % 10), TimeSpan.Zero);
        var now = world.Clock.Now;
        // Every scrutiny case of the office gets a death at one of the offsets from its 72 h deadline.
        await using var connection = await world.DataSource.OpenConnectionAsync(ct);
        var ids = (await connection.QueryAsync<Guid>(
            "SELECT case_id FROM casework.cases WHERE office_id = @office AND queue = 'scrutiny' ORDER BY case_id",
            new { office = CaseworkWorld.Office })).ToList();
        Assert.True(ids.Count >= Offsets.Length, $"the synthetic intake gives at least {Offsets.Length} scrutiny cases; got {ids.Count}");
        var expected = new Dictionary<Guid, SlaStatus>();
        for (var i = 0; i < ids.Count; i++)
        {
            var left = Offsets[i % Offsets.Length];
            var death = now + left - TimeSpan.FromHours(72);
            await connection.ExecuteAsync("UPDATE casework.cases SET date_time_of_death = @death WHERE case_id = @id", new { death, id = ids[i] });
            expected[ids[i]] = SlaClock.Scrutiny(death, 72, now).Status;
        }

        var counts = (await world.Reader.CountsAsync(CaseworkWorld.Office, ct)).Single(c => c.Queue == Queues.Scrutiny);
        var page = await world.Reader.QueueAsync(CaseworkWorld.Office, Queues.Scrutiny, 1, 500, ct);

        Assert.Equal(ids.Count, page.Items.Count);
        Assert.All(page.Items, item => Assert.True(item.Scrutiny.Status == expected[item.CaseId],
            $"queue row of a case due {item.Scrutiny.DueAt:O} at {now:O}: {item.Scrutiny.Status}, SlaClock {expected[item.CaseId]}"));
        Assert.True(counts.AtRisk == expected.Values.Count(s => s == SlaStatus.AtRisk),
            $"at-risk count {counts.AtRisk} equals the rows SlaClock calls at risk ({expected.Values.Count(s => s == SlaStatus.AtRisk)})");
        Assert.True(counts.Breached == expected.Values.Count(s => s == SlaStatus.Breached),
            $"breached count {counts.Breached} equals the rows SlaClock calls breached ({expected.Values.Count(s => s == SlaStatus.Breached)})");
        // The boundaries themselves: 24 h left is on track, 0 h left at risk (and counted once, not also as breached).
        var exactly24 = ids.Where((_, i) => Offsets[i % Offsets.Length] == TimeSpan.FromHours(24));
        var exactly0 = ids.Where((_, i) => Offsets[i % Offsets.Length] == TimeSpan.Zero);
        Assert.All(exactly24, id => Assert.Equal(SlaStatus.OnTrack, expected[id]));
        Assert.All(exactly0, id => Assert.Equal(SlaStatus.AtRisk, expected[id]));
        // The page is in deadline order.
        Assert.Equal(page.Items.Select(i => i.Scrutiny.DueAt).Order(), page.Items.Select(i => i.Scrutiny.DueAt));
    }

    [Fact]
    public async Task the_office_scrutiny_target_moves_the_deadline_on_the_case_and_in_the_queue()
    {
        await using var world = await CaseworkWorld.CreateAsync(postgres);
        var ct = TestContext.Current.CancellationToken;
        var caseId = await world.CaseInAsync(Queues.Scrutiny);
        world.Clock.Now = new DateTimeOffset(world.Clock.Now.UtcTicks - (world.Clock.Now.UtcTicks % 10), TimeSpan.Zero);
        var death = world.Clock.Now - TimeSpan.FromHours(60);
        await using var connection = await world.DataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync("UPDATE casework.cases SET date_time_of_death = @death WHERE case_id = @caseId", new { death, caseId });

        var byDefault = (await world.Reader.CaseAsync(caseId, ct))!;
        Assert.Equal(death.AddHours(72), byDefault.Scrutiny.DueAt);
        Assert.Equal(SlaStatus.AtRisk, byDefault.Scrutiny.Status);
        Assert.Null(byDefault.Registration);

        await connection.ExecuteAsync("UPDATE casework.offices SET scrutiny_target_hours = 96 WHERE office_id = @office", new { office = CaseworkWorld.Office });
        var longer = (await world.Reader.CaseAsync(caseId, ct))!;
        var row = (await world.Reader.QueueAsync(CaseworkWorld.Office, Queues.Scrutiny, 1, 500, ct)).Items.Single(i => i.CaseId == caseId);

        Assert.Equal(death.AddHours(96), longer.Scrutiny.DueAt);
        Assert.Equal(SlaStatus.OnTrack, longer.Scrutiny.Status);
        Assert.Equal(longer.Scrutiny, row.Scrutiny);
    }

    private static string Code(SlaStatus status) => status switch
    {
        SlaStatus.OnTrack => "on-track",
        SlaStatus.AtRisk => "at-risk",
        _ => "breached",
    };
}
