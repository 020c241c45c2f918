using System.Globalization;
using System.Text.Json.Nodes;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>Issue 10: workers scale on consumer-group lag (KEDA), APIs on CPU (HPA); the migration runs before any service.</summary>
public sealed class ScalingAndRolloutTests
{
    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void kafka_workers_scale_on_lag_and_apis_on_cpu_each_by_one_autoscaler(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var problems = new List<string>();
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in ServiceConfiguration.In(resources).Where(s => s.Workload.Resource.Kind == "Deployment"))
        {
            var name = service.Workload.Resource.Name;
            var scaledObjects = resources.Where(r => r.Kind == "ScaledObject" && r.Text("spec.scaleTargetRef.name") == name).ToList();
            var hpas = resources.Where(r => r.Kind == "HorizontalPodAutoscaler" && r.Text("spec.scaleTargetRef.kind") == "Deployment"
                && r.Text("spec.scaleTargetRef.name") == name).ToList();
            if (scaledObjects.Count + hpas.Count != 1)
            {
                // KEDA makes its own HPA from a ScaledObject: a second autoscaler would fight it.
                problems.Add($"{service} has {scaledObjects.Count} ScaledObjects and {hpas.Count} HPAs; expected exactly one autoscaler");
                continue;
            }

            var isApi = service.Workload.PodLabels.GetValueOrDefault("medical-examiner.nhs.uk/exposed") == "true";
            if (isApi)
            {
                var hpa = hpas.SingleOrDefault();
                var cpu = Manifests.Objects(hpa?.At("spec.metrics"))
                    .Any(m => Manifests.At(m, "resource.name")?.GetValue<string>() == "cpu" && Manifests.At(m, "resource.target.type")?.GetValue<string>() == "Utilization");
                if (!cpu)
                {
                    problems.Add($"{service} serves HTTP and must scale on CPU utilisation (HPA)");
                }

                kinds[name] = "cpu";
            }
            else
            {
                var triggers = Manifests.Objects(scaledObjects.SingleOrDefault()?.At("spec.triggers")).ToList();
                if (triggers.Count == 0 || triggers.Any(t => t["type"]!.GetValue<string>() != "kafka") || !service.Consumers.Any())
                {
                    problems.Add($"{service} is a Kafka worker and must scale on its consumer group's lag alone (KEDA kafka trigger)");
                }

                kinds[name] = "lag";
            }
        }

