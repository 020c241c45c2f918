using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Npgsql;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>
/// Issue 23: when every autoscaler is at its maximum, the database still has a connection for every client
/// (k8s/README.md, "Database connections", shows the same sum), and what goes through PgBouncer in transaction
/// mode is code that keeps no state on the server session.
/// </summary>
public sealed class ConnectionBudgetTests
{
    /// <summary>PostgreSQL's default superuser_reserved_connections: CloudNativePG's instance manager and exporter connect as the superuser.</summary>
    private const int DefaultSuperuserReserved = 3;

    /// <summary>Npgsql's default Maximum Pool Size.</summary>
    private const int NpgsqlDefaultPoolSize = 100;

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void connections_at_every_autoscalers_maximum_fit_in_max_connections(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var budget = Budget.Of(resources);

        Assert.True(budget.Problems.Count == 0, string.Join(Environment.NewLine, budget.Problems));
        Assert.True(budget.Total <= budget.MaxConnections,
            $"{overlay}: {budget.Total} server connections at maximum replicas > max_connections {budget.MaxConnections}:{Environment.NewLine}{budget.Arithmetic}");
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void services_that_keep_session_state_never_go_through_a_transaction_pooler(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var problems = new List<string>();
        foreach (var (service, settings) in Clients(resources))
        {
            if (TransactionPooler(resources, settings.Host) is not { } pooler)
            {
                continue;
            }

            problems.AddRange(SessionState(service.Deployable)
                .Select(s => $"{service} goes through {pooler} (transaction mode) but its code uses {s}, which lives on the server session"));

            // Our data source prepares statements automatically (Max Auto Prepare 64, MedicalExaminer.Postgres)
            // unless the connection string sets it to 0: PgBouncer must then track them per client.
            var prepares = !Has(settings, "Max Auto Prepare", "MaxAutoPrepare") || settings.MaxAutoPrepare > 0;
            if (prepares && !(int.TryParse(pooler.Text("spec.pgbouncer.parameters.max_prepared_statements"), out var tracked) && tracked > 0))
            {
                problems.Add($"{service} prepares statements but {pooler} sets no max_prepared_statements");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void the_session_state_check_sees_the_intake_workers_staging_tables()
    {
        var intake = Deployable.All.Single(d => d.ProjectName == "MedicalExaminer.IntakeWorker");
        var scrutiny = Deployable.All.Single(d => d.ProjectName == "MedicalExaminer.ScrutinyApi");

        Assert.Contains(SessionState(intake), s => s.Contains("TEMP TABLE", StringComparison.Ordinal));
        Assert.Empty(SessionState(scrutiny));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void a_client_that_verifies_the_pooler_finds_its_name_in_the_server_certificate(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var cluster = resources.Single(r => r.Kind == "Cluster");
        var altNames = (cluster.At("spec.certificates.serverAltDNSNames") as JsonArray ?? []).Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var problems = Clients(resources)
            .Where(c => c.Settings.SslMode == SslMode.VerifyFull && resources.Any(r => r.Kind == "Pooler" && r.Name == c.Settings.Host))
            .Where(c => !altNames.Contains(c.Settings.Host!))
            .Select(c => $"{c.Service} verifies {c.Settings.Host}, which is not in {cluster}'s spec.certificates.serverAltDNSNames")
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static IEnumerable<(ServiceConfiguration Service, NpgsqlConnectionStringBuilder Settings)> Clients(IReadOnlyList<Resource> resources) =>
        from service in ServiceConfiguration.In(resources)
        let connectionString = service.Environment.GetValueOrDefault("Postgres:ConnectionString")
        where connectionString is not null
        select (service, new NpgsqlConnectionStringBuilder(connectionString));

    /// <summary>Whether the connection string itself sets the setting (under any of its names).</summary>
    private static bool Has(NpgsqlConnectionStringBuilder settings, params string[] names)
    {
        var keys = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = settings.ConnectionString };
        return names.Any(keys.ContainsKey);
    }

    private static Resource? TransactionPooler(IReadOnlyList<Resource> resources, string? host) =>
        resources.SingleOrDefault(r => r.Kind == "Pooler" && r.Name == host && r.Text("spec.pgbouncer.poolMode") == "transaction");

    /// <summary>
    /// What in a deployable's source (its own project and the projects it references under services/) keeps
    /// state on the server session beyond a transaction: temporary tables, session advisory locks, LISTEN,
    /// session-level SET. (Text markers in our own source: there is no served analyser for "holds session state".)
    /// </summary>
    private static List<string> SessionState(Deployable deployable)
    {
        string[] markers = ["CREATE TEMP TABLE", "CREATE TEMPORARY TABLE", "pg_advisory_lock(", "LISTEN ", "SET SESSION "];
        var own = SourceFiles(deployable.Directory).ToList();
        var ownText = string.Join('\n', own.Select(File.ReadAllText));
        var found = new List<string>();
        foreach (var directory in ProjectClosure(deployable.ProjectFile).Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var isOwn = directory == deployable.Directory;
            foreach (var file in SourceFiles(directory))
            {
                // A shared library's class counts for the services whose own code names it (the casework library's
                // intake writer is the intake worker's, not the scrutiny API's, though both reference the library).
                if (!isOwn && !ownText.Contains(Path.GetFileNameWithoutExtension(file), StringComparison.Ordinal))
                {
                    continue;
                }

                var text = File.ReadAllText(file);
                found.AddRange(markers.Where(m => text.Contains(m, StringComparison.OrdinalIgnoreCase))
                    .Select(m => $"{m.Trim()} ({Path.GetRelativePath(Repository.Root, file)})"));
            }
        }

        return found;
    }

    private static IEnumerable<string> SourceFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static HashSet<string> ProjectClosure(string projectFile)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(projectFile)]);
        var services = Path.Combine(Repository.Root, "services");
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project) || !File.Exists(project))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include")).OfType<string>())
            {
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Replace("$(RepoRoot)", Repository.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal).Replace('\\', Path.DirectorySeparatorChar)));
                // The services reference the migrations library for its schema-version readiness check only; its runner
                // (session advisory lock, DDL) runs in the migration Job, which connects to the primary directly.
                if (path.StartsWith(services, StringComparison.Ordinal)
                    && !path.EndsWith("MedicalExaminer.Migrations.csproj", StringComparison.Ordinal)
                    && !path.EndsWith("MedicalExaminer.Migrator.csproj", StringComparison.Ordinal))
                {
                    pending.Push(path);
                }
            }
        }

        return seen;
    }

    /// <summary>The server connections of one overlay at every autoscaler's maximum, with the sum written out.</summary>
    private sealed record Budget(int MaxConnections, int Total, string Arithmetic, IReadOnlyList<string> Problems)
    {
        public static Budget Of(IReadOnlyList<Resource> resources)
        {
            var cluster = resources.Single(r => r.Kind == "Cluster");
            var parameters = cluster.At("spec.postgresql.parameters");
            var max = int.Parse(Manifests.At(parameters, "max_connections")?.GetValue<string>() ?? "100", CultureInfo.InvariantCulture);
            var reserved = int.Parse(Manifests.At(parameters, "superuser_reserved_connections")?.GetValue<string>() ?? DefaultSuperuserReserved.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var direct = new[] { "-rw", "-ro", "-r" }.Select(s => cluster.Name + s).ToHashSet(StringComparer.Ordinal);
            var lines = new StringBuilder();
            var problems = new List<string>();
            var total = reserved;
            lines.AppendLine(CultureInfo.InvariantCulture, $"  superuser_reserved_connections {reserved}");
            var pooled = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var (service, settings) in Clients(resources))
            {
                var host = settings.Host?.Split('.')[0] ?? "";
                var pool = Has(settings, "Maximum Pool Size", "MaxPoolSize", "Max Pool Size") ? settings.MaxPoolSize : NpgsqlDefaultPoolSize;
                var replicas = MaxReplicas(resources, service.Workload.Resource);
                if (direct.Contains(host))
                {
                    total += replicas * pool;
                    lines.AppendLine(CultureInfo.InvariantCulture, $"+ {service.Workload.Resource.Name}: {replicas} replicas x pool {pool} = {replicas * pool} (direct to {host})");
                }
                else if (resources.Any(r => r.Kind == "Pooler" && r.Name == host))
                {
                    pooled.TryAdd(host, new HashSet<string>(StringComparer.Ordinal));
                    pooled[host].Add(settings.Username ?? "");
                    lines.AppendLine(CultureInfo.InvariantCulture, $"  {service.Workload.Resource.Name}: {replicas} replicas x pool {pool} = {replicas * pool} client connections to {host} (not server connections)");
                }
                else
                {
                    problems.Add($"{service} connects to {settings.Host}, which is neither {cluster}'s service nor a Pooler");
                }
            }

            foreach (var (name, users) in pooled)
            {
                var pooler = resources.Single(r => r.Kind == "Pooler" && r.Name == name);
                var instances = int.Parse(pooler.Text("spec.instances") ?? "1", CultureInfo.InvariantCulture);
                int Parameter(string key, int fallback) =>
                    int.TryParse(pooler.Text($"spec.pgbouncer.parameters.{key}"), CultureInfo.InvariantCulture, out var v) ? v : fallback;

                // PgBouncer's defaults: default_pool_size 20, reserve_pool_size 0, max_db_connections unlimited.
                var perInstance = Parameter("max_db_connections", 0) is > 0 and var cap
                    ? cap
                    : users.Count * (Parameter("default_pool_size", 20) + Parameter("reserve_pool_size", 0));
                // Each PgBouncer also holds a connection for its authentication query.
                var server = instances * (perInstance + 1);
                total += server;
                lines.AppendLine(CultureInfo.InvariantCulture, $"+ {name}: {instances} PgBouncers x ({perInstance} server connections + 1 for auth_query) = {server}");
            }

            lines.AppendLine(CultureInfo.InvariantCulture, $"= {total} of max_connections {max}");
            return new Budget(max, total, lines.ToString(), problems);
        }

        private static int MaxReplicas(IReadOnlyList<Resource> resources, Resource workload)
        {
            if (workload.Kind == "Job")
            {
                return int.Parse(workload.Text("spec.parallelism") ?? "1", CultureInfo.InvariantCulture);
            }

            var scaled = resources.SingleOrDefault(r => r.Kind == "ScaledObject" && r.Text("spec.scaleTargetRef.name") == workload.Name);
            if (scaled is not null)
            {
                return int.Parse(scaled.Text("spec.maxReplicaCount") ?? "100", CultureInfo.InvariantCulture);
            }

            var hpa = resources.SingleOrDefault(r => r.Kind == "HorizontalPodAutoscaler" && r.Text("spec.scaleTargetRef.name") == workload.Name);
            return int.Parse(hpa?.Text("spec.maxReplicas") ?? workload.Text("spec.replicas") ?? "1", CultureInfo.InvariantCulture);
        }
    }
}
