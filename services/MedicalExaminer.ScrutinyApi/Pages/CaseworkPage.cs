using MedicalExaminer.Domain.Casework;
using MedicalExaminer.ScrutinyApi.Api;
using MedicalExaminer.Security;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedicalExaminer.ScrutinyApi.Pages;

/// <summary>A field's error as the NHS error summary and the field itself show it.</summary>
public sealed record FieldError(string FieldId, string Message);

/// <summary>What every signed-in page needs: who the user is, as the workflow sees them.</summary>
public abstract class CaseworkPage : PageModel
{
    public CurrentUser CurrentUser => CurrentUser.From(User) ?? throw new InvalidOperationException("Page reached without a valid user.");

    public Actor Actor => User.ToActor();

    public List<FieldError> Errors { get; } = [];

    public string? ErrorFor(string fieldId) => Errors.FirstOrDefault(e => e.FieldId == fieldId)?.Message;

    /// <summary>The message for a field error code: what to do, never the value that was sent.</summary>
    public static string Describe(string code, string label) => code switch
    {
        "required" => $"Enter {label}",
        "too-long" => $"{char.ToUpperInvariant(label[0])}{label[1..]} is too long",
        "unknown-code" => $"Select {label}",
        "not-a-child-death" => "CDOP reviews the deaths of children under 18 only",
        "unknown-office" => "Select an office that exists",
        "already-assigned" => "The case is already assigned to that colleague",
        "not-your-role" => "You can hand over only your own role's assignment",
        _ => $"Check {label}",
    };
}

/// <summary>Display names of the codes the pages show.</summary>
public static class Labels
{
    public static string Queue(string? queue) => queue switch
    {
        "urgent-release" => "Urgent release",
        "coroner-referral-review" => "Coroner referral review",
        "scrutiny" => "Scrutiny",
        "awaiting-coroner" => "Awaiting coroner",
        "returned-from-coroner" => "Returned from coroner",
        "unrouted" => "Unrouted",
        null => "None (case ended)",
        _ => queue,
    };

    public static string SlaTag(SlaStatus status) => status switch
    {
        SlaStatus.Breached => "nhsuk-tag nhsuk-tag--red",
        SlaStatus.AtRisk => "nhsuk-tag nhsuk-tag--orange",
        _ => "nhsuk-tag nhsuk-tag--green",
    };

    public static string Sla(SlaState sla) => sla.Status switch
    {
        SlaStatus.Breached => $"Breached {-sla.HoursRemaining:0} h ago",
        SlaStatus.AtRisk => $"At risk: {sla.HoursRemaining:0} h left",
        _ => $"{sla.HoursRemaining:0} h left",
    };

    /// <summary>A clock with its deadline in UK time, e.g. "At risk: 5 h left (due 31 Mar 2026 02:30 BST)".</summary>
    public static string SlaWithDue(SlaState sla) => $"{Sla(sla)} (due {UkTime(sla.DueAt)})";

    /// <summary>An instant in UK local time, labelled GMT or BST (DOMAIN §4); instants are stored and compared in UTC.</summary>
    public static string UkTime(DateTimeOffset instant)
    {
        var local = SlaClock.ToUkTime(instant);
        var zone = SlaClock.UkTime.IsDaylightSavingTime(local) ? "BST" : "GMT";
        return local.ToString("d MMM yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " " + zone;
    }

    public static string Words(string code) => code.Replace('-', ' ');

    /// <summary>Who a case is assigned to in one role: "you", the colleague's user name, or "Not assigned".</summary>
    public static string Assignee(string? assignee, string currentUserId) =>
        assignee is null ? "Not assigned" : assignee == currentUserId ? "You" : assignee;

    /// <summary>A queue row's assignment: the examiner and the officer, each when there is one.</summary>
    public static string Assignment(string? examiner, string? officer, string currentUserId)
    {
        string Name(string id) => id == currentUserId ? "you" : id;
        var parts = new List<string>();
        if (examiner is not null)
        {
            parts.Add($"ME: {Name(examiner)}");
        }

        if (officer is not null)
        {
            parts.Add($"MEO: {Name(officer)}");
        }

        return parts.Count == 0 ? "Unassigned" : string.Join(", ", parts);
    }

    /// <summary>"RecordsReviewed" → "Records reviewed".</summary>
    public static string Event(string eventType) => string.Concat(eventType.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
}
