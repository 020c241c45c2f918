using System.Text.RegularExpressions;

namespace MedicalExaminer.Deployment.Tests;

public sealed partial class ConfigurationTests
{
    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_environment_variable_sets_a_key_the_service_reads(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var problems = new List<string>();
        foreach (var service in ServiceConfiguration.In(resources))
        {
            var environment = Workload.Environment(service.Container, resources).ToList();
            // A variable only spliced into another one's value ($(POSTGRES_PASSWORD) in the connection string)
            // is Kubernetes' business, not the service's.
            var spliced = environment.SelectMany(e => Reference().Matches(e.Value ?? "").Select(m => m.Groups["name"].Value)).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, _, source) in environment.Where(e => !spliced.Contains(e.Name)))
            {
                if (!service.Surface.Reads(ConfigurationSurface.KeyOf(name)))
                {
                    problems.Add($"{service}: {name} ({source}) is no configuration key that {service.Deployable} reads");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_spliced_variable_is_defined_before_it_is_used(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var problems = new List<string>();
        foreach (var workload in Workload.In(resources))
        {
            foreach (var container in workload.Containers)
            {
                var defined = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (name, value, _) in Workload.Environment(container, resources).Where(e => e.Source == "env"))
                {
                    problems.AddRange(Reference().Matches(value ?? "").Select(m => m.Groups["name"].Value)
                        .Where(r => !defined.Contains(r))
                        .Select(r => $"{workload}: {name} uses $({r}) before it is defined (Kubernetes would pass it literally)"));
                    defined.Add(name);
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void the_surface_knows_bound_keys_and_refuses_misspelt_ones()
    {
        // The check above is only as good as the surface: it must accept what the code binds and refuse the rest.
        var intake = ConfigurationSurface.Of(Deployable.All.Single(d => d.ProjectName == "MedicalExaminer.IntakeWorker"));

        Assert.True(intake.Reads("Intake:Consumer:MaxBatchSize"));
        Assert.True(intake.Reads("Intake:OfficeRefreshInterval"));
        Assert.True(intake.Reads("Kafka:BootstrapServers"));
        Assert.True(intake.Reads("kafka:consumer:ssl.ca.location"), "any librdkafka setting goes under Kafka:Consumer");
        Assert.True(intake.Reads("Postgres:ConnectionString"));
        Assert.True(intake.Reads("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.False(intake.Reads("Intake:Consumer:MaxBatchSizes"));
        Assert.False(intake.Reads("Intake:MaxBatchSize"));
        Assert.False(intake.Reads("Postgres:ConnectionStrings"));
        Assert.False(intake.Reads("Scrutiny:LapseSweepInterval"), "another service's key");
    }

    [GeneratedRegex(@"\$\((?<name>[A-Za-z_][A-Za-z0-9_.]*)\)")]
    private static partial Regex Reference();
}
