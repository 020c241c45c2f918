using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Hl7v2;

namespace MedicalExaminer.Gateway.Tests;

/// <summary>The variety of one field at a time, as English senders write it (issue 16); whole messages are in RealShapes/hl7.</summary>
public sealed class AdtMapperTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>A segment with the given fields set, the rest empty: HL7 numbering without counting bars by hand.</summary>
    private static string Seg(string id, params (int Field, string Value)[] fields)
    {
        var values = new string[fields.Max(f => f.Field) + 1];
        Array.Fill(values, "");
        values[0] = id;
        foreach (var (field, value) in fields)
        {
            values[field] = value;
        }

        return string.Join('|', values);
    }

    private static readonly string Pv1 = Seg("PV1", (1, "1"), (2, "I"), (3, "^^^RR801"), (19, "V1"));

    private static Contracts.DeathNotification Map(string pid, string? pv1 = null, string extra = "") =>
        AdtA03Mapper.Map(Er7Parser.Parse($"MSH|^~\\&|PAS|RR8|ME|ME|20261120||ADT^A03|C1|P|2.4\r{pid}\r{pv1 ?? Pv1}\r{extra}"), London);

    private static string Dead(params (int Field, string Value)[] more) => Seg("PID", [(1, "1"), (5, "X^Y"), (7, "19400101"), (8, "F"), (29, "20261119"), (30, "Y"), .. more]);

    [Theory]
    [InlineData("9990000018^^^NHS^NH")]
    [InlineData("9990000018^^^NHSNBR")]
    [InlineData("9990000018^^^NHS Number")]
    [InlineData("9990000018^^^&2.16.840.1.113883.2.1.4.1&ISO")]
    [InlineData("9990000018^^^2.16.840.1.113883.2.1.4.1")]
    [InlineData("9990000018^^^^NHS")]
    [InlineData("X123^^^RR8^MR~999 000 0018^^^NHS^NH")]
    [InlineData("X123^^^RR8^MR~999-000-0018^^^RR8^NH")]
    public void the_nhs_number_is_the_cx_its_authority_or_type_names_as_one(string pid3) =>
        Assert.Equal("9990000018", Map(Dead((3, pid3))).Deceased!.NhsNumber);

    [Fact]
    public void a_local_identifier_alone_is_no_nhs_number() =>
        Assert.Null(Map(Dead((3, "9990000018^^^RR8^MR"))).Deceased!.NhsNumber);

    [Theory]
    [InlineData("M", "male")]
    [InlineData("1", "male")]
    [InlineData("f", "female")]
    [InlineData("2", "female")]
    [InlineData("9", "unknown")]
    [InlineData("0", "unknown")]
    [InlineData("U", "unknown")]
    [InlineData("O", "other")]
    public void pid_8_reads_hl7_and_nhs_data_dictionary_codes(string pid8, string sex) =>
        Assert.Equal(sex, Map(Dead((8, pid8))).Deceased!.Sex);

    public static TheoryData<string, string> OneIndicator => new()
    {
        { Seg("PID", (5, "X^Y"), (29, "20261119")), Pv1 },
        { Seg("PID", (5, "X^Y"), (30, "Y")), Seg("PV1", (2, "I"), (3, "^^^RR801"), (45, "20261119")) },
        { Seg("PID", (5, "X^Y")), Seg("PV1", (2, "I"), (3, "^^^RR801"), (36, "4"), (45, "20261119")) },
        { Seg("PID", (5, "X^Y")), Seg("PV1", (2, "I"), (3, "^^^RR801"), (36, "1"), (37, "79"), (45, "20261119")) },
        { Seg("PID", (5, "X^Y")), Seg("PV1", (2, "I"), (3, "^^^RR801"), (36, "79"), (45, "20261119")) },
        { Seg("PID", (5, "X^Y")), Seg("PV1", (2, "I"), (3, "^^^RR801"), (36, "20"), (45, "20261119")) },
    };

    [Theory]
    [MemberData(nameof(OneIndicator))]
    public void any_one_death_indicator_is_enough(string pid, string pv1) =>
        Assert.Equal("2026-11-19T00:00:00+00:00", Map(pid, pv1).DateTimeOfDeath);

    [Fact]
    public void a_pda_segment_shows_a_death() =>
        Assert.Equal("2026-11-19T00:00:00+00:00", Map(Seg("PID", (5, "X^Y")), Seg("PV1", (2, "I"), (3, "^^^RR801"), (45, "20261119")), "PDA|I21.9^MI^I10\r").DateTimeOfDeath);

    public static TheoryData<string, string> NoIndicator => new()
    {
        { Seg("PID", (5, "X^Y")), Seg("PV1", (2, "I"), (3, "^^^RR801"), (36, "1"), (37, "19")) },
        { Seg("PID", (5, "X^Y"), (30, "N")), Pv1 },
        // HL7 table 0112 04 is a transfer to an intermediate care facility, not NHS discharge method 4.
        { Seg("PID", (5, "X^Y")), Seg("PV1", (2, "I"), (3, "^^^RR801"), (36, "04")) },
    };

    [Theory]
    [MemberData(nameof(NoIndicator))]
    public void a_message_without_any_death_indicator_is_refused_not_a_death(string pid, string pv1) =>
        Assert.Equal(GatewayErrorCodes.NotADeath, Assert.Throws<NotificationRejectedException>(() => Map(pid, pv1)).Code);

    [Fact]
    public void unknown_z_segments_are_ignored_and_cause_of_death_text_is_read_from_obx() =>
        Assert.Equal("Bronchopneumonia", Map(Dead(), extra: "ZXY|1|anything^at^all\rOBX|1|CE|69453-9^Cause of death^LN||^Bronchopneumonia||||||F\r").ProposedCauseOfDeath!.Ia);
}
