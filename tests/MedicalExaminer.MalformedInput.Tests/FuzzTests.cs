using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;
using MedicalExaminer.Gateway.Tests;

namespace MedicalExaminer.MalformedInput.Tests;

/// <summary>
/// Property-based fuzzing of the three parsers with inputs that carry the corpus marker in their personal data:
/// arbitrary text and bytes, and valid notifications damaged by random edits (structure characters inserted,
/// spans deleted, duplicated or moved, bytes replaced, the end cut off). Whatever arrives, the JSON parser answers
/// with a validation (never an exception) and the FHIR and HL7 v2 readers with their typed rejection, and no
/// refusal repeats a value: neither the marker nor the NHS number.
/// </summary>
public sealed partial class FuzzTests
{
    private const string NhsNumber = "9434765919";

    private static readonly DeathNotification[] Seeded = Samples.Valid(seed: 1127, count: 12)
        .Select((n, i) => n with
        {
            Deceased = n.Deceased! with { NhsNumber = NhsNumber, GivenName = $"{Corpus.Marker}{i}g", FamilyName = $"{Corpus.Marker}{i}f" },
            ProposedCauseOfDeath = new ProposedCauseOfDeath { Ia = $"Bronchopneumonia {Corpus.Marker}{i}c", Ii = "Atrial fibrillation" },
            Informant = (n.Informant ?? new Informant { ConsentToContact = false }) with { Name = $"{Corpus.Marker}{i}i", Address = $"1 {Corpus.Marker} Street" },
        })
        .ToArray();

    private static readonly byte[][] Json = Seeded.Select(n => Encoding.UTF8.GetBytes(Samples.Json(n))).ToArray();
    private static readonly byte[][] Fhir = Seeded.Select(n => Encoding.UTF8.GetBytes(FhirNotificationWriter.Write(n))).ToArray();
    private static readonly byte[][] Hl7 = Seeded.Select(n => Encoding.UTF8.GetBytes(AdtA03Writer.Write(n))).ToArray();

    // What each format is built of, so that damage often lands on structure rather than on text.
    private static readonly string[] JsonPieces =
        ["{", "}", "[", "]", "\"", ":", ",", "null", "true", "0", "-1", "1e999", "\"\"", "\\", "\\u", "\\uD800", "\\u0000", "é", "\u0001",
         new string('[', 20), "{\"a\":", "\"resourceType\":\"Patient\",", "\"schemaVersion\":2,", "\"deceased\":{},"];

    private static readonly string[] Hl7Pieces =
        ["|", "^", "~", "\\", "&", "\r", "\n", "MSH|^~\\&|", "PID|", "PV1|", "OBX|1|ST|ia^^MEDN||", "\\X", "\\XC3\\", "\\E\\", "\\.br\\", "\u0001", "é",
         "||||||||||||||||||||||||||||||||", "20261025013000", "Y", "N", "ADT^A01"];

    /// <summary>One edit: what, where (a fraction of the length), how much, and which piece to insert.</summary>
    private static Gen<byte[]> Damaged(byte[][] sources, string[] pieces) =>
        from source in Gen.Elements(sources)
        from edits in Gen.ListOf(
            from kind in Gen.Choose(0, 5)
            from at in Gen.Choose(0, 10_000)
            from to in Gen.Choose(0, 10_000)
            from length in Gen.Choose(1, 60)
            from piece in Gen.Elements(pieces)
            from value in Gen.Choose(0, 255)
            select (kind, at, to, length, piece, value))
        select edits.Aggregate(source, (bytes, e) =>
        {
            var at = bytes.Length == 0 ? 0 : (int)((long)e.at * bytes.Length / 10_001);
            var end = Math.Min(bytes.Length, at + e.length);
            var to = bytes.Length == 0 ? 0 : (int)((long)e.to * bytes.Length / 10_001);
            var next = Math.Max(end, Math.Min(bytes.Length, end + e.length));
            return e.kind switch
            {
                0 => [.. bytes[..at], .. Encoding.UTF8.GetBytes(e.piece), .. bytes[at..]], // a piece of structure inserted
                1 => [.. bytes[..at], .. bytes[end..]], // a span deleted
                2 => [.. bytes[..to], .. bytes[at..end], .. bytes[to..]], // a span copied elsewhere
                3 => bytes[..at], // the end cut off
                4 => bytes.Length == 0 ? bytes : [.. bytes[..at], (byte)e.value, .. bytes[Math.Min(bytes.Length, at + 1)..]], // a byte replaced
                _ => [.. bytes[..at], .. bytes[end..next], .. bytes[at..end], .. bytes[next..]], // two neighbouring spans swapped
            };
        });

