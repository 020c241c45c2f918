using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.SyntheticData;

namespace MedicalExaminer.Cli.Tests;

/// <summary>
/// The generator's intentions (set by construction) and the domain's validation, triage and routing are
/// written independently; each test that compares them checks both.
/// </summary>
public sealed class NotificationGeneratorTests
{
    private static readonly Lazy<List<SyntheticNotification>> Stream = new(() => new NotificationGenerator(seed: 7, clock: FixedClock.Instance).Take(10_000).ToList());
    private static readonly OfficeDirectory Offices = new(DemoOffices.All);

    [Fact]
    public void the_same_seed_and_clock_produce_the_same_stream_and_another_seed_another()
    {
        var first = new NotificationGenerator(seed: 42, clock: FixedClock.Instance).Take(3_000).ToList();
        var second = new NotificationGenerator(seed: 42, clock: FixedClock.Instance).Take(3_000).ToList();
        var other = new NotificationGenerator(seed: 43, clock: FixedClock.Instance).Take(3_000).ToList();

        for (var i = 0; i < first.Count; i++)
        {
            Assert.True(
                first[i].Key == second[i].Key && first[i].Value.AsSpan().SequenceEqual(second[i].Value) && first[i] with { Value = [] } == second[i] with { Value = [] },
                $"message {i} differs between two generators with the same seed");
        }

        Assert.Empty(first.Select(n => n.Key).Intersect(other.Select(n => n.Key)));
    }

    [Fact]
    public void rates_of_the_mix_are_roughly_respected_over_ten_thousand()
    {
        var mix = new SyntheticMix(DuplicateRate: 0.05, InvalidRate: 0.04, UnroutedRate: 0.06, CoronerReferralRate: 0.25, UrgentReleaseRate: 0.1);
        var stream = new NotificationGenerator(seed: 3, mix, clock: FixedClock.Instance).Take(10_000).ToList();
        var valid = stream.Where(n => n.Kind == SyntheticKind.Valid).ToList();

        AssertRate(0.05, stream.Count(n => n.Kind == SyntheticKind.Duplicate), stream.Count, "duplicates");
        AssertRate(0.04, stream.Count(n => n.Kind == SyntheticKind.Invalid), stream.Count, "invalid messages");
        AssertRate(0.06, valid.Count(n => n.IntendedOfficeId is null), valid.Count, "unrouted notifications");
        AssertRate(0.25, valid.Count(n => n.IntendedRoute == Routes.CoronerReferral), valid.Count, "coroner referrals");
        var urgent = valid.Count(n => Read(n).UrgentRelease is not null);
        AssertRate(0.1, urgent, valid.Count, "urgent releases");
    }

    [Fact]
    public void every_valid_notification_is_accepted_and_the_domain_triages_and_routes_it_as_built()
    {
        var mismatches = new List<string>();
        foreach (var n in Stream.Value.Where(n => n.Kind == SyntheticKind.Valid))
        {
            var validation = DeathNotificationParser.Parse(n.Value, FixedClock.Now);
            if (!validation.IsValid)
            {
                mismatches.Add($"{n.Key}: refused ({string.Join(", ", validation.Errors.Select(e => $"{e.Code} {e.Field}"))})");
                continue;
            }

            var plan = IntakePlanner.Plan(validation.Accepted!, Offices);
            if (plan.Decision.Route != n.IntendedRoute || plan.OfficeId != n.IntendedOfficeId || plan.Queue != n.IntendedQueue)
            {
                mismatches.Add($"{n.Key}: route {plan.Decision.Route} (built {n.IntendedRoute}), office {plan.OfficeId} (built {n.IntendedOfficeId}), "
                    + $"queue {plan.Queue} (built {n.IntendedQueue}), reasons [{string.Join(", ", plan.Decision.Reasons.Select(r => $"{r.Code}/{r.Evidence}"))}]");
            }
        }

        Assert.True(mismatches.Count == 0, $"every valid notification is accepted and triaged, routed and queued as built; {mismatches.Count} are not:\n"
            + string.Join("\n", mismatches.Take(20)));
    }

