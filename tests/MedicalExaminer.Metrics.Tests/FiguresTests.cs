using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Figures;
using MedicalExaminer.Testing;
using M = MedicalExaminer.Contracts.ScrutinyMetricNames;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>
/// Every DOMAIN §7 metric over <see cref="SyntheticStream"/>, against figures worked out by hand
/// (comments give the working), projected into a real Postgres.
/// </summary>
public sealed class FiguresTests(PostgresFixture postgres)
{
    private static readonly string[] Reasons = [.. ReasonCodes.All.Select(M.Reason)];

    /// <summary>The expected figures of a row; counts not named are 0, figures not named do not apply.</summary>
    private static Dictionary<string, decimal?> Expect(params (string Metric, decimal? Value)[] figures)
    {
        var expected = M.Counts.ToDictionary(c => c, _ => (decimal?)0m);
        foreach (var name in M.Rates.Concat(M.Hours))
        {
            expected[name] = null;
        }

        foreach (var (metric, value) in figures)
        {
            expected[metric] = value;
        }

        return expected;
    }

    private static void AssertRow(FigureTable table, string? office, string period, Dictionary<string, decimal?> expected)
    {
        var row = Assert.Single(table.Rows, r => r.OfficeId == office && r.Period.Label == period);
        foreach (var (metric, value) in expected)
        {
            Assert.False(row[metric].Suppressed == true, $"{office ?? "national"} {period} {metric}: suppressed in an unsuppressed view");
            Assert.True(value == row[metric].Value, $"{office ?? "national"} {period} {metric}: expected {value?.ToString() ?? "n/a"}, got {row[metric].Value?.ToString() ?? "n/a"}");
        }
    }

    // Office A, January. 10 deaths. Triage recommended referral for A4 (trauma, poisoning; trauma twice in
    // the evidence counts once), A5 (no AP) and A10 (self-harm, overridden later: still recommended).
    // Confirmed: A4 (accepted), A5 (declined, returned, completed). Completed: A1, A2, A3, A5, A6, A8 = 6
    // (A7 was reopened and stands open). Hours to the MCCD that stands: 30, 100, 150, 200, 20, 300.
    // Sorted 20 30 100 150 200 300 (n = 6): median at rank 1 + 0.5 × 5 = 3.5 → (100 + 150) / 2 = 125;
    // p90 at rank 1 + 0.9 × 5 = 5.5 → 200 + 0.5 × (300 − 200) = 250. Within 120 h: A1, A2, A6 = 3.
    // Bereaved discussion held among completed: A1, A3, A5, A6 = 4 (A2 declined, A8 not reachable).
    // Coverage 6 ÷ (10 − 1) = 66.7 %. Urgent release: A6 in 10 h (met), A9 in 30 h of 24 (missed) → 50 %.
    private static readonly Dictionary<string, decimal?> OfficeAJanuary = Expect(
        (M.DeathsNotified, 10), (M.CoronerReferralRecommended, 3),
        (M.Reason(ReasonCodes.TraumaOrInjury), 1), (M.Reason(ReasonCodes.Poisoning), 1),
        (M.Reason(ReasonCodes.NoAttendingPractitioner), 1), (M.Reason(ReasonCodes.SelfHarm), 1),
        (M.ReferredToCoroner, 2), (M.CoronerDeclined, 1), (M.CoronerAccepted, 1), (M.ScrutinyCompleted, 6),
        (M.BereavedDiscussionHeld, 4), (M.ConcernsRaised, 1), (M.LederFlags, 1), (M.CdopFlags, 0),
        (M.WithinRegistrationTarget, 3), (M.UrgentReleaseDecided, 2), (M.UrgentReleaseMet, 1),
        (M.ScrutinyCoveragePct, 66.7m), (M.BereavedInteractionPct, 66.7m), (M.WithinRegistrationTargetPct, 50.0m), (M.UrgentReleaseMetPct, 50.0m),
        (M.MedianHoursDeathToMccd, 125.0m), (M.P90HoursDeathToMccd, 250.0m));

