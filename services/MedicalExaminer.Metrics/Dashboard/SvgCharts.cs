using System.Globalization;
using System.Net;
using System.Text;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Metrics.Dashboard;

/// <summary>One line of a chart: a name and one figure per period (a value, suppressed, or not applicable).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<MetricFigure> Points);

/// <summary>
/// Server-rendered SVG charts for the dashboard: no script, no charting bundle, the same markup in every
/// browser and in a screenshot. Accessible: each chart is an image with a title and a description (and the
/// page puts a table of the same figures beside it). A suppressed figure is never drawn as zero: line charts
/// mark it with an asterisk in a strip above the plot, bar charts with a hatched bar labelled "suppressed";
/// a figure that does not apply (no cases) is simply not drawn.
/// </summary>
public static class SvgCharts
{
    private const int Width = 760;
    private const int Height = 320;
    private const int Left = 64;
    private const int Right = 20;
    private const int Top = 52;
    private const int Bottom = 56;
    private const string Axis = "#4c6272";
    private const string Grid = "#d8dde0";

    // NHS identity colours, in an order where neighbours contrast.
    private static readonly string[] Palette = ["#005eb8", "#007f3b", "#330072", "#ae2573", "#ed8b00", "#00a499", "#425563", "#d5281b", "#41b6e6", "#78be20"];

    public static string ColourOf(int series) => Palette[series % Palette.Length];

