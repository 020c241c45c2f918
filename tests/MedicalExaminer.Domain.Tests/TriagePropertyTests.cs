using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Tests;

public sealed class TriagePropertyTests
{
    // Every string a decision can contain: codes, sources, routes, field names, parts and terms.
    // A generated name inside any of them could appear in the decision without being a leak.
    private static readonly string DecisionVocabulary = string.Join(
        "|",
        ReasonCodes.All
            .Concat([ReasonSources.Circumstance, ReasonSources.Field, ReasonSources.Text, Routes.CoronerReferral, Routes.Scrutiny])
            .Concat(["route", "reasons", "code", "source", "evidence", "placeOfDeath", "attendingPractitioner", "deceased.identityConfirmed", "proposedCauseOfDeath.ia", "ia", "ib", "ic", "ii"])
            .Concat(ScreeningTerms.Default.Codes.SelectMany(c => c.Terms))
            .Concat(ScreeningTerms.Default.OldAge.Terms));

    private static readonly string[] CauseFragments =
    [
        "Bronchopneumonia", "Old age", "Frailty of old age", "Fractured neck of femur", "No evidence of fracture", "Opioid toxicity",
        "Alcoholic liver disease", "Acute alcohol toxicity", "Mesothelioma", "Unascertained", "Post-operative sepsis", "Self-neglect",
        "Ischaemic heart disease", "Carbon monoxide poisoning", "Stab wound", "",
    ];

    private static readonly Gen<string> Names =
        Gen.Choose(3, 12)
            .SelectMany(length => Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz".ToCharArray()), length))
            .Select(chars => char.ToUpperInvariant(chars[0]) + new string(chars[1..]))
            .Where(name => !DecisionVocabulary.Contains(name, StringComparison.OrdinalIgnoreCase));

    private static readonly Gen<string> NhsNumbers =
        Gen.Choose(0, 999_999)
            .Select(n => "999" + n.ToString("D6"))
            .Select(nine => nine + CheckDigit(nine))
            .Where(NhsNumber.IsValid);

    private static readonly Gen<string?> Causes =
        Gen.SubListOf(CauseFragments).Select(parts => parts.Count == 0 ? null : string.Join(", ", parts));

    private sealed record Person(string GivenName, string FamilyName, string NhsNumber);

    private static readonly Gen<Person> People =
        Names.SelectMany(given => Names.SelectMany(family => NhsNumbers.Select(nhs => new Person(given, family, nhs))));

    // Valid notifications whose person's identifiers also appear in every free-text part, so a leak would show.
    private static readonly Gen<(Person Person, DeathNotification Notification)> Cases =
        from person in People
        from place in Gen.Elements(PlacesOfDeath.All.ToArray())
        from circumstances in Gen.SubListOf(ReasonCodes.All.ToArray())
        from shuffled in Gen.Shuffle(circumstances.ToArray())
        from hasPractitioner in Gen.Elements(true, false)
        from available in Gen.Elements(true, false)
        from identityConfirmed in Gen.Elements(true, false)
        from age in Gen.Choose(0, 105)
        from ia in Causes
        from ib in Causes
        from ii in Causes
        select (person, Notification(person, place, shuffled, hasPractitioner, available, identityConfirmed, age, ia, ib, ii));

    private static DeathNotification Notification(
        Person person, string place, IReadOnlyList<string> circumstances, bool hasPractitioner, bool available, bool identityConfirmed, int age,
        string? ia, string? ib, string? ii)
    {
        var mention = $" ({person.GivenName} {person.FamilyName} {person.NhsNumber})";
        var n = Notifications.Valid().AgedAtDeath(age).WithCause(ia is null ? null : ia + mention, ib is null ? null : ib + mention, mention, ii is null ? null : ii + mention);
        return (n with
        {
            PlaceOfDeath = place,
            Circumstances = circumstances,
            AttendingPractitioner = hasPractitioner ? n.AttendingPractitioner! with { AvailableWithinReasonableTime = available } : null,
            Informant = n.Informant! with { Name = $"{person.GivenName} {person.FamilyName}" },
        }).WithDeceased(d => d with { GivenName = person.GivenName, FamilyName = person.FamilyName, NhsNumber = person.NhsNumber, IdentityConfirmed = identityConfirmed });
    }

    private static string Json(TriageDecision decision) => JsonSerializer.Serialize(decision, ContractsJsonContext.Default.TriageDecision);

    private static int CheckDigit(string nine)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nine[i] - '0') * (10 - i);
        }

        return (11 - (sum % 11)) % 11;
    }

    [Property(MaxTest = 300)]
    public Property decision_is_a_deterministic_function_of_the_notification() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var accepted = c.Notification.Accept();
            var reordered = c.Notification with { Circumstances = c.Notification.Circumstances!.Reverse().ToList() };

            var first = Json(TriageEngine.Decide(accepted));

            return first == Json(TriageEngine.Decide(accepted))
                && first == Json(TriageEngine.Decide(NotificationValidator.Validate(c.Notification, Notifications.Now).Accepted!))
                && first == Json(TriageEngine.Decide(reordered.Accept()));
        });

    [Property(MaxTest = 300)]
    public Property decision_json_never_contains_the_persons_name_or_nhs_number() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var json = Json(TriageEngine.Decide(c.Notification.Accept()));

            return !json.Contains(c.Person.GivenName, StringComparison.OrdinalIgnoreCase)
                && !json.Contains(c.Person.FamilyName, StringComparison.OrdinalIgnoreCase)
                && !json.Contains(c.Person.NhsNumber, StringComparison.Ordinal);
        });

    [Property(MaxTest = 300)]
    public Property route_is_coroner_referral_exactly_when_there_is_a_reason() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var decision = TriageEngine.Decide(c.Notification.Accept());

            return decision.Route == (decision.Reasons.Count > 0 ? Routes.CoronerReferral : Routes.Scrutiny)
                && decision.Reasons.Distinct().Count() == decision.Reasons.Count;
        });

    [Fact]
    public void generated_names_avoid_the_decision_vocabulary()
    {
        // Guards the generator itself: without the filter a name such as "Fall" would make the leak property vacuous.
        Assert.Contains("fall", DecisionVocabulary, StringComparison.Ordinal);
        Assert.All(Names.Sample(200), name => Assert.DoesNotContain(name, DecisionVocabulary, StringComparison.OrdinalIgnoreCase));
    }
}
