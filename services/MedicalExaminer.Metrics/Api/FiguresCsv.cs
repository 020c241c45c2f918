using System.Globalization;
using System.Text;
using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Disclosure;
using MedicalExaminer.Metrics.Figures;

namespace MedicalExaminer.Metrics.Api;

/// <summary>
/// A figure table as RFC 4180 CSV for spreadsheets: one row per office (and national) and period, one column
/// per metric; a suppressed figure is <c>*</c>, a figure that does not apply is empty. UTF-8 with a byte-order
/// mark so that spreadsheet programs do not guess another encoding. Text cells (office names and the like come from
/// configuration) that a spreadsheet would run as a formula are defused (OWASP "CSV injection").
/// </summary>
public static class FiguresCsv
{
    private static readonly string[] LeadingColumns = ["period", "scope", "office_id", "office_name", "region"];

    public static byte[] Write(FigureTable table)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', LeadingColumns.Concat(ScrutinyMetricNames.All)).Append("\r\n");
        foreach (var row in table.Rows)
        {
            csv.AppendJoin(',', new[] { row.Period.Label, row.Scope, row.OfficeId ?? "", row.OfficeName ?? "", row.Region ?? "" }
                .Select(TextCell)
                .Concat(ScrutinyMetricNames.All.Select(m => Escape(Format(row[m])))));
            csv.Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    public static string Format(MetricFigure figure) =>
        figure.Suppressed == true ? DisclosureControl.Mark
        : figure.Value is { } value ? value.ToString(CultureInfo.InvariantCulture)
        : "";

    public static string FileName(FigureTable table) =>
        $"scrutiny-metrics-{table.Granularity}-{table.Periods[0].Label}-to-{table.Periods[^1].Label}{(table.DisclosureControlled ? "" : "-unsuppressed")}.csv";

    /// <summary>
    /// A text cell as written: one starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return
    /// gets a leading apostrophe, so a spreadsheet shows it as text instead of evaluating it; then RFC 4180 quoting.
    /// (Figures are numbers we format ourselves, negative ones included, and are not touched.)
    /// </summary>
    public static string TextCell(string field) =>
        Escape(field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + field : field);

    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