    // Office B, February: B1 (completed in 48 h, held), B2 (CDOP), U1 (arrived unrouted, assigned to B).
    private static readonly Dictionary<string, decimal?> OfficeBFebruary = Expect(
        (M.DeathsNotified, 3), (M.ScrutinyCompleted, 1), (M.BereavedDiscussionHeld, 1), (M.CdopFlags, 1), (M.WithinRegistrationTarget, 1),
        (M.ScrutinyCoveragePct, 33.3m), (M.BereavedInteractionPct, 100.0m), (M.WithinRegistrationTargetPct, 100.0m),
        (M.MedianHoursDeathToMccd, 48.0m), (M.P90HoursDeathToMccd, 48.0m));

    // Still unrouted in February: U2. Coverage 0 ÷ 1.
    private static readonly Dictionary<string, decimal?> UnroutedFebruary = Expect((M.DeathsNotified, 1), (M.ScrutinyCoveragePct, 0.0m));

    // National Q1: 14 deaths, 7 completed (A's 6 and B1), hours 20 30 48 100 150 200 300 (n = 7):
    // median at rank 4 → 100; p90 at rank 1 + 0.9 × 6 = 6.4 → 200 + 0.4 × 100 = 240.
    // Coverage 7 ÷ (14 − 1) = 53.8 %; bereaved 5 ÷ 7 = 71.4 %; within target 4 ÷ 7 = 57.1 %.
    private static readonly Dictionary<string, decimal?> NationalQ1 = Expect(
        (M.DeathsNotified, 14), (M.CoronerReferralRecommended, 3),
        (M.Reason(ReasonCodes.TraumaOrInjury), 1), (M.Reason(ReasonCodes.Poisoning), 1),
        (M.Reason(ReasonCodes.NoAttendingPractitioner), 1), (M.Reason(ReasonCodes.SelfHarm), 1),
        (M.ReferredToCoroner, 2), (M.CoronerDeclined, 1), (M.CoronerAccepted, 1), (M.ScrutinyCompleted, 7),
        (M.BereavedDiscussionHeld, 5), (M.ConcernsRaised, 1), (M.LederFlags, 1), (M.CdopFlags, 1),
        (M.WithinRegistrationTarget, 4), (M.UrgentReleaseDecided, 2), (M.UrgentReleaseMet, 1),
        (M.ScrutinyCoveragePct, 53.8m), (M.BereavedInteractionPct, 71.4m), (M.WithinRegistrationTargetPct, 57.1m), (M.UrgentReleaseMetPct, 50.0m),
        (M.MedianHoursDeathToMccd, 100.0m), (M.P90HoursDeathToMccd, 240.0m));

    [Fact]
    public async Task every_metric_per_office_and_month_matches_the_hand_computed_figures()
    {
        await using var world = await MetricsWorld.CreateAsync(postgres);
        await world.ProjectAsync(SyntheticStream.InOrder());

        var months = await world.FiguresAsync("2026-01", "2026-04");

        AssertRow(months, SyntheticStream.OfficeA, "2026-01", OfficeAJanuary);
        AssertRow(months, null, "2026-01", OfficeAJanuary);
        AssertRow(months, SyntheticStream.OfficeB, "2026-01", Expect());
        AssertRow(months, SyntheticStream.OfficeB, "2026-02", OfficeBFebruary);
        AssertRow(months, OfficeKeys.Unrouted, "2026-02", UnroutedFebruary);
        AssertRow(months, null, "2026-02", Expect(
            (M.DeathsNotified, 4), (M.ScrutinyCompleted, 1), (M.BereavedDiscussionHeld, 1), (M.CdopFlags, 1), (M.WithinRegistrationTarget, 1),
            (M.ScrutinyCoveragePct, 25.0m), (M.BereavedInteractionPct, 100.0m), (M.WithinRegistrationTargetPct, 100.0m),
            (M.MedianHoursDeathToMccd, 48.0m), (M.P90HoursDeathToMccd, 48.0m)));
        // The BST edge case counts in April, by its UK date of death.
        AssertRow(months, SyntheticStream.OfficeA, "2026-04", Expect((M.DeathsNotified, 1), (M.ScrutinyCoveragePct, 0.0m)));
    }

