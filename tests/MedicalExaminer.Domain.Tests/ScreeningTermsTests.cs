using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Tests;

/// <summary>The term file itself: complete against DOMAIN §3, and every entry does what it says.</summary>
public sealed class ScreeningTermsTests
{
    private static readonly ScreeningTerms Terms = ScreeningTerms.Default;

    public static TheoryData<string, string> AllTerms => new(Terms.Codes.SelectMany(c => c.Terms.Select(t => (c.Code, t))));

    public static TheoryData<string, string> AllExclusions => new(Terms.Codes.SelectMany(c => (c.Exclusions ?? []).Select(e => (c.Code, e))));

    [Theory]
    [MemberData(nameof(AllTerms))]
    public void every_listed_term_raises_its_code_alone_in_part_ib(string code, string term)
    {
        var n = Notifications.Valid().WithCause("Bronchopneumonia", ib: term);

        var decision = TriageEngine.Decide(n.Accept());

        Assert.Equal([new TriageReason(code, ReasonSources.Text, $"ib: {term}")], decision.Reasons);
    }

    [Theory]
    [MemberData(nameof(AllTerms))]
    public void every_listed_term_is_negated_by_a_preceding_no(string code, string term)
    {
        var n = Notifications.Valid().WithCause("Bronchopneumonia", ib: $"no {term}");

        Assert.DoesNotContain(TriageEngine.Decide(n.Accept()).Reasons, r => r.Code == code);
    }

    [Theory]
    [MemberData(nameof(AllExclusions))]
    public void every_exclusion_phrase_alone_raises_nothing(string code, string exclusion)
    {
        var n = Notifications.Valid().WithCause(exclusion);

        Assert.DoesNotContain(TriageEngine.Decide(n.Accept()).Reasons, r => r.Code == code);
    }

    [Fact]
    public void every_code_in_the_file_is_a_statutory_reason_code_and_listed_once()
    {
        Assert.All(Terms.Codes, c => Assert.Contains(c.Code, ReasonCodes.All));
        Assert.Equal(Terms.Codes.Count, Terms.Codes.Select(c => c.Code).Distinct().Count());
    }

    [Fact]
    public void no_term_is_listed_twice_or_under_two_codes()
    {
        var all = Terms.Codes.SelectMany(c => c.Terms).ToList();

        Assert.Equal(all.Count, all.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [InlineData("occupational", "mesothelioma", "asbestosis", "pneumoconiosis", "silicosis", "farmer's lung")]
    [InlineData("trauma-or-injury", "fracture", "fractured", "fall", "head injury", "subdural haematoma", "subdural hematoma", "burns", "drowning", "asphyxia", "hanging", "road traffic")]
    [InlineData("poisoning", "poisoning", "carbon monoxide", "acute alcohol intoxication", "acute alcohol toxicity")]
    [InlineData("medicinal-drug-or-psychoactive", "overdose", "opioid toxicity", "drug toxicity", "heroin", "cocaine", "methadone", "adverse drug reaction")]
    [InlineData("treatment-or-procedure", "post-operative", "postoperative", "complication of surgery", "following surgery", "iatrogenic", "perforation during", "anaesthetic")]
    [InlineData("neglect", "neglect", "self-neglect")]
    [InlineData("cause-unknown", "unascertained", "unknown")]
    public void file_holds_every_term_named_in_the_domain(string code, params string[] terms) =>
        Assert.Superset(terms.ToHashSet(), Terms.Codes.Single(c => c.Code == code).Terms.ToHashSet());

    [Fact]
    public void file_holds_the_domain_exclusions_negations_and_old_age_rule()
    {
        Assert.Superset(
            new HashSet<string> { "alcoholic liver disease", "alcohol-related cirrhosis" },
            Terms.Codes.Single(c => c.Code == ReasonCodes.Poisoning).Exclusions!.ToHashSet());
        Assert.Equal(["no", "not", "without", "excluded", "ruled out"], Terms.Negations);
        Assert.Equal(3, Terms.NegationWindow);
        Assert.Equal(80, Terms.OldAge.NaturalFromAge);
        Assert.Superset(new HashSet<string> { "old age", "frailty of old age" }, Terms.OldAge.Terms.ToHashSet());
    }

    [Fact]
    public void terms_are_lower_case_so_evidence_is_stable() =>
        Assert.All(
            Terms.Codes.SelectMany(c => c.Terms.Concat(c.Exclusions ?? [])).Concat(Terms.Negations).Concat(Terms.OldAge.Terms),
            t => Assert.Equal(t.ToLowerInvariant(), t));
}
