using MedicalExaminer.Casework;
using System.Security.Claims;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;
using MedicalExaminer.ScrutinyApi.Casework;
using MedicalExaminer.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MedicalExaminer.ScrutinyApi.Api;

/// <summary>
/// The scrutiny API (<c>/api</c>): queues, claim next, the case and its workflow steps. Every
/// endpoint needs a signed-in person of the right role; a case of another office is 404.
/// </summary>
public static class CaseEndpoints
{
    public const string ProblemBase = "https://medical-examiner.nhs.example/problems/";

    public static IEndpointRouteBuilder MapCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Casework");

        api.MapGet("/offices/{officeId}/queues", QueueCountsAsync).RequireAuthorization(Policies.CaseReader)
            .WithSummary("Case counts per queue of an office, with SLA at-risk and breached counts.");
        api.MapGet("/offices/{officeId}/queues/{queue}", QueueAsync).RequireAuthorization(Policies.CaseReader)
            .WithSummary("A page of a queue in queue order: urgent release is its own queue; within a queue the oldest death first.");
        api.MapGet("/unrouted", UnroutedAsync).RequireAuthorization(Policies.Admin)
            .WithSummary("Cases no office covers, for an admin to route.");
        api.MapPost("/offices/{officeId}/claim-next", ClaimNextAsync).RequireAuthorization(Policies.CaseWorker)
            .WithSummary("Take next: assigns the caller the most urgent case nobody in their role holds (or the next of one queue).");
        api.MapGet("/cases/{caseId:guid}", CaseAsync).RequireAuthorization(Policies.CaseReader)
            .WithSummary("The case: notification, triage reasons with evidence, progress, SLA clocks and timeline. ETag is the version.");
        api.MapPost("/cases/{caseId:guid}/{command}", CommandAsync).RequireAuthorization(Policies.CaseReader)
            .WithSummary($"A workflow step: {string.Join(", ", CaseCommands.Names)}. 409 when it does not apply or the version is stale.");
        return app;
    }

    public static Actor ToActor(this ClaimsPrincipal principal)
    {
        // The policies have already established a valid user; this cannot be null behind them.
        var user = CurrentUser.From(principal) ?? throw new InvalidOperationException("Endpoint reached without a valid user.");
        return new Actor(user.Id, user.Role, user.OfficeId);
    }

    private static async Task<Results<Ok<IReadOnlyList<QueueCount>>, NotFound>> QueueCountsAsync(
        string officeId, ClaimsPrincipal user, CaseworkService casework, CancellationToken ct) =>
        await casework.CountsAsync(user.ToActor(), officeId, ct) is { } counts ? TypedResults.Ok(counts) : TypedResults.NotFound();

    private static async Task<Results<Ok<QueuePage>, NotFound, ValidationProblem>> QueueAsync(
        string officeId, string queue, ClaimsPrincipal user, CaseworkService casework, CancellationToken ct, int page = 1, int pageSize = 50,
        string? assigned = null)
    {
        if (!CaseworkService.IsWorkableQueue(queue))
        {
            return TypedResults.NotFound();
        }

        if (assigned is not null && !AssignmentFilters.All.Contains(assigned))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["assigned"] = ["unknown-code"] }, detail: "assigned is mine or unassigned.");
        }

        return await casework.QueueAsync(user.ToActor(), officeId, queue, page, pageSize, ct, assigned) is { } result
            ? TypedResults.Ok(result)
            : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<QueuePage>, NotFound>> UnroutedAsync(
        ClaimsPrincipal user, CaseworkService casework, CancellationToken ct, int page = 1, int pageSize = 50) =>
        await casework.QueueAsync(user.ToActor(), null, Queues.Unrouted, page, pageSize, ct) is { } result
            ? TypedResults.Ok(result)
            : TypedResults.NotFound();

    private static async Task<Results<Ok<CaseSummary>, NoContent, NotFound, ProblemHttpResult>> ClaimNextAsync(
        string officeId, ClaimsPrincipal user, CaseworkService casework, CancellationToken ct, string? queue = null)
    {
        if (queue is not null && !CaseworkService.IsWorkableQueue(queue))
        {
            return TypedResults.NotFound();
        }

        var outcome = await casework.ClaimNextAsync(user.ToActor(), officeId, queue, ct);
        return outcome.Status switch
        {
            CommandStatus.Applied => TypedResults.Ok(CaseSummary.From(outcome.Case!)),
            CommandStatus.NothingToClaim => TypedResults.NoContent(),
            CommandStatus.NotFound => TypedResults.NotFound(),
            _ => Problem(outcome),
        };
    }

    private static async Task<Results<Ok<CaseView>, NotFound>> CaseAsync(
        Guid caseId, ClaimsPrincipal user, CaseworkService casework, HttpResponse response, CancellationToken ct)
    {
        if (await casework.CaseAsync(user.ToActor(), caseId, ct) is not { } detail)
        {
            return TypedResults.NotFound();
        }

        response.Headers.ETag = $"\"{detail.Case.Version}\"";
        response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(CaseView.From(detail));
    }

    private static async Task<Results<Ok<CaseSummary>, NotFound, ValidationProblem, ProblemHttpResult>> CommandAsync(
        Guid caseId, string command, [FromBody] CaseCommandRequest? request, ClaimsPrincipal user, CaseworkService casework,
        HttpRequest http, HttpResponse response, CancellationToken ct)
    {
        request ??= new CaseCommandRequest();
        if (CaseCommands.Create(command, request) is not { } step)
        {
            return TypedResults.NotFound();
        }

        var expectedVersion = request.ExpectedVersion ?? IfMatchVersion(http);
        if (expectedVersion is null && CaseCommands.NeedsVersion(step))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["expectedVersion"] = ["required"] },
                detail: "Send the version of the case you read (expectedVersion, or an If-Match header).");
        }

        var outcome = await casework.ExecuteAsync(user.ToActor(), caseId, step, expectedVersion, ct);
        switch (outcome.Status)
        {
            case CommandStatus.Applied:
                response.Headers.ETag = $"\"{outcome.Case!.Version}\"";
                return TypedResults.Ok(CaseSummary.From(outcome.Case));
            case CommandStatus.NotFound:
                return TypedResults.NotFound();
            case CommandStatus.Refused when outcome.Decision!.Refusal == RefusalKind.Invalid:
                return TypedResults.ValidationProblem(
                    outcome.Decision.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Code).ToArray()),
                    detail: outcome.Decision.Reason);
            default:
                return Problem(outcome);
        }
    }

    private static int? IfMatchVersion(HttpRequest request) =>
        int.TryParse(request.Headers.IfMatch.ToString().Trim('"', ' ', 'W', '/'), out var version) ? version : null;

    /// <summary>RFC 7807 body for a refusal: states and reasons only, never case data.</summary>
    private static ProblemHttpResult Problem(CommandOutcome outcome)
    {
        var (status, type, title, detail) = outcome.Status == CommandStatus.VersionConflict
            ? (StatusCodes.Status409Conflict, "version-conflict", "The case has changed since you read it.",
                "Read the case again and repeat the step if it still applies.")
            : outcome.Decision!.Refusal switch
            {
                RefusalKind.NotPermitted => (StatusCodes.Status403Forbidden, "not-permitted", "Your role cannot take this step.", outcome.Decision.Reason),
                RefusalKind.ClaimConflict => (StatusCodes.Status409Conflict, "claim-conflict", "The case is not assigned to you.", outcome.Decision.Reason),
                _ => (StatusCodes.Status409Conflict, "illegal-transition", "This step does not apply to the case now.", outcome.Decision.Reason),
            };
        var extensions = new Dictionary<string, object?>();
        if (outcome.Case is { } c)
        {
            extensions["state"] = c.State;
            extensions["currentVersion"] = c.Version;
        }

        return TypedResults.Problem(detail, statusCode: status, title: title, type: ProblemBase + type, extensions: extensions);
    }
}
