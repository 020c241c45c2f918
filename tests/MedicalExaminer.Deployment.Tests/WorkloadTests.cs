using System.Text.Json.Nodes;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>What a platform team checks on every Deployment and Job before it runs.</summary>
public sealed class WorkloadTests
{
    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_deployment_probes_liveness_and_readiness_on_the_health_endpoints(string overlay)
    {
        var problems = new List<string>();
        foreach (var workload in Workload.In(Manifests.Of(overlay)).Where(w => w.Resource.Kind == "Deployment"))
        {
            foreach (var container in workload.Containers)
            {
                var name = $"{workload} container {container["name"]}";
                var ours = Workload.DeployableOf(container) is not null;
                foreach (var (probe, path) in new[] { ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready") })
                {
                    var actual = Manifests.At(container, $"{probe}.httpGet.path")?.GetValue<string>();
                    if (actual is null)
                    {
                        problems.Add($"{name} has no HTTP {probe}");
                    }
                    else if (ours && actual != path)
                    {
                        problems.Add($"{name}: {probe} on {actual}, not {path}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_container_requests_and_is_limited_in_cpu_and_memory(string overlay)
    {
        var problems = new List<string>();
        foreach (var workload in Workload.In(Manifests.Of(overlay)))
        {
            foreach (var container in workload.Containers)
            {
                foreach (var field in new[] { "requests.cpu", "requests.memory", "limits.cpu", "limits.memory" })
                {
                    if (Manifests.At(container, "resources." + field) is null)
                    {
                        problems.Add($"{workload} container {container["name"]} has no resources.{field}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_pod_runs_as_non_root_on_a_read_only_filesystem_without_privileges(string overlay)
    {
        var problems = new List<string>();
        foreach (var workload in Workload.In(Manifests.Of(overlay)))
        {
            var pod = workload.PodSpec;
            Expect(problems, $"{workload} pod", pod, "securityContext.runAsNonRoot", "true");
            Expect(problems, $"{workload} pod", pod, "securityContext.seccompProfile.type", "RuntimeDefault");
            if (Manifests.At(pod, "securityContext.runAsUser")?.GetValue<string>() is { } uid && uid == "0")
            {
                problems.Add($"{workload} runs as UID 0");
            }

            foreach (var container in workload.Containers)
            {
                var name = $"{workload} container {container["name"]}";
                Expect(problems, name, container, "securityContext.allowPrivilegeEscalation", "false");
                Expect(problems, name, container, "securityContext.readOnlyRootFilesystem", "true");
                var dropped = Manifests.At(container, "securityContext.capabilities.drop") as JsonArray;
                if (dropped?.Any(c => c?.GetValue<string>() == "ALL") != true)
                {
                    problems.Add($"{name} does not drop ALL capabilities");
                }

                if (Manifests.At(container, "securityContext.privileged")?.GetValue<string>() == "true")
                {
                    problems.Add($"{name} is privileged");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_deployment_has_a_disruption_budget_and_a_service(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var problems = new List<string>();
        foreach (var workload in Workload.In(resources).Where(w => w.Resource.Kind == "Deployment"))
        {
            bool Selects(Resource r, string path) => Manifests.Selects(r.At(path), workload.PodLabels);

            if (!resources.Any(r => r.Kind == "PodDisruptionBudget" && Selects(r, "spec.selector.matchLabels")))
            {
                problems.Add($"{workload} has no PodDisruptionBudget");
            }

            if (!resources.Any(r => r.Kind == "Service" && Selects(r, "spec.selector")))
            {
                problems.Add($"{workload} has no Service");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void the_namespace_denies_all_traffic_by_default(string overlay)
    {
        var denyAll = Manifests.Of(overlay).Where(r => r.Kind == "NetworkPolicy")
            .Where(r => r.At("spec.podSelector") is JsonObject { Count: 0 })
            .Where(r => r.At("spec.ingress") is null && r.At("spec.egress") is null)
            .SingleOrDefault(r => r.At("spec.policyTypes") is JsonArray types
                && types.Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal).SequenceEqual(["Egress", "Ingress"]));

        Assert.True(denyAll is not null, $"{overlay} has no NetworkPolicy that selects every pod and allows nothing in or out.");
    }

    private static void Expect(List<string> problems, string what, JsonObject node, string path, string expected)
    {
        var actual = Manifests.At(node, path)?.GetValue<string>();
        if (actual != expected)
        {
            problems.Add($"{what}: {path} is {actual ?? "unset"}, expected {expected}");
        }
    }
}
