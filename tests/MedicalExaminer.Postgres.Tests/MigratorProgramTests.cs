using System.Diagnostics;
using System.Text;
using MedicalExaminer.Migrations;
using MedicalExaminer.Testing;
using Npgsql;

namespace MedicalExaminer.Postgres.Tests;

/// <summary>The migrator as Kubernetes runs it: a process configured by environment, judged by its exit code.</summary>
public sealed class MigratorProgramTests(PostgresFixture postgres)
{
    private const string Password = "pw-that-must-not-be-logged";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task migrates_the_configured_database_and_exits_zero_without_logging_the_password()
    {
        var connectionString = WithPassword(await postgres.CreateEmptyDatabaseAsync(Ct));

        var (exitCode, output) = await RunMigratorAsync(connectionString);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(MigrationCatalog.LatestVersion, await new MigrationRunner(dataSource).CurrentVersionAsync(Ct));
    }

    [Fact]
    public async Task rerun_on_a_migrated_database_exits_zero()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync(Ct);

        var (exitCode, output) = await RunMigratorAsync(connectionString);

        Assert.Equal(0, exitCode);
        Assert.Contains("applied now: []", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task missing_connection_string_exits_one()
    {
        var (exitCode, output) = await RunMigratorAsync(connectionString: null);

        Assert.Equal(1, exitCode);
        Assert.Contains("Postgres__ConnectionString", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task unreachable_database_exits_one_without_logging_the_password()
    {
        var nowhere = new NpgsqlConnectionStringBuilder(WithPassword(await postgres.CreateEmptyDatabaseAsync(Ct))) { Port = 1, Timeout = 2 };

        var (exitCode, output) = await RunMigratorAsync(nowhere.ConnectionString);

        Assert.Equal(1, exitCode);
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task wait_for_database_rides_out_a_server_that_starts_late()
    {
        await using var server = await LocalPostgres.StartAsync(cancellationToken: Ct);
        await server.StopAsync(Ct);

        var output = new MigratorOutput();
        var migrator = RunMigratorAsync(server.ConnectionString, output, "--wait-for-database=120");
        await output.WaitForAsync("Database not reachable yet", TimeSpan.FromMinutes(1));

        await server.StartAgainAsync(Ct);

        Assert.Equal(0, (await migrator).ExitCode);
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        Assert.Equal(MigrationCatalog.LatestVersion, await new MigrationRunner(dataSource).CurrentVersionAsync(Ct));
    }

    private static string WithPassword(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = Password }.ConnectionString;

    private static Task<(int ExitCode, string Output)> RunMigratorAsync(string? connectionString, params string[] arguments) =>
        RunMigratorAsync(connectionString, new MigratorOutput(), arguments);

    private static async Task<(int ExitCode, string Output)> RunMigratorAsync(string? connectionString, MigratorOutput output, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "MedicalExaminer.Migrator"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("Postgres__ConnectionString");
        if (connectionString is not null)
        {
            start.Environment["Postgres__ConnectionString"] = connectionString;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        // The parameterless wait returns once the redirected streams reached their end.
        await Task.Run(process.WaitForExit, Ct);
        return (process.ExitCode, output.Text);
    }

    private sealed class MigratorOutput
    {
        private readonly Lock _lock = new();
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_lock)
                {
                    return _text.ToString();
                }
            }
        }

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lock)
            {
                _text.AppendLine(line);
            }
        }

        public async Task WaitForAsync(string fragment, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Text.Contains(fragment, StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, $"the migrator never logged \"{fragment}\"");
                await Task.Delay(50, Ct);
            }
        }
    }
}
