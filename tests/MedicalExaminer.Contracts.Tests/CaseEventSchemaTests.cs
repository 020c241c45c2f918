using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedicalExaminer.Contracts.Tests;

public sealed class CaseEventSchemaTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 3, 20, 1, 123, TimeSpan.Zero);

    private static readonly Dictionary<string, CaseEventBody> Bodies = new()
    {
        [nameof(NotificationReceived)] = new NotificationReceived(
            "test-pas", "n-000001", "RXX", "RXX01", PlacesOfDeath.HospitalInpatient, new DateTimeOffset(2026, 11, 20, 3, 15, 0, TimeSpan.FromHours(1)),
            86, true, "faith", "leeds", new DeceasedSummary("Test", "Patient"),
            new Informant { Name = "Test Relative", Phone = "07700 900123", PreferredChannel = ContactChannels.Sms, Language = Languages.Welsh, ConsentToContact = true }),
        [nameof(NotificationReceived) + " (minimal)"] = new NotificationReceived(
            "test-gp", "n-000002", "B86001", "B86001", PlacesOfDeath.Home, At, null, false, null, null, new DeceasedSummary(null, null), null),
        [nameof(CaseTriaged)] = new CaseTriaged(Routes.CoronerReferral,
        [
            new TriageReason(ReasonCodes.Violence, ReasonSources.Circumstance, ReasonCodes.Violence),
            new TriageReason(ReasonCodes.TraumaOrInjury, ReasonSources.Text, "ib: fractured"),
            new TriageReason(ReasonCodes.StateDetention, ReasonSources.Field, "placeOfDeath"),
        ]),
        [nameof(CaseTriaged) + " (scrutiny)"] = new CaseTriaged(Routes.Scrutiny, []),
        [nameof(CaseRoutedToScrutiny)] = new CaseRoutedToScrutiny("leeds", Queues.Scrutiny),
        [nameof(CaseRoutedToScrutiny) + " (unrouted)"] = new CaseRoutedToScrutiny(null, Queues.Unrouted),
        [nameof(CaseRoutedToCoronerReferralReview)] = new CaseRoutedToCoronerReferralReview("leeds", Queues.CoronerReferralReview),
        [nameof(CaseClaimed)] = new CaseClaimed("dr.a", Queues.Scrutiny),
        [nameof(CaseAssigned)] = new CaseAssigned("dr.b", Roles.MedicalExaminer, Queues.Scrutiny, "dr.a", "AP rings back at 14:00"),
        [nameof(CaseReleased)] = new CaseReleased("dr.a", "lapsed", Queues.Scrutiny, Roles.MedicalExaminerOfficer),
        [nameof(CoronerReferralConfirmed)] = new CoronerReferralConfirmed([ReasonCodes.TraumaOrInjury], "fall at home two weeks before death"),
        [nameof(CoronerReferralOverridden)] = new CoronerReferralOverridden("fall was trivial and unrelated to the cause", Queues.Scrutiny),
        [nameof(CoronerAccepted)] = new CoronerAccepted(null),
        [nameof(CoronerDeclined)] = new CoronerDeclined("no investigation: natural causes (Form A)", Queues.ReturnedFromCoroner),
        [nameof(RecordsReviewed)] = new RecordsReviewed("notes and observations reviewed"),
        [nameof(AttendingPractitionerDiscussed)] = new AttendingPractitionerDiscussed("Bronchopneumonia", "Frailty", null, "Type 2 diabetes", null),
        [nameof(BereavedDiscussed)] = new BereavedDiscussed("held", true, "daughter asked about discharge timing"),
        [nameof(ConcernRaised)] = new ConcernRaised("clinical-governance", "refer for structured judgement review"),
        [nameof(UrgentReleaseDecided)] = new UrgentReleaseDecided("approved", At, 24, null),
        [nameof(MccdIssued)] = new MccdIssued("Bronchopneumonia", null, null, null, At.AddDays(-1)),
        [nameof(CaseReopened)] = new CaseReopened("family raised a new concern"),
    };

    public static TheoryData<string> BodyNames => new(Bodies.Keys);

    private static string Serialize(CaseEventBody body, EventActor actor) => JsonSerializer.Serialize(
        new CaseEvent { EventId = Guid.NewGuid(), CaseId = Guid.NewGuid(), Sequence = 1, OccurredAt = At, Actor = actor, Body = body },
        ContractsJsonContext.Default.CaseEvent);

    [Theory]
    [MemberData(nameof(BodyNames))]
    public async Task case_event_serialized_by_the_context_satisfies_the_schema(string name)
    {
        var schema = await Schemas.CaseEventV1;

        var errors = schema.Validate(Serialize(Bodies[name], EventActor.Service("intake-worker")));

        Assert.True(errors.Count == 0, $"{name} should satisfy the case-event schema: {Schemas.Describe(errors)}");
    }

    [Fact]
    public async Task case_event_by_a_person_satisfies_the_schema()
    {
        var schema = await Schemas.CaseEventV1;

        var errors = schema.Validate(Serialize(Bodies[nameof(CaseRoutedToScrutiny)], new EventActor("user-42", "medical-examiner", "leeds")));

        Assert.True(errors.Count == 0, Schemas.Describe(errors));
    }

    [Fact]
    public void every_body_type_of_the_contract_has_a_sample_here()
    {
        var derived = typeof(CaseEventBody).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!);

        Assert.Equal(derived.Order(), Bodies.Values.Select(b => b.EventType).Distinct().Order());
    }

    [Fact]
    public async Task every_body_type_of_the_contract_is_a_branch_of_the_schema_and_no_other()
    {
        var schema = await Schemas.CaseEventV1;
        var branches = schema.Properties["body"].ActualSchema.OneOf
            .Select(b => (string)b.ActualSchema.Properties["type"].ActualSchema.Enumeration.Single()!);
        var derived = typeof(CaseEventBody).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!);

        Assert.Equal(derived.Order(), branches.Order());
    }

    [Fact]
    public void schema_names_are_read_from_the_embedded_resources()
    {
        Assert.Contains("\"DeathNotification v1\"", JsonSchemas.Read(JsonSchemas.DeathNotificationV1), StringComparison.Ordinal);
        Assert.Contains("\"CaseEvent v1\"", JsonSchemas.Read(JsonSchemas.CaseEventV1), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => JsonSchemas.Read("no-such.schema.json"));
    }
}
