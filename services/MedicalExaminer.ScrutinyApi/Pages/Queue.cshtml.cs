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

    public QueuePage? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var office = Queue == Queues.Unrouted ? null : CurrentUser.OfficeId;
        Results = await casework.QueueAsync(Actor, office, Queue, PageNumber, 50, cancellationToken);
        return Results is null ? NotFound() : Page();
    }
}
