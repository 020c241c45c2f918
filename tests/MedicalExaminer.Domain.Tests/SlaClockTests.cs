using MedicalExaminer.Domain.Casework;

namespace MedicalExaminer.Domain.Tests;

/// <summary>The clocks of DOMAIN §4 at their boundaries: exactly 0 h, 24 h and 72 h, and across the UK clock changes.</summary>
public sealed class SlaClockTests
{
    private static readonly DateTimeOffset Death = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(10); // one microsecond, Postgres's resolution

    [Theory]
    [InlineData(0, SlaStatus.OnTrack)]       // at death: 72 h left
    [InlineData(47, SlaStatus.OnTrack)]
    [InlineData(48, SlaStatus.OnTrack)]      // exactly 24 h left: not yet at risk
    [InlineData(49, SlaStatus.AtRisk)]
    [InlineData(72, SlaStatus.AtRisk)]       // exactly 0 h left: the target can still be met
    [InlineData(73, SlaStatus.Breached)]
    public void the_scrutiny_target_runs_seventy_two_hours_from_death_by_default(int hoursAfterDeath, SlaStatus expected)
    {
        var state = SlaClock.Scrutiny(Death, SlaClock.DefaultScrutinyTargetHours, Death.AddHours(hoursAfterDeath));

        Assert.Equal(expected, state.Status);
        Assert.Equal(Death.AddHours(72), state.DueAt);
        Assert.Equal(72 - hoursAfterDeath, state.HoursRemaining);
    }

    [Fact]
    public void at_risk_begins_just_under_twenty_four_hours_left_and_breach_just_after_zero()
    {
        var due = SlaClock.ScrutinyDueAt(Death, 72);

        Assert.Equal(SlaStatus.OnTrack, SlaClock.StatusAt(due, due - TimeSpan.FromHours(24), SlaClock.AtRiskWindow));
        Assert.Equal(SlaStatus.AtRisk, SlaClock.StatusAt(due, due - TimeSpan.FromHours(24) + Tick, SlaClock.AtRiskWindow));
        Assert.Equal(SlaStatus.AtRisk, SlaClock.StatusAt(due, due, SlaClock.AtRiskWindow));
        Assert.Equal(SlaStatus.Breached, SlaClock.StatusAt(due, due + Tick, SlaClock.AtRiskWindow));
    }

    [Fact]
    public void an_mccd_sent_at_exactly_the_target_is_within_it_and_one_microsecond_later_is_not()
    {
        Assert.True(SlaClock.WithinScrutinyTarget(Death, 72, Death.AddHours(72)));
        Assert.False(SlaClock.WithinScrutinyTarget(Death, 72, Death.AddHours(72) + Tick));
        Assert.Equal(SlaStatus.AtRisk, SlaClock.Scrutiny(Death, 72, Death.AddHours(72)).Status);
    }

    [Fact]
    public void an_office_target_other_than_seventy_two_hours_moves_the_deadline()
    {
        var state = SlaClock.Scrutiny(Death, 48, Death.AddHours(30));

        Assert.Equal(Death.AddHours(48), state.DueAt);
        Assert.Equal(SlaStatus.AtRisk, state.Status);
        Assert.Equal(SlaStatus.OnTrack, SlaClock.Scrutiny(Death, 96, Death.AddHours(30)).Status);
    }

