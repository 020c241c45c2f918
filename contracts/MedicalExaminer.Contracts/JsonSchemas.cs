using System.Reflection;

namespace MedicalExaminer.Contracts;

/// <summary>The JSON Schema documents shipped with the contracts (embedded resources).</summary>
public static class JsonSchemas
{
    public const string DeathNotificationV1 = "death-notification.v1.schema.json";
    public const string CaseEventV1 = "case-event.v1.schema.json";
    public const string FamilyNotificationV1 = "family-notification.v1.schema.json";
    public const string ScrutinyMetricsV1 = "scrutiny-metrics.v1.schema.json";

    public static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly()
            .GetManifestResourceStream($"MedicalExaminer.Contracts.Schemas.{name}")
            ?? throw new ArgumentException($"No embedded schema named {name}.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
