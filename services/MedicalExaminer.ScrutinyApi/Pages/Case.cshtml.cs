using MedicalExaminer.Casework;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain.Casework;
using MedicalExaminer.ScrutinyApi.Api;
using MedicalExaminer.ScrutinyApi.Casework;
using Microsoft.AspNetCore.Mvc;

namespace MedicalExaminer.ScrutinyApi.Pages;

/// <summary>The fields of every step's form; each form posts only its own.</summary>
public sealed class StepInput
{
    public int Version { get; set; }
    public string? Note { get; set; }
    public string? Reason { get; set; }
    public string? Decision { get; set; }
    public string? Summary { get; set; }
    public string? Ia { get; set; }
    public string? Ib { get; set; }
    public string? Ic { get; set; }
    public string? Ii { get; set; }
    public string? Outcome { get; set; }
    public string? ConcernsRaised { get; set; }
    public string? Kind { get; set; }
    public List<string> ReasonCodes { get; set; } = [];
    public string? ToUserId { get; set; }

    public CaseCommandRequest ToRequest() => new()
    {
        ExpectedVersion = Version,
        Note = Note,
        Reason = Reason,
        Decision = Decision,
        Summary = Summary,
        Ia = Ia,
        Ib = Ib,
        Ic = Ic,
        Ii = Ii,
        Outcome = Outcome,
        ConcernsRaised = ConcernsRaised switch { "yes" => true, "no" => false, _ => null },
        Kind = Kind,
        ReasonCodes = ReasonCodes,
        ToUserId = ToUserId,
    };
}

public sealed class CaseModel(CaseworkService casework, FamilyNotificationProjection familyNotifications) : CaseworkPage
{
    private static readonly Dictionary<string, string> FieldLabels = new()
    {
        ["ia"] = "the cause of death, part Ia",
        ["ib"] = "part Ib",
        ["ic"] = "part Ic",
        ["ii"] = "part II",
        ["note"] = "the note",
        ["reason"] = "the reason",
        ["decision"] = "the decision",
        ["summary"] = "a summary",
        ["outcome"] = "the outcome of the discussion",
        ["concernsRaised"] = "whether concerns were raised",
        ["kind"] = "the kind of concern",
        ["reasonCodes"] = "at least one reason for referral",
        ["toUserId"] = "the colleague's user name",
        ["role"] = "the role",
    };

    [BindProperty(SupportsGet = true)]
    public Guid CaseId { get; set; }

    [BindProperty]
    public StepInput Input { get; set; } = new();

    /// <summary>The step whose form has errors, so the page shows that form's input again.</summary>
    public string? FailedStep { get; private set; }

    [TempData]
    public string? Confirmation { get; set; }

    public CaseDetail? Detail { get; private set; }

    public IReadOnlyList<FamilyNotificationItem> FamilyNotifications { get; private set; } = [];

    /// <summary>Whether the case is assigned to the signed-in person in their role (an officer beside the examiner blocks no one).</summary>
    public bool HeldByMe => Detail?.Case.AssigneeIn(CurrentUser.Role) == CurrentUser.Id;

    public bool IsExaminer => CurrentUser.Role == Roles.MedicalExaminer;

    public bool IsWorker => CurrentUser.Role is Roles.MedicalExaminer or Roles.MedicalExaminerOfficer;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Detail = await casework.CaseAsync(Actor, CaseId, cancellationToken);
        if (Detail is null)
        {
            return NotFound();
        }

        // Read only after the office scope check above (CaseAsync) let this user see the case.
        FamilyNotifications = await familyNotifications.ForCaseAsync(CaseId, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostStepAsync(string step, CancellationToken cancellationToken)
    {
        if (CaseCommands.Create(step, Input.ToRequest()) is not { } command)
        {
            return NotFound();
        }

        var outcome = await casework.ExecuteAsync(Actor, CaseId, command, CaseCommands.NeedsVersion(command) ? Input.Version : null, cancellationToken);
        switch (outcome.Status)
        {
            case CommandStatus.Applied:
                // Post/redirect/get: a refresh never repeats the step.
                Confirmation = $"{Labels.Event(outcome.Decision!.Events[^1].EventType)}.";
                return RedirectToPage();
            case CommandStatus.NotFound:
                return NotFound();
            case CommandStatus.VersionConflict:
                Errors.Add(new FieldError($"{step}-form", "Someone else changed this case while you were working on it. Check the case and try again."));
                break;
            default:
                var decision = outcome.Decision!;
                Errors.AddRange(decision.Refusal == RefusalKind.Invalid
                    ? decision.Errors.Select(e => new FieldError($"{step}-{e.Field}", Describe(e.Code, FieldLabels.GetValueOrDefault(e.Field, e.Field))))
                    : [new FieldError($"{step}-form", decision.Reason ?? "This step cannot be taken now.")]);
                break;
        }

        FailedStep = step;
        Detail = await casework.CaseAsync(Actor, CaseId, cancellationToken);
        return Detail is null ? NotFound() : Page();
    }
}
