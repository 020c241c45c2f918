using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedicalExaminer.Contracts;

/// <summary>
/// Source-generated serialization for every message type: camelCase names, nulls omitted,
/// unknown members rejected so a misspelt field is an error, not a silently ignored value.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    // jsonb (the outbox column) stores keys shortest first, so "type" may follow "ia" in what the relay publishes.
    AllowOutOfOrderMetadataProperties = true,
    MaxDepth = 16)]
[JsonSerializable(typeof(DeathNotification))]
[JsonSerializable(typeof(CaseEvent))]
[JsonSerializable(typeof(FamilyNotificationEvent))]
[JsonSerializable(typeof(TriageDecision))]
[JsonSerializable(typeof(ScrutinyMetricsSnapshot))]
[JsonSerializable(typeof(IReadOnlyList<ValidationError>))]
[JsonSerializable(typeof(ValidationError[]))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
