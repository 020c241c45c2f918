using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MedicalExaminer.Postgres;

/// <summary>Settings of a throwaway local PostgreSQL cluster.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>Folder holding initdb, pg_ctl and postgres; default: the newest /usr/lib/postgresql/N/bin.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>fsync, synchronous_commit and full_page_writes off: fast and safe only for data you can lose.</summary>
    public bool FastUnsafeDurability { get; set; } = true;

    public int? Port { get; set; }

    public string Database { get; set; } = "medical_examiner";
}

/// <summary>
/// Starts a throwaway PostgreSQL cluster from Debian's server binaries for the dev host and tests:
/// initdb into a temp folder, a free port on 127.0.0.1, trust authentication for local use only.
/// PostgreSQL refuses to run as root, so as root every server command runs as the <c>postgres</c> OS user.
/// Disposing stops the server and deletes the folder.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private readonly string _binDirectory;
    private readonly string _rootDirectory;
    private readonly string _dataDirectory;
    private readonly string _database;
    private bool _running;

    private LocalPostgres(string binDirectory, string rootDirectory, int port, string database)
    {
        _binDirectory = binDirectory;
        _rootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "data");
        Port = port;
        _database = database;
        ConnectionString = ConnectionStringFor(database);
    }

    public int Port { get; }

    public string ConnectionString { get; }

    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalPostgresOptions();
        var bin = options.BinDirectory ?? FindBinDirectory();
        var root = Directory.CreateTempSubdirectory("me-postgres-").FullName;
        var instance = new LocalPostgres(bin, root, options.Port ?? FreePort(), options.Database);
        try
        {
            await instance.InitialiseAsync(options, cancellationToken);
            await instance.StartAgainAsync(cancellationToken);
            await instance.CreateDatabaseIfMissingAsync(options.Database, cancellationToken);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates another database on this server (test isolation) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await CreateDatabaseIfMissingAsync(name, cancellationToken);
        return ConnectionStringFor(name);
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_running)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await RunAsync("pg_ctl", ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], cancellationToken);
        _running = false;
    }

    /// <summary>Starts the server again on the same folder and port (after <see cref="StopAsync"/>).</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync("pg_ctl", ["-D", _dataDirectory, "-l", Path.Combine(_rootDirectory, "server.log"), "-w", "-t", "60", "start"], cancellationToken);
        _running = true;
    }

    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartAgainAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_running)
            {
                NpgsqlConnection.ClearAllPools();
                await RunAsync("pg_ctl", ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
                _running = false;
            }
        }
        finally
        {
            try
            {
                Directory.Delete(_rootDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A folder left in /tmp is not worth failing a test run for.
            }
        }
    }

    private string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = Superuser,
        Pooling = true,
        MaxPoolSize = 50,
    }.ConnectionString;

    private async Task InitialiseAsync(LocalPostgresOptions options, CancellationToken cancellationToken)
    {
        if (RunningAsRoot)
        {
            // The server runs as `postgres`: it must own the folder it writes in.
            await RunProcessAsync("chown", ["-R", $"{Superuser}:", _rootDirectory], cancellationToken);
        }

        await RunAsync("initdb", ["-D", _dataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], cancellationToken);

        var settings = new List<string>
        {
            "listen_addresses = '127.0.0.1'",
            $"port = {Port}",
            $"unix_socket_directories = '{_rootDirectory}'",
            "max_connections = 300",
            "shared_buffers = 256MB",
            "max_wal_size = 2GB",
        };
        if (options.FastUnsafeDurability)
        {
            settings.AddRange(["fsync = off", "synchronous_commit = off", "full_page_writes = off"]);
        }

        await File.AppendAllLinesAsync(Path.Combine(_dataDirectory, "postgresql.conf"), settings, cancellationToken);
    }

    private async Task CreateDatabaseIfMissingAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = name } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static bool RunningAsRoot => Environment.UserName == "root";

    private Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(_binDirectory, tool);
        return RunningAsRoot
            ? RunProcessAsync("runuser", ["-u", Superuser, "--", executable, .. arguments], cancellationToken)
            : RunProcessAsync(executable, arguments, cancellationToken);
    }

    private static async Task RunProcessAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments.Take(2))} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install Debian's `postgresql` package (scripts/install-prerequisites.sh does).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
