using Dapper;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.Cli.Tests;

/// <summary><c>me offices load</c> and <c>list</c> against a fresh migrated database.</summary>
public sealed class OfficesCommandTests(PostgresFixture postgres)
{
    private const string Csv = """
        office_id,name,site_ods_codes,postcode_districts
        me-york,"York and Scarborough ME Office, North",RCB RCB55,YO1 yo10;YO24
        me-hull,Hull University Teaching Hospitals ME Office,RWA,HU1 HU3
        """;

    private static async Task<string> WriteAsync(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"offices-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    [Fact]
    public async Task load_adds_offices_with_their_sites_and_districts_and_list_prints_the_csv_load_reads()
    {
        var database = await postgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken);
        var file = await WriteAsync(Csv);

        var load = await CliRunner.RunAsync(["offices", "load", file, "--connection-string", database], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(load.ExitCode == ExitCodes.Success, load.Error);
        Assert.Equal("loaded 2 offices, 3 sites, 5 postcode districts", load.OutputLines[^1]);

        await using (var connection = new NpgsqlConnection(database))
        {
            Assert.Equal("me-york", await connection.ExecuteScalarAsync<string>("SELECT office_id FROM casework.office_sites WHERE ods_code = 'RCB55'"));
            Assert.Equal("me-york", await connection.ExecuteScalarAsync<string>("SELECT office_id FROM casework.office_postcode_districts WHERE district = 'YO10'"));
        }

        var list = await CliRunner.RunAsync(["offices", "list"], environment: new Dictionary<string, string> { ["Postgres__ConnectionString"] = database },
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.Success, list.ExitCode);
        Assert.Equal(
            ["office_id,name,site_ods_codes,postcode_districts", "me-hull,Hull University Teaching Hospitals ME Office,RWA,HU1 HU3", "me-york,\"York and Scarborough ME Office, North\",RCB RCB55,YO1 YO10 YO24"],
            list.OutputLines);

        // What list prints, load reads back to the same table.
        var relisted = await WriteAsync(list.Output);
        Assert.Equal(ExitCodes.Success, (await CliRunner.RunAsync(["offices", "load", relisted, "-c", database], cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
        File.Delete(file);
        File.Delete(relisted);
    }

    [Fact]
    public async Task a_file_with_wrong_rows_is_refused_whole_with_line_numbers()
    {
        var database = await postgres.CreateMigratedDatabaseAsync(TestContext.Current.CancellationToken);
        var file = await WriteAsync("""
            office_id,name,site_ods_codes,postcode_districts
            me-ok,Fine Office,RAA,AB1
            Bad Id,Office,RBB,AB2
            me-dup,Duplicate,RAA,AB3
            me-short,Too few columns
            """);

        var result = await CliRunner.RunAsync(["offices", "load", file, "-c", database], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("line 3: office_id", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 4: site RAA is also given to me-ok", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 5: 2 columns", result.Error, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(database);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM casework.offices"));
        File.Delete(file);
    }

    [Fact]
    public async Task a_file_without_the_header_is_refused()
    {
        var file = await WriteAsync("id,name\nx,y\n");
        var result = await CliRunner.RunAsync(["offices", "load", file, "-c", "Host=127.0.0.1;Port=1"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("line 1: the header must be office_id,name,site_ods_codes,postcode_districts", result.Error, StringComparison.Ordinal);
        File.Delete(file);
    }
}