    [Fact]
    public async Task an_empty_period_has_zero_counts_and_no_rates_or_hours()
    {
        await using var world = await MetricsWorld.CreateAsync(postgres);
        await world.ProjectAsync(SyntheticStream.InOrder());

        var march = await world.FiguresAsync("2026-03", "2026-03");

        Assert.Equal(4, march.Rows.Count); // A, B, unrouted, national
        foreach (var row in march.Rows)
        {
            AssertRow(march, row.OfficeId, "2026-03", Expect());
        }
    }

    [Fact]
    public async Task quarters_add_up_their_months_and_compute_hours_over_the_whole_quarter()
    {
        await using var world = await MetricsWorld.CreateAsync(postgres);
        await world.ProjectAsync(SyntheticStream.InOrder());

        var quarters = await world.FiguresAsync("2026-Q1", "2026-Q2");

        AssertRow(quarters, SyntheticStream.OfficeA, "2026-Q1", OfficeAJanuary);
        AssertRow(quarters, SyntheticStream.OfficeB, "2026-Q1", OfficeBFebruary);
        AssertRow(quarters, null, "2026-Q1", NationalQ1);
        AssertRow(quarters, null, "2026-Q2", Expect((M.DeathsNotified, 1), (M.ScrutinyCoveragePct, 0.0m)));
    }

    [Fact]
    public async Task the_same_stream_delivered_twice_and_interleaved_across_cases_gives_the_same_figures()
    {
        await using var inOrder = await MetricsWorld.CreateAsync(postgres);
        await inOrder.ProjectAsync(SyntheticStream.InOrder());
        var expectedMonths = MetricsWorld.Canonical(await inOrder.FiguresAsync("2026-01", "2026-06"));
        var expectedRegulator = MetricsWorld.Canonical(await inOrder.FiguresAsync("2026-Q1", "2026-Q2", MetricsViewer.Regulator));

        foreach (var (seed, batchSize) in new[] { (1, 1), (2, 7), (3, 1000) })
        {
            await using var shuffled = await MetricsWorld.CreateAsync(postgres);
            await shuffled.ProjectAsync(SyntheticStream.InterleavedTwice(seed), batchSize);

            Assert.Equal(expectedMonths, MetricsWorld.Canonical(await shuffled.FiguresAsync("2026-01", "2026-06")));
            Assert.Equal(expectedRegulator, MetricsWorld.Canonical(await shuffled.FiguresAsync("2026-Q1", "2026-Q2", MetricsViewer.Regulator)));
        }
    }

    [Fact]
    public async Task a_case_s_events_out_of_order_within_the_case_still_give_the_same_figures()
    {
        // Kafka keeps one case's events in order; the facts do not rely on it (they fold by sequence).
        await using var inOrder = await MetricsWorld.CreateAsync(postgres);
        await inOrder.ProjectAsync(SyntheticStream.InOrder());
        await using var reversed = await MetricsWorld.CreateAsync(postgres);
        await reversed.ProjectAsync(Enumerable.Reverse(SyntheticStream.InOrder()), batchSize: 3);

        Assert.Equal(
            MetricsWorld.Canonical(await inOrder.FiguresAsync("2026-01", "2026-04")),
            MetricsWorld.Canonical(await reversed.FiguresAsync("2026-01", "2026-04")));
    }

