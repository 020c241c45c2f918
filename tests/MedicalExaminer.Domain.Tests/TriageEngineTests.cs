using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain.Tests;

public sealed class TriageEngineTests
{
    private static TriageDecision Decide(DeathNotification n) => TriageEngine.Decide(n.Accept());

    private static TriageReason Text(string code, string evidence) => new(code, ReasonSources.Text, evidence);

    private static TriageReason Field(string code, string evidence) => new(code, ReasonSources.Field, evidence);

    [Fact]
    public void natural_death_with_available_practitioner_goes_to_scrutiny_with_no_reasons()
    {
        var decision = Decide(Notifications.Valid());

        Assert.Equal(Routes.Scrutiny, decision.Route);
        Assert.Empty(decision.Reasons);
    }

    public static TheoryData<string> AllReasonCodes => new(ReasonCodes.All);

    [Theory]
    [MemberData(nameof(AllReasonCodes))]
    public void every_circumstance_code_raises_its_reason_with_the_code_as_evidence(string code)
    {
        var decision = Decide(Notifications.Valid() with { Circumstances = [code] });

        Assert.Equal(Routes.CoronerReferral, decision.Route);
        Assert.Equal([new TriageReason(code, ReasonSources.Circumstance, code)], decision.Reasons);
    }

    public static TheoryData<string> DetentionPlaces => new(PlacesOfDeath.StateDetention);

    public static TheoryData<string> OtherPlaces => new(PlacesOfDeath.All.Except(PlacesOfDeath.StateDetention));

    [Theory]
    [MemberData(nameof(DetentionPlaces))]
    public void death_in_state_detention_raises_state_detention_from_place_of_death(string place) =>
        Assert.Equal([Field(ReasonCodes.StateDetention, "placeOfDeath")], Decide(Notifications.Valid() with { PlaceOfDeath = place }).Reasons);

    [Theory]
    [MemberData(nameof(OtherPlaces))]
    public void death_elsewhere_raises_nothing_from_place_of_death(string place) =>
        Assert.Empty(Decide(Notifications.Valid() with { PlaceOfDeath = place }).Reasons);

    [Fact]
    public void no_attending_practitioner_raises_no_attending_practitioner() =>
        Assert.Equal(
            [Field(ReasonCodes.NoAttendingPractitioner, "attendingPractitioner")],
            Decide(Notifications.Valid() with { AttendingPractitioner = null }).Reasons);

    [Fact]
    public void practitioner_not_available_in_reasonable_time_raises_no_attending_practitioner()
    {
        var n = Notifications.Valid() with { AttendingPractitioner = Notifications.Valid().AttendingPractitioner! with { AvailableWithinReasonableTime = false } };

        Assert.Equal([Field(ReasonCodes.NoAttendingPractitioner, "attendingPractitioner")], Decide(n).Reasons);
    }

    [Fact]
    public void unknown_practitioner_availability_is_not_unavailable_and_raises_nothing()
    {
        var n = Notifications.Valid() with { AttendingPractitioner = Notifications.Valid().AttendingPractitioner! with { AvailableWithinReasonableTime = null } };

        Assert.Empty(Decide(n).Reasons);
        Assert.Equal(Routes.Scrutiny, Decide(n).Route);
    }

    [Fact]
    public void unconfirmed_identity_raises_identity_unknown() =>
        Assert.Equal(
            [Field(ReasonCodes.IdentityUnknown, "deceased.identityConfirmed")],
            Decide(Notifications.Valid().WithDeceased(d => d with { IdentityConfirmed = false })).Reasons);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void empty_or_missing_part_ia_raises_cause_unknown(string? ia) =>
        Assert.Equal(
            [Field(ReasonCodes.CauseUnknown, "proposedCauseOfDeath.ia")],
            Decide(Notifications.Valid().WithCause(ia, ii: "Hypertension")).Reasons);

    [Fact]
    public void missing_cause_of_death_raises_cause_unknown() =>
        Assert.Equal(
            [Field(ReasonCodes.CauseUnknown, "proposedCauseOfDeath.ia")],
            Decide(Notifications.Valid() with { ProposedCauseOfDeath = null }).Reasons);

