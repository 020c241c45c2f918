using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using NJsonSchema;

namespace MedicalExaminer.Contracts.Tests;

/// <summary>The family-notification event record and its JSON Schema describe the same wire format.</summary>
public sealed class FamilyNotificationSchemaTests
{
    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly DateTimeOffset At = new(2026, 11, 20, 3, 20, 1, 123, TimeSpan.Zero);

    private static FamilyNotificationEvent Event(string type, string status) => new()
    {
        EventId = Guid.NewGuid(),
        NotificationId = Guid.NewGuid(),
        CaseId = Guid.NewGuid(),
        Type = type,
        Template = FamilyTemplates.MccdIssued,
        Status = status,
        OccurredAt = At,
        CauseEventId = Guid.NewGuid(),
    };

    public static TheoryData<string> Samples => new(SampleEvents.Keys);

    private static readonly Dictionary<string, FamilyNotificationEvent> SampleEvents = new()
    {
        ["queued (quiet hours)"] = Event(FamilyNotificationEventTypes.Queued, FamilyNotificationStatuses.Queued) with
        {
            Channel = ContactChannels.Sms, Language = Languages.Welsh, NotBefore = At.AddHours(8),
        },
        ["withheld"] = Event(FamilyNotificationEventTypes.Withheld, FamilyNotificationStatuses.Withheld) with { Reason = "no-consent" },
        ["sent"] = Event(FamilyNotificationEventTypes.Sent, FamilyNotificationStatuses.Sent) with
        {
            Channel = ContactChannels.Email, Language = Languages.English, Attempts = 3, ProviderNotificationId = Guid.NewGuid(), ProviderStatus = "created",
        },
        ["delivered"] = Event(FamilyNotificationEventTypes.Delivered, FamilyNotificationStatuses.Delivered) with
        {
            Channel = ContactChannels.Letter, Language = Languages.English, Attempts = 1, ProviderNotificationId = Guid.NewGuid(), ProviderStatus = "delivered",
        },
        ["failed, retried later"] = Event(FamilyNotificationEventTypes.Failed, FamilyNotificationStatuses.Queued) with
        {
            Channel = ContactChannels.Sms, Language = Languages.English, Attempts = 4, HttpStatus = 503, Reason = "provider-unavailable", Final = false,
        },
        ["failed, permanently"] = Event(FamilyNotificationEventTypes.Failed, FamilyNotificationStatuses.Failed) with
        {
            Channel = ContactChannels.Email, Language = Languages.English, Attempts = 1, HttpStatus = 400, Reason = "provider-rejected", Final = true,
        },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task family_notification_event_serialized_by_the_context_satisfies_the_schema(string name)
    {
        var schema = await Schemas.FamilyNotificationV1;

        var errors = schema.Validate(JsonSerializer.Serialize(SampleEvents[name], ContractsJsonContext.Default.FamilyNotificationEvent));

        Assert.True(errors.Count == 0, $"{name} should satisfy the family-notification schema: {Schemas.Describe(errors)}");
    }

    [Fact]
    public async Task an_unknown_event_type_or_a_contact_detail_is_refused_by_the_schema()
    {
        var schema = await Schemas.FamilyNotificationV1;
        var json = JsonSerializer.Serialize(SampleEvents["sent"], ContractsJsonContext.Default.FamilyNotificationEvent);

        Assert.NotEmpty(schema.Validate(json.Replace("FamilyNotificationSent", "FamilyNotificationSend", StringComparison.Ordinal)));
        Assert.NotEmpty(schema.Validate(json.Replace("\"channel\"", "\"emailAddress\":\"a@example.org\",\"channel\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task every_record_property_is_in_the_schema_and_required_exactly_when_the_record_cannot_omit_it()
    {
        var schema = (await Schemas.FamilyNotificationV1).ActualSchema;
        var properties = typeof(FamilyNotificationEvent).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToList();
        var names = new SortedSet<string>(properties.Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)), StringComparer.Ordinal);
        var nonNullable = new SortedSet<string>(
            properties
                .Where(p => p.PropertyType.IsValueType ? Nullable.GetUnderlyingType(p.PropertyType) is null : Nullability.Create(p).ReadState == NullabilityState.NotNull)
                .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)),
            StringComparer.Ordinal);

        Assert.True(names.SetEquals(schema.Properties.Keys), $"record has [{string.Join(", ", names)}], schema has [{string.Join(", ", schema.Properties.Keys)}]");
        Assert.True(nonNullable.SetEquals(schema.RequiredProperties), $"non-nullable [{string.Join(", ", nonNullable)}], required [{string.Join(", ", schema.RequiredProperties)}]");
        Assert.False(schema.AllowAdditionalProperties);
    }

    public static TheoryData<string, string[]> CodeLists => new()
    {
        { "type", FamilyNotificationEventTypes.All.ToArray() },
        { "template", FamilyTemplates.All.ToArray() },
        { "status", FamilyNotificationStatuses.All.ToArray() },
        { "channel", ContactChannels.All.ToArray() },
        { "language", Languages.All.ToArray() },
    };

    [Theory]
    [MemberData(nameof(CodeLists))]
    public async Task family_notification_schema_enums_are_the_contract_code_lists(string property, string[] codes)
    {
        var schema = (await Schemas.FamilyNotificationV1).ActualSchema;

        Assert.Equal(codes, schema.Properties[property].ActualSchema.Enumeration.Select(v => (string)v!).ToArray());
    }

    [Fact]
    public void the_family_notification_schema_is_embedded() =>
        Assert.Contains("\"FamilyNotificationEvent v1\"", JsonSchemas.Read(JsonSchemas.FamilyNotificationV1), StringComparison.Ordinal);
}
