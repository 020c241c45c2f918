using System.Security.Claims;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Security;

/// <summary>Claim names in our tokens and cookies (JWT names; inbound claim mapping is off).</summary>
public static class MeClaimTypes
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string Office = "office";

    /// <summary>A publisher's ODS code: the organisation it may publish notifications for.</summary>
    public const string OdsCode = "ods";
}

/// <summary>The signed-in person: user id, display name, one role of DOMAIN §8, and their ME office.</summary>
public sealed record CurrentUser(string Id, string Name, string Role, string? OfficeId)
{
    private static readonly string[] PersonRoles =
        [Roles.MedicalExaminer, Roles.MedicalExaminerOfficer, Roles.Regulator, Roles.Admin, Roles.Publisher];

    /// <summary>The user a principal stands for, or null when it is anonymous or its claims are incomplete.</summary>
    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var id = principal.FindFirstValue(MeClaimTypes.Subject);
        var role = principal.FindFirstValue(MeClaimTypes.Role);
        var office = principal.FindFirstValue(MeClaimTypes.Office);
        if (string.IsNullOrWhiteSpace(id) || role is null || !PersonRoles.Contains(role))
        {
            return null;
        }

        // Examiners and officers work for one office; without it they could see nothing safely.
        if (role is Roles.MedicalExaminer or Roles.MedicalExaminerOfficer && string.IsNullOrWhiteSpace(office))
        {
            return null;
        }

        return new CurrentUser(id, principal.FindFirstValue(MeClaimTypes.Name) ?? id, role, string.IsNullOrWhiteSpace(office) ? null : office);
    }

    public bool IsIn(string role) => Role == role;

    /// <summary>Admins see every office and the unrouted queue; examiners and officers only their own office.</summary>
    public bool CanSeeOffice(string? officeId) => Role switch
    {
        Roles.Admin => true,
        Roles.MedicalExaminer or Roles.MedicalExaminerOfficer => officeId is not null && officeId == OfficeId,
        _ => false,
    };

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(MeClaimTypes.Subject, Id),
            new(MeClaimTypes.Name, Name),
            new(MeClaimTypes.Role, Role),
        };
        if (OfficeId is not null)
        {
            claims.Add(new Claim(MeClaimTypes.Office, OfficeId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, MeClaimTypes.Name, MeClaimTypes.Role));
    }
}
