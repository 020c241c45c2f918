using MedicalExaminer.Casework;
using MedicalExaminer.Contracts;
using MedicalExaminer.ScrutinyApi.Casework;
using Microsoft.AspNetCore.Mvc;

namespace MedicalExaminer.ScrutinyApi.Pages;

public sealed class IndexModel(CaseworkService casework) : CaseworkPage
{
    public IReadOnlyList<QueueCount>? Counts { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public bool CanClaim => CurrentUser.Role is Roles.MedicalExaminer or Roles.MedicalExaminerOfficer;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (CurrentUser.OfficeId is { } office)
        {
            Counts = await casework.CountsAsync(Actor, office, cancellationToken);
        }
    }

    public async Task<IActionResult> OnPostClaimNextAsync(CancellationToken cancellationToken)
    {
        if (!CanClaim || CurrentUser.OfficeId is not { } office)
        {
            return Forbid();
        }

        var outcome = await casework.ClaimNextAsync(Actor, office, null, cancellationToken);
        if (outcome.Status == CommandStatus.Applied)
        {
            return Redirect($"/cases/{outcome.Case!.CaseId}");
        }

        Message = outcome.Status == CommandStatus.NothingToClaim ? "There is no case in your office's queues that nobody in your role is assigned to." : outcome.Decision?.Reason;
        return RedirectToPage();
    }
}
