using System.Security.Cryptography;
using System.Text;

namespace MedicalExaminer.Gateway.Auth;

/// <summary>
/// API keys: 32 random bytes, shown once and stored only as their SHA-256. A fast hash is enough here
/// (unlike for passwords): a key has 256 bits of entropy, so its hash cannot be reversed by guessing.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "mek_";

    public static string NewKey() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
