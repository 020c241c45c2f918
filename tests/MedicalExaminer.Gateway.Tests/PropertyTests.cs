using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Fhir;
using MedicalExaminer.Gateway.Formats.Hl7v2;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>
/// Whatever arrives, the ER7 parser, the ADT^A03 mapper and the FHIR mapper either read it or refuse it with
/// their own <see cref="NotificationRejectedException"/>: never another exception (which would be a 500).
/// Inputs: arbitrary text, and valid messages with random damage (bytes replaced, cut, spliced).
/// </summary>
public sealed class PropertyTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly string[] ValidHl7 = Samples.Valid(seed: 606, count: 20).Select(n => AdtA03Writer.Write(n)).ToArray();
    private static readonly string[] ValidFhir = Samples.Valid(seed: 607, count: 20).Select(FhirNotificationWriter.Write).ToArray();

    // Characters that matter to each format, so random damage often lands on structure rather than on text.
    private static readonly char[] Hl7Alphabet = "MSHPIDVNKOBX|^~\\&\r\n0123456789ADT.+-YN \u0001é".ToCharArray();
    private static readonly char[] JsonAlphabet = "{}[]\":,0123456789truefalsnul \\/resourceTypBdlPaitn-+.é\u0000".ToCharArray();

    private static Gen<string> Damaged(string[] valid, char[] alphabet) =>
        from source in Gen.Elements(valid)
        from edits in Gen.ListOf(
            from position in Gen.Choose(0, 100_000)
            from kind in Gen.Choose(0, 3)
            from length in Gen.Choose(0, 40)
            from text in Gen.ArrayOf(Gen.Elements(alphabet), length)
            select (position, kind, length, text: new string(text)))
        select edits.Aggregate(source, (s, e) =>
        {
            var at = s.Length == 0 ? 0 : e.position % s.Length;
            return e.kind switch
            {
                0 => s[..at] + e.text + s[at..],
                1 => s[..at] + s[Math.Min(s.Length, at + e.length)..],
                2 => s[..at],
                _ => s[..at] + e.text + s[Math.Min(s.Length, at + e.text.Length)..],
            };
        });

    private static bool OnlyTypedRejections(Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (NotificationRejectedException)
        {
            return true;
        }
    }

    [Property(MaxTest = 500)]
    public Property the_er7_parser_and_adt_mapper_never_throw_anything_but_a_rejection_on_arbitrary_text() =>
        Prop.ForAll(Gen.OneOf(ArbMap.Default.GeneratorFor<string>(), Gen.ArrayOf(Gen.Elements(Hl7Alphabet)).Select(c => "MSH" + new string(c))).ToArbitrary(),
            text => OnlyTypedRejections(() => AdtA03Mapper.Map(Er7Parser.Parse(text ?? ""), London)));

    [Property(MaxTest = 500)]
    public Property the_er7_parser_and_adt_mapper_never_throw_anything_but_a_rejection_on_damaged_messages() =>
        Prop.ForAll(Damaged(ValidHl7, Hl7Alphabet).ToArbitrary(),
            text => OnlyTypedRejections(() => AdtA03Mapper.Map(NotificationReader.ParseEr7(Encoding.UTF8.GetBytes(text)), London)));

    [Property(MaxTest = 300)]
    public Property the_fhir_mapper_never_throws_anything_but_a_rejection_on_arbitrary_bytes() =>
        Prop.ForAll(ArbMap.Default.GeneratorFor<byte[]>().ToArbitrary(),
            bytes => OnlyTypedRejections(() => FhirNotificationMapper.Map(bytes ?? [])));

    [Property(MaxTest = 500)]
    public Property the_fhir_mapper_never_throws_anything_but_a_rejection_on_damaged_bundles() =>
        Prop.ForAll(Damaged(ValidFhir, JsonAlphabet).ToArbitrary(),
            text => OnlyTypedRejections(() => FhirNotificationMapper.Map(Encoding.UTF8.GetBytes(text))));

    [Fact]
    public void an_empty_property_name_which_crashes_the_fhir_sdk_is_refused_as_invalid_fhir()
    {
        // Found by the property above: Firely 6.8 throws IndexOutOfRangeException on "": [...].
        var bundle = ValidFhir[0].Replace("\"type\":[", "\"\":[", StringComparison.Ordinal);
        Assert.Equal(GatewayErrorCodes.InvalidFhir, Assert.Throws<NotificationRejectedException>(() => FhirNotificationMapper.Map(Encoding.UTF8.GetBytes(bundle))).Code);
    }

    [Fact]
    public void every_synthetic_notification_survives_the_round_trip_through_fhir_and_hl7_unchanged()
    {
        foreach (var n in Samples.Valid(seed: 608, count: 300))
        {
            var expected = Samples.Json(Samples.AsCarried(n));
            Assert.Equal(expected, Samples.Json(FhirNotificationMapper.Map(Encoding.UTF8.GetBytes(FhirNotificationWriter.Write(n)))));
            Assert.Equal(expected, Samples.Json(AdtA03Mapper.Map(Er7Parser.Parse(AdtA03Writer.Write(n)), London)));
        }
    }
}
