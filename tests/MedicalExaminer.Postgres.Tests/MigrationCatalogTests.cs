using MedicalExaminer.Migrations;

namespace MedicalExaminer.Postgres.Tests;

public sealed class MigrationCatalogTests
{
    [Fact]
    public void embedded_migrations_are_numbered_uniquely_and_ordered()
    {
        var versions = MigrationCatalog.All.Select(m => m.Version).ToList();

        Assert.NotEmpty(versions);
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(versions[^1], MigrationCatalog.LatestVersion);
        Assert.Equal("0001_casework_intake", MigrationCatalog.All[0].Name);
        Assert.All(MigrationCatalog.All, m => Assert.StartsWith($"{m.Version:D4}_", m.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void checksum_ignores_line_endings_but_not_content()
    {
        var unix = Migration.FromSql(1, "0001_x", "CREATE TABLE x (id int);\nCREATE INDEX ON x (id);\n");
        var windows = Migration.FromSql(1, "0001_x", "CREATE TABLE x (id int);\r\nCREATE INDEX ON x (id);\r\n");
        var edited = Migration.FromSql(1, "0001_x", "CREATE TABLE x (id bigint);\nCREATE INDEX ON x (id);\n");

        Assert.Equal(unix.Checksum, windows.Checksum);
        Assert.NotEqual(unix.Checksum, edited.Checksum);
        Assert.Matches("^[0-9a-f]{64}$", unix.Checksum);
    }
}
