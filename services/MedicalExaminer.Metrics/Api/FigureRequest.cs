using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Figures;
using MedicalExaminer.Security;
using Microsoft.AspNetCore.Mvc;

namespace MedicalExaminer.Metrics.Api;

/// <summary>Query string of the figure endpoints and pages: <c>?granularity=month&amp;from=2026-01&amp;to=2026-06&amp;office=me-leeds&amp;region=London</c>.</summary>
public sealed class FigureRequest
{
    [FromQuery(Name = "granularity")]
    public string? Granularity { get; set; }

    [FromQuery(Name = "from")]
    public string? From { get; set; }

    [FromQuery(Name = "to")]
    public string? To { get; set; }

    [FromQuery(Name = "office")]
    public string[]? Office { get; set; }

    [FromQuery(Name = "region")]
    public string? Region { get; set; }

    /// <summary>
    /// The query, or field errors (codes, never echoed values). Defaults: monthly, the twelve months up to
    /// and including the current one (quarterly: the four quarters up to the current one).
    /// </summary>
    public (FigureQuery? Query, Dictionary<string, string[]> Errors) Resolve(DateTimeOffset now, int maxMonths)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var granularity = string.IsNullOrWhiteSpace(Granularity) ? PeriodGranularities.Month : Granularity.Trim().ToLowerInvariant();
        if (!PeriodGranularities.All.Contains(granularity))
        {
            errors["granularity"] = ["unknown-code: month or quarter"];
            return (null, errors);
        }

        var current = Period.Of(granularity, UkCalendar.Today(now));
        var to = ParseOr(To, "to", current);
        var from = ParseOr(From, "from", granularity == PeriodGranularities.Quarter
            ? Period.Quarter(current.Start.AddMonths(-9))
            : Period.Month(current.Start.AddMonths(-11)));
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        if (from > to)
        {
            errors["from"] = ["after-to"];
        }
        else if (((to.End.Year - from.Start.Year) * 12) + to.End.Month - from.Start.Month > maxMonths)
        {
            errors["to"] = [$"window-too-wide: at most {maxMonths} months"];
        }

        var offices = (Office ?? []).Where(o => !string.IsNullOrWhiteSpace(o)).Select(o => o.Trim()).Distinct(StringComparer.Ordinal).ToList();
        return errors.Count > 0 ? (null, errors) : (new FigureQuery(from, to, offices, string.IsNullOrWhiteSpace(Region) ? null : Region.Trim()), errors);

        Period ParseOr(string? text, string field, Period fallback)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            if (!Period.TryParse(text.Trim(), out var period) || period.Granularity != granularity)
            {
                errors[field] = [granularity == PeriodGranularities.Month ? "invalid-period: yyyy-MM" : "invalid-period: yyyy-Qn"];
            }

            return period;
        }
    }

    /// <summary>
    /// The view the signed-in person may have: a regulator gets suppressed aggregates of every office; a
    /// medical examiner gets their own office unsuppressed and nothing else. Null: no view at all.
    /// </summary>
    public static MetricsViewer? ViewerOf(CurrentUser? user) => user switch
    {
        { Role: Roles.Regulator } => MetricsViewer.Regulator,
        { Role: Roles.MedicalExaminer, OfficeId: { } office } => MetricsViewer.OfficeExaminer(office),
        _ => null,
    };
}
