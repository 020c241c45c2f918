using System.Security.Claims;
using MedicalExaminer.Contracts;
using MedicalExaminer.Security;

namespace MedicalExaminer.Gateway.Auth;

/// <summary>Who publishes: the publisher's id and the ODS code it may publish for.</summary>
public sealed record PublisherIdentity(string Id, string OdsCode)
{
    /// <summary>The publisher a principal stands for (role <c>publisher</c> with an ODS-code claim), or null.</summary>
    public static PublisherIdentity? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirstValue(MeClaimTypes.Role) != Roles.Publisher)
        {
            return null;
        }

        var id = principal.FindFirstValue(MeClaimTypes.Subject);
        var ods = principal.FindFirstValue(MeClaimTypes.OdsCode);
        return string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(ods) ? null : new PublisherIdentity(id, ods);
    }

    public ClaimsPrincipal ToPrincipal(string authenticationType) => new(new ClaimsIdentity(
        [new Claim(MeClaimTypes.Subject, Id), new Claim(MeClaimTypes.Name, Id), new Claim(MeClaimTypes.Role, Roles.Publisher), new Claim(MeClaimTypes.OdsCode, OdsCode)],
        authenticationType, MeClaimTypes.Name, MeClaimTypes.Role));
}
