using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Tests;

public sealed class IntakePlannerTests
{
    private static readonly OfficeDirectory Offices = new([new OfficeCoverage("leeds", "Leeds ME Office", ["RXX01"], ["LS1"])]);

    private static DeathNotification Referable(DeathNotification n) => n with { Circumstances = [ReasonCodes.Violence] };

    private static DeathNotification Urgent(DeathNotification n) => n with { UrgentRelease = new UrgentRelease { Reason = "faith" } };

    private static DeathNotification Unrouted(DeathNotification n) =>
        (n with { SiteOdsCode = "Y99999" }).WithDeceased(d => d with { Postcode = "ZE1 1AA" });

    [Theory]
    [InlineData(false, false, true, "scrutiny", "AwaitingScrutiny")]
    [InlineData(false, true, true, "urgent-release", "AwaitingScrutiny")]
    [InlineData(true, false, true, "coroner-referral-review", "CoronerReferralReview")]
    [InlineData(true, true, true, "coroner-referral-review", "CoronerReferralReview")]
    [InlineData(false, false, false, "unrouted", "AwaitingScrutiny")]
    [InlineData(false, true, false, "unrouted", "AwaitingScrutiny")]
    [InlineData(true, false, false, "unrouted", "CoronerReferralReview")]
    public void queue_and_state_follow_route_urgency_and_office(bool referable, bool urgent, bool routed, string queue, string state)
    {
        var n = Notifications.Valid();
        n = referable ? Referable(n) : n;
        n = urgent ? Urgent(n) : n;
        n = routed ? n : Unrouted(n);

        var plan = IntakePlanner.Plan(n.Accept(), Offices);

        Assert.Equal(queue, plan.Queue);
        Assert.Equal(state, plan.State);
        Assert.Equal(routed ? "leeds" : null, plan.OfficeId);
        Assert.Equal(referable ? Routes.CoronerReferral : Routes.Scrutiny, plan.Decision.Route);
    }

    [Fact]
    public void plan_carries_the_triage_decision()
    {
        var accepted = Referable(Notifications.Valid()).Accept();

        var plan = IntakePlanner.Plan(accepted, Offices);

        Assert.Equal(TriageEngine.Decide(accepted).Reasons, plan.Decision.Reasons);
    }

    [Fact]
    public void postcode_district_routes_when_the_site_is_not_covered()
    {
        var n = Notifications.Valid() with { SiteOdsCode = "Y99999" };

        Assert.Equal("leeds", IntakePlanner.Plan(n.Accept(), Offices).OfficeId);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(null, false)]
    public void leder_flag_follows_learning_disability_or_autism(bool? value, bool expected)
    {
        var n = Notifications.Valid().WithDeceased(d => d with { LearningDisabilityOrAutism = value });

        Assert.Equal(expected, IntakePlanner.Plan(n.Accept(), Offices).LederFlag);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(17, true)]
    [InlineData(18, false)]
    [InlineData(86, false)]
    public void cdop_flag_is_raised_for_deaths_under_18(int age, bool expected) =>
        Assert.Equal(expected, IntakePlanner.Plan(Notifications.Valid().AgedAtDeath(age).Accept(), Offices).CdopFlag);

    [Fact]
    public void cdop_flag_is_not_raised_when_the_age_is_unknown() =>
        Assert.False(IntakePlanner.Plan(Notifications.Valid().WithDeceased(d => d with { DateOfBirth = null }).Accept(), Offices).CdopFlag);
}