    [Fact]
    public async Task regulators_see_counts_of_1_to_7_and_what_would_reveal_them_suppressed()
    {
        await using var world = await MetricsWorld.CreateAsync(postgres);
        await world.ProjectAsync(SyntheticStream.InOrder());

        var months = await world.FiguresAsync("2026-01", "2026-03", MetricsViewer.Regulator);
        var quarters = await world.FiguresAsync("2026-Q1", "2026-Q1", MetricsViewer.Regulator);
        MetricFigure Month(string? office, string period, string metric) => months.Rows.Single(r => r.OfficeId == office && r.Period.Label == period)[metric];
        MetricFigure Quarter(string? office, string metric) => quarters.Rows.Single(r => r.OfficeId == office)[metric];

        Assert.True(months.DisclosureControlled);
        // Primary: B's 3 and the unrouted 1 in February; the national 4 in February.
        Assert.Equal(MetricFigure.Hidden, Month(SyntheticStream.OfficeB, "2026-02", M.DeathsNotified));
        Assert.Equal(MetricFigure.Hidden, Month(OfficeKeys.Unrouted, "2026-02", M.DeathsNotified));
        Assert.Equal(MetricFigure.Hidden, Month(null, "2026-02", M.DeathsNotified));
        // Secondary: national Q1 (14, shown) − national February would give national January, so January
        // goes; then A's January (10) would equal it, so that goes, and A's Q1 with it.
        Assert.Equal(new MetricFigure(14, null), Quarter(null, M.DeathsNotified));
        Assert.Equal(MetricFigure.Hidden, Month(null, "2026-01", M.DeathsNotified));
        Assert.Equal(MetricFigure.Hidden, Month(SyntheticStream.OfficeA, "2026-01", M.DeathsNotified));
        Assert.Equal(MetricFigure.Hidden, Quarter(SyntheticStream.OfficeA, M.DeathsNotified));
        // Zero is shown as 0.
        Assert.Equal(new MetricFigure(0, null), Month(SyntheticStream.OfficeB, "2026-01", M.DeathsNotified));
        Assert.Equal(new MetricFigure(0, null), Month(null, "2026-03", M.DeathsNotified));
        // Rates and hours follow their counts.
        Assert.Equal(MetricFigure.Hidden, Month(SyntheticStream.OfficeA, "2026-01", M.ScrutinyCoveragePct));
        Assert.Equal(MetricFigure.Hidden, Month(SyntheticStream.OfficeA, "2026-01", M.MedianHoursDeathToMccd));
        Assert.Equal(MetricFigure.Hidden, Quarter(null, M.P90HoursDeathToMccd));
        // No suppressed figure carries its value.
        Assert.All(months.Rows.Concat(quarters.Rows).SelectMany(r => r.Figures.Values), f => Assert.True(f.Suppressed != true || f.Value is null));
    }

    [Fact]
    public async Task an_office_examiner_sees_their_own_office_unsuppressed_and_nothing_else()
    {
        await using var world = await MetricsWorld.CreateAsync(postgres);
        await world.ProjectAsync(SyntheticStream.InOrder());

        var own = await world.FiguresAsync("2026-02", "2026-02", MetricsViewer.OfficeExaminer(SyntheticStream.OfficeB));

        var row = Assert.Single(own.Rows);
        Assert.False(own.DisclosureControlled);
        AssertRow(own, SyntheticStream.OfficeB, "2026-02", OfficeBFebruary);
        Assert.Equal(MetricScopes.Office, row.Scope);
    }

    [Fact]
    public async Task the_region_filter_keeps_the_offices_of_that_region_and_the_national_row()
    {
        await using var world = await MetricsWorld.CreateAsync(postgres);
        await world.ProjectAsync(SyntheticStream.InOrder());

        var south = await world.FiguresAsync("2026-02", "2026-02", MetricsViewer.Regulator, region: "South");

        Assert.Equal([SyntheticStream.OfficeB, null], south.Rows.Select(r => r.OfficeId));
        Assert.Equal("South", south.Rows[0].Region);
    }

