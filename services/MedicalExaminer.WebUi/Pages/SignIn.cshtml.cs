using MedicalExaminer.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedicalExaminer.WebUi.Pages;

/// <summary>Development sign-in: pick one of the offered demo users. Off unless the service's <see cref="DemoSignInSettings"/> say so.</summary>
public sealed class SignInModel(DemoSignInSettings settings) : PageModel
{
    public bool DemoSignIn => settings.Enabled;

    public string Hint => settings.Hint;

    public IReadOnlyList<DemoUser> Users => settings.Users;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnPostAsync(string? userId)
    {
        var demo = Users.FirstOrDefault(u => u.Id == userId);
        if (!DemoSignIn || demo is null)
        {
            return Forbid();
        }

        var user = new CurrentUser(demo.Id, demo.Name, demo.Role, demo.OfficeId);
        await HttpContext.SignInAsync(AuthenticationExtensions.CookieScheme, user.ToPrincipal(AuthenticationExtensions.CookieScheme));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
