using System.Text.Json;
using System.Text.Json.Serialization;
using MedicalExaminer.Domain.Casework;

namespace MedicalExaminer.Casework;

/// <summary>Source-generated JSON for what the casework context stores as JSON (the agreed cause).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgreedCause))]
internal sealed partial class CaseworkJsonContext : JsonSerializerContext;
