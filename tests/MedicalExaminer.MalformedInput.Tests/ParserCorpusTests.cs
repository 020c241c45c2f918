using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway;
using MedicalExaminer.Gateway.Formats;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.MalformedInput.Tests;

/// <summary>
/// The corpus at the parsers themselves, without a transport: the JSON notification parser (what the intake worker
/// runs), and the FHIR and HL7 v2 readers in front of it (what the gateway runs). Each file is refused with its
/// code and field, by a typed rejection and nothing else, and the refusal repeats no value of the file.
/// </summary>
public sealed class ParserCorpusTests
{
    private static readonly NotificationReader Reader = new(Options.Create(new GatewayOptions()), Gateway.Profiles.PublisherProfiles.Of(new GatewayOptions()));

    /// <summary>The code and field the readers and the parser refuse a body with; null when they accept it.</summary>
    public static ValidationError? Refusal(string format, byte[] body)
    {
        try
        {
            var validation = DeathNotificationParser.Parse(Reader.ToContractJson(format, body), DateTimeOffset.UtcNow);
            return validation.IsValid ? null : validation.Errors[0];
        }
        catch (NotificationRejectedException ex)
        {
            Assert.Equal($"{ex.Code} at {ex.Field}", ex.Message);
            return new ValidationError(ex.Code, ex.Field);
        }
    }

    public static string FormatOf(CorpusEntry entry) => entry.Folder switch
    {
        "json" => NotificationReader.Json,
        "fhir" => NotificationReader.Fhir,
        _ => NotificationReader.Hl7,
    };

    [Fact]
    public void the_corpus_holds_at_least_200_bad_inputs_of_every_kind()
    {
        Assert.True(Corpus.All.Count >= 200, $"{Corpus.All.Count} corpus files");
        foreach (var folder in new[] { "json", "fhir", "hl7", "mllp" })
        {
            Assert.True(Corpus.In(folder).Count() >= 10, $"{folder}: {Corpus.In(folder).Count()} files");
        }

        Assert.All(Corpus.All, e => Assert.True(File.Exists(Path.Combine(Corpus.Directory, e.File)), $"{e.File} is missing"));
        Assert.All(Corpus.All.Where(e => e.Folder != "mllp"), e => Assert.False(string.IsNullOrEmpty(e.Code), $"{e.File} states no code"));
    }

    [Fact]
    public void every_corpus_file_is_refused_by_the_readers_and_the_parser_with_its_code_and_field()
    {
        var failures = new List<string>();
        foreach (var entry in Corpus.All.Where(e => e.Folder != "mllp" && e.ContentType is null && e.Code != GatewayErrorCodes.OtherOdsCode))
        {
            ValidationError? refusal;
            try
            {
                refusal = Refusal(FormatOf(entry), entry.Bytes());
            }
            catch (Exception ex)
            {
                failures.Add($"{entry}: threw {ex.GetType().Name}");
                continue;
            }

            if (refusal is null)
            {
                failures.Add($"{entry}: accepted");
            }
            else if (refusal.Code != entry.Code || (entry.Field is not null && refusal.Field != entry.Field))
            {
                failures.Add($"{entry}: expected {entry.Code} at {entry.Field}, got {refusal.Code} at {refusal.Field}");
            }
            else if (Corpus.Leaks(refusal.ToString(), entry).Any())
            {
                failures.Add($"{entry}: the refusal repeats a value");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join("\n", failures)}");
    }
}
