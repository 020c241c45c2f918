namespace MedicalExaminer.Architecture.Tests;

public sealed class ProjectReferenceTests
{
    private static readonly Lazy<ProjectGraph> Repository = new(() => ProjectGraph.Load(RepositoryRoot.Path));

    [Fact]
    public void no_deployable_references_another_deployable_only_the_dev_host_perf_and_tests_host_them()
    {
        var violations = Repository.Value.DeployablesReferencedByNonHosts();
        Assert.True(violations.Count == 0,
            "Shared code belongs in a library, not in a deployable another project references: " + string.Join("; ", violations));
    }

    [Fact]
    public void no_production_project_reaches_the_synthetic_demo_data()
    {
        var violations = Repository.Value.ProductionProjectsReachingSyntheticData();
        Assert.True(violations.Count == 0,
            "Production services must not reference MedicalExaminer.SyntheticData, directly or through a library: " + string.Join(", ", violations));
    }

    [Fact]
    public void the_graph_knows_the_deployables_and_libraries_it_checks()
    {
        // Guards the two rules above against passing because the discovery found nothing.
        var graph = Repository.Value;
        var deployables = graph.Projects.Where(p => p.IsDeployable).Select(p => p.Name).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "MedicalExaminer.Gateway", "MedicalExaminer.IntakeWorker", "MedicalExaminer.ScrutinyApi", "MedicalExaminer.Metrics", "MedicalExaminer.FamilyNotifier", "MedicalExaminer.Migrator", "MedicalExaminer.Cli", ProjectGraph.DevHost },
            deployables);
        Assert.DoesNotContain("MedicalExaminer.Casework", deployables);
        Assert.DoesNotContain("MedicalExaminer.Migrations", deployables);
        Assert.Contains("MedicalExaminer.Casework", graph.Reachable("MedicalExaminer.ScrutinyApi"));
        Assert.Contains("MedicalExaminer.Casework", graph.Reachable("MedicalExaminer.IntakeWorker"));
    }

    [Fact]
    public void a_service_referencing_another_service_is_reported()
    {
        var graph = new ProjectGraph(
        [
            new ProjectNode("Library", "services", IsDeployable: false, []),
            new ProjectNode("ServiceA", "services", IsDeployable: true, ["Library"]),
            new ProjectNode("ServiceB", "services", IsDeployable: true, ["ServiceA"]),
            new ProjectNode(ProjectGraph.DevHost, "services", IsDeployable: true, ["ServiceA", "ServiceB"]),
            new ProjectNode("ServiceB.Tests", "tests", IsDeployable: false, ["ServiceB"]),
        ]);

        Assert.Equal(["ServiceB → ServiceA"], graph.DeployablesReferencedByNonHosts());
    }

    [Fact]
    public void a_service_reaching_demo_data_through_a_library_is_reported()
    {
        var graph = new ProjectGraph(
        [
            new ProjectNode(ProjectGraph.SyntheticData, "services", IsDeployable: false, []),
            new ProjectNode("WebLibrary", "services", IsDeployable: false, [ProjectGraph.SyntheticData]),
            new ProjectNode("Service", "services", IsDeployable: true, ["WebLibrary"]),
            new ProjectNode(ProjectGraph.DevHost, "services", IsDeployable: true, [ProjectGraph.SyntheticData]),
        ]);

        Assert.Equal(["Service"], graph.ProductionProjectsReachingSyntheticData());
    }
}