    [Fact]
    public void every_reason_code_is_raised_by_each_of_its_routes_and_every_place_office_and_queue_appears()
    {
        var valid = Stream.Value.Where(n => n.Kind == SyntheticKind.Valid).ToList();
        var decisions = valid.Select(n => TriageEngine.Decide(DeathNotificationParser.Parse(n.Value, FixedClock.Now).Accepted!)).ToList();
        var reasons = decisions.SelectMany(d => d.Reasons).Select(r => (r.Code, r.Source)).ToHashSet();

        Assert.All(ReasonCodes.All, code => Assert.Contains((code, ReasonSources.Circumstance), reasons));
        string[] screened =
        [
            ReasonCodes.Poisoning, ReasonCodes.ToxicExposure, ReasonCodes.MedicinalDrugOrPsychoactive, ReasonCodes.Violence, ReasonCodes.TraumaOrInjury,
            ReasonCodes.SelfHarm, ReasonCodes.Neglect, ReasonCodes.TreatmentOrProcedure, ReasonCodes.Occupational, ReasonCodes.CauseUnknown,
        ];
        Assert.All(screened, code => Assert.Contains((code, ReasonSources.Text), reasons));
        string[] byField = [ReasonCodes.StateDetention, ReasonCodes.NoAttendingPractitioner, ReasonCodes.IdentityUnknown, ReasonCodes.CauseUnknown];
        Assert.All(byField, code => Assert.Contains((code, ReasonSources.Field), reasons));
        Assert.Contains(decisions, d => d.Reasons.Any(r => r.Evidence.StartsWith("ia: old age", StringComparison.Ordinal) || r.Evidence == "ia: frailty of old age"));

        var notifications = valid.Select(Read).ToList();
        Assert.Equal(PlacesOfDeath.All.Order(), notifications.Select(n => n.PlaceOfDeath!).Distinct().Order());
        Assert.Equal(DemoOffices.All.Select(o => o.OfficeId).Order(), valid.Select(n => n.IntendedOfficeId).OfType<string>().Distinct().Order());
        string[] queues = [Queues.Scrutiny, Queues.UrgentRelease, Queues.CoronerReferralReview, Queues.Unrouted];
        Assert.Equal(queues.Order(), valid.Select(n => n.IntendedQueue!).Distinct().Order());
        Assert.Equal(UrgentReleaseReasons.All.Order(), notifications.Select(n => n.UrgentRelease?.Reason).OfType<string>().Distinct().Order());
    }