    [Fact]
    public async Task no_free_text_or_personal_data_enters_the_metrics_schema()
    {
        await using var world = await MetricsWorld.CreateAsync(postgres);
        await world.ProjectAsync(SyntheticStream.InOrder());

        await using var connection = await world.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        foreach (var table in new[] { "metrics.events", "metrics.case_facts" })
        {
            await using var command = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {table} t WHERE t::text LIKE '%SENTINEL%'", connection);
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        }
    }

    [Fact]
    public async Task an_unreadable_event_is_dead_lettered_and_the_rest_of_the_batch_is_projected()
    {
        await using var world = await MetricsWorld.CreateAsync(postgres);
        var story = new CaseStory("solo").Received(SyntheticStream.OfficeA, new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero)).TriagedToScrutiny(SyntheticStream.OfficeA);
        var good = story.Events.Select((e, i) => MetricsWorld.Inbound(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.CaseEvent), null, i));
        var bad = MetricsWorld.Inbound("{\"schemaVersion\":1,\"nhsNumber\":\"9434765919\""u8.ToArray(), null, 99);
        var batch = new Kafka.MessageBatch([bad, .. good]);

        await world.Projector.HandleAsync(batch, TestContext.Current.CancellationToken);

        var deadLetter = Assert.Single(batch.DeadLetters);
        Assert.Equal(Projection.CaseEventProjector.UnreadableCode, deadLetter.ErrorCode);
        Assert.DoesNotContain("9434765919", deadLetter.ErrorMessage);
        var may = await world.FiguresAsync("2026-05", "2026-05", offices: [SyntheticStream.OfficeA]);
        Assert.Equal(1m, may.Rows.Single(r => r.OfficeId == SyntheticStream.OfficeA)[M.DeathsNotified].Value);
    }

    [Fact]
    public async Task issue_20_leder_and_cdop_flags_set_at_intake_count_like_those_raised_later()
    {
        // Intake flags LeDeR (learning disability or autism) and CDOP (under 18) without a ConcernRaised.
        await using var world = await MetricsWorld.CreateAsync(postgres);
        var may = new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
        CaseStory[] stories =
        [
            new CaseStory("leder-at-intake").Received(SyntheticStream.OfficeA, may, learningDisabilityOrAutism: true).TriagedToScrutiny(SyntheticStream.OfficeA),
            new CaseStory("child").Received(SyntheticStream.OfficeA, may.AddDays(1), ageYears: 17).TriagedToScrutiny(SyntheticStream.OfficeA),
            // Flagged at intake and raised again by the ME: one case, one referral.
            new CaseStory("both").Received(SyntheticStream.OfficeA, may.AddDays(2), ageYears: 9, learningDisabilityOrAutism: true)
                .TriagedToScrutiny(SyntheticStream.OfficeA).Claimed().Concern("leder").Concern("cdop"),
            new CaseStory("adult-just").Received(SyntheticStream.OfficeA, may.AddDays(3), ageYears: 18).TriagedToScrutiny(SyntheticStream.OfficeA),
            new CaseStory("age-unknown").Received(SyntheticStream.OfficeA, may.AddDays(4), ageYears: null).TriagedToScrutiny(SyntheticStream.OfficeA),
        ];
        await world.ProjectAsync(stories.SelectMany(s => s.Events));

        var row = (await world.FiguresAsync("2026-05", "2026-05", offices: [SyntheticStream.OfficeA])).Rows.Single(r => r.OfficeId == SyntheticStream.OfficeA);

        Assert.True(row[M.LederFlags].Value == 2, $"LeDeR: the intake flag and the both-ways case, got {row[M.LederFlags].Value}");
        Assert.True(row[M.CdopFlags].Value == 2, $"CDOP: the 17- and the 9-year-old (18 is an adult; unknown age is not a child), got {row[M.CdopFlags].Value}");
    }
}
