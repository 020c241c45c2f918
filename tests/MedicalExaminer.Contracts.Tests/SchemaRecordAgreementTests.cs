using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using NJsonSchema;

namespace MedicalExaminer.Contracts.Tests;

/// <summary>
/// The records and the schemas describe the same wire format: every serialized property of a record is in
/// its schema object and every schema property is on the record; on case events, which the service writes,
/// a property is required in the schema exactly when the record cannot leave it out (non-nullable).
/// </summary>
public sealed class SchemaRecordAgreementTests
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>The JSON names a record serializes: public properties, camelCase, minus [JsonIgnore].</summary>
    internal static SortedSet<string> JsonPropertiesOf(Type record) => new(
        record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)),
        StringComparer.Ordinal);

    /// <summary>The JSON names of the properties a record can never leave out (non-nullable).</summary>
    internal static SortedSet<string> NonNullablePropertiesOf(Type record) => new(
        record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Where(p => p.PropertyType.IsValueType
                ? Nullable.GetUnderlyingType(p.PropertyType) is null
                : Nullability.Create(p).ReadState == NullabilityState.NotNull)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)),
        StringComparer.Ordinal);

    internal static SortedSet<string> SchemaPropertiesOf(JsonSchema schema) => new(schema.ActualSchema.Properties.Keys, StringComparer.Ordinal);

    internal static JsonSchema Property(JsonSchema schema, string name) => schema.ActualSchema.Properties[name].ActualSchema;

    private static JsonSchema Branch(JsonSchema caseEvent, string type) =>
        Property(caseEvent, "body").OneOf.Select(b => b.ActualSchema).Single(b => (string)b.Properties["type"].ActualSchema.Enumeration.Single()! == type);

    private static async Task<IEnumerable<(Type Record, JsonSchema Schema, bool IsBody)>> Pairs()
    {
        var notification = await Schemas.DeathNotificationV1;
        var caseEvent = await Schemas.CaseEventV1;
        var received = Branch(caseEvent, nameof(NotificationReceived));
        var triaged = Branch(caseEvent, nameof(CaseTriaged));
        return
        [
            (typeof(DeathNotification), notification, false),
            (typeof(Deceased), Property(notification, "deceased"), false),
            (typeof(AttendingPractitioner), Property(notification, "attendingPractitioner"), false),
            (typeof(ProposedCauseOfDeath), Property(notification, "proposedCauseOfDeath"), false),
            (typeof(UrgentRelease), Property(notification, "urgentRelease"), false),
            (typeof(Informant), Property(notification, "informant"), false),
            (typeof(CaseEvent), caseEvent, false),
            (typeof(EventActor), Property(caseEvent, "actor"), false),
            (typeof(NotificationReceived), received, true),
            (typeof(DeceasedSummary), Property(received, "deceased"), false),
            (typeof(Informant), Property(received, "informant"), false),
            (typeof(CaseTriaged), triaged, true),
            (typeof(TriageReason), Property(triaged, "reasons").Item!.ActualSchema, false),
            (typeof(CaseRoutedToScrutiny), Branch(caseEvent, nameof(CaseRoutedToScrutiny)), true),
            (typeof(CaseRoutedToCoronerReferralReview), Branch(caseEvent, nameof(CaseRoutedToCoronerReferralReview)), true),
        ];
    }

    [Fact]
    public async Task every_record_property_is_in_its_schema_and_every_schema_property_is_on_its_record()
    {
        foreach (var (record, schema, isBody) in await Pairs())
        {
            var expected = JsonPropertiesOf(record);
            if (isBody)
            {
                expected.Add("type"); // the polymorphic discriminator, written by the serializer
            }

            Assert.True(
                expected.SetEquals(SchemaPropertiesOf(schema)),
                $"{record.Name}: record has [{string.Join(", ", expected)}], schema has [{string.Join(", ", SchemaPropertiesOf(schema))}]");
        }
    }

    [Fact]
    public async Task every_schema_object_refuses_properties_it_does_not_list()
    {
        foreach (var (record, schema, _) in await Pairs())
        {
            Assert.False(schema.ActualSchema.AllowAdditionalProperties, $"{record.Name} schema should set additionalProperties false");
        }
    }

    [Fact]
    public async Task case_event_properties_are_required_exactly_when_the_record_cannot_omit_them()
    {
        var caseEvent = await Schemas.CaseEventV1;
        foreach (var (record, schema, isBody) in (await Pairs()).Where(p => p.Schema == caseEvent || IsCaseEventPart(p.Record)))
        {
            var nonNullable = NonNullablePropertiesOf(record);
            if (isBody)
            {
                nonNullable.Add("type");
            }

            var required = new SortedSet<string>(schema.ActualSchema.RequiredProperties, StringComparer.Ordinal);
            Assert.True(nonNullable.SetEquals(required), $"{record.Name}: non-nullable [{string.Join(", ", nonNullable)}], required [{string.Join(", ", required)}]");
        }
    }

    private static bool IsCaseEventPart(Type record) =>
        record == typeof(EventActor) || record == typeof(DeceasedSummary) || record == typeof(TriageReason) || typeof(CaseEventBody).IsAssignableFrom(record);

    public static TheoryData<string, string[]> NotificationCodeLists => new()
    {
        { "placeOfDeath", PlacesOfDeath.All.ToArray() },
        { "circumstances[]", ReasonCodes.All.ToArray() },
        { "deceased.sex", Sexes.All.ToArray() },
        { "urgentRelease.reason", UrgentReleaseReasons.All.ToArray() },
        { "informant.preferredChannel", ContactChannels.All.ToArray() },
        { "informant.language", Languages.All.ToArray() },
    };

    [Theory]
    [MemberData(nameof(NotificationCodeLists))]
    public async Task notification_schema_enums_are_the_contract_code_lists(string path, string[] codes)
    {
        var schema = await Schemas.DeathNotificationV1;

        Assert.Equal(codes, EnumAt(schema, path));
    }

    public static TheoryData<string, string[]> CaseEventCodeLists => new()
    {
        { "NotificationReceived.placeOfDeath", PlacesOfDeath.All.ToArray() },
        { "NotificationReceived.urgentReleaseReason", UrgentReleaseReasons.All.ToArray() },
        { "NotificationReceived.informant.preferredChannel", ContactChannels.All.ToArray() },
        { "NotificationReceived.informant.language", Languages.All.ToArray() },
        { "CaseTriaged.route", [Routes.CoronerReferral, Routes.Scrutiny] },
        { "CaseTriaged.reasons[].code", ReasonCodes.All.ToArray() },
        { "CaseTriaged.reasons[].source", [ReasonSources.Circumstance, ReasonSources.Field, ReasonSources.Text] },
        { "CaseRoutedToScrutiny.queue", [Queues.Scrutiny, Queues.UrgentRelease, Queues.Unrouted] },
        { "CaseRoutedToCoronerReferralReview.queue", [Queues.CoronerReferralReview, Queues.Unrouted] },
    };

    [Theory]
    [MemberData(nameof(CaseEventCodeLists))]
    public async Task case_event_schema_enums_are_the_contract_code_lists(string path, string[] codes)
    {
        var schema = await Schemas.CaseEventV1;
        var dot = path.IndexOf('.', StringComparison.Ordinal);

        Assert.Equal(codes, EnumAt(Branch(schema, path[..dot]), path[(dot + 1)..]));
    }

    /// <summary>The enum at a dotted path; "name[]" steps into an array's items.</summary>
    private static string[] EnumAt(JsonSchema schema, string path)
    {
        var node = schema.ActualSchema;
        foreach (var step in path.Split('.'))
        {
            node = step.EndsWith("[]", StringComparison.Ordinal)
                ? Property(node, step[..^2]).Item!.ActualSchema
                : Property(node, step);
        }

        return node.Enumeration.Select(v => (string)v!).ToArray();
    }
}
