using MedicalExaminer.WebUi.SignIn;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedicalExaminer.WebUi.Pages;

/// <summary>Says why a person the identity provider signed in was not let in (403; the reason is one of ours, never echoed text).</summary>
public sealed class SignInRefusedModel : PageModel
{
    public string Reason { get; private set; } = SignInRefusals.ProviderError;

    public string Explanation => SignInRefusals.Explain(Reason);

    public void OnGet(string? reason)
    {
        Reason = SignInRefusals.Explain(reason) == SignInRefusals.Explain(null) ? SignInRefusals.ProviderError : reason!;
        Response.StatusCode = StatusCodes.Status403Forbidden;
    }
}
