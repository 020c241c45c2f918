using MedicalExaminer.Contracts;
using MedicalExaminer.FamilyNotifier.Decisions;
using MedicalExaminer.Notify;

namespace MedicalExaminer.FamilyNotifier.Tests;

/// <summary>The rules of DOMAIN §6 as pure functions, and every template file rendered in both languages.</summary>
public sealed class PolicyAndTemplateTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly QuietHours Quiet = new(London, new TimeSpan(21, 0, 0), new TimeSpan(8, 0, 0));
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static CaseContact Contact(Informant? informant) => new(Guid.NewGuid(), "me-leeds", new DeceasedSummary("Pat", "Example"), CaseEvents.Death, informant);

    public static TheoryData<string, string> Triggers => new()
    {
        { nameof(NotificationReceived), FamilyTemplates.CaseReceived },
        { nameof(UrgentReleaseDecided), FamilyTemplates.UrgentReleaseDecided },
        { nameof(CoronerReferralConfirmed), FamilyTemplates.ReferredToCoroner },
        { nameof(CoronerDeclined), FamilyTemplates.CoronerDeclined },
        { nameof(MccdIssued), FamilyTemplates.MccdIssued },
    };

    [Theory]
    [MemberData(nameof(Triggers))]
    public void each_template_is_triggered_by_its_event(string eventType, string template)
    {
        var body = CaseEvents.FullCase(Guid.NewGuid(), null).Single(e => e.Body.EventType == eventType).Body;

        Assert.Equal(template, NotificationPolicy.TemplateFor(body));
    }

    [Fact]
    public void other_events_trigger_no_template() =>
        Assert.All(
            new CaseEventBody[] { new CaseClaimed("dr.a", Queues.Scrutiny), new RecordsReviewed(null), new CaseReopened("x"), new CoronerAccepted(null), new BereavedDiscussed("held", false, null) },
            body => Assert.Null(NotificationPolicy.TemplateFor(body)));

    public static TheoryData<string, string?, string?, string?, string?> Channels => new()
    {
        // preferred, email, phone, address → chosen (null: withheld)
        { ContactChannels.Sms, "a@example.org", "07700 900123", "1 Street, Town", ContactChannels.Sms },
        { ContactChannels.Letter, "a@example.org", "07700 900123", "1 Street, Town", ContactChannels.Letter },
        { ContactChannels.Sms, "a@example.org", null, "1 Street, Town", ContactChannels.Email },
        { ContactChannels.Email, null, "07700 900123", "1 Street, Town", ContactChannels.Sms },
        { ContactChannels.Letter, "a@example.org", "07700 900123", " ", ContactChannels.Email },
        { ContactChannels.Email, null, null, "1 Street, Town", ContactChannels.Letter },
        { ContactChannels.Sms, null, null, null, null },
    };

    [Theory]
    [MemberData(nameof(Channels))]
    public void the_preferred_channel_is_used_and_a_missing_detail_falls_back_email_then_sms_then_letter(string preferred, string? email, string? phone, string? address, string? expected)
    {
        var decision = NotificationPolicy.Decide(Contact(CaseEvents.Informant(preferred, email: email, phone: phone, address: address)), Noon, Quiet);

        Assert.Equal(expected, decision.Channel);
        Assert.Equal(expected is null ? WithheldReasons.NoContactDetail : null, decision.WithheldReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public void without_an_explicit_yes_to_contact_nothing_is_sent(bool? consent) =>
        Assert.Equal(WithheldReasons.NoConsent, NotificationPolicy.Decide(Contact(CaseEvents.Informant(consent: consent)), Noon, Quiet).WithheldReason);

    [Fact]
    public void no_informant_or_an_unknown_case_is_withheld()
    {
        Assert.Equal(WithheldReasons.NoInformant, NotificationPolicy.Decide(Contact(null), Noon, Quiet).WithheldReason);
        Assert.Equal(WithheldReasons.CaseUnknown, NotificationPolicy.Decide(null, Noon, Quiet).WithheldReason);
    }

    [Theory]
    [InlineData(Languages.Welsh, Languages.Welsh)]
    [InlineData(Languages.English, Languages.English)]
    [InlineData(null, Languages.English)]
    public void the_informants_language_is_used(string? language, string expected) =>
        Assert.Equal(expected, NotificationPolicy.Decide(Contact(CaseEvents.Informant(language: language!)), Noon, Quiet).Language);

    public static TheoryData<string, string> QuietTimes => new()
    {
        // decided at (UTC) → not before (UTC)
        { "2026-11-24T23:00:00Z", "2026-11-25T08:00:00Z" },  // winter: UK time is UTC
        { "2026-11-24T21:00:00Z", "2026-11-25T08:00:00Z" },
        { "2026-11-25T07:59:00Z", "2026-11-25T08:00:00Z" },
        { "2026-11-25T08:00:00Z", "2026-11-25T08:00:00Z" },
        { "2026-11-24T20:59:00Z", "2026-11-24T20:59:00Z" },
        { "2026-07-01T22:00:00Z", "2026-07-02T07:00:00Z" },  // summer: 23:00 BST → 08:00 BST
        { "2026-07-01T19:59:00Z", "2026-07-01T19:59:00Z" },  // 20:59 BST
        { "2026-03-28T22:30:00Z", "2026-03-29T07:00:00Z" },  // the night the clocks go forward
    };

    [Theory]
    [MemberData(nameof(QuietTimes))]
    public void an_sms_in_uk_quiet_hours_is_held_until_08_00_uk_time(string decidedAt, string notBefore)
    {
        var decision = NotificationPolicy.Decide(Contact(CaseEvents.Informant(ContactChannels.Sms)), DateTimeOffset.Parse(decidedAt), Quiet);

        Assert.Equal(DateTimeOffset.Parse(notBefore), decision.NotBefore);
    }

    [Fact]
    public void an_email_or_a_letter_is_not_held_at_night()
    {
        var night = DateTimeOffset.Parse("2026-11-24T23:00:00Z");

        Assert.Equal(night, NotificationPolicy.Decide(Contact(CaseEvents.Informant(ContactChannels.Email)), night, Quiet).NotBefore);
        Assert.Equal(night, NotificationPolicy.Decide(Contact(CaseEvents.Informant(ContactChannels.Letter)), night, Quiet).NotBefore);
    }

    public static TheoryData<string, string, string> EveryTemplate()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var template in FamilyTemplates.All)
        {
            foreach (var language in Languages.All)
            {
                foreach (var channel in ContactChannels.All)
                {
                    data.Add(template, language, channel);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryTemplate))]
    public void every_template_renders_in_both_languages_on_every_channel_with_the_fields_the_notifier_gives(string template, string language, string channel)
    {
        var events = CaseEvents.FullCase(Guid.NewGuid(), null);
        var cause = events.Single(e => NotificationPolicy.TemplateFor(e.Body) == template).Body;
        var fields = Personalisation.For(template, language, channel, Contact(CaseEvents.Informant(channel, language)), cause, London);
        var file = TemplateCatalog.Get(template, language);

        // Throws MissingPersonalisationException (and fails) when a template uses a field the notifier does not give.
        var text = TemplateRenderer.Render(file.Subject, fields) + "\n" + TemplateRenderer.Render(file.TextFor(channel), fields);

        Assert.DoesNotContain("((", text, StringComparison.Ordinal);
        Assert.Contains("Pat Example", text, StringComparison.Ordinal);
        if (channel == ContactChannels.Sms)
        {
            Assert.True(file.Sms.Length <= 459, $"{template}.{language} SMS should fit three text messages ({file.Sms.Length} characters)");
        }
    }

    [Theory]
    [MemberData(nameof(TemplateNames))]
    public void english_and_welsh_versions_of_a_template_use_the_same_fields(string template)
    {
        foreach (var channel in ContactChannels.All)
        {
            Assert.Equal(
                TemplateCatalog.Get(template, Languages.English).FieldsFor(channel).Order(),
                TemplateCatalog.Get(template, Languages.Welsh).FieldsFor(channel).Order());
        }
    }

    public static TheoryData<string> TemplateNames => new(FamilyTemplates.All);

    [Fact]
    public void a_missing_field_is_refused_by_name()
    {
        var ex = Assert.Throws<MissingPersonalisationException>(() => TemplateRenderer.Render("Dear ((informant_name)), ((deceased_name))", new Dictionary<string, string> { ["informant_name"] = "A" }));

        Assert.Equal(["deceased_name"], ex.Fields);
    }

    [Fact]
    public void optional_content_shows_only_for_yes()
    {
        const string text = "((approved??Approved.))((declined??Declined.))";

        Assert.Equal("Approved.", TemplateRenderer.Render(text, new Dictionary<string, string> { ["approved"] = "yes", ["declined"] = "no" }));
        Assert.Equal("Declined.", TemplateRenderer.Render(text, new Dictionary<string, string> { ["approved"] = "no", ["declined"] = "yes" }));
    }

    [Fact]
    public void a_declined_urgent_release_says_so_in_welsh()
    {
        var fields = Personalisation.For(FamilyTemplates.UrgentReleaseDecided, Languages.Welsh, ContactChannels.Email, Contact(CaseEvents.Informant()), new UrgentReleaseDecided("declined", CaseEvents.Death, 24, null), London);

        var body = TemplateRenderer.Render(TemplateCatalog.Get(FamilyTemplates.UrgentReleaseDecided, Languages.Welsh).Body, fields);

        Assert.Contains("Mae'n ddrwg gennym na ellid cymeradwyo'r cais i ryddhau ar frys", body, StringComparison.Ordinal);
        Assert.DoesNotContain("wedi'i gymeradwyo", body, StringComparison.Ordinal);
    }

    [Fact]
    public void a_letter_carries_the_address_lines_notify_needs()
    {
        var fields = Personalisation.For(FamilyTemplates.CaseReceived, Languages.English, ContactChannels.Letter, Contact(CaseEvents.Informant()), CaseEvents.Received(null), London);

        Assert.Equal(("Alex Relative", "1 Example Street", "Testville", "TE1 1ST"), (fields["address_line_1"], fields["address_line_2"], fields["address_line_3"], fields["address_line_4"]));
    }

    [Fact]
    public void template_ids_are_stable_and_distinct()
    {
        var ids = FamilyTemplates.All.SelectMany(t => Languages.All.SelectMany(l => ContactChannels.All.Select(c => TemplateCatalog.DefaultTemplateId(t, l, c)))).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(TemplateCatalog.DefaultTemplateId("mccd-issued", "cy", "sms"), TemplateCatalog.DefaultTemplateId("mccd-issued", "cy", "sms"));
        Assert.Equal(("mccd-issued", "cy", "sms"), TemplateCatalog.FindByDefaultId(TemplateCatalog.DefaultTemplateId("mccd-issued", "cy", "sms")) is { } found
            ? (found.Template.Name, found.Template.Language, found.Channel) : default);
    }
}
