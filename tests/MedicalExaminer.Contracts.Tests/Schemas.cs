using NJsonSchema;

namespace MedicalExaminer.Contracts.Tests;

/// <summary>The embedded schemas, parsed once, and the sample files copied beside the test assembly.</summary>
internal static class Schemas
{
    private static readonly Lazy<Task<JsonSchema>> DeathNotification = new(() => JsonSchema.FromJsonAsync(JsonSchemas.Read(JsonSchemas.DeathNotificationV1)));
    private static readonly Lazy<Task<JsonSchema>> CaseEvent = new(() => JsonSchema.FromJsonAsync(JsonSchemas.Read(JsonSchemas.CaseEventV1)));
    private static readonly Lazy<Task<JsonSchema>> FamilyNotification = new(() => JsonSchema.FromJsonAsync(JsonSchemas.Read(JsonSchemas.FamilyNotificationV1)));
    private static readonly Lazy<Task<JsonSchema>> ScrutinyMetrics = new(() => JsonSchema.FromJsonAsync(JsonSchemas.Read(JsonSchemas.ScrutinyMetricsV1)));

    public const string DeathNotificationFolder = "death-notification";
    public const string CaseEventFolder = "case-event";

    public static Task<JsonSchema> DeathNotificationV1 => DeathNotification.Value;

    public static Task<JsonSchema> CaseEventV1 => CaseEvent.Value;

    public static Task<JsonSchema> FamilyNotificationV1 => FamilyNotification.Value;

    public static Task<JsonSchema> ScrutinyMetricsV1 => ScrutinyMetrics.Value;

    /// <summary>The schema a sample folder's files are written against.</summary>
    public static Task<JsonSchema> ForFolder(string folder) => folder switch
    {
        DeathNotificationFolder => DeathNotificationV1,
        CaseEventFolder => CaseEventV1,
        _ => throw new ArgumentException($"No schema for sample folder {folder}.", nameof(folder)),
    };

    public static string SamplesRoot => Path.Combine(AppContext.BaseDirectory, "Samples");

    /// <summary>(folder, file name) of every sample under Samples/{kind}/.</summary>
    public static IEnumerable<(string Folder, string File)> Samples(string kind) =>
        Directory.EnumerateFiles(Path.Combine(SamplesRoot, kind), "*.json", SearchOption.AllDirectories)
            .Select(path => (Path.GetFileName(Path.GetDirectoryName(path)!), Path.GetFileName(path)))
            .Order();

    public static string ReadSample(string kind, string folder, string file) => File.ReadAllText(Path.Combine(SamplesRoot, kind, folder, file));

    /// <summary>Schema errors as "path: kind", for assertion messages (samples are synthetic, so paths are safe to show).</summary>
    public static string Describe(IEnumerable<NJsonSchema.Validation.ValidationError> errors) =>
        string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"));
}