    // Cause text → the reasons it must raise (empty: none). Ia unless the text says otherwise.
    [Theory]
    [InlineData("Mesothelioma", "occupational", "ia: mesothelioma")]
    [InlineData("Asbestosis", "occupational", "ia: asbestosis")]
    [InlineData("Farmer's lung", "occupational", "ia: farmer's lung")]
    [InlineData("Farmer\u2019s lung", "occupational", "ia: farmer's lung")]
    [InlineData("Fractured neck of femur", "trauma-or-injury", "ia: fractured")]
    [InlineData("Pelvic fracture", "trauma-or-injury", "ia: fracture")]
    [InlineData("Acute SUBDURAL HAEMATOMA", "trauma-or-injury", "ia: subdural haematoma")]
    [InlineData("Subdural hematoma", "trauma-or-injury", "ia: subdural hematoma")]
    [InlineData("Drowning", "trauma-or-injury", "ia: drowning")]
    [InlineData("Hanging", "trauma-or-injury", "ia: hanging")]
    [InlineData("Multiple injuries, road traffic collision", "trauma-or-injury", "ia: road traffic")]
    [InlineData("Carbon monoxide poisoning", "poisoning", "ia: carbon monoxide", "ia: poisoning")]
    [InlineData("Acute alcohol toxicity", "poisoning", "ia: acute alcohol toxicity")]
    [InlineData("Acute alcohol intoxication", "poisoning", "ia: acute alcohol intoxication")]
    [InlineData("Smoke inhalation", "toxic-exposure", "ia: smoke inhalation")]
    [InlineData("Mixed drug toxicity", "medicinal-drug-or-psychoactive", "ia: drug toxicity")]
    [InlineData("Opioid toxicity", "medicinal-drug-or-psychoactive", "ia: opioid toxicity")]
    [InlineData("Heroin and cocaine use", "medicinal-drug-or-psychoactive", "ia: cocaine", "ia: heroin")]
    [InlineData("Adverse drug reaction", "medicinal-drug-or-psychoactive", "ia: adverse drug reaction")]
    [InlineData("Stab wounds to the chest", "violence", "ia: stab wounds")]
    [InlineData("Suicide", "self-harm", "ia: suicide")]
    [InlineData("Postoperative haemorrhage", "treatment-or-procedure", "ia: postoperative")]
    [InlineData("Post-operative pneumonia", "treatment-or-procedure", "ia: post-operative")]
    [InlineData("Bowel perforation during colonoscopy", "treatment-or-procedure", "ia: perforation during")]
    [InlineData("Self-neglect", "neglect", "ia: self-neglect")]
    [InlineData("Unascertained", "cause-unknown", "ia: unascertained")]
    [InlineData("Unknown", "cause-unknown", "ia: unknown")]
    public void cause_text_term_raises_its_code_with_part_and_term_as_evidence(string ia, string code, params string[] evidence)
    {
        var decision = Decide(Notifications.Valid().WithCause(ia));

        Assert.Equal(Routes.CoronerReferral, decision.Route);
        Assert.Equal(evidence.Order(StringComparer.Ordinal).Select(e => Text(code, e)), decision.Reasons);
    }

    [Theory]
    [InlineData("Bronchopneumonia")]
    [InlineData("No evidence of fracture")]
    [InlineData("Pneumonia, no fall")]
    [InlineData("Pneumonia without head injury")]
    [InlineData("Pneumonia; not a fall")]
    [InlineData("Ruled out overdose, sepsis")]
    [InlineData("Alcoholic liver disease")]
    [InlineData("Alcohol-related cirrhosis")]
    [InlineData("Blood poisoning")]
    [InlineData("Fall in blood pressure")]
    [InlineData("Carcinoma of unknown primary")]
    [InlineData("Prefracture anaemia")] // whole words only
    [InlineData("Fallopian tube carcinoma")]
    public void natural_or_negated_cause_text_raises_nothing(string ia)
    {
        var decision = Decide(Notifications.Valid().WithCause(ia));

        Assert.Empty(decision.Reasons);
        Assert.Equal(Routes.Scrutiny, decision.Route);
    }

    [Fact]
    public void negation_after_a_term_does_not_negate_it_so_triage_errs_towards_referral() =>
        Assert.Equal(
            [Text(ReasonCodes.TraumaOrInjury, "ia: subdural haematoma")],
            Decide(Notifications.Valid().WithCause("Subdural haematoma excluded on CT, ischaemic stroke")).Reasons);

    [Fact]
    public void negation_further_than_three_words_back_does_not_negate() =>
        Assert.Equal(
            [Text(ReasonCodes.TraumaOrInjury, "ia: fall")],
            Decide(Notifications.Valid().WithCause("No history of recent fall")).Reasons);

    [Fact]
    public void negation_covers_only_the_term_it_precedes() =>
        Assert.Equal(
            [Text(ReasonCodes.TraumaOrInjury, "ia: fractured")],
            Decide(Notifications.Valid().WithCause("No head injury but fractured hip")).Reasons);

    [Fact]
    public void exclusion_covers_only_the_words_it_spans() =>
        Assert.Equal(
            [Text(ReasonCodes.Poisoning, "ia: acute alcohol toxicity")],
            Decide(Notifications.Valid().WithCause("Acute alcohol toxicity", ii: "Alcoholic liver disease")).Reasons);

