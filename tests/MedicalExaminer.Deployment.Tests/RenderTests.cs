namespace MedicalExaminer.Deployment.Tests;

public sealed class RenderTests
{
    [Fact]
    public void both_overlays_exist()
    {
        Assert.Contains("dev", Repository.Overlays);
        Assert.Contains(Overlays.Production, Repository.Overlays);
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void overlay_renders_with_kubectl_kustomize(string overlay)
    {
        var resources = Manifests.Of(overlay);

        foreach (var kind in new[] { "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Cluster", "Deployment", "Job", "Service", "NetworkPolicy", "PodDisruptionBudget", "ScaledObject", "HorizontalPodAutoscaler" })
        {
            Assert.True(resources.Any(r => r.Kind == kind), $"{overlay} renders no {kind}.");
        }

        var namespaces = resources.Where(r => r.Kind != "Namespace").Select(r => r.Text("metadata.namespace")).Distinct().ToList();
        Assert.True(namespaces.Count == 1 && namespaces[0] is not null, $"{overlay} must put everything in one namespace; found [{string.Join(", ", namespaces)}].");
    }

    [Fact]
    public void every_kustomization_uses_the_current_syntax()
    {
        // Issue 23: bases, patchesJson6902 and patchesStrategicMerge are deprecated (resources and patches replace them).
        string[] deprecated = ["bases:", "patchesJson6902:", "patchesStrategicMerge:", "commonLabels:", "vars:"];
        var problems = Directory.EnumerateFiles(Repository.K8s, "kustomization.yaml", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadAllLines(file)
                .Where(line => deprecated.Any(d => line.StartsWith(d, StringComparison.Ordinal)))
                .Select(line => $"{Path.GetRelativePath(Repository.Root, file)}: {line.Trim()}"))
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void a_broken_manifest_fails_the_render()
    {
        var dir = Directory.CreateTempSubdirectory("kustomize-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "kustomization.yaml"), "resources:\n  - missing.yaml\n");
            Assert.Throws<InvalidOperationException>(() => Kubectl.Kustomize(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
