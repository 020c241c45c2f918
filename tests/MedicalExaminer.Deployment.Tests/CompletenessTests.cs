namespace MedicalExaminer.Deployment.Tests;

/// <summary>A service that lands without manifests fails here, not in production.</summary>
public sealed class CompletenessTests
{
    [Fact]
    public void discovery_finds_the_deployables_and_leaves_out_the_development_tools()
    {
        var names = Deployable.All.Select(d => d.ProjectName).ToList();

        Assert.Contains("MedicalExaminer.IntakeWorker", names);
        Assert.Contains("MedicalExaminer.ScrutinyApi", names);
        Assert.Contains("MedicalExaminer.Migrator", names);
        Assert.DoesNotContain("MedicalExaminer.DevHost", names);
        Assert.DoesNotContain("MedicalExaminer.Cli", names);
        Assert.DoesNotContain("MedicalExaminer.NotifySink", names);
        Assert.DoesNotContain("MedicalExaminer.Kafka", names);
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_deployable_project_runs_as_a_deployment_or_job(string overlay)
    {
        var running = Workload.In(Manifests.Of(overlay))
            .SelectMany(w => w.Containers)
            .Select(Workload.DeployableOf)
            .OfType<Deployable>()
            .Select(d => d.ProjectName)
            .ToHashSet(StringComparer.Ordinal);

        var missing = Deployable.All.Where(d => !running.Contains(d.ProjectName)).ToList();
        Assert.True(missing.Count == 0,
            $"{overlay} runs no Deployment or Job of [{string.Join(", ", missing)}]: add its manifests under k8s/base/apps (or, if it is a development tool, to Deployable.NotDeployed).");
    }

    [Fact]
    public void these_tests_reference_every_deployable_so_they_can_read_its_configuration()
    {
        var unreferenced = Deployable.All.Where(d => !d.IsReferenced).ToList();

        Assert.True(unreferenced.Count == 0,
            $"Add a ProjectReference to [{string.Join(", ", unreferenced)}] in MedicalExaminer.Deployment.Tests.csproj.");
    }
}
