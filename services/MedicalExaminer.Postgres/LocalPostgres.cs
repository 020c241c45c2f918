using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MedicalExaminer.Postgres;

/// <summary>
/// Starts a throwaway PostgreSQL cluster from Debian's server binaries for the dev host and tests:
/// initdb into a temp folder, a free port on 127.0.0.1, trust authentication for local use only.
/// PostgreSQL refuses to run as root, so as root every server command runs as the <c>postgres</c> OS user.
/// Disposing stops the server and deletes the folder.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private const string MaintenanceDatabase = "postgres";
    private const int PortAttempts = 3;

    private readonly string _binDirectory;
    private readonly string _dataDirectory;
    private readonly string _logFile;
    private readonly string _database;
    private Process? _watchdog;
    private bool _running;
    private bool _disposed;

    private LocalPostgres(string binDirectory, string rootDirectory, int port, string database)
    {
        _binDirectory = binDirectory;
        RootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "data");
        _logFile = Path.Combine(rootDirectory, "server.log");
        Port = port;
        _database = database;
    }

    /// <summary>The TCP port on 127.0.0.1; it stays the same across restarts.</summary>
    public int Port { get; private set; }

    /// <summary>The superuser's connection string to the database named in <see cref="LocalPostgresOptions.Database"/>.</summary>
    public string ConnectionString => ConnectionStringFor(_database);

    /// <summary>The temp folder holding the data directory, the server log and the unix socket; deleted on dispose.</summary>
    public string RootDirectory { get; }

    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalPostgresOptions();
        var bin = options.BinDirectory ?? FindBinDirectory();
        var root = Directory.CreateTempSubdirectory("me-postgres-").FullName;
        var instance = new LocalPostgres(bin, root, options.Port ?? FreePort(), options.Database);
        try
        {
            instance.StartWatchdog();
            await instance.InitialiseAsync(options, cancellationToken);
            await instance.StartFirstTimeAsync(portIsOurs: options.Port is null, cancellationToken);
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

    /// <summary>Stops the server cleanly; <see cref="StartAgainAsync"/> brings it back with its data.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopAsync(LocalPostgresStopMode.Fast, cancellationToken);

    public async Task StopAsync(LocalPostgresStopMode mode, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_running)
        {
            return;
        }

        // Idle pooled connections to a stopped server are dead; dropping them spares the next caller one failure.
        NpgsqlConnection.ClearAllPools();
        var modeName = mode == LocalPostgresStopMode.Immediate ? "immediate" : "fast";
        await RunAsync("pg_ctl", ["-D", _dataDirectory, "-m", modeName, "-w", "stop"], cancellationToken);
        _running = false;
    }

    /// <summary>Starts the server again on the same data directory and port (after <see cref="StopAsync(CancellationToken)"/>).</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_running)
        {
            return;
        }

        try
        {
            await RunAsync("pg_ctl", ["-D", _dataDirectory, "-l", _logFile, "-w", "-t", "60", "start"], cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\nServer log tail:\n{ServerLogTail()}", ex);
        }

        _running = true;
    }

    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartAgainAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
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
                Directory.Delete(RootDirectory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The watchdog below removes it too; a folder left in /tmp is not worth failing a test run for.
            }

            await ReleaseWatchdogAsync();
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

    /// <summary>
    /// Nothing stops the server if this process dies without disposing (kill -9, a test host killed on
    /// timeout), and orphaned clusters pile up on a shared machine. So a shell blocks reading a pipe from
    /// this process: the kernel closes the pipe when we die, the read returns, and the shell stops the
    /// server and removes the folder. Disposing closes the pipe after doing the same work itself.
    /// </summary>
    private void StartWatchdog()
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RootDirectory,
        };
        string[] arguments =
        [
            "-c", "root=$1; shift; read _; \"$@\" >/dev/null 2>&1; rm -rf -- \"$root\"", "me-postgres-watchdog", RootDirectory,
            .. ServerCommand("pg_ctl", ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"]),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _watchdog = Process.Start(start) ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog shell.");
    }

    private async Task ReleaseWatchdogAsync()
    {
        if (_watchdog is null)
        {
            return;
        }

        using var watchdog = _watchdog;
        _watchdog = null;
        watchdog.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await watchdog.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            watchdog.Kill();
        }
    }

    private async Task InitialiseAsync(LocalPostgresOptions options, CancellationToken cancellationToken)
    {
        if (RunningAsRoot)
        {
            // The server runs as `postgres`: it must own the folder it writes in.
            await RunProcessAsync("chown", ["-R", $"{Superuser}:", RootDirectory], cancellationToken);
        }

        await RunAsync("initdb", ["-D", _dataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"], cancellationToken);

        var settings = new List<string>
        {
            "listen_addresses = '127.0.0.1'",
            $"port = {Port}",
            $"unix_socket_directories = '{RootDirectory}'",
            "timezone = 'UTC'",
            "log_timezone = 'UTC'",
            "max_connections = 300",
            "shared_buffers = 256MB",
            "max_wal_size = 2GB",
        };
        if (options.FastUnsafeDurability)
        {
            settings.AddRange(["fsync = off", "synchronous_commit = off", "full_page_writes = off"]);
        }

        await AppendSettingsAsync(settings, cancellationToken);
    }

    private Task AppendSettingsAsync(IEnumerable<string> settings, CancellationToken cancellationToken) =>
        // Appended: in postgresql.conf the last setting of a name wins.
        File.AppendAllLinesAsync(Path.Combine(_dataDirectory, "postgresql.conf"), settings, cancellationToken);

    /// <summary>
    /// A port found free can be taken by someone else before the server binds it (several test hosts
    /// start clusters at once): when the port is our own pick and the bind failed, pick another.
    /// </summary>
    private async Task StartFirstTimeAsync(bool portIsOurs, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAgainAsync(cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (portIsOurs && attempt < PortAttempts && ServerLogTail().Contains("Address already in use", StringComparison.Ordinal))
            {
                Port = FreePort();
                await AppendSettingsAsync([$"port = {Port}"], cancellationToken);
            }
        }
    }

    private async Task CreateDatabaseIfMissingAsync(string name, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionStringFor(MaintenanceDatabase)) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = name } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private string ServerLogTail()
    {
        try
        {
            var log = File.ReadAllText(_logFile);
            return log.Length <= 2000 ? log : log[^2000..];
        }
        catch (IOException)
        {
            return "(no server log)";
        }
    }

    // .NET resolves the name from the effective uid, and uid 0 is named root on every Debian image.
    private static bool RunningAsRoot => Environment.UserName == "root";

    private string[] ServerCommand(string tool, IReadOnlyList<string> arguments)
    {
        var executable = Path.Combine(_binDirectory, tool);
        return RunningAsRoot
            ? ["runuser", "-u", Superuser, "--", executable, .. arguments]
            : [executable, .. arguments];
    }

    private Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var command = ServerCommand(tool, arguments);
        return RunProcessAsync(command[0], command[1..], cancellationToken, label: tool);
    }

    private async Task RunProcessAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken, string? label = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The postgres user may not be allowed into the caller's working directory.
            WorkingDirectory = RootDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = (await stderr + await stdout).Trim();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{label ?? fileName} exited with {process.ExitCode}: {output}");
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
