using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedicalExaminer.Metrics.Api;

/// <summary>Source-generated JSON of the API's responses (camelCase, absent values omitted).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FiguresResponse))]
[JsonSerializable(typeof(OfficeResponse[]))]
public sealed partial class MetricsJsonContext : JsonSerializerContext;
