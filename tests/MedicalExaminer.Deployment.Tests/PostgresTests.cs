using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MedicalExaminer.Deployment.Tests;

public sealed partial class PostgresTests
{
    [Fact]
    public void production_postgres_has_three_instances_and_backups()
    {
        var resources = Manifests.Of(Overlays.Production);
        var cluster = Assert.Single(resources, r => r.Kind == "Cluster");

        Assert.Equal("3", cluster.Text("spec.instances"));
        // CloudNativePG 1.30: backups through the Barman Cloud plugin, not the deprecated built-in barmanObjectStore.
        Assert.Null(cluster.At("spec.backup.barmanObjectStore"));
        var plugin = Assert.Single(Manifests.Objects(cluster.At("spec.plugins")), p => p["name"]?.GetValue<string>() == "barman-cloud.cloudnative-pg.io");
        Assert.Equal("true", plugin["isWALArchiver"]?.GetValue<string>());
        var store = Assert.Single(resources, r => r.Kind == "ObjectStore");
        Assert.Equal(store.Name, Manifests.At(plugin, "parameters.barmanObjectName")?.GetValue<string>());
        Assert.NotNull(store.Text("spec.configuration.destinationPath"));
        Assert.Equal("30d", store.Text("spec.retentionPolicy"));
        var backup = Assert.Single(resources, r => r.Kind == "ScheduledBackup");
        Assert.Equal(cluster.Name, backup.Text("spec.cluster.name"));
        Assert.Equal("plugin", backup.Text("spec.method"));
        Assert.Equal("barman-cloud.cloudnative-pg.io", backup.Text("spec.pluginConfiguration.name"));
    }

