using MedicalExaminer.Casework;
using MedicalExaminer.Contracts;
using MedicalExaminer.ScrutinyApi.Casework;
using Microsoft.AspNetCore.Mvc;

namespace MedicalExaminer.ScrutinyApi.Pages;

public sealed class QueueModel(CaseworkService casework) : CaseworkPage
{
    [BindProperty(SupportsGet = true)]
    public string Queue { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public int PageNumber { get; set; } = 1;

    /// <summary><c>mine</c>, <c>unassigned</c> or empty for the whole queue.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Assigned { get; set; }

    public QueuePage? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var office = Queue == Queues.Unrouted ? null : CurrentUser.OfficeId;
        var assigned = AssignmentFilters.All.Contains(Assigned ?? "") ? Assigned : null;
        Results = await casework.QueueAsync(Actor, office, Queue, PageNumber, 50, cancellationToken, assigned);
        return Results is null ? NotFound() : Page();
    }
}
