using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MedicalExaminer.Gateway.Formats;

namespace MedicalExaminer.MalformedInput.Tests;

/// <summary>
/// One bad input of the corpus (Corpus/manifest.json, written once by Corpus/generate.py) and what must become
/// of it: the error code and field the parser, the intake worker's dead letter and the gateway's problem
/// (or HL7 acknowledgement) state, and the values no answer, header or log line may repeat.
/// </summary>
public sealed record CorpusEntry
{
    public required string File { get; init; }

    public string? Code { get; init; }

    /// <summary>The field the error names; null when only the code is pinned.</summary>
    public string? Field { get; init; }

    /// <summary>The gateway's HTTP status.</summary>
    public int Status { get; init; }

    /// <summary>JSON only: also sent through Kafka (false for what only HTTP can get wrong: media type, publisher).</summary>
    public bool Kafka { get; init; }

    /// <summary>The Content-Type to send instead of the folder's.</summary>
    public string? ContentType { get; init; }

    /// <summary>HL7 only: the MLLP answer, "AE code field" / "AR code field", or "drop" (connection closed without one).</summary>
    public string? Mllp { get; init; }

    /// <summary>MLLP framing only: the answers, in order, to the raw bytes of the file; then the connection closes.</summary>
    public IReadOnlyList<string>? Replies { get; init; }

    public IReadOnlyList<string> Secrets { get; init; } = [];

    public string Folder => File[..File.IndexOf('/', StringComparison.Ordinal)];

    public string Name => Path.GetFileNameWithoutExtension(File);

    public byte[] Bytes() => System.IO.File.ReadAllBytes(Path.Combine(Corpus.Directory, File));

    /// <summary>The bytes to send over MLLP, where the API key travels in MSH-8.</summary>
    public byte[] BytesWithApiKey(string apiKey) => Corpus.WithApiKey(Bytes(), apiKey);

    public string MediaType => ContentType ?? Folder switch
    {
        "json" => NotificationReader.JsonMediaType,
        "fhir" => NotificationReader.FhirMediaType,
        _ => NotificationReader.Hl7MediaType,
    };

    public override string ToString() => File;
}

public static class Corpus
{
    /// <summary>Every corpus file carries this prefix (MRKZnnnn) in its personal-data values.</summary>
    public const string Marker = "MRKZ";

    public const string ApiKeyPlaceholder = "{API-KEY}";

    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Corpus");

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static IReadOnlyList<CorpusEntry> All { get; } =
        JsonSerializer.Deserialize<List<CorpusEntry>>(System.IO.File.ReadAllText(Path.Combine(Directory, "manifest.json")), Options)!;

    public static IEnumerable<CorpusEntry> In(string folder) => All.Where(e => e.Folder == folder);

    /// <summary>
    /// What of <paramref name="entry"/> <paramref name="output"/> repeats: the marker or one of its secrets
    /// (NHS numbers). Empty when nothing leaked.
    /// </summary>
    public static IEnumerable<string> Leaks(string output, CorpusEntry? entry = null) =>
        new[] { Marker }.Concat(entry?.Secrets ?? []).Where(s => output.Contains(s, StringComparison.OrdinalIgnoreCase));

    public static byte[] WithApiKey(byte[] bytes, string apiKey)
    {
        var placeholder = Encoding.ASCII.GetBytes(ApiKeyPlaceholder);
        var at = bytes.AsSpan().IndexOf(placeholder);
        return at < 0 ? bytes : WithApiKey([.. bytes.AsSpan(0, at), .. Encoding.ASCII.GetBytes(apiKey), .. bytes.AsSpan(at + placeholder.Length)], apiKey);
    }
}
