namespace MedicalExaminer.Postgres;

/// <summary>Settings of a throwaway local PostgreSQL cluster (dev host, tests, benchmarks).</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>Folder holding initdb, pg_ctl and postgres; default: the newest <c>/usr/lib/postgresql/N/bin</c>.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>
    /// fsync, synchronous_commit and full_page_writes off: several times faster, and only for data you can lose.
    /// With synchronous_commit off a commit returns before its WAL is written, so an
    /// <see cref="LocalPostgresStopMode.Immediate"/> stop (a simulated crash) can lose the last fraction of a
    /// second of commits. Reliability tests that crash the server and count rows must turn this off.
    /// </summary>
    public bool FastUnsafeDurability { get; set; } = true;

    /// <summary>A fixed TCP port; default: a free one picked at start.</summary>
    public int? Port { get; set; }

    /// <summary>The database created at start and named by <see cref="LocalPostgres.ConnectionString"/>.</summary>
    public string Database { get; set; } = "medical_examiner";
}

/// <summary>How <see cref="LocalPostgres.StopAsync(LocalPostgresStopMode, CancellationToken)"/> stops the server.</summary>
public enum LocalPostgresStopMode
{
    /// <summary>Disconnects clients, checkpoints and exits cleanly.</summary>
    Fast,

    /// <summary>Exits at once without a checkpoint, like a crash; the next start runs WAL recovery.</summary>
    Immediate,
}
