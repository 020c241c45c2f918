using MedicalExaminer.Metrics.Api;
using MedicalExaminer.Metrics.Dashboard;
using MedicalExaminer.Metrics.Figures;
using MedicalExaminer.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Metrics.Pages;

/// <summary>The dashboard: the same figures as the API (same query, same roles, same disclosure control), as charts and tables.</summary>
public sealed class IndexModel(ScrutinyReport report, TimeProvider clock, IOptions<MetricsOptions> options) : PageModel
{
    public FigureRequest Query { get; private set; } = new();

    public DashboardView? View { get; private set; }

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public MetricsViewer? Viewer { get; private set; }

    public IReadOnlyList<OfficeReference> Offices => options.Value.Offices;

    public IReadOnlyList<string> Regions => [.. options.Value.Offices.Select(o => o.Region).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The CSV download for the same query.</summary>
    public string CsvUrl => $"/api/metrics/csv{HttpContext.Request.QueryString}";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Viewer = FigureRequest.ViewerOf(CurrentUser.From(User));
        if (Viewer is null)
        {
            return Forbid();
        }

        var q = HttpContext.Request.Query;
        Query = new FigureRequest
        {
            Granularity = q["granularity"],
            From = q["from"],
            To = q["to"],
            Office = [.. q["office"].OfType<string>().Where(o => o.Length > 0)],
            Region = q["region"],
        };
        var (query, errors) = Query.Resolve(clock.GetUtcNow(), options.Value.MaxMonthsPerRequest);
        Errors = errors;
        if (query is null)
        {
            return Page();
        }

        if (Viewer.OfficeId is { } own && query.Offices.Any(o => o != own))
        {
            return Forbid();
        }

        View = new DashboardView(await report.BuildAsync(query, Viewer, cancellationToken));
        return Page();
    }
}