    // Names both formats use, so that random trees are often almost a notification or a bundle.
    private static readonly string[] Names =
        ["resourceType", "type", "entry", "resource", "fullUrl", "id", "meta", "source", "identifier", "system", "value", "name", "family", "given",
         "birthDate", "gender", "deceasedDateTime", "extension", "url", "valueBoolean", "code", "coding", "text", "category", "location", "reference",
         "schemaVersion", "sourceSystem", "notificationId", "deceased", "nhsNumber", "identityConfirmed", "givenName", "dateTimeOfDeath", "circumstances", "informant"];

    private static readonly Gen<string> Leaf = Gen.Elements(
        "null", "true", "false", "0", "1", "-7", "1.5", "1e999", "\"\"", "\"Bundle\"", "\"Patient\"", "\"collection\"", $"\"{NhsNumber}\"",
        "\"2026-11-20T03:15:00+00:00\"", "\"1938-04-02\"", $"\"{Corpus.Marker} Smith\"", $"\"{Corpus.Marker}\"");

    /// <summary>Random JSON: leaves, arrays and objects of the formats' names, at most <paramref name="depth"/> deep.</summary>
    private static Gen<string> Tree(int depth) =>
        depth == 0
            ? Leaf
            : Gen.Frequency(
                (3, Leaf),
                (1, from count in Gen.Choose(0, 3) from items in Gen.ArrayOf(Tree(depth - 1), count) select $"[{string.Join(",", items)}]"),
                (2, from count in Gen.Choose(0, 5)
                    from members in Gen.ArrayOf(from name in Gen.Elements(Names) from value in Tree(depth - 1) select $"\"{name}\":{value}", count)
                    select $"{{{string.Join(",", members)}}}"));

    /// <summary>Mostly a resource (its type a valid one, a misspelt one, the marker, not a string), else any JSON at all.</summary>
    private static readonly Gen<byte[]> Trees = Gen.Frequency(
        (3, from type in Gen.Elements("\"Bundle\"", "\"Patient\"", "\"Bundel\"", $"\"{Corpus.Marker}Smith\"", "1", "null", "[]")
            from body in Tree(4)
            select Encoding.UTF8.GetBytes(body.StartsWith('{') && body.Length > 2 ? $"{{\"resourceType\":{type},{body[1..]}" : $"{{\"resourceType\":{type}}}")),
        (1, Tree(5).Select(Encoding.UTF8.GetBytes)));

