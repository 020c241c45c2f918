using System.ComponentModel.DataAnnotations;

namespace MedicalExaminer.WebUi.SignIn;

/// <summary>
/// Sign-in of people through the organisation's OpenID Connect provider (section <c>Oidc</c>; NHS CIS2 in production):
/// the authorization code flow with PKCE, then the provider's role and organisation claims mapped to one role of
/// DOMAIN §8 and one ME office. Off while <see cref="Authority"/> is empty (development uses the demo sign-in).
/// </summary>
public sealed class OidcSignInOptions : IValidatableObject
{
    public const string Section = "Oidc";

    /// <summary>The provider's issuer URL; its discovery document is read from <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    public string ClientId { get; set; } = "";

    /// <summary>A confidential client's secret (from a Secret in Kubernetes; never in configuration files).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes to ask for; <c>openid</c> is always asked for.</summary>
    public string Scopes { get; set; } = "openid profile";

    /// <summary>The claim (ID token or userinfo) whose values name the person's roles at the provider.</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>The claim whose values are the person's organisation codes (ODS codes in CIS2).</summary>
    public string OrganisationClaim { get; set; } = "org";

    /// <summary>Provider role (a value of <see cref="RoleClaim"/>) → our role (DOMAIN §8).</summary>
    public Dictionary<string, string> RoleMappings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Organisation code (a value of <see cref="OrganisationClaim"/>) → ME office id.</summary>
    public Dictionary<string, string> OfficeMappings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Metadata over HTTPS only; off solely for a local development provider on loopback.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority))
        {
            yield return new ValidationResult("Oidc:Authority must be an absolute URL.", [nameof(Authority)]);
        }
        else if (RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
        {
            yield return new ValidationResult("Oidc:Authority must use https (Oidc:RequireHttpsMetadata is on).", [nameof(Authority)]);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult("Oidc:ClientId is required when Oidc:Authority is set.", [nameof(ClientId)]);
        }

        if (RoleMappings.Count == 0)
        {
            yield return new ValidationResult("Oidc:RoleMappings must map at least one provider role to a role of the service.", [nameof(RoleMappings)]);
        }

        foreach (var (providerRole, role) in RoleMappings)
        {
            if (!OidcClaimsMapper.PersonRoles.Contains(role, StringComparer.Ordinal))
            {
                yield return new ValidationResult($"Oidc:RoleMappings:{providerRole} names no role of the service.", [nameof(RoleMappings)]);
            }
        }
    }
}