    [Theory]
    [InlineData("ia")]
    [InlineData("ib")]
    [InlineData("ic")]
    [InlineData("ii")]
    public void every_part_is_screened_and_named_in_the_evidence(string part)
    {
        var n = part switch
        {
            "ia" => Notifications.Valid().WithCause("Fracture"),
            "ib" => Notifications.Valid().WithCause("Pneumonia", ib: "Fracture"),
            "ic" => Notifications.Valid().WithCause("Pneumonia", ic: "Fracture"),
            _ => Notifications.Valid().WithCause("Pneumonia", ii: "Fracture"),
        };

        Assert.Equal([Text(ReasonCodes.TraumaOrInjury, $"{part}: fracture")], Decide(n).Reasons);
    }

    [Theory]
    [InlineData("Old age", 79, "ia: old age")]
    [InlineData("Frailty of old age", 79, "ia: frailty of old age")]
    [InlineData("old age", 0, "ia: old age")]
    [InlineData("Old age", 80, null)]
    [InlineData("Frailty of old age", 80, null)]
    [InlineData("Frailty of old age", 101, null)]
    public void old_age_in_ia_is_natural_from_80_and_cause_unknown_below(string ia, int age, string? evidence)
    {
        var decision = Decide(Notifications.Valid().AgedAtDeath(age).WithCause(ia));

        TriageReason[] expected = evidence is null ? [] : [Text(ReasonCodes.CauseUnknown, evidence)];
        Assert.Equal(expected, decision.Reasons);
    }

    [Fact]
    public void old_age_with_no_date_of_birth_is_cause_unknown_because_the_age_cannot_be_shown()
    {
        var n = Notifications.Valid().WithDeceased(d => d with { DateOfBirth = null }).WithCause("Old age");

        Assert.Equal([Text(ReasonCodes.CauseUnknown, "ia: old age")], Decide(n).Reasons);
    }

    [Fact]
    public void old_age_outside_ia_is_not_judged() =>
        Assert.Empty(Decide(Notifications.Valid().AgedAtDeath(70).WithCause("Bronchopneumonia", ii: "Old age")).Reasons);

    [Fact]
    public void several_reasons_are_all_given_in_canonical_order()
    {
        var n = Notifications.Valid() with
        {
            PlaceOfDeath = PlacesOfDeath.Prison,
            AttendingPractitioner = null,
            Circumstances = [ReasonCodes.UnnaturalOther, ReasonCodes.Violence],
        };
        n = n.WithCause("Haemorrhage", ib: "Stab wound to the chest", ii: "Heroin use");

        var decision = Decide(n);

        Assert.Equal(Routes.CoronerReferral, decision.Route);
        Assert.Equal(
            [
                Text(ReasonCodes.MedicinalDrugOrPsychoactive, "ii: heroin"),
                new TriageReason(ReasonCodes.Violence, ReasonSources.Circumstance, ReasonCodes.Violence),
                Text(ReasonCodes.Violence, "ib: stab wound"),
                new TriageReason(ReasonCodes.UnnaturalOther, ReasonSources.Circumstance, ReasonCodes.UnnaturalOther),
                Field(ReasonCodes.StateDetention, "placeOfDeath"),
                Field(ReasonCodes.NoAttendingPractitioner, "attendingPractitioner"),
            ],
            decision.Reasons);
    }

    [Fact]
    public void repeated_evidence_is_one_reason_but_distinct_evidence_is_kept()
    {
        var n = (Notifications.Valid() with { Circumstances = [ReasonCodes.TraumaOrInjury, ReasonCodes.TraumaOrInjury] })
            .WithCause("Fall, then a second fall", ib: "Fall");

        Assert.Equal(
            [
                new TriageReason(ReasonCodes.TraumaOrInjury, ReasonSources.Circumstance, ReasonCodes.TraumaOrInjury),
                Text(ReasonCodes.TraumaOrInjury, "ia: fall"),
                Text(ReasonCodes.TraumaOrInjury, "ib: fall"),
            ],
            Decide(n).Reasons);
    }

    [Fact]
    public void order_of_circumstances_does_not_change_the_decision()
    {
        var forwards = Decide(Notifications.Valid() with { Circumstances = [ReasonCodes.Neglect, ReasonCodes.Poisoning, ReasonCodes.SelfHarm] });
        var backwards = Decide(Notifications.Valid() with { Circumstances = [ReasonCodes.SelfHarm, ReasonCodes.Poisoning, ReasonCodes.Neglect] });

        Assert.Equal(forwards.Reasons, backwards.Reasons);
    }

    [Fact]
    public void text_evidence_names_the_term_never_the_surrounding_words()
    {
        var n = Notifications.Valid().WithCause("Test Patient sustained a FRACTURED femur at 1 Test Street");

        var reason = Assert.Single(Decide(n).Reasons);

        Assert.Equal("ia: fractured", reason.Evidence);
    }
}
