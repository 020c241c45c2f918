using MedicalExaminer.Security;
using MedicalExaminer.SyntheticData;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedicalExaminer.ScrutinyApi.Pages;

/// <summary>Development sign-in: pick a demo user. Off unless <c>WebUi:DemoSignIn</c> is true.</summary>
public sealed class SignInModel(IOptions<WebUiOptions> options) : PageModel
{
    public bool DemoSignIn => options.Value.DemoSignIn;

    public IReadOnlyList<DemoUser> Users => DemoUsers.All;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? userId)
    {
        var demo = DemoUsers.All.FirstOrDefault(u => u.Id == userId);
        if (!DemoSignIn || demo is null)
        {
            return Forbid();
        }

        var user = new CurrentUser(demo.Id, demo.Name, demo.Role, demo.OfficeId);
        await HttpContext.SignInAsync(AuthenticationExtensions.CookieScheme, user.ToPrincipal(AuthenticationExtensions.CookieScheme));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
