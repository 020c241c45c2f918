using System.Security.Claims;
using MedicalExaminer.Contracts;
using MedicalExaminer.Security;

namespace MedicalExaminer.WebUi.SignIn;

/// <summary>Why a person the provider signed in is not let in: the code travels in the refusal page's URL, the text is ours.</summary>
public static class SignInRefusals
{
    public const string NoRole = "no-role";
    public const string SeveralRoles = "several-roles";
    public const string NoOffice = "no-office";
    public const string SeveralOffices = "several-offices";
    public const string NoSubject = "no-subject";
    public const string ProviderError = "provider-error";

    public static string Explain(string? code) => code switch
    {
        NoRole => "None of the roles your organisation's identity provider gives you is one this service recognises, so you have no access. Ask your local registration authority or the service's administrator to map your role.",
        SeveralRoles => "Your roles at the identity provider map to more than one role of this service. Select a single role when you sign in, or ask the service's administrator.",
        NoOffice => "Your role needs a medical examiner office, but none of your organisations is mapped to one. Ask the service's administrator to map your organisation.",
        SeveralOffices => "Your organisations map to more than one medical examiner office. Sign in with the role of the office you work for today.",
        NoSubject => "The identity provider did not say who you are.",
        _ => "The identity provider's answer could not be accepted, so you were not signed in. Try again; if it keeps happening, tell the service desk.",
    };
}

/// <summary>
/// Maps the claims the provider issued (ID token and userinfo) to one <see cref="CurrentUser"/>: exactly one of our
/// roles through <see cref="OidcSignInOptions.RoleMappings"/>, and for examiners and officers exactly one office through
/// <see cref="OidcSignInOptions.OfficeMappings"/>. Anything else is refused with the reason, never guessed.
/// </summary>
public static class OidcClaimsMapper
{
    public static readonly IReadOnlyList<string> PersonRoles =
        [Roles.MedicalExaminer, Roles.MedicalExaminerOfficer, Roles.Regulator, Roles.Admin];

    public static (CurrentUser? User, string? Refusal) Map(ClaimsPrincipal external, OidcSignInOptions options)
    {
        var subject = external.FindFirstValue("sub");
        if (string.IsNullOrWhiteSpace(subject))
        {
            return (null, SignInRefusals.NoSubject);
        }

        var roles = Values(external, options.RoleClaim)
            .Select(value => options.RoleMappings.TryGetValue(value, out var role) ? role : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (roles.Count == 0)
        {
            return (null, SignInRefusals.NoRole);
        }

        if (roles.Count > 1)
        {
            return (null, SignInRefusals.SeveralRoles);
        }

        var role = roles[0];
        string? office = null;
        if (role is Roles.MedicalExaminer or Roles.MedicalExaminerOfficer)
        {
            var offices = Values(external, options.OrganisationClaim)
                .Select(code => options.OfficeMappings.TryGetValue(code, out var id) ? id : null)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (offices.Count == 0)
            {
                return (null, SignInRefusals.NoOffice);
            }

            if (offices.Count > 1)
            {
                return (null, SignInRefusals.SeveralOffices);
            }

            office = offices[0];
        }

        var name = external.FindFirstValue("name") ?? external.FindFirstValue("preferred_username") ?? subject;
        return (new CurrentUser(subject, name, role, office), null);
    }

    /// <summary>Every value of a claim, including the items of a claim whose value is a JSON array or a space-separated list.</summary>
    private static IEnumerable<string> Values(ClaimsPrincipal principal, string claimType) =>
        principal.FindAll(claimType)
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
