using MedicalExaminer.Casework;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.ScrutinyApi.Casework;

/// <summary>
/// What the API endpoints and the web pages both call: office scoping (a case of another office is
/// "not found"), the audit of every read, and the queue order of claim next.
/// </summary>
public sealed class CaseworkService(CaseStore store, CaseReader reader, Npgsql.NpgsqlDataSource dataSource, IOptions<WorkflowOptions> options)
{
    public WorkflowOptions Options => options.Value;

    /// <summary>The queues take next draws from, most urgent first. Officers do not review coroner referrals.</summary>
    public static IReadOnlyList<string> ClaimOrder(string role) => role == Roles.MedicalExaminer
        ? [Queues.UrgentRelease, Queues.CoronerReferralReview, Queues.ReturnedFromCoroner, Queues.Scrutiny]
        : [Queues.UrgentRelease, Queues.ReturnedFromCoroner, Queues.Scrutiny];

    public static bool IsWorkableQueue(string queue) => CaseReader.OfficeQueues.Contains(queue);

    public async Task<CaseDetail?> CaseAsync(Actor actor, Guid caseId, CancellationToken cancellationToken)
    {
        var detail = await reader.CaseAsync(caseId, cancellationToken);
        var visible = detail is not null && CaseStore.CanSee(actor, detail.Case.OfficeId);
        await Audit.WriteAsync(dataSource, actor, "read-case", caseId, visible ? "read" : "not-found", cancellationToken);
        return visible ? detail : null;
    }

    /// <summary>A page of an office's queue, or of the unrouted queue when <paramref name="officeId"/> is null (admins).</summary>
    /// <param name="assigned">Null for the whole queue, or <c>mine</c> / <c>unassigned</c> (<see cref="AssignmentFilters"/>).</param>
    public async Task<QueuePage?> QueueAsync(
        Actor actor, string? officeId, string queue, int page, int pageSize, CancellationToken cancellationToken, string? assigned = null)
    {
        if (!CaseStore.CanSee(actor, officeId) || (officeId is null) != (queue == Queues.Unrouted))
        {
            return null;
        }

        var size = Math.Clamp(pageSize, 1, options.Value.MaxPageSize);
        var result = await reader.QueueAsync(officeId, queue, Math.Max(page, 1), size, cancellationToken, assigned, actor.Id);
        await Audit.WriteListedAsync(dataSource, actor, $"list-queue:{queue}", [.. result.Items.Select(i => i.CaseId)], cancellationToken);
        return result;
    }

    public async Task<IReadOnlyList<QueueCount>?> CountsAsync(Actor actor, string? officeId, CancellationToken cancellationToken) =>
        CaseStore.CanSee(actor, officeId) ? await reader.CountsAsync(officeId, cancellationToken) : null;

    public Task<CommandOutcome> ExecuteAsync(Actor actor, Guid caseId, CaseCommand command, int? expectedVersion, CancellationToken cancellationToken) =>
        store.ExecuteAsync(caseId, command, actor, expectedVersion, options.Value, cancellationToken);

    /// <summary>Take next: assigns the caller the next case nobody in their role holds, from <paramref name="queue"/> only, or the most urgent of the role's queues.</summary>
    public Task<CommandOutcome> ClaimNextAsync(Actor actor, string officeId, string? queue, CancellationToken cancellationToken) =>
        store.ClaimNextAsync(actor, officeId, queue is null ? ClaimOrder(actor.Role) : [queue], options.Value, cancellationToken);
}
