using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Figures;
using M = MedicalExaminer.Contracts.ScrutinyMetricNames;

namespace MedicalExaminer.Metrics.Dashboard;

/// <summary>A chart and the table that says the same in words (the accessible alternative).</summary>
public sealed record DashboardChart(string Id, string Heading, string Svg, IReadOnlyList<string> Columns, IReadOnlyList<(string Row, IReadOnlyList<MetricFigure> Cells)> Table);

/// <summary>
/// What the dashboard shows for a figure table: charts over the window and a summary of the latest period.
/// Every figure comes from the table as disclosure control left it; derived rates use <see cref="Percentage"/>,
/// which suppresses a rate whose numerator or denominator is suppressed, as the figures themselves do.
/// </summary>
public sealed class DashboardView
{
    public DashboardView(FigureTable table)
    {
        Table = table;
        Periods = [.. table.Periods.Select(p => p.Label)];
        Offices = [.. table.Rows.Where(r => r.Scope == MetricScopes.Office).Select(r => (r.OfficeId!, r.OfficeName ?? r.OfficeId!)).Distinct()];
        var nationalRows = table.Rows.Where(r => r.Scope == MetricScopes.National).ToList();
        // The focus of the single-line charts: the nation for a regulator, the office for its examiner.
        var firstOffice = Offices.Count > 0 ? Offices[0] : (Id: "", Name: "");
        FocusName = nationalRows.Count > 0 ? nationalRows[0].OfficeName ?? "National" : firstOffice.Name;
        Focus = nationalRows.Count > 0 ? nationalRows : [.. table.Rows.Where(r => r.OfficeId == firstOffice.Id)];
        Latest = [.. table.Rows.Where(r => r.Period == table.Periods[^1])];
        Charts = BuildCharts();
    }

    public FigureTable Table { get; }

    public IReadOnlyList<string> Periods { get; }

    public IReadOnlyList<(string Id, string Name)> Offices { get; }

    public string FocusName { get; }

    public IReadOnlyList<FigureRow> Focus { get; }

    /// <summary>Every row of the last period of the window, for the summary table.</summary>
    public IReadOnlyList<FigureRow> Latest { get; }

    public IReadOnlyList<DashboardChart> Charts { get; }

    /// <summary>numerator ÷ denominator as a percentage (one decimal): suppressed when either is, not applicable over zero.</summary>
    public static MetricFigure Percentage(MetricFigure numerator, MetricFigure denominator) =>
        numerator.Suppressed == true || denominator.Suppressed == true ? MetricFigure.Hidden
        : numerator.Value is not { } n || denominator.Value is not { } d || d == 0 ? MetricFigure.NotApplicable
        : new MetricFigure(Math.Round(100m * n / d, 1, MidpointRounding.AwayFromZero), null);

    private List<DashboardChart> BuildCharts()
    {
        // An office with no deaths in the window would only add an empty line to each chart.
        var perOffice = Offices
            .Select(o => (o.Name, Rows: Table.Rows.Where(r => r.OfficeId == o.Id).ToList()))
            .Where(o => o.Rows.Any(r => r[M.DeathsNotified] is not { Value: 0 }))
            .ToList();
        if (Focus.Count > 0 && Focus[0].Scope == MetricScopes.National)
        {
            perOffice.Add((FocusName, [.. Focus]));
        }

        var coverage = perOffice.Select(o => new ChartSeries(o.Name, [.. o.Rows.Select(r => r[M.ScrutinyCoveragePct])])).ToList();
        var referral = perOffice.Select(o => new ChartSeries(o.Name, [.. o.Rows.Select(r => Percentage(r[M.ReferredToCoroner], r[M.DeathsNotified]))])).ToList();
        var hours = new List<ChartSeries>
        {
            new("Median", [.. Focus.Select(r => r[M.MedianHoursDeathToMccd])]),
            new("90th percentile", [.. Focus.Select(r => r[M.P90HoursDeathToMccd])]),
        };
        var sla = new List<ChartSeries>
        {
            new("MCCD within 5 days of death", [.. Focus.Select(r => r[M.WithinRegistrationTargetPct])]),
            new("Urgent release decided within target", [.. Focus.Select(r => r[M.UrgentReleaseMetPct])]),
        };
        var latestFocus = Focus.Count > 0 ? Focus[^1] : null;
        var reasons = ReasonCodes.All.Select(code => (code, latestFocus?[M.Reason(code)] ?? MetricFigure.NotApplicable)).ToList();
        var window = $"{Periods[0]} to {Periods[^1]}";

        return
        [
            Line("coverage", "Scrutiny coverage", $"Scrutiny coverage (completed ÷ deaths notified less coroner investigations) per period, {window}, for {Names(coverage)}.", coverage, "% of deaths", 100),
            Line("referral-rate", "Coroner referral rate", $"Deaths referred to the coroner by an ME as a percentage of deaths notified, {window}, for {Names(referral)}.", referral, "% of deaths", 100),
            Line("death-to-mccd", $"Time from death to MCCD: {FocusName}", $"Median and 90th percentile hours from death to MCCD for completed scrutinies, {FocusName}, {window}.", hours, "hours", null),
            Line("sla", $"SLA performance: {FocusName}", $"Percentage of MCCDs issued within 5 days of death and of urgent-release decisions within target, {FocusName}, {window}.", sla, "%", 100),
            Bars("reasons", $"Coroner referral recommended, by reason: {FocusName}, {Periods[^1]}", $"Deaths for which triage recommended coroner notification, by statutory reason, {FocusName}, {Periods[^1]}. A death can have more than one reason.", reasons),
        ];

        DashboardChart Line(string id, string heading, string description, List<ChartSeries> series, string unit, decimal? max) =>
            new(id, heading, SvgCharts.LineChart($"chart-{id}", heading, description, Periods, series, unit, max),
                [.. Periods], [.. series.Select(s => (s.Name, s.Points))]);

        DashboardChart Bars(string id, string heading, string description, List<(string Code, MetricFigure Figure)> bars) =>
            new(id, heading, SvgCharts.BarChart($"chart-{id}", heading, description, bars, "deaths"),
                ["Deaths"], [.. bars.Select(b => (b.Code, (IReadOnlyList<MetricFigure>)[b.Figure]))]);

        static string Names(List<ChartSeries> series) => series.Count == 0 ? "no office" : string.Join(", ", series.Select(s => s.Name));
    }
}
