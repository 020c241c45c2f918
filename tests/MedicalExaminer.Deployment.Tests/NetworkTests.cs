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

    /// <summary>Settings that name an https:// endpoint outside the cluster (an OIDC authority, GOV.UK Notify).</summary>
    private static IEnumerable<string> ExternalHttpsSettings(ServiceConfiguration service) =>
        service.Surface.Keys.Concat(service.Environment.Keys)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(key => Uri.TryCreate(service.Value(key), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                && uri.Host.Contains('.', StringComparison.Ordinal)
                && !uri.Host.EndsWith(".svc", StringComparison.Ordinal) && !uri.Host.EndsWith(".cluster.local", StringComparison.Ordinal));
}