    /// <summary>Values over periods, one line per series; <paramref name="max"/> fixes the top of the scale (100 for percentages).</summary>
    public static string LineChart(string id, string title, string description, IReadOnlyList<string> periods, IReadOnlyList<ChartSeries> series, string unit, decimal? max = null)
    {
        var svg = Open(id, title, description, Width, Height);
        var values = series.SelectMany(s => s.Points).Where(p => p.Value is not null).Select(p => p.Value!.Value).ToList();
        var top = max ?? NiceCeiling(values.Count == 0 ? 0 : values.Max());
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double X(int i) => Left + (periods.Count == 1 ? plotWidth / 2.0 : plotWidth * i / (double)(periods.Count - 1));
        double Y(decimal v) => Top + plotHeight - (top == 0 ? 0 : (double)(v / top) * plotHeight);

        // Scale, grid and period labels.
        for (var tick = 0; tick <= 4; tick++)
        {
            var v = top * tick / 4;
            var y = Y(v);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" x2="{Width - Right}" y1="{F(y)}" y2="{F(y)}" stroke="{(tick == 0 ? Axis : Grid)}" stroke-width="1"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left - 8}" y="{F(y + 4)}" text-anchor="end" font-size="12" fill="{Axis}">{Number(v)}</text>""");
        }

        var labelEvery = Math.Max(1, (int)Math.Ceiling(periods.Count / 12.0));
        for (var i = 0; i < periods.Count; i += labelEvery)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(X(i))}" y="{Height - Bottom + 18}" text-anchor="middle" font-size="12" fill="{Axis}">{Escape(periods[i])}</text>""");
        }

        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left}" y="14" font-size="12" fill="{Axis}">{Escape(unit)}</text>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Width - Right}" y="14" text-anchor="end" font-size="12" fill="{Axis}">✱ above the chart = suppressed (small numbers)</text>""");

        for (var s = 0; s < series.Count; s++)
        {
            var colour = ColourOf(s);
            var line = series[s];
            svg.Append(CultureInfo.InvariantCulture, $"""<g class="series" data-series="{Escape(line.Name)}">""");
            // Lines join neighbouring periods that both have a value; a suppressed or missing figure breaks the line.
            var run = new List<string>();
            for (var i = 0; i <= line.Points.Count; i++)
            {
                var point = i < line.Points.Count ? line.Points[i] : null;
                if (point?.Value is { } value)
                {
                    run.Add($"{F(X(i))},{F(Y(value))}");
                    continue;
                }

                if (run.Count > 1)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{string.Join(' ', run)}"/>""");
                }

                run.Clear();
            }

            for (var i = 0; i < line.Points.Count; i++)
            {
                var point = line.Points[i];
                var label = $"{line.Name}, {periods[i]}";
                if (point.Value is { } value)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"""<circle class="point" cx="{F(X(i))}" cy="{F(Y(value))}" r="4" fill="{colour}"><title>{Escape(label)}: {Number(value)} {Escape(unit)}</title></circle>""");
                }
                else if (point.Suppressed == true)
                {
                    // Each series has its own row in the strip above the plot, so markers do not overlap.
                    var y = Top - 6 - (s % 2 * 10);
                    svg.Append(CultureInfo.InvariantCulture, $"""<text class="suppressed" data-suppressed="true" x="{F(X(i))}" y="{y}" text-anchor="middle" font-size="14" font-weight="bold" fill="{colour}">✱<title>{Escape(label)}: suppressed (small numbers)</title></text>""");
                }
            }

            svg.Append("</g>");
        }

        return Close(svg, series.Select((s, i) => (s.Name, ColourOf(i))).ToList());
    }

    /// <summary>Horizontal bars, one per label (e.g. referral reasons).</summary>
    public static string BarChart(string id, string title, string description, IReadOnlyList<(string Label, MetricFigure Figure)> bars, string unit)
    {
        const int rowHeight = 26;
        const int labelWidth = 250;
        var height = Top + (bars.Count * rowHeight) + 24;
        var svg = Open(id, title, description, Width, height);
        svg.Append(CultureInfo.InvariantCulture, $"""<defs><pattern id="{id}-hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)"><rect width="8" height="8" fill="#f0f4f5"/><line x1="0" y1="0" x2="0" y2="8" stroke="#768692" stroke-width="3"/></pattern></defs>""");
        var values = bars.Where(b => b.Figure.Value is not null).Select(b => b.Figure.Value!.Value).ToList();
        var top = NiceCeiling(values.Count == 0 ? 0 : values.Max());
        var plotWidth = Width - labelWidth - Right - 60;
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{labelWidth}" y="{Top - 14}" font-size="12" fill="{Axis}">{Escape(unit)}</text>""");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, figure) = bars[i];
            var y = Top + (i * rowHeight);
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{labelWidth - 8}" y="{y + 17}" text-anchor="end" font-size="13" fill="#212b32">{Escape(label)}</text>""");
            if (figure.Value is { } value)
            {
                var width = top == 0 ? 0 : (double)(value / top) * plotWidth;
                svg.Append(CultureInfo.InvariantCulture, $"""<rect class="bar" x="{labelWidth}" y="{y + 4}" width="{F(width)}" height="{rowHeight - 8}" fill="{Palette[0]}"><title>{Escape(label)}: {Number(value)}</title></rect>""");
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(labelWidth + width + 6)}" y="{y + 17}" font-size="13" fill="#212b32">{Number(value)}</text>""");
            }
            else if (figure.Suppressed == true)
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<rect class="bar suppressed" data-suppressed="true" x="{labelWidth}" y="{y + 4}" width="60" height="{rowHeight - 8}" fill="url(#{id}-hatch)" stroke="#768692"><title>{Escape(label)}: suppressed (small numbers)</title></rect>""");
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{labelWidth + 66}" y="{y + 17}" font-size="13" fill="#4c6272">✱ suppressed</text>""");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{labelWidth + 6}" y="{y + 17}" font-size="13" fill="#4c6272">–</text>""");
            }
        }

        return Close(svg, []);
    }

    private static StringBuilder Open(string id, string title, string description, int width, int height)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="me-chart" id="{Escape(id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{Escape(id)}-title" aria-describedby="{Escape(id)}-desc" font-family="Frutiger W01, Arial, sans-serif">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<title id="{Escape(id)}-title">{Escape(title)}</title><desc id="{Escape(id)}-desc">{Escape(description)}</desc>""");
        return svg;
    }

    private static string Close(StringBuilder svg, IReadOnlyList<(string Name, string Colour)> legend)
    {
        var x = Left;
        foreach (var (name, colour) in legend)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x}" y="{Height - 22}" width="12" height="12" fill="{colour}"/><text x="{x + 16}" y="{Height - 12}" font-size="12" fill="#212b32">{Escape(name)}</text>""");
            x += 24 + (int)(name.Length * 6.5);
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>A round number at or above <paramref name="value"/> for the top of a scale (1, 2, 2.5 or 5 × a power of ten).</summary>
    internal static decimal NiceCeiling(decimal value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var magnitude = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)value)));
        foreach (var step in new[] { 1m, 2m, 2.5m, 5m, 10m })
        {
            if (value <= step * magnitude)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
