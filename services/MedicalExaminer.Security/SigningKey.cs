using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MedicalExaminer.Security;

/// <summary>Symmetric signing keys for development tokens, and minting those tokens.</summary>
public static class SigningKey
{
    public const int MinimumBytes = 32;

    public static byte[]? TryDecode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static SymmetricSecurityKey ToSecurityKey(string base64) =>
        new(TryDecode(base64) ?? throw new ArgumentException("Not a base64 signing key.", nameof(base64)));

    /// <summary>
    /// Development only: the machine's local signing key, created on first use (48 random bytes, file
    /// mode 600) so that the dev host and the <c>me token</c> command agree without configuration.
    /// </summary>
    public static string LoadOrCreateDevKey(string? path = null)
    {
        path ??= DefaultDevKeyPath();
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48))));
        }

        try
        {
            // No overwrite: when two processes race, the first key written wins and both read it.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }

        return File.ReadAllText(path).Trim();
    }

    public static string DefaultDevKeyPath()
    {
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(data))
        {
            data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(data, "medical-examiner", "dev-signing-key");
    }

    /// <summary>An HS256 JWT for <paramref name="user"/> with the claims <see cref="CurrentUser.From"/> reads.</summary>
    /// <param name="extraClaims">Claims beyond the user's, e.g. a publisher's <see cref="MeClaimTypes.OdsCode"/>.</param>
    public static string IssueToken(
        CurrentUser user, string issuer, string audience, string base64Key, TimeSpan lifetime, TimeProvider? clock = null, IReadOnlyDictionary<string, string>? extraClaims = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [MeClaimTypes.Subject] = user.Id,
            [MeClaimTypes.Name] = user.Name,
            [MeClaimTypes.Role] = user.Role,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (user.OfficeId is not null)
        {
            claims[MeClaimTypes.Office] = user.OfficeId;
        }

        foreach (var (type, value) in extraClaims ?? new Dictionary<string, string>())
        {
            claims[type] = value;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(ToSecurityKey(base64Key), SecurityAlgorithms.HmacSha256),
        });
    }
}
