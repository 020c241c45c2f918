using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedicalExaminer.Contracts.Tests;

/// <summary>Hand-written samples pin the wire format: the schema and the records must both accept the valid ones.</summary>
public sealed class SampleTests
{
    public static TheoryData<string, string> ValidSamples => new(Schemas.Samples("valid"));

    public static TheoryData<string> ValidNotificationSamples =>
        new(Schemas.Samples("valid").Where(s => s.Folder == Schemas.DeathNotificationFolder).Select(s => s.File));

    public static TheoryData<string, string> InvalidSamples => new(Schemas.Samples("invalid"));

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public async Task valid_sample_satisfies_the_schema(string folder, string file)
    {
        var schema = await Schemas.ForFolder(folder);

        var errors = schema.Validate(Schemas.ReadSample("valid", folder, file));

        Assert.True(errors.Count == 0, $"{folder}/{file} should satisfy its schema: {Schemas.Describe(errors)}");
    }

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public async Task valid_sample_deserializes_and_reserializes_to_json_the_schema_still_accepts(string folder, string file)
    {
        var json = Schemas.ReadSample("valid", folder, file);
        var schema = await Schemas.ForFolder(folder);

        var reserialized = folder == Schemas.DeathNotificationFolder
            ? JsonSerializer.Serialize(JsonSerializer.Deserialize(json, ContractsJsonContext.Default.DeathNotification)!, ContractsJsonContext.Default.DeathNotification)
            : JsonSerializer.Serialize(JsonSerializer.Deserialize(json, ContractsJsonContext.Default.CaseEvent)!, ContractsJsonContext.Default.CaseEvent);

        var errors = schema.Validate(reserialized);
        Assert.True(errors.Count == 0, $"{folder}/{file} re-serialized should satisfy its schema: {Schemas.Describe(errors)}");
    }

    [Theory]
    [MemberData(nameof(ValidNotificationSamples))]
    public void death_notification_round_trips_without_losing_a_field(string file)
    {
        // Notifications keep dates and codes as strings, so the round trip must be exact;
        // case events re-format DateTimeOffset ("Z" becomes "+00:00"), which the schema test covers.
        var json = Schemas.ReadSample("valid", Schemas.DeathNotificationFolder, file);

        var reserialized = JsonSerializer.Serialize(JsonSerializer.Deserialize(json, ContractsJsonContext.Default.DeathNotification)!, ContractsJsonContext.Default.DeathNotification);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(reserialized)), $"{file} changed in a round trip");
    }

    [Theory]
    [MemberData(nameof(InvalidSamples))]
    public async Task invalid_sample_is_refused_by_the_schema(string folder, string file)
    {
        var schema = await Schemas.ForFolder(folder);

        var errors = schema.Validate(Schemas.ReadSample("invalid", folder, file));

        Assert.True(errors.Count > 0, $"{folder}/{file} should break its schema");
    }

    [Theory]
    [InlineData("valid", Schemas.DeathNotificationFolder, 4)]
    [InlineData("valid", Schemas.CaseEventFolder, 5)]
    [InlineData("invalid", Schemas.DeathNotificationFolder, 25)]
    [InlineData("invalid", Schemas.CaseEventFolder, 12)]
    public void samples_are_present_so_the_theories_are_not_vacuous(string kind, string folder, int atLeast) =>
        Assert.True(Schemas.Samples(kind).Count(s => s.Folder == folder) >= atLeast, $"expected at least {atLeast} {kind} {folder} samples");
}