    [Fact]
    public void every_service_role_of_the_migrations_has_a_login_role_that_is_a_member_of_it_alone()
    {
        var migrationRoles = MigrationRoles();
        Assert.Contains("me_scrutiny_api", migrationRoles);
        Assert.Contains("me_intake_worker", migrationRoles);
        var logins = LoginRoles(Manifests.Of(Overlays.Production));

        foreach (var role in migrationRoles)
        {
            Assert.True(logins.Any(l => l.InRoles.SequenceEqual([role])), $"No login role is a member of {role} (and of nothing else).");
        }

        Assert.All(logins, l => Assert.True(l.InRoles.Count == 1, $"{l.Name} is a member of [{string.Join(", ", l.InRoles)}]: one service role each."));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_service_logs_in_as_its_own_login_role_with_that_roles_password(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var logins = LoginRoles(resources);
        var problems = new List<string>();
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (service, user, passwordSecret) in ServiceLogins(resources))
        {
            var login = logins.SingleOrDefault(l => l.Name == user);
            if (login is null)
            {
                problems.Add($"{service} logs in as {user}, which is no managed login role");
            }
            else if (login.PasswordSecret != passwordSecret)
            {
                problems.Add($"{service} takes its password from {passwordSecret}, but {user}'s is {login.PasswordSecret}");
            }

            if (users.TryGetValue(user, out var other) && other != service.Deployable.ProjectName)
            {
                problems.Add($"{service} shares login {user} with {other}");
            }

            users[user] = service.Deployable.ProjectName;
        }

        Assert.NotEmpty(users);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_service_works_through_a_role_a_migration_creates_and_grants_a_schema(string overlay)
    {
        // A role the migrations never create exists only because the Cluster declares it: it holds no grant,
        // so the service could not read or write anything and would never become ready.
        var resources = Manifests.Of(overlay);
        var logins = LoginRoles(resources);
        var created = MigrationRoles();
        var schemas = MigrationSchemaGrants();
        var problems = new List<string>();
        var checkedServices = new List<string>();
        foreach (var (service, user, _) in ServiceLogins(resources))
        {
            checkedServices.Add(service.Deployable.ProjectName);
            foreach (var role in logins.SingleOrDefault(l => l.Name == user)?.InRoles ?? [])
            {
                if (!created.Contains(role))
                {
                    problems.Add($"{service} logs in as {user}, a member of {role}, which no migration creates");
                }
                else if (!schemas.Contains(role))
                {
                    problems.Add($"{service} logs in as {user}, a member of {role}, which no migration grants USAGE on a schema");
                }
            }
        }

        var declared = Manifests.Objects(resources.Single(r => r.Kind == "Cluster").At("spec.managed.roles"))
            .Where(r => r["login"]?.GetValue<string>() != "true")
            .Select(r => r["name"]!.GetValue<string>());
        problems.AddRange(declared.Where(role => !created.Contains(role))
            .Select(role => $"The Cluster declares service role {role}, which no migration creates or grants anything"));

        Assert.Contains("MedicalExaminer.IntakeWorker", checkedServices);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void the_role_checks_read_the_migrations()
    {
        Assert.Contains("me_intake_worker", MigrationRoles());
        Assert.Contains("me_intake_worker", MigrationSchemaGrants());
        Assert.Matches(CreateRole(), "CREATE ROLE me_x NOLOGIN;");
        Assert.DoesNotMatch(CreateRole(), "-- CREATE ROLE me_x NOLOGIN;");
        Assert.Matches(SchemaUsage(), "GRANT USAGE ON SCHEMA casework TO me_x;");
    }

    /// <summary>Each of our services that connects to Postgres: the user its connection string names and the Secret of its password.</summary>
    private static IEnumerable<(ServiceConfiguration Service, string User, string? PasswordSecret)> ServiceLogins(IReadOnlyList<Resource> resources)
    {
        var owner = resources.Single(r => r.Kind == "Cluster").Text("spec.bootstrap.initdb.owner");
        foreach (var service in ServiceConfiguration.In(resources))
        {
            if (service.Environment.GetValueOrDefault("Postgres:ConnectionString") is not { } connectionString)
            {
                continue;
            }

            var user = UserName().Match(connectionString).Groups["user"].Value;
            if (service.Workload.Resource.Kind == "Job" && user == owner)
            {
                // The migrator owns the schema: CloudNativePG generates the owner's Secret (<cluster>-app).
                continue;
            }

            var passwordVariable = Reference().Match(connectionString).Groups["name"].Value;
            var passwordSecret = Manifests.Objects(service.Container["env"])
                .SingleOrDefault(e => e["name"]!.GetValue<string>() == passwordVariable)?["valueFrom"]?["secretKeyRef"]?["name"]?.GetValue<string>();
            yield return (service, user, passwordSecret);
        }
    }

    private sealed record LoginRole(string Name, IReadOnlyList<string> InRoles, string? PasswordSecret);

    private static List<LoginRole> LoginRoles(IReadOnlyList<Resource> resources) =>
        [.. Manifests.Objects(resources.Single(r => r.Kind == "Cluster").At("spec.managed.roles"))
            .Where(r => r["login"]?.GetValue<string>() == "true")
            .Select(r => new LoginRole(
                r["name"]!.GetValue<string>(),
                [.. (r["inRoles"] as JsonArray ?? []).Select(x => x!.GetValue<string>())],
                Manifests.At(r, "passwordSecret.name")?.GetValue<string>()))];

    /// <summary>The NOLOGIN service roles the migrations create (a service's grants live with its schema).</summary>
    private static HashSet<string> MigrationRoles() => [.. MigrationMatches(CreateRole())];

    /// <summary>The roles a migration grants USAGE on a schema.</summary>
    private static HashSet<string> MigrationSchemaGrants() => [.. MigrationMatches(SchemaUsage())];

    private static IEnumerable<string> MigrationMatches(Regex pattern) =>
        Directory.GetFiles(Path.Combine(Repository.Root, "services", "MedicalExaminer.Migrations", "Migrations"), "*.sql")
            .SelectMany(file => pattern.Matches(File.ReadAllText(file)).Select(m => m.Groups["role"].Value));

    // At the start of a line, so that a commented-out statement does not count.
    [GeneratedRegex(@"^\s*CREATE\s+ROLE\s+(?<role>\w+)\s+NOLOGIN", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex CreateRole();

    [GeneratedRegex(@"^\s*GRANT\s+USAGE\s+ON\s+SCHEMA\s+\w+\s+TO\s+(?<role>\w+)", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex SchemaUsage();

    [GeneratedRegex(@"(^|;)\s*Username\s*=\s*(?<user>[^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex UserName();

    [GeneratedRegex(@"\$\((?<name>[A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
