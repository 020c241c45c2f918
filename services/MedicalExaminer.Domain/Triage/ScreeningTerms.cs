using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedicalExaminer.Domain;

/// <summary>The cause-of-death screening term list, loaded once from the embedded <c>screening-terms.json</c>.</summary>
public sealed record ScreeningTerms(
    IReadOnlyList<string> Negations,
    int NegationWindow,
    OldAgeRule OldAge,
    IReadOnlyList<ScreeningCode> Codes)
{
    private static readonly Lazy<ScreeningTerms> Loaded = new(Load);

    public static ScreeningTerms Default => Loaded.Value;

    private static ScreeningTerms Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MedicalExaminer.Domain.Triage.screening-terms.json")
            ?? throw new InvalidOperationException("screening-terms.json is not embedded.");
        return JsonSerializer.Deserialize(stream, ScreeningTermsJsonContext.Default.ScreeningTerms)
            ?? throw new InvalidOperationException("screening-terms.json is empty.");
    }
}

public sealed record OldAgeRule(IReadOnlyList<string> Terms, int NaturalFromAge);

public sealed record ScreeningCode(string Code, IReadOnlyList<string> Terms, IReadOnlyList<string>? Exclusions);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ScreeningTerms))]
internal sealed partial class ScreeningTermsJsonContext : JsonSerializerContext;