    [Fact]
    public void the_scrutiny_target_is_elapsed_hours_across_the_march_clock_change()
    {
        // 28 March 2026 01:30 GMT; clocks go forward at 01:00 GMT on 29 March. 72 elapsed hours later it is
        // 31 March 01:30 UTC, which a UK office reads as 02:30 BST.
        var death = new DateTimeOffset(2026, 3, 28, 1, 30, 0, TimeSpan.Zero);
        var due = SlaClock.ScrutinyDueAt(death, 72);

        Assert.Equal(new DateTimeOffset(2026, 3, 31, 1, 30, 0, TimeSpan.Zero), due);
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 2, 30, 0, TimeSpan.FromHours(1)), SlaClock.ToUkTime(due));
        Assert.Equal(SlaStatus.AtRisk, SlaClock.Scrutiny(death, 72, due).Status);
        Assert.Equal(SlaStatus.Breached, SlaClock.Scrutiny(death, 72, due + Tick).Status);
    }

    [Fact]
    public void the_scrutiny_target_is_elapsed_hours_across_the_october_clock_change()
    {
        // 24 October 2026 09:00 BST (08:00 UTC); clocks go back at 01:00 UTC on 25 October. 72 h later it is
        // 27 October 08:00 UTC = 08:00 GMT: the wall clock shows one hour earlier than the death's.
        var death = new DateTimeOffset(2026, 10, 24, 9, 0, 0, TimeSpan.FromHours(1));
        var due = SlaClock.ScrutinyDueAt(death, 72);

        Assert.Equal(new DateTimeOffset(2026, 10, 27, 8, 0, 0, TimeSpan.Zero), due);
        Assert.Equal(TimeSpan.Zero, SlaClock.ToUkTime(due).Offset);
        Assert.Equal(SlaStatus.OnTrack, SlaClock.Scrutiny(death, 72, due - TimeSpan.FromHours(24)).Status);
        Assert.Equal(SlaStatus.AtRisk, SlaClock.Scrutiny(death, 72, due - TimeSpan.FromHours(24) + Tick).Status);
    }

    [Fact]
    public void registration_runs_five_calendar_days_from_the_registrars_receipt_not_from_the_death()
    {
        var received = new DateTimeOffset(2026, 11, 9, 14, 0, 0, TimeSpan.Zero); // Monday 9 November, GMT

        Assert.Equal(new DateOnly(2026, 11, 14), SlaClock.RegisterBy(received));
        Assert.Equal(new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero), SlaClock.RegistrationDueAt(received));
        Assert.Equal(SlaStatus.OnTrack, SlaClock.Registration(received, new DateTimeOffset(2026, 11, 14, 0, 0, 0, TimeSpan.Zero)).Status);
        Assert.Equal(SlaStatus.AtRisk, SlaClock.Registration(received, new DateTimeOffset(2026, 11, 14, 0, 0, 0, TimeSpan.Zero) + Tick).Status);
        Assert.Equal(SlaStatus.Breached, SlaClock.Registration(received, new DateTimeOffset(2026, 11, 15, 0, 0, 0, TimeSpan.Zero) + Tick).Status);
    }

    [Fact]
    public void the_register_by_date_is_the_uk_date_of_receipt_so_a_late_evening_receipt_in_summer_counts_the_next_day()
    {
        // 23:30 UTC on 10 June is 00:30 BST on 11 June in the UK.
        var received = new DateTimeOffset(2026, 6, 10, 23, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 6, 16), SlaClock.RegisterBy(received));
        Assert.Equal(new DateTimeOffset(2026, 6, 16, 23, 0, 0, TimeSpan.Zero), SlaClock.RegistrationDueAt(received)); // 17 June 00:00 BST
    }

    [Fact]
    public void registration_across_the_march_clock_change_ends_at_uk_midnight_in_summer_time()
    {
        // Received Friday 27 March 2026 (GMT); register by Wednesday 1 April, which ends at 00:00 BST on 2 April.
        var received = new DateTimeOffset(2026, 3, 27, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 4, 1), SlaClock.RegisterBy(received));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 23, 0, 0, TimeSpan.Zero), SlaClock.RegistrationDueAt(received));
    }

    [Fact]
    public void registration_across_the_october_clock_change_ends_at_uk_midnight_in_winter_time()
    {
        // Received Friday 23 October 2026 at 23:30 BST (22:30 UTC); register by Wednesday 28 October, which ends at
        // 00:00 GMT on 29 October.
        var received = new DateTimeOffset(2026, 10, 23, 22, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 10, 28), SlaClock.RegisterBy(received));
        Assert.Equal(new DateTimeOffset(2026, 10, 29, 0, 0, 0, TimeSpan.Zero), SlaClock.RegistrationDueAt(received));
    }

    [Fact]
    public void the_urgent_release_clock_keeps_its_own_window()
    {
        var requested = Death;

        Assert.Equal(SlaStatus.OnTrack, SlaClock.UrgentRelease(requested, 24, requested.AddHours(18)).Status);
        Assert.Equal(SlaStatus.AtRisk, SlaClock.UrgentRelease(requested, 24, requested.AddHours(18) + Tick).Status);
        Assert.Equal(SlaStatus.AtRisk, SlaClock.UrgentRelease(requested, 24, requested.AddHours(24)).Status);
        Assert.Equal(SlaStatus.Breached, SlaClock.UrgentRelease(requested, 24, requested.AddHours(24) + Tick).Status);
    }
}
