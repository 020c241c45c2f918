using System.Security.Cryptography;
using System.Text;

namespace MedicalExaminer.Migrations;

/// <summary>One numbered, forward-only schema change.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum)
{
    /// <summary>A migration whose checksum is the SHA-256 of its SQL with line endings normalised (a checkout on Windows must not look edited).</summary>
    public static Migration FromSql(int version, string name, string sql)
    {
        var normalised = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
        return new Migration(version, name, normalised, checksum);
    }
}
