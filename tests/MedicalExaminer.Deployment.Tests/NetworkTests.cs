using System.Text.Json.Nodes;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>
/// Under default deny, the flows of DESIGN §2 are opened by pod label (platform/network-policies.yaml). A pod
/// carries a label exactly when its configuration uses that flow: a worker never becomes reachable from the
/// ingress controller, a service without a database never reaches Postgres.
/// </summary>
public sealed class NetworkTests
{
    private const string KafkaClient = "medical-examiner.nhs.uk/kafka-client";
    private const string PostgresClient = "medical-examiner.nhs.uk/postgres-client";
    private const string Exposed = "medical-examiner.nhs.uk/exposed";
    private const string ExternalHttps = "medical-examiner.nhs.uk/external-https";

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void each_flow_label_is_opened_by_one_policy_of_the_namespace(string overlay)
    {
        var policies = Manifests.Of(overlay).Where(r => r.Kind == "NetworkPolicy").ToList();
        var problems = new List<string>();
        foreach (var (label, direction) in new[] { (KafkaClient, "egress"), (PostgresClient, "egress"), (Exposed, "ingress"), (ExternalHttps, "egress") })
        {
            var opening = policies.Where(p => p.At("spec.podSelector.matchLabels") is JsonObject { Count: 1 } selector
                && selector[label]?.GetValue<string>() == "true" && p.At($"spec.{direction}") is JsonArray { Count: > 0 }).ToList();
            if (opening.Count != 1)
            {
                problems.Add($"{opening.Count} NetworkPolicies open {direction} for pods labelled {label}; expected one");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void each_pod_is_labelled_for_exactly_the_flows_its_configuration_uses(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var ingressServices = resources.Where(r => r.Kind == "Ingress")
            .SelectMany(i => Manifests.Objects(i.At("spec.rules")))
            .SelectMany(rule => Manifests.Objects(Manifests.At(rule, "http.paths")))
            .Select(path => Manifests.At(path, "backend.service.name")?.GetValue<string>())
            .OfType<string>()
            .Select(name => resources.Single(r => r.Kind == "Service" && r.Name == name))
            .ToList();
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in ServiceConfiguration.In(resources))
        {
            var labels = service.Workload.PodLabels;
            var reachedByIngress = ingressServices.Any(s => Manifests.Selects(s.At("spec.selector"), labels));
            var uses = new Dictionary<string, bool>(StringComparer.Ordinal)
            {
                [KafkaClient] = !string.IsNullOrEmpty(service.Value("Kafka:BootstrapServers")),
                [PostgresClient] = !string.IsNullOrEmpty(service.Value("Postgres:ConnectionString")),
                [Exposed] = reachedByIngress,
                [ExternalHttps] = ExternalHttpsSettings(service).Any(),
            };
            foreach (var (label, used) in uses)
            {
                var labelled = labels.GetValueOrDefault(label) == "true";
                if (used && !labelled)
                {
                    problems.Add($"{service} needs {label} (default deny would block it)");
                }
                else if (!used && labelled)
                {
                    problems.Add($"{service} is labelled {label} but its configuration uses no such flow");
                }
            }

            seen.Add(service.Workload.Resource.Name);
        }

        Assert.Contains("intake-worker", seen);
        Assert.Contains("migrator", seen);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void only_the_entity_operator_and_the_database_reach_any_address_and_only_on_the_api_ports(string overlay)
    {
        // Issue 23: an egress to 0.0.0.0/0 is allowed to the pods that must reach addresses this namespace cannot
        // name: Strimzi's entity operator (the Kubernetes API), the CloudNativePG instances (the API and the backup
        // object store) and the pooler (the API), on 443/6443; and the services that call a public HTTPS API
        // (OIDC authority, GOV.UK Notify), on 443, never into the private ranges. Nothing else: not the brokers, not
        // the controllers.
        var problems = new List<string>();
        foreach (var policy in Manifests.Of(overlay).Where(r => r.Kind == "NetworkPolicy"))
        {
            var selector = policy.At("spec.podSelector.matchLabels") as JsonObject ?? [];
            string? Label(string key) => selector[key]?.GetValue<string>();
            foreach (var rule in Manifests.Objects(policy.At("spec.egress")))
            {
                var anywhere = Manifests.Objects(rule["to"]).Select(t => t["ipBlock"]).OfType<JsonObject>()
                    .Where(b => b["cidr"]?.GetValue<string>() is "0.0.0.0/0" or "::/0").ToList();
                if (anywhere.Count == 0)
                {
                    continue;
                }

                var ports = Manifests.Objects(rule["ports"]).Select(p => p["port"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
                var apiPortsOnly = ports.Count > 0 && ports.All(p => p is "443" or "6443");
                var entityOperator = Label("strimzi.io/name")?.EndsWith("-entity-operator", StringComparison.Ordinal) == true;
                var database = Label("cnpg.io/podRole") == "instance" || Label("cnpg.io/poolerName") is not null;
                var publicHttps = Label(ExternalHttps) == "true" && ports.SetEquals(["443"])
                    && anywhere.All(b => (b["except"] as JsonArray)?.Select(e => e!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)
                        .IsSupersetOf(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]) == true);
                if (!((entityOperator || database) && apiPortsOnly) && !publicHttps)
                {
                    problems.Add($"{policy} lets pods [{string.Join(", ", selector.Select(l => $"{l.Key}={l.Value}"))}] reach any address on [{string.Join(", ", ports)}]");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void mllp_is_open_to_named_hospital_networks_only(string overlay)
    {
        // Each sender's own range, never a whole private range (issue 23: production allowed all of 10.0.0.0/8).
        var resources = Manifests.Of(overlay);
        var policy = resources.Single(r => r.Kind == "NetworkPolicy" && r.Name == "gateway-mllp");
        var service = resources.Single(r => r.Kind == "Service" && r.Name == "gateway-mllp");
        var ranges = Manifests.Objects(policy.At("spec.ingress"))
            .SelectMany(rule => Manifests.Objects(rule["from"]))
            .Select(from => from["ipBlock"]?["cidr"]?.GetValue<string>() ?? $"a non-IP peer {from.ToJsonString()}")
            .Concat((service.At("spec.loadBalancerSourceRanges") as JsonArray ?? []).Select(r => r!.GetValue<string>()))
            .ToList();

        Assert.NotEmpty(ranges);
        var wide = ranges.Where(r => !(r.Split('/') is [_, var bits] && int.TryParse(bits, out var prefix) && prefix >= 16)).ToList();
        Assert.True(wide.Count == 0, $"MLLP senders must be named hospital networks (a /16 or narrower): [{string.Join(", ", wide)}]");
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_load_balancer_is_internal_on_each_major_cloud_and_limited_to_its_senders(string overlay)
    {
        // Issue 23: an Azure-only annotation makes a public load balancer on every other cloud.
        string[] internalOnEachCloud =
        [
            "service.beta.kubernetes.io/azure-load-balancer-internal=true",
            "service.beta.kubernetes.io/aws-load-balancer-scheme=internal",
            "service.beta.kubernetes.io/aws-load-balancer-internal=true",
            "networking.gke.io/load-balancer-type=Internal",
        ];
        var problems = new List<string>();
        foreach (var service in Manifests.Of(overlay).Where(r => r.Kind == "Service" && r.Text("spec.type") == "LoadBalancer"))
        {
            var annotations = (service.At("metadata.annotations") as JsonObject ?? []).Select(a => $"{a.Key}={a.Value}").ToHashSet(StringComparer.Ordinal);
            problems.AddRange(internalOnEachCloud.Where(a => !annotations.Contains(a)).Select(a => $"{service} is a LoadBalancer without {a}"));
            if (service.At("spec.loadBalancerSourceRanges") is not JsonArray { Count: > 0 })
            {
                problems.Add($"{service} is a LoadBalancer open to every source (no loadBalancerSourceRanges)");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void the_monitoring_namespace_reaches_only_the_ports_prometheus_scrapes(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var scraped = ScrapedPorts(resources);
        var problems = new List<string>();
        foreach (var policy in resources.Where(r => r.Kind == "NetworkPolicy"))
        {
            var selector = policy.At("spec.podSelector.matchLabels") as JsonObject ?? [];
            foreach (var rule in Manifests.Objects(policy.At("spec.ingress"))
                .Where(rule => Manifests.Objects(rule["from"]).Any(f => Manifests.At(f, "namespaceSelector.matchLabels.[kubernetes.io/metadata.name]")?.GetValue<string>() == "monitoring")))
            {
                foreach (var port in Manifests.Objects(rule["ports"]).Select(p => p["port"]?.GetValue<string>() ?? "(every port)"))
                {
                    // Scraped on the pods this policy selects: a scrape target whose pods carry every label of the policy's selector.
                    if (!scraped.Any(s => s.Port == port && selector.All(l => s.PodLabels.GetValueOrDefault(l.Key) == l.Value!.GetValue<string>())))
                    {
                        problems.Add($"{policy} opens port {port} to the monitoring namespace, which nothing scrapes on those pods");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void the_management_port_is_scraped_and_never_routed_by_an_ingress(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var problems = new List<string>();
        foreach (var service in ServiceConfiguration.In(resources).Where(s => s.Deployable.IsWeb && s.Workload.Resource.Kind == "Deployment"))
        {
            var management = Manifests.Objects(service.Container["ports"]).SingleOrDefault(p => p["name"]?.GetValue<string>() == "management");
            if (management?["containerPort"]?.GetValue<string>() != "8081")
            {
                problems.Add($"{service} has no container port management 8081");
            }
        }

        foreach (var ingress in resources.Where(r => r.Kind == "Ingress"))
        {
            foreach (var backend in Manifests.Objects(ingress.At("spec.rules")).SelectMany(r => Manifests.Objects(Manifests.At(r, "http.paths"))).Select(p => p["backend"]))
            {
                var name = Manifests.At(backend, "service.name")?.GetValue<string>();
                var port = Manifests.At(backend, "service.port.name")?.GetValue<string>() ?? Manifests.At(backend, "service.port.number")?.GetValue<string>();
                var target = resources.Single(r => r.Kind == "Service" && r.Name == name);
                var servicePort = Manifests.Objects(target.At("spec.ports")).Single(p => p["name"]?.GetValue<string>() == port || p["port"]?.GetValue<string>() == port);
                if (servicePort["targetPort"]?.GetValue<string>() is "management" or "8081" || servicePort["port"]?.GetValue<string>() == "8081")
                {
                    problems.Add($"{ingress} routes to {target}'s management port");
                }
            }
        }

        Assert.Contains(ScrapedPorts(resources), s => s.Port == "8081" && s.PodLabels.GetValueOrDefault("app.kubernetes.io/name") == "metrics");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void the_regulators_ingress_routes_only_the_dashboard_and_the_regulator_api(string overlay)
    {
        // Issue 23 / 19: the metrics service's ingress sent everything under / to it, the unsuppressed /metrics scrape included.
        var resources = Manifests.Of(overlay);
        var ingress = resources.Single(r => r.Kind == "Ingress" && Manifests.Objects(r.At("spec.rules"))
            .SelectMany(rule => Manifests.Objects(Manifests.At(rule, "http.paths")))
            .Any(p => Manifests.At(p, "backend.service.name")?.GetValue<string>() == "metrics"));
        var paths = Manifests.Objects(ingress.At("spec.rules")).SelectMany(rule => Manifests.Objects(Manifests.At(rule, "http.paths")))
            .Select(p => (Path: p["path"]!.GetValue<string>(), Type: p["pathType"]!.GetValue<string>()))
            .ToList();
        bool Routes(string request) => paths.Any(p => p.Type == "Exact"
            ? p.Path == request
            : request == p.Path || request.StartsWith(p.Path.TrimEnd('/') + "/", StringComparison.Ordinal));

        Assert.True(Routes("/"), "the dashboard is not routed");
        Assert.True(Routes("/api/metrics") && Routes("/api/metrics/csv"), "the regulator API is not routed");
        foreach (var hidden in new[] { "/metrics", "/openapi/v1.json", "/health/ready", "/anything-else" })
        {
            Assert.False(Routes(hidden), $"{ingress} routes {hidden}");
        }
    }

    /// <summary>
    /// What Prometheus scrapes: (port number, labels of the pods behind it), from the ServiceMonitors (through their
    /// Services to the pods' container ports), the PodMonitors, and prometheus.io/port annotations. Pods the
    /// operators create are not rendered; their named ports are the operators' documented ones.
    /// </summary>
    private static List<(string Port, IReadOnlyDictionary<string, string> PodLabels)> ScrapedPorts(IReadOnlyList<Resource> resources)
    {
        var operatorPorts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cnpg.io/podRole=instance:metrics"] = "9187",
            ["cnpg.io/poolerName:metrics"] = "9127",
            ["strimzi.io/kind=Kafka:tcp-prometheus"] = "9404",
        };
        var workloads = Workload.In(resources).ToList();
        var scraped = new List<(string, IReadOnlyDictionary<string, string>)>();
        foreach (var monitor in resources.Where(r => r.Kind == "ServiceMonitor"))
        {
            foreach (var service in resources.Where(r => r.Kind == "Service" && Manifests.Selects(monitor.At("spec.selector.matchLabels"), Manifests.Labels(r))))
            {
                foreach (var endpoint in Manifests.Objects(monitor.At("spec.endpoints")).Select(e => e["port"]?.GetValue<string>()))
                {
                    var servicePort = Manifests.Objects(service.At("spec.ports")).SingleOrDefault(p => p["name"]?.GetValue<string>() == endpoint);
                    var targetPort = servicePort?["targetPort"]?.GetValue<string>();
                    foreach (var workload in workloads.Where(w => Manifests.Selects(service.At("spec.selector"), w.PodLabels)))
                    {
                        var number = workload.Containers.SelectMany(c => Manifests.Objects(c["ports"]))
                            .FirstOrDefault(p => p["name"]?.GetValue<string>() == targetPort || p["containerPort"]?.GetValue<string>() == targetPort)?["containerPort"]?.GetValue<string>();
                        if (number is not null)
                        {
                            scraped.Add((number, workload.PodLabels));
                        }
                    }
                }
            }
        }

        foreach (var monitor in resources.Where(r => r.Kind == "PodMonitor"))
        {
            var labels = (monitor.At("spec.selector.matchLabels") as JsonObject ?? []).ToDictionary(l => l.Key, l => l.Value!.GetValue<string>(), StringComparer.Ordinal);
            foreach (var port in Manifests.Objects(monitor.At("spec.podMetricsEndpoints")).Select(e => e["port"]?.GetValue<string>()))
            {
                var known = operatorPorts.FirstOrDefault(o => o.Key.Split(':') is [var label, var name] && name == port
                    && (label.Split('=') is [var key, var value] ? labels.GetValueOrDefault(key) == value : labels.ContainsKey(label)));
                if (known.Value is not null)
                {
                    scraped.Add((known.Value, labels));
                }
            }
        }

        foreach (var workload in workloads)
        {
            if (workload.Resource.At("spec.template.metadata.annotations") is JsonObject annotations
                && annotations["prometheus.io/scrape"]?.GetValue<string>() == "true" && annotations["prometheus.io/port"]?.GetValue<string>() is { } port)
            {
                scraped.Add((port, workload.PodLabels));
            }
        }

        return scraped;
    }

    /// <summary>Settings that name an https:// endpoint outside the cluster (an OIDC authority, GOV.UK Notify).</summary>
    private static IEnumerable<string> ExternalHttpsSettings(ServiceConfiguration service) =>
        service.Surface.Keys.Concat(service.Environment.Keys)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(key => Uri.TryCreate(service.Value(key), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                && uri.Host.Contains('.', StringComparison.Ordinal)
                && !uri.Host.EndsWith(".svc", StringComparison.Ordinal) && !uri.Host.EndsWith(".cluster.local", StringComparison.Ordinal));
}