    [Fact]
    public void informants_ages_and_flags_cover_every_case_the_service_handles()
    {
        var notifications = Stream.Value.Where(n => n.Kind == SyntheticKind.Valid).Select(Read).ToList();
        var informants = notifications.Select(n => n.Informant).OfType<Informant>().ToList();

        Assert.Equal(ContactChannels.All.Order(), informants.Select(i => i.PreferredChannel!).Distinct().Order());
        Assert.Equal(Languages.All.Order(), informants.Select(i => i.Language!).Distinct().Order());
        Assert.Contains(informants, i => i.ConsentToContact == false);
        Assert.Contains(informants, i => i.ConsentToContact == true && i.PreferredChannel == ContactChannels.Email && i.Email is null);
        Assert.Contains(notifications, n => n.Informant is null);
        Assert.Contains(notifications, n => n.Deceased!.LearningDisabilityOrAutism == true);

        var ages = Stream.Value.Where(n => n.Kind == SyntheticKind.Valid)
            .Select(n => DeathNotificationParser.Parse(n.Value, FixedClock.Now).Accepted!.AgeAtDeathYears!.Value).ToList();
        Assert.Contains(ages, a => a < 18);
        Assert.Contains(ages, a => a >= 80);
        Assert.All(notifications, n => Assert.InRange(
            FixedClock.Now - DateTimeOffset.Parse(n.DateTimeOfDeath!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero, TimeSpan.FromDays(5)));
    }

    [Fact]
    public void scrutiny_notifications_include_wording_that_must_not_trigger_a_referral()
    {
        var texts = Stream.Value
            .Where(n => n.Kind == SyntheticKind.Valid && n.IntendedRoute == Routes.Scrutiny)
            .Select(Read)
            .SelectMany(n => new[] { n.ProposedCauseOfDeath!.Ia, n.ProposedCauseOfDeath.Ib, n.ProposedCauseOfDeath.Ic, n.ProposedCauseOfDeath.Ii })
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        string[] traps =
        [
            "Osteoporosis without fracture", "No evidence of fracture", "CT head: no head injury", "No suspicion of neglect",
            "Carcinoma of unknown primary site", "Blood poisoning from a chest infection", "Fall in blood pressure due to sepsis",
            "Alcoholic liver disease", "Frailty of old age", "Old age",
        ];
        Assert.All(traps, trap => Assert.Contains(trap, texts));
    }

    [Fact]
    public void scrutiny_notifications_have_an_available_practitioner_confirmed_identity_and_no_circumstances()
    {
        var scrutiny = Stream.Value.Where(n => n.Kind == SyntheticKind.Valid && n.IntendedRoute == Routes.Scrutiny).Select(Read).ToList();
        Assert.NotEmpty(scrutiny);
        Assert.All(scrutiny, n =>
        {
            Assert.True(n.AttendingPractitioner?.AvailableWithinReasonableTime, "a scrutiny case has an attending practitioner available");
            Assert.True(n.Deceased?.IdentityConfirmed, "a scrutiny case has a confirmed identity");
            Assert.True(n.Circumstances is null or { Count: 0 }, "a scrutiny case has no suspected circumstances");
            Assert.DoesNotContain(n.PlaceOfDeath, PlacesOfDeath.StateDetention);
        });
    }

    [Fact]
    public void every_invalid_message_is_refused_and_the_refusals_vary()
    {
        var invalid = Stream.Value.Where(n => n.Kind == SyntheticKind.Invalid).ToList();
        Assert.NotEmpty(invalid);
        var codes = new HashSet<string>();
        foreach (var n in invalid)
        {
            var validation = DeathNotificationParser.Parse(n.Value, FixedClock.Now);
            Assert.False(validation.IsValid, $"{n.Key} is an invalid message and must be refused");
            Assert.NotEmpty(validation.Errors);
            Assert.Null(n.IntendedRoute);
            codes.UnionWith(validation.Errors.Select(e => e.Code));
        }

        // Over ~50 invalid messages, at least most of the kinds the generator builds appear.
        Assert.True(codes.Count >= 8, $"refusals vary: only {string.Join(", ", codes)}");
        Assert.Contains(ValidationErrorCodes.Oversize, codes);
        Assert.Contains(ValidationErrorCodes.MalformedJson, codes);
        Assert.Contains(ValidationErrorCodes.InvalidNhsNumber, codes);
    }

    [Fact]
    public void a_duplicate_repeats_the_key_bytes_and_intentions_of_an_earlier_valid_notification()
    {
        var seen = new Dictionary<string, SyntheticNotification>();
        var duplicates = 0;
        foreach (var n in Stream.Value)
        {
            if (n.Kind == SyntheticKind.Duplicate)
            {
                duplicates++;
                Assert.True(seen.TryGetValue(n.Key, out var original), $"duplicate {n.Key} repeats an earlier notification");
                Assert.True(original.Value.AsSpan().SequenceEqual(n.Value), $"duplicate {n.Key} has the same bytes as the original");
                Assert.Equal((original.IntendedRoute, original.IntendedOfficeId, original.IntendedQueue), (n.IntendedRoute, n.IntendedOfficeId, n.IntendedQueue));
            }
            else if (n.Kind == SyntheticKind.Valid)
            {
                Assert.True(seen.TryAdd(n.Key, n), $"a new notification has a new key ({n.Key})");
            }
        }

        Assert.True(duplicates > 0, "the default mix includes duplicates");
    }

    [Fact]
    public void nhs_numbers_are_in_the_999_test_range_with_a_valid_check_digit()
    {
        var numbers = Stream.Value.Where(n => n.Kind == SyntheticKind.Valid).Select(n => Read(n).Deceased!.NhsNumber).OfType<string>().ToList();
        Assert.NotEmpty(numbers);
        Assert.All(numbers, number => Assert.True(number.StartsWith("999", StringComparison.Ordinal) && NhsNumber.IsValid(number),
            "every generated NHS number is a valid test-range number"));
    }

    [Fact]
    public void the_notification_key_is_source_system_and_notification_id()
    {
        Assert.All(Stream.Value.Where(n => n.Kind == SyntheticKind.Valid), n =>
        {
            var notification = Read(n);
            Assert.Equal($"{notification.SourceSystem}:{notification.NotificationId}", n.Key);
        });
    }

    private static DeathNotification Read(SyntheticNotification n) =>
        JsonSerializer.Deserialize(n.Value, ContractsJsonContext.Default.DeathNotification)!;

    private static void AssertRate(double expected, int count, int total, string what)
    {
        var actual = (double)count / total;

        // Four standard deviations of a binomial proportion: fails on a wrong rate, not on chance.
        var tolerance = 4 * Math.Sqrt(expected * (1 - expected) / total);
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{what}: expected a rate of {expected:P1} ± {tolerance:P1}, got {actual:P2}");
    }
}
