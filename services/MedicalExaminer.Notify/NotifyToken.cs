using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MedicalExaminer.Notify;

/// <summary>
/// Notify's request authentication: a JWT signed HS256 with the API key's secret, whose <c>iss</c> is the service
/// id and <c>iat</c> the time of the request (Notify refuses tokens more than 30 seconds off). No <c>exp</c>.
/// </summary>
public static class NotifyToken
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Create(NotifyApiKey key, DateTimeOffset now) => Handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = key.ServiceId.ToString("D"),
        Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds() },
        SigningCredentials = new SigningCredentials(SigningKey(key), SecurityAlgorithms.HmacSha256),
    });

    /// <summary>Checks a bearer token the way Notify does: signature by this key, issuer = service id, iat within 30 s of now.</summary>
    public static async Task<bool> IsValidAsync(string token, NotifyApiKey key, DateTimeOffset now)
    {
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = key.ServiceId.ToString("D"),
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            IssuerSigningKey = SigningKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        if (!result.IsValid || !result.Claims.TryGetValue(JwtRegisteredClaimNames.Iat, out var iat))
        {
            return false;
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Convert.ToInt64(iat, System.Globalization.CultureInfo.InvariantCulture));
        return (now - issuedAt).Duration() <= MaxClockSkew;
    }

    private static SymmetricSecurityKey SigningKey(NotifyApiKey key) => new(Encoding.UTF8.GetBytes(key.Secret));

    /// <summary>Claims of a token, for tests of the token itself.</summary>
    public static IReadOnlyDictionary<string, object> ReadClaims(string token) =>
        new JsonWebToken(token).Claims.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => (object)g.First().Value);

}
