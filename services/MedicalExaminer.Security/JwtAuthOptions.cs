using System.ComponentModel.DataAnnotations;
using Microsoft.IdentityModel.Tokens;

namespace MedicalExaminer.Security;

/// <summary>
/// Bearer-token validation (section <c>Auth:Jwt</c>). Production names an OIDC <see cref="Authority"/>
/// whose published keys sign the tokens; development gives symmetric <see cref="SigningKeys"/>
/// (several, so a key can be rotated without a gap). Exactly one of the two.
/// </summary>
public sealed class JwtAuthOptions : IValidatableObject
{
    public const string Section = "Auth:Jwt";
    public const string DevIssuer = "medical-examiner-dev";
    public const string DefaultAudience = "medical-examiner";

    [Required]
    public string Issuer { get; set; } = DevIssuer;

    [Required]
    public string Audience { get; set; } = DefaultAudience;

    public string? Authority { get; set; }

    /// <summary>Base64 HMAC-SHA256 keys of at least 32 bytes. Secrets: from the environment, never appsettings.</summary>
    public List<string> SigningKeys { get; set; } = [];

    public bool RequireHttpsMetadata { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasAuthority = !string.IsNullOrWhiteSpace(Authority);
        if (hasAuthority == (SigningKeys.Count > 0))
        {
            yield return new ValidationResult("Configure exactly one of Auth:Jwt:Authority (OIDC) or Auth:Jwt:SigningKeys.", [nameof(SigningKeys)]);
        }

        foreach (var key in SigningKeys)
        {
            if (SigningKey.TryDecode(key) is not { Length: >= SigningKey.MinimumBytes })
            {
                // Never echo the key itself.
                yield return new ValidationResult($"Each of Auth:Jwt:SigningKeys must be base64 of at least {SigningKey.MinimumBytes} bytes.", [nameof(SigningKeys)]);
            }
        }
    }

    /// <summary>How a bearer token is checked: issuer, audience, lifetime, and our keys (or the authority's).</summary>
    public TokenValidationParameters ToValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = MeClaimTypes.Name,
        RoleClaimType = MeClaimTypes.Role,
        IssuerSigningKeys = SigningKeys.Select(SigningKey.ToSecurityKey).ToList(),
        ValidAlgorithms = string.IsNullOrWhiteSpace(Authority) ? [SecurityAlgorithms.HmacSha256] : null,
    };
}
