using MedicalExaminer.Casework;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;
using MedicalExaminer.Domain.Casework;
using MedicalExaminer.ScrutinyApi.Casework;
using Microsoft.AspNetCore.Mvc;

namespace MedicalExaminer.ScrutinyApi.Pages;

public sealed class UnroutedModel(CaseworkService casework, OfficeDirectoryLoader offices) : CaseworkPage
{
    public QueuePage? Results { get; private set; }

    /// <summary>The offices a case may be routed to: those in <c>casework.offices</c>, as the admin manages them.</summary>
    public IReadOnlyList<OfficeCoverage> Offices { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Results = await casework.QueueAsync(Actor, null, Queues.Unrouted, 1, 100, cancellationToken);
        Offices = (await offices.LoadAsync(cancellationToken)).Offices;
    }

    public async Task<IActionResult> OnPostAsync(Guid caseId, int version, string officeId, CancellationToken cancellationToken)
    {
        var outcome = await casework.ExecuteAsync(Actor, caseId, new AssignOffice(officeId), version, cancellationToken);
        Message = outcome.Status == CommandStatus.Applied
            ? $"Case routed to {officeId}."
            : outcome.Decision?.Reason ?? "The case changed or was routed by someone else; check the list again.";
        return RedirectToPage();
    }
}
