using System.Xml.Linq;
using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Dashboard;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>The charts draw what the figures say: values as points or bars, suppressed as suppressed (never as zero), nothing for n/a.</summary>
public sealed class SvgChartsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XElement Parse(string svg) => XElement.Parse(svg);

    [Fact]
    public void a_line_chart_is_an_accessible_image_with_a_title_and_a_description()
    {
        var chart = Parse(SvgCharts.LineChart("c1", "Coverage & more", "What the chart shows <in words>", ["2026-01"], [new ChartSeries("A", [new MetricFigure(50, null)])], "%", 100));

        Assert.Equal("img", chart.Attribute("role")?.Value);
        Assert.Equal("c1-title", chart.Attribute("aria-labelledby")?.Value);
        Assert.Equal("c1-desc", chart.Attribute("aria-describedby")?.Value);
        Assert.Equal("Coverage & more", chart.Element(Svg + "title")?.Value);
        Assert.Equal("What the chart shows <in words>", chart.Element(Svg + "desc")?.Value);
    }

    [Fact]
    public void suppressed_figures_are_marked_suppressed_and_not_drawn_as_zero()
    {
        var series = new ChartSeries("Office B", [new MetricFigure(0, null), MetricFigure.Hidden, new MetricFigure(40, null), MetricFigure.NotApplicable]);

        var chart = Parse(SvgCharts.LineChart("c2", "t", "d", ["2026-01", "2026-02", "2026-03", "2026-04"], [series], "%", 100));

        var points = chart.Descendants(Svg + "circle").Where(c => c.Attribute("class")?.Value == "point").ToList();
        var suppressed = chart.Descendants().Where(e => e.Attribute("data-suppressed")?.Value == "true").ToList();
        Assert.Equal(2, points.Count); // the 0 and the 40; the suppressed and the n/a are not points
        Assert.Equal(["Office B, 2026-01: 0 %", "Office B, 2026-03: 40 %"], points.Select(p => p.Element(Svg + "title")!.Value));
        var marker = Assert.Single(suppressed);
        Assert.Equal("Office B, 2026-02: suppressed (small numbers)", marker.Element(Svg + "title")!.Value);
        // The line is broken at the suppressed figure: no segment joins January to March through it.
        Assert.Empty(chart.Descendants(Svg + "polyline"));
    }

    [Fact]
    public void a_bar_chart_hatches_a_suppressed_bar_and_draws_zero_as_an_empty_bar()
    {
        var chart = Parse(SvgCharts.BarChart("c3", "Reasons", "By reason", [("poisoning", new MetricFigure(12, null)), ("violence", MetricFigure.Hidden), ("neglect", new MetricFigure(0, null))], "deaths"));

        var bars = chart.Descendants(Svg + "rect").Where(r => r.Attribute("class")?.Value?.StartsWith("bar", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(3, bars.Count);
        Assert.Equal("url(#c3-hatch)", bars[1].Attribute("fill")?.Value);
        Assert.Equal("true", bars[1].Attribute("data-suppressed")?.Value);
        Assert.Equal("0", bars[2].Attribute("width")?.Value);
        Assert.True(double.Parse(bars[0].Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(7, 10)]
    [InlineData(14, 20)]
    [InlineData(21, 25)]
    [InlineData(250, 250)]
    [InlineData(251, 500)]
    public void the_scale_tops_out_at_a_round_number(int value, int expected) =>
        Assert.Equal(expected, SvgCharts.NiceCeiling(value));

    [Theory]
    [InlineData(5, 10, false, false, 50.0)]
    [InlineData(1, 3, false, false, 33.3)]
    [InlineData(5, 0, false, false, null)]
    [InlineData(5, 10, true, false, null)]
    [InlineData(5, 10, false, true, null)]
    public void a_derived_rate_is_suppressed_when_either_side_is(int numerator, int denominator, bool numeratorHidden, bool denominatorHidden, double? expected)
    {
        var rate = DashboardView.Percentage(
            numeratorHidden ? MetricFigure.Hidden : new MetricFigure(numerator, null),
            denominatorHidden ? MetricFigure.Hidden : new MetricFigure(denominator, null));

        Assert.Equal(expected is null ? null : (decimal)expected.Value, rate.Value);
        Assert.Equal(numeratorHidden || denominatorHidden ? true : null, rate.Suppressed);
    }
}
