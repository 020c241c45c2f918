using System.Reflection;

namespace MedicalExaminer.Migrations;

/// <summary>The migrations embedded in this assembly as <c>Migrations/NNNN_name.sql</c>, in version order.</summary>
public static class MigrationCatalog
{
    private static readonly Lazy<IReadOnlyList<Migration>> Loaded = new(Load);

    public static IReadOnlyList<Migration> All => Loaded.Value;

    public static int LatestVersion => All[^1].Version;

    private static List<Migration> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(resource =>
            {
                var name = resource["Migrations.".Length..^".sql".Length];
                var separator = name.IndexOf('_', StringComparison.Ordinal);
                if (separator <= 0 || !int.TryParse(name[..separator], out var version))
                {
                    throw new InvalidOperationException($"Migration {resource} is not named NNNN_description.sql.");
                }

                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                return Migration.FromSql(version, name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations share version {duplicate.Key}.");
        }

        return migrations.Count > 0 ? migrations : throw new InvalidOperationException("No migrations embedded.");
    }
}
