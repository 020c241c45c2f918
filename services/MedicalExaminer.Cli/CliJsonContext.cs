using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Cli;

/// <summary>What <c>me triage</c> prints for a refused notification: codes and field names, never values.</summary>
public sealed record ValidationReport(IReadOnlyList<ValidationError> Errors);

/// <summary>Human-facing output: indented, camelCase, the same shapes as the wire contracts.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TriageDecision))]
[JsonSerializable(typeof(ValidationReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>As the attribute says, but printing "farmer's lung", not "farmer\u0027s lung": this is read in a terminal, not embedded in HTML.</summary>
    public static CliJsonContext Readable { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
