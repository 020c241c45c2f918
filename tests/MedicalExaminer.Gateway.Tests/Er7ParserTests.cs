using MedicalExaminer.Gateway.Formats;
using MedicalExaminer.Gateway.Formats.Hl7v2;

namespace MedicalExaminer.Gateway.Tests;

public sealed class Er7ParserTests
{
    [Fact]
    public void fields_repetitions_components_and_subcomponents_are_addressed_as_hl7_numbers_them()
    {
        var message = Er7Parser.Parse("MSH|^~\\&|EPR|RR8|||20261120||ADT^A03^ADT_A03|42|P|2.5.1\rPID|1||9434765919^^^NHS^NH~X1^^^LOCAL^MR||Smith^Anne&Marie\r");

        Assert.Equal("|", message.Header.Value(1));
        Assert.Equal("^~\\&", message.Header.Value(2));
        Assert.Equal("EPR", message.Header.Value(3));
        Assert.Equal("A03", message.Header.Value(9, 2));
        var pid = message.First("PID")!;
        Assert.Equal(2, pid.Field(3).Repetitions.Count);
        Assert.Equal("X1", pid.Field(3).Value(1, 1));
        Assert.Equal("LOCAL", pid.Field(3).Value(1, 4));
        Assert.Equal("Marie", pid.Value(5, 2, 2));
        Assert.Null(pid.Value(4));
        Assert.Null(pid.Value(99));
    }

    [Theory]
    [InlineData("a\\F\\b", "a|b")]
    [InlineData("a\\S\\b\\T\\c\\R\\d\\E\\e", "a^b&c~d\\e")]
    [InlineData("line one\\.br\\line two", "line one\nline two")]
    [InlineData("\\H\\bold\\N\\", "bold")]
    [InlineData("caf\\XC3A9\\", "café")]
    public void escape_sequences_are_decoded(string raw, string text)
    {
        var message = Er7Parser.Parse($"MSH|^~\\&|EPR\rNTE|1||{raw}\r");
        Assert.Equal(text, message.First("NTE")!.Value(3));
    }

    [Theory]
    [InlineData("unterminated \\F")]
    [InlineData("unknown \\Q\\")]
    [InlineData("odd hex \\X4\\")]
    [InlineData("not hex \\XZZ\\")]
    [InlineData("bad utf-8 \\XC328\\")]
    [InlineData("empty \\\\")]
    public void a_broken_escape_is_refused_with_its_location(string raw)
    {
        var ex = Assert.Throws<NotificationRejectedException>(() => Er7Parser.Parse($"MSH|^~\\&|EPR\rNTE|1||{raw}\r"));
        Assert.Equal("NTE-3", ex.Field);
    }

    [Theory]
    [InlineData("MSH|^~\\&|EPR\rPI|1\r", GatewayErrorCodes.BrokenSegment)]
    [InlineData("MSH|^~\\&|EPR\rpid|1\r", GatewayErrorCodes.BrokenSegment)]
    [InlineData("MSH|^~\\&|EPR\rPIDX|1\r", GatewayErrorCodes.BrokenSegment)]
    [InlineData("MSH|^~\\&|EPR\rMSH|^~\\&|EPR\r", GatewayErrorCodes.BrokenSegment)]
    [InlineData("MSH|^~|EPR\r", GatewayErrorCodes.MalformedHl7)]
    [InlineData("MSH|^^\\&|EPR\r", GatewayErrorCodes.MalformedHl7)]
    [InlineData("MSH|^~\\&", GatewayErrorCodes.MalformedHl7)]
    [InlineData("EVN|A03\rMSH|^~\\&|EPR\r", GatewayErrorCodes.MalformedHl7)]
    public void structural_errors_are_refused(string message, string code) =>
        Assert.Equal(code, Assert.Throws<NotificationRejectedException>(() => Er7Parser.Parse(message)).Code);

    [Fact]
    public void other_delimiters_declared_in_MSH_are_honoured()
    {
        var message = Er7Parser.Parse("MSH#*@!%#EPR#RR8\rPID#1##A*B@C#!S!\r");
        Assert.Equal("EPR", message.Header.Value(3));
        Assert.Equal("B", message.First("PID")!.Value(3, 2));
        Assert.Equal("C", message.First("PID")!.Field(3).Value(1, 1));
        Assert.Equal("*", message.First("PID")!.Value(4));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("a|b^c~d\\e&f")]
    [InlineData("two\nlines")]
    [InlineData("Siân Llŷr")]
    public void escaping_then_parsing_gives_the_value_back(string value)
    {
        var message = Er7Parser.Parse($"MSH|^~\\&|EPR\rNTE|1||{Er7Parser.Escape(value, Er7Delimiters.Standard)}\r");
        Assert.Equal(value, message.First("NTE")!.Value(3));
    }

    [Theory]
    [InlineData("202611200315+0000", "2026-11-20T03:15:00+00:00")]
    [InlineData("20261120031530-0500", "2026-11-20T03:15:30-05:00")]
    [InlineData("20260720031500", "2026-07-20T03:15:00+01:00")]
    [InlineData("20261120031500.1234", "2026-11-20T03:15:00+00:00")]
    [InlineData("2026112003", "2026-11-20T03:00:00+00:00")]
    [InlineData("20261120", "2026-11-20T00:00:00+00:00")]
    [InlineData("20260701", "2026-07-01T00:00:00+01:00")]
    public void hl7_times_become_iso_8601_with_an_offset_and_local_times_are_read_in_uk_time(string hl7, string iso) =>
        Assert.Equal(iso, AdtA03Mapper.DateTimeOf(hl7, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")));

    [Fact]
    public void a_local_time_the_autumn_clock_change_makes_ambiguous_is_refused() =>
        Assert.Equal(GatewayErrorCodes.AmbiguousLocalTime, Assert.Throws<NotificationRejectedException>(
            () => AdtA03Mapper.DateTimeOf("202610250130", TimeZoneInfo.FindSystemTimeZoneById("Europe/London"))).Code);
}
