namespace MedicalExaminer.Deployment.Tests;

/// <summary>
/// Issue 23: every rendered object is one the API server (with the operators' CRDs installed) accepts, checked
/// against the operators' own published schemas for the versions k8s/README.md names, not against our reading of
/// their documentation.
/// </summary>
public sealed class SchemaTests
{
    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_rendered_object_validates_against_the_schema_of_its_kind(string overlay)
    {
        var problems = TypedYaml.Documents(Manifests.Yaml(overlay))
            .SelectMany(o => KubernetesSchemas.Problems(o).Select(p => $"{o["kind"]}/{o["metadata"]?["name"]}: {p}"))
            .ToList();

        Assert.True(problems.Count == 0, $"{overlay}:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    [Fact]
    public void the_schemas_cover_the_operators_and_core_kinds_we_use()
    {
        var kinds = KubernetesSchemas.Kinds;

        foreach (var expected in new[]
        {
            ("kafka.strimzi.io/v1", "Kafka"), ("kafka.strimzi.io/v1", "KafkaUser"), ("postgresql.cnpg.io/v1", "Cluster"),
            ("postgresql.cnpg.io/v1", "Pooler"), ("barmancloud.cnpg.io/v1", "ObjectStore"), ("keda.sh/v1alpha1", "ScaledObject"),
            ("monitoring.coreos.com/v1", "ServiceMonitor"), ("apps/v1", "Deployment"), ("networking.k8s.io/v1", "NetworkPolicy"),
        })
        {
            Assert.Contains(expected, kinds);
        }

        Assert.DoesNotContain(("kafka.strimzi.io/v1beta2", "Kafka"), kinds);
    }

    [Fact]
    public void a_deliberately_broken_object_fails_validation()
    {
        var broken = TypedYaml.Documents("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: broken }
            spec:
              replicas: "two"
              selector: { matchLabels: { app: broken } }
              template:
                metadata: { labels: { app: broken } }
                spec:
                  containers:
                    - name: broken
                      image: example/broken
                      imagePullPolicy: Sometimes
                      ports: [{ containerPort: 8080, protocl: TCP }]
            """).Single();

        var problems = KubernetesSchemas.Problems(broken);

        var all = string.Join(Environment.NewLine, problems);
        Assert.True(problems.Any(p => p.StartsWith("spec.replicas", StringComparison.Ordinal)), all);
        Assert.True(problems.Any(p => p.Contains("imagePullPolicy", StringComparison.Ordinal) && p.Contains("NotInEnumeration", StringComparison.Ordinal)), all);
        Assert.True(problems.Any(p => p.Contains("protocl", StringComparison.Ordinal) && p.Contains("NoAdditionalPropertiesAllowed", StringComparison.Ordinal)), all);
    }

    [Fact]
    public void an_unknown_field_of_a_custom_resource_and_a_kind_without_a_schema_fail()
    {
        var objects = TypedYaml.Documents("""
            apiVersion: kafka.strimzi.io/v1
            kind: KafkaTopic
            metadata: { name: t, labels: { strimzi.io/cluster: me-kafka } }
            spec: { partitions: 3, replicas: 3, retentionDays: 7 }
            ---
            apiVersion: kafka.strimzi.io/v1beta2
            kind: KafkaTopic
            metadata: { name: t }
            spec: { partitions: 3 }
            ---
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            metadata: { name: s }
            spec:
              scaleTargetRef: { name: d }
              triggers: [{ type: kafka, metadata: { lagThreshold: 5000 } }]
            """);

        Assert.Contains(KubernetesSchemas.Problems(objects[0]), p => p.Contains("retentionDays", StringComparison.Ordinal));
        Assert.Contains(KubernetesSchemas.Problems(objects[1]), p => p.StartsWith("no schema", StringComparison.Ordinal));
        // Trigger metadata is a map of strings: an unquoted number is refused, as the API server would.
        Assert.NotEmpty(KubernetesSchemas.Problems(objects[2]));
    }

    [Fact]
    public void plain_scalars_are_typed_and_quoted_ones_stay_strings()
    {
        var o = TypedYaml.Documents("a: 3\nb: \"3\"\nc: true\nd: ~\ne: 1.5\nf: 0.0.0.0\n").Single();

        Assert.Equal(3, o["a"]!.GetValue<long>());
        Assert.Equal("3", o["b"]!.GetValue<string>());
        Assert.True(o["c"]!.GetValue<bool>());
        Assert.Null(o["d"]);
        Assert.Equal(1.5, o["e"]!.GetValue<double>());
        Assert.Equal("0.0.0.0", o["f"]!.GetValue<string>());
    }
}
