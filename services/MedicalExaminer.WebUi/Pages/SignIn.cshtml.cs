using MedicalExaminer.Security;
using MedicalExaminer.WebUi.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.WebUi.Pages;

/// <summary>
/// Sign-in: through the organisation's identity provider when <see cref="OidcSignInOptions"/> names one (a visit goes
/// straight there, unless the person has just signed out), and on a development server by picking a demo user.
/// </summary>
public sealed class SignInModel(DemoSignInSettings settings, IOptions<OidcSignInOptions> oidc) : PageModel
{
    public bool DemoSignIn => settings.Enabled;

    public bool ProviderSignIn => oidc.Value.Enabled;

    public string Hint => settings.Hint;

    public IReadOnlyList<DemoUser> Users => settings.Users;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool SignedOut { get; set; }

    private string Target => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";

    public IActionResult OnGet() =>
        ProviderSignIn && !DemoSignIn && !SignedOut ? OnGetProvider() : Page();

    /// <summary>Off to the identity provider (authorization code flow with PKCE), and back to where the person was going.</summary>
    public IActionResult OnGetProvider() =>
        ProviderSignIn ? Challenge(new AuthenticationProperties { RedirectUri = Target }, OidcSignInExtensions.Scheme) : NotFound();

    public async Task<IActionResult> OnPostAsync(string? userId)
    {
        var demo = Users.FirstOrDefault(u => u.Id == userId);
        if (!DemoSignIn || demo is null)
        {
            return Forbid();
        }

        var user = new CurrentUser(demo.Id, demo.Name, demo.Role, demo.OfficeId);
        await HttpContext.SignInAsync(AuthenticationExtensions.CookieScheme, user.ToPrincipal(AuthenticationExtensions.CookieScheme));
        return LocalRedirect(Target);
    }
}
