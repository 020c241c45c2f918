using MedicalExaminer.Contracts;
using MedicalExaminer.Metrics.Figures;
using MedicalExaminer.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.Metrics.Api;

/// <summary>The figures as JSON for a period window, with the same figures rendered as a response row.</summary>
public sealed record FiguresResponse(
    string Granularity,
    bool DisclosureControlled,
    string From,
    string To,
    IReadOnlyList<FiguresResponseRow> Rows);

public sealed record FiguresResponseRow(
    string Period,
    string Scope,
    string? OfficeId,
    string? OfficeName,
    string? Region,
    IReadOnlyDictionary<string, MetricFigure> Figures);

/// <summary>An ME office as the regulator filter offers it.</summary>
public sealed record OfficeResponse(string OfficeId, string Name, string? Region);

/// <summary>
/// The regulator API. Aggregates only: there is no route to a case, an event or any free text here, and the
/// metrics schema holds none. A regulator always gets disclosure-controlled figures; a medical examiner gets
/// their own office's unsuppressed figures and nothing else.
/// </summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/metrics").RequireAuthorization(Policies.MetricsReader).WithTags("Scrutiny metrics");
        api.MapGet("/", GetFiguresAsync)
            .WithName("GetScrutinyMetrics")
            .WithSummary("DOMAIN §7 figures per office and nationally, per month or quarter (by UK date of death)")
            .WithDescription("Counts of 1–7 and every figure derived from a suppressed count are {\"suppressed\": true} for regulators; a figure that does not apply is {}.");
        api.MapGet("/csv", GetCsvAsync)
            .WithName("GetScrutinyMetricsCsv")
            .WithSummary("The same figures as a CSV download (suppressed figures as *)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        api.MapGet("/offices", GetOffices)
            .WithName("GetMetricsOffices")
            .WithSummary("The ME offices and regions the figures can be filtered by");
        return app;
    }

    public static async Task<Results<Ok<FiguresResponse>, ValidationProblem, ForbidHttpResult>> GetFiguresAsync(
        [AsParameters] FigureRequest request, HttpContext context, ScrutinyReport report, TimeProvider clock, IOptions<MetricsOptions> options, CancellationToken cancellationToken)
    {
        var outcome = await TableAsync(request, context, report, clock, options.Value, cancellationToken);
        return outcome switch
        {
            { Table: { } table } => TypedResults.Ok(ToResponse(table)),
            { Errors: { } errors } => TypedResults.ValidationProblem(errors),
            _ => TypedResults.Forbid(),
        };
    }

    public static async Task<Results<FileContentHttpResult, ValidationProblem, ForbidHttpResult>> GetCsvAsync(
        [AsParameters] FigureRequest request, HttpContext context, ScrutinyReport report, TimeProvider clock, IOptions<MetricsOptions> options, CancellationToken cancellationToken)
    {
        var outcome = await TableAsync(request, context, report, clock, options.Value, cancellationToken);
        return outcome switch
        {
            { Table: { } table } => TypedResults.File(FiguresCsv.Write(table), "text/csv; charset=utf-8", FiguresCsv.FileName(table)),
            { Errors: { } errors } => TypedResults.ValidationProblem(errors),
            _ => TypedResults.Forbid(),
        };
    }

    public static Ok<OfficeResponse[]> GetOffices(IOptions<MetricsOptions> options) =>
        TypedResults.Ok(options.Value.Offices.Select(o => new OfficeResponse(o.Id, o.Name, o.Region)).ToArray());

    public static FiguresResponse ToResponse(FigureTable table) => new(
        table.Granularity,
        table.DisclosureControlled,
        table.Periods[0].Label,
        table.Periods[^1].Label,
        [.. table.Rows.Select(r => new FiguresResponseRow(r.Period.Label, r.Scope, r.OfficeId, r.OfficeName, r.Region, r.Figures))]);

    /// <summary>The table the caller may see for the request; errors for a bad request; neither when forbidden.</summary>
    public static async Task<(FigureTable? Table, Dictionary<string, string[]>? Errors)> TableAsync(
        FigureRequest request, HttpContext context, ScrutinyReport report, TimeProvider clock, MetricsOptions options, CancellationToken cancellationToken)
    {
        var viewer = FigureRequest.ViewerOf(CurrentUser.From(context.User));
        if (viewer is null)
        {
            return (null, null);
        }

        var (query, errors) = request.Resolve(clock.GetUtcNow(), options.MaxMonthsPerRequest);
        if (query is null)
        {
            return (null, errors);
        }

        // A medical examiner asking for another office is refused, not silently given an empty table.
        if (viewer.OfficeId is { } own && query.Offices.Any(o => o != own))
        {
            return (null, null);
        }

        return (await report.BuildAsync(query, viewer, cancellationToken), null);
    }
}