        Assert.Equal("lag", kinds.GetValueOrDefault("intake-worker"));
        Assert.Equal("lag", kinds.GetValueOrDefault("family-notifier"));
        Assert.Equal("cpu", kinds.GetValueOrDefault("scrutiny-api"));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void production_keeps_two_replicas_of_every_service_at_least()
    {
        var problems = Manifests.Of(Overlays.Production)
            .Where(r => r.Kind is "ScaledObject" or "HorizontalPodAutoscaler")
            .Select(r => (Resource: r, Min: int.Parse(r.Text(r.Kind == "ScaledObject" ? "spec.minReplicaCount" : "spec.minReplicas") ?? "1", CultureInfo.InvariantCulture)))
            .Where(x => x.Min < 2)
            .Select(x => $"{x.Resource} may scale down to {x.Min} replica: a node drain or a crash would stop the service")
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void the_migration_runs_to_completion_before_any_service_is_applied(string overlay)
    {
        // k8s/README.md "Rolling out": with kubectl, everything but the components migration, worker and api
        // first, then the migration Job, then the rest; with Argo CD, sync waves (below).
        var resources = Manifests.Of(overlay);
        var problems = new List<string>();
        foreach (var service in ServiceConfiguration.In(resources))
        {
            var workload = service.Workload.Resource;
            var component = workload.Text("metadata.labels.[app.kubernetes.io/component]");
            if (workload.Kind == "Job")
            {
                if (component != "migration")
                {
                    problems.Add($"{workload} must be component migration");
                }

                if (workload.Text("spec.template.spec.restartPolicy") is not ("Never" or "OnFailure"))
                {
                    problems.Add($"{workload} must run to completion");
                }
            }
            else if (component is not ("worker" or "api"))
            {
                problems.Add($"{workload} is component {component ?? "(none)"}: the first kubectl step would start it before the migration");
            }
        }

        var migrations = resources.Where(r => r.Kind == "Job" && r.Text("metadata.labels.[app.kubernetes.io/component]") == "migration").ToList();
        Assert.Single(migrations);
        Assert.Equal("MedicalExaminer.Migrator", new Workload(migrations[0]).Containers.Select(Workload.DeployableOf).Single()?.ProjectName);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void argo_cd_runs_the_migration_after_the_secrets_it_mounts_exist_and_before_any_workload(string overlay)
    {
        // Issue 23: a PreSync hook runs before the Sync phase creates the database Cluster, so the Secrets it
        // mounts never appear and the first sync deadlocks. The Job must be a Sync hook in a wave after every
        // resource that generates a Secret it uses, and before every workload and autoscaler.
        var resources = Manifests.Of(overlay);
        var job = resources.Single(r => r.Kind == "Job" && r.Text("metadata.labels.[app.kubernetes.io/component]") == "migration");
        var problems = new List<string>();
        if (job.Text("metadata.annotations.[argocd.argoproj.io/hook]") != "Sync")
        {
            problems.Add($"{job} is hook {job.Text("metadata.annotations.[argocd.argoproj.io/hook]") ?? "(none)"}; expected Sync (a PreSync hook runs before the Cluster exists)");
        }

        if (job.Text("metadata.annotations.[argocd.argoproj.io/hook-delete-policy]")?.Split(',').Contains("BeforeHookCreation") != true)
        {
            problems.Add($"{job} must be replaced on every sync (hook-delete-policy BeforeHookCreation): its template is immutable, and an image bump must run it again");
        }

        var jobWave = Wave(job);
        var workload = new Workload(job);
        var secrets = Manifests.Objects(workload.PodSpec["volumes"]).Select(v => Manifests.At(v, "secret.secretName")?.GetValue<string>())
            .Concat(workload.Containers.SelectMany(c => Manifests.Objects(c["env"])).Select(e => Manifests.At(e, "valueFrom.secretKeyRef.name")?.GetValue<string>()))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(secrets);
        foreach (var secret in secrets)
        {
            foreach (var producer in Producers(resources, secret).Where(p => Wave(p) >= jobWave))
            {
                problems.Add($"{job} (wave {jobWave}) mounts Secret {secret}, which {producer} (wave {Wave(producer)}) generates: it must come in an earlier wave");
            }
        }

        foreach (var later in resources.Where(r => r.Kind is "Deployment" or "HorizontalPodAutoscaler" or "ScaledObject").Where(r => Wave(r) <= jobWave))
        {
            problems.Add($"{later} is in wave {Wave(later)}, not after the migration (wave {jobWave})");
        }

        foreach (var policy in resources.Where(r => r.Kind == "NetworkPolicy").Where(r => Wave(r) >= jobWave))
        {
            problems.Add($"{policy} is in wave {Wave(policy)}: the migration's pod would start under default deny before it");
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>The operator-managed resources that generate a Secret of this name (CloudNativePG's cluster Secrets, Strimzi's CA and user Secrets).</summary>
    private static IEnumerable<Resource> Producers(IReadOnlyList<Resource> resources, string secret) => resources.Where(r => r.Kind switch
    {
        "Cluster" => new[] { "-app", "-ca", "-server", "-superuser", "-replication" }.Any(suffix => secret == r.Name + suffix),
        "Kafka" => secret.StartsWith(r.Name + "-cluster-ca", StringComparison.Ordinal) || secret.StartsWith(r.Name + "-clients-ca", StringComparison.Ordinal),
        "KafkaUser" => secret == r.Name,
        _ => false,
    });

    /// <summary>An object's Argo CD sync wave (0 when unset).</summary>
    private static int Wave(Resource resource) =>
        int.Parse(resource.Text("metadata.annotations.[argocd.argoproj.io/sync-wave]") ?? "0", CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void telemetry_reaches_the_collector_and_prometheus_scrapes_it(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var problems = new List<string>();
        var collector = resources.Single(r => r.Kind == "Service" && r.Name == "otel-collector");
        var collectorPorts = Manifests.Objects(collector.At("spec.ports")).ToList();
        foreach (var service in ServiceConfiguration.In(resources).Where(s => s.Workload.Resource.Kind == "Deployment"))
        {
            var endpoint = service.Value("OTEL_EXPORTER_OTLP_ENDPOINT");
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Host.Split('.')[0] != collector.Name
                || !collectorPorts.Any(p => p["port"]!.GetValue<string>() == uri.Port.ToString(CultureInfo.InvariantCulture)))
            {
                problems.Add($"{service} exports OTLP to {endpoint ?? "(nowhere)"}, not to a port of Service {collector.Name}");
            }
        }

        foreach (var monitor in resources.Where(r => r.Kind == "ServiceMonitor"))
        {
            var targets = resources.Where(r => r.Kind == "Service")
                .Where(s => Manifests.Selects(monitor.At("spec.selector.matchLabels"), Manifests.Labels(s)))
                .ToList();
            if (targets.Count == 0)
            {
                problems.Add($"{monitor} selects no Service");
            }

            foreach (var port in Manifests.Objects(monitor.At("spec.endpoints")).Select(e => e["port"]?.GetValue<string>()))
            {
                problems.AddRange(targets.Where(t => !Manifests.Objects(t.At("spec.ports")).Any(p => p["name"]?.GetValue<string>() == port))
                    .Select(t => $"{monitor} scrapes port {port} of {t}, which has no such port"));
            }
        }

        Assert.Contains(resources, r => r.Kind == "ServiceMonitor" && r.Name == collector.Name);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void the_collector_receives_otlp_and_forwards_every_signal_to_a_defined_exporter()
    {
        var configMap = Manifests.Of(Overlays.Production).Single(r => r.Kind == "ConfigMap" && r.Name.StartsWith("otel-collector-config", StringComparison.Ordinal));
        var config = Manifests.Parse(configMap.Text("data.[config.yaml]")!).Single().Node;

        Assert.NotNull(Manifests.At(config, "receivers.otlp.protocols.grpc"));
        Assert.NotNull(Manifests.At(config, "receivers.otlp.protocols.http"));
        var exporters = (Manifests.At(config, "exporters") as JsonObject)!.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var signal in new[] { "traces", "metrics", "logs" })
        {
            var pipeline = Manifests.At(config, $"service.pipelines.{signal}");
            Assert.True(pipeline is not null, $"no {signal} pipeline");
            Assert.Contains("otlp", (Manifests.At(pipeline, "receivers") as JsonArray)!.Select(r => r!.GetValue<string>()));
            var used = (Manifests.At(pipeline, "exporters") as JsonArray)!.Select(e => e!.GetValue<string>()).ToList();
            Assert.NotEmpty(used);
            Assert.All(used, e => Assert.Contains(e, exporters));
        }
    }
}