    private static Gen<byte[]> Arbitrary =>
        Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []),
            ArbMap.Default.GeneratorFor<string>().Select(s => Encoding.UTF8.GetBytes(s ?? "")),
            Gen.ArrayOf(Gen.Elements(JsonPieces.Concat(Hl7Pieces).Append(Corpus.Marker).ToArray())).Select(p => Encoding.UTF8.GetBytes(string.Concat(p))));

    /// <summary>
    /// A refusal may name a field the sender invented (an unknown property is reported by its name): a marker
    /// that damage moved into a property name may come back; one in a value never may.
    /// </summary>
    [GeneratedRegex("\"[^\"]*MRKZ[^\"]*\"\\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex MarkerInAName();

    private static void AssertRefusalRepeatsNothing(string refusal, byte[] input)
    {
        if (refusal.Contains(Corpus.Marker, StringComparison.OrdinalIgnoreCase) && !MarkerInAName().IsMatch(Encoding.UTF8.GetString(input)))
        {
            Assert.Fail($"the refusal repeats the marker: {refusal}");
        }

        Assert.DoesNotContain(NhsNumber, refusal, StringComparison.Ordinal);
    }

    private static bool JsonParserAnswers(byte[] input)
    {
        var validation = DeathNotificationParser.Parse(input, DateTimeOffset.UtcNow);
        Assert.True(validation.IsValid || validation.Errors.Count > 0, "a refusal always says why");
        AssertRefusalRepeatsNothing(string.Join("; ", validation.Errors), input);
        return true;
    }

    private static bool ReaderAnswers(string format, byte[] input)
    {
        // Refusal lets through nothing but NotificationRejectedException: anything else fails the property.
        var refusal = ParserCorpusTests.Refusal(format, input);
        AssertRefusalRepeatsNothing(refusal?.ToString() ?? "", input);
        return true;
    }

    [Property(MaxTest = 400)]
    public Property the_json_parser_answers_arbitrary_input_with_a_validation_that_repeats_no_value() =>
        Prop.ForAll(Arbitrary.ToArbitrary(), JsonParserAnswers);

    [Property(MaxTest = 600)]
    public Property the_json_parser_answers_damaged_notifications_with_a_validation_that_repeats_no_value() =>
        Prop.ForAll(Damaged(Json, JsonPieces).ToArbitrary(), JsonParserAnswers);

    [Property(MaxTest = 300)]
    public Property the_json_parser_answers_random_json_trees_with_a_validation_that_repeats_no_value() =>
        Prop.ForAll(Trees.ToArbitrary(), JsonParserAnswers);

    [Property(MaxTest = 300)]
    public Property the_fhir_reader_refuses_arbitrary_input_only_with_its_typed_rejection_that_repeats_no_value() =>
        Prop.ForAll(Arbitrary.ToArbitrary(), input => ReaderAnswers(NotificationReader.Fhir, input));

    [Property(MaxTest = 500)]
    public Property the_fhir_reader_refuses_random_json_trees_only_with_its_typed_rejection_that_repeats_no_value() =>
        Prop.ForAll(Trees.ToArbitrary(), input => ReaderAnswers(NotificationReader.Fhir, input));

    [Property(MaxTest = 400)]
    public Property the_fhir_reader_refuses_damaged_bundles_only_with_its_typed_rejection_that_repeats_no_value() =>
        Prop.ForAll(Damaged(Fhir, JsonPieces).ToArbitrary(), input => ReaderAnswers(NotificationReader.Fhir, input));

    [Property(MaxTest = 400)]
    public Property the_hl7_reader_refuses_arbitrary_input_only_with_its_typed_rejection_that_repeats_no_value() =>
        Prop.ForAll(Arbitrary.ToArbitrary(), input => ReaderAnswers(NotificationReader.Hl7, input));

    [Property(MaxTest = 600)]
    public Property the_hl7_reader_refuses_damaged_messages_only_with_its_typed_rejection_that_repeats_no_value() =>
        Prop.ForAll(Damaged(Hl7, Hl7Pieces).ToArbitrary(), input => ReaderAnswers(NotificationReader.Hl7, input));

    [Fact]
    public void the_seeded_sources_are_valid_so_the_damage_is_what_is_refused()
    {
        foreach (var (format, sources) in new[] { (NotificationReader.Json, Json), (NotificationReader.Fhir, Fhir), (NotificationReader.Hl7, Hl7) })
        {
            Assert.All(sources, s => Assert.Null(ParserCorpusTests.Refusal(format, s)));
        }
    }
}
