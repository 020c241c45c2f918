namespace MedicalExaminer.Architecture.Tests;

public sealed class MigrationPlacementTests
{
    [Fact]
    public void migrations_live_in_the_migrations_library_where_they_are_embedded()
    {
        // A migration file left beside the Migrator executable (say, by a rebase across the move) would never run.
        var stray = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "services"), "*.sql", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("services/MedicalExaminer.Migrations/Migrations/", StringComparison.Ordinal))
            .ToList();
        Assert.True(stray.Count == 0, "SQL outside services/MedicalExaminer.Migrations/Migrations is not applied: " + string.Join(", ", stray));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "services", "MedicalExaminer.Migrations", "Migrations"), "*.sql"));
    }
}
