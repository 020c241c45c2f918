using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Deployment.Tests;

public sealed class KafkaTests
{
    private static readonly HashSet<string> ContractTopics = [.. typeof(Topics)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)];

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void every_topic_in_the_contracts_is_declared_and_nothing_else(string overlay)
    {
        var declared = Topics(overlay).Select(t => t.Text("spec.topicName") ?? t.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(ContractTopics.Except(declared));
        Assert.Empty(declared.Except(ContractTopics));
    }

    [Fact]
    public void production_topics_are_replicated_three_times_and_need_two_in_sync_replicas()
    {
        var problems = new List<string>();
        foreach (var topic in Topics(Overlays.Production))
        {
            if (topic.Text("spec.replicas") != "3")
            {
                problems.Add($"{topic}: replicas {topic.Text("spec.replicas")}, expected 3");
            }

            if (topic.Text("spec.config.[min.insync.replicas]") != "2")
            {
                problems.Add($"{topic}: min.insync.replicas {topic.Text("spec.config.[min.insync.replicas]")}, expected 2");
            }

            if (!int.TryParse(topic.Text("spec.partitions"), out var partitions) || partitions < 1)
            {
                problems.Add($"{topic}: no partition count");
            }

            if (RetentionMs(topic) is null)
            {
                problems.Add($"{topic}: no retention.ms");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void no_topic_needs_more_replicas_than_the_cluster_has_brokers(string overlay)
    {
        var brokers = Manifests.Of(overlay)
            .Where(r => r.Kind == "KafkaNodePool" && (r.At("spec.roles") as JsonArray)!.Any(x => x!.GetValue<string>() == "broker"))
            .Sum(p => int.Parse(p.Text("spec.replicas")!, CultureInfo.InvariantCulture));
        var problems = Topics(overlay)
            .Select(t => (Topic: t, Replicas: int.Parse(t.Text("spec.replicas")!, CultureInfo.InvariantCulture), MinIsr: int.Parse(t.Text("spec.config.[min.insync.replicas]") ?? "1", CultureInfo.InvariantCulture)))
            .Where(t => t.Replicas > brokers || t.MinIsr > t.Replicas)
            .Select(t => $"{t.Topic}: {t.Replicas} replicas, min.insync.replicas {t.MinIsr}, {brokers} brokers")
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void dead_letters_are_kept_longer_than_any_flowing_topic()
    {
        var topics = Topics(Overlays.Production).ToList();
        var deadLetters = topics.Where(IsDeadLetter).ToList();
        var longestFlowing = topics.Where(t => !IsDeadLetter(t)).Max(t => RetentionMs(t) ?? long.MaxValue);

        Assert.NotEmpty(deadLetters);
        Assert.All(deadLetters, dlq => Assert.True(RetentionMs(dlq) > longestFlowing, $"{dlq} keeps {RetentionMs(dlq)} ms, not more than {longestFlowing} ms."));
    }

    [Fact]
    public void production_kafka_has_three_brokers_in_kraft_mode()
    {
        var resources = Manifests.Of(Overlays.Production);
        var kafka = Assert.Single(resources, r => r.Kind == "Kafka");
        Assert.Equal("enabled", kafka.Text("metadata.annotations.[strimzi.io/kraft]"));
        Assert.Equal("enabled", kafka.Text("metadata.annotations.[strimzi.io/node-pools]"));

        var pools = resources.Where(r => r.Kind == "KafkaNodePool" && r.Text("metadata.labels.[strimzi.io/cluster]") == kafka.Name).ToList();
        int Replicas(string role) => pools
            .Where(p => (p.At("spec.roles") as JsonArray)!.Any(r => r!.GetValue<string>() == role))
            .Sum(p => int.Parse(p.Text("spec.replicas")!, CultureInfo.InvariantCulture));
        Assert.Equal(3, Replicas("broker"));
        Assert.True(Replicas("controller") >= 3, "KRaft needs a quorum of three controllers.");
        Assert.Equal("2", kafka.Text("spec.kafka.config.[min.insync.replicas]"));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void each_service_may_use_exactly_its_own_topics_and_group(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var declared = Topics(overlay).Select(t => t.Text("spec.topicName")).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var service in ServiceConfiguration.In(resources).Where(s => s.Workload.PodLabels.ContainsKey("medical-examiner.nhs.uk/kafka-client")))
        {
            if (service.KafkaUser(resources) is not { } user)
            {
                problems.Add($"{service} is a Kafka client but mounts no KafkaUser's Secret");
                continue;
            }

            var acls = Manifests.Objects(user.At("spec.authorization.acls"))
                .Select(a => (Type: Manifests.At(a, "resource.type")!.GetValue<string>(), Name: Manifests.At(a, "resource.name")!.GetValue<string>(),
                    Pattern: Manifests.At(a, "resource.patternType")?.GetValue<string>() ?? "literal",
                    Operations: (a["operations"] as JsonArray)!.Select(o => o!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)))
                .ToList();

            var needed = new List<(string Type, string Name, string Operation)>();
            foreach (var (section, topic, group) in service.Consumers)
            {
                needed.Add(("topic", topic ?? $"<{section}:Topic unset>", "Read"));
                needed.Add(("group", group ?? $"<{section}:GroupId unset>", "Read"));
            }

            needed.AddRange(service.ProducedTopics.Select(t => ("topic", t, "Write")));
            foreach (var (type, name, operation) in needed)
            {
                if (!acls.Any(a => a.Type == type && a.Name == name && a.Operations.Contains(operation)))
                {
                    problems.Add($"{user}: {service} needs {operation} on {type} {name}");
                }

                if (type == "topic" && !declared.Contains(name))
                {
                    problems.Add($"{service} uses topic {name}, which has no KafkaTopic");
                }
            }

            foreach (var acl in acls.Where(a => a.Pattern != "literal" || !needed.Any(n => n.Type == a.Type && n.Name == a.Name)))
            {
                problems.Add($"{user} grants {acl.Type} {acl.Name} ({acl.Pattern}), which {service} does not use");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void lag_scaling_watches_the_services_own_group_and_never_exceeds_the_partitions(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var services = ServiceConfiguration.In(resources).ToList();
        var scaled = resources.Where(r => r.Kind == "ScaledObject").ToList();
        Assert.NotEmpty(scaled);
        var problems = new List<string>();
        foreach (var scaledObject in scaled)
        {
            var target = scaledObject.Text("spec.scaleTargetRef.name");
            var service = services.SingleOrDefault(s => s.Workload.Resource.Kind == "Deployment" && s.Workload.Resource.Name == target);
            if (service is null)
            {
                problems.Add($"{scaledObject} scales {target}, which is not one of our Deployments");
                continue;
            }

            var max = int.Parse(scaledObject.Text("spec.maxReplicaCount")!, CultureInfo.InvariantCulture);
            foreach (var trigger in Manifests.Objects(scaledObject.At("spec.triggers")).Where(t => t["type"]!.GetValue<string>() == "kafka"))
            {
                var topic = Manifests.At(trigger, "metadata.topic")?.GetValue<string>();
                var group = Manifests.At(trigger, "metadata.consumerGroup")?.GetValue<string>();
                if (!service.Consumers.Any(c => c.Topic == topic && c.Group == group))
                {
                    problems.Add($"{scaledObject} watches group {group} on {topic}; {service} consumes [{string.Join(", ", service.Consumers.Select(c => $"{c.Group} on {c.Topic}"))}]");
                }

                var partitions = Topics(overlay).SingleOrDefault(t => t.Text("spec.topicName") == topic)?.Text("spec.partitions");
                if (partitions is null || max > int.Parse(partitions, CultureInfo.InvariantCulture))
                {
                    problems.Add($"{scaledObject}: maxReplicaCount {max} exceeds the {partitions ?? "?"} partitions of {topic} (idle consumers)");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void keda_reaches_the_bootstrap_service_by_its_namespace_qualified_name(string overlay)
    {
        // Issue 23: KEDA's operator resolves the name from its own namespace (keda), where the short name
        // me-kafka-kafka-bootstrap does not exist: the scaler is never created and the workers never scale.
        var resources = Manifests.Of(overlay);
        var kafka = resources.Single(r => r.Kind == "Kafka");
        var tlsListeners = Manifests.Objects(kafka.At("spec.kafka.listeners"))
            .Where(l => l["tls"]?.GetValue<string>() == "true" && Manifests.At(l, "authentication.type")?.GetValue<string>() == "tls")
            .Select(l => l["port"]!.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var scaledObject in resources.Where(r => r.Kind == "ScaledObject"))
        {
            var ns = scaledObject.Text("metadata.namespace");
            foreach (var trigger in Manifests.Objects(scaledObject.At("spec.triggers")).Where(t => t["type"]!.GetValue<string>() == "kafka"))
            {
                foreach (var server in (Manifests.At(trigger, "metadata.bootstrapServers")?.GetValue<string>() ?? "").Split(','))
                {
                    var (host, port) = server.LastIndexOf(':') is var colon and > 0 ? (server[..colon], server[(colon + 1)..]) : (server, "");
                    if (host != $"{kafka.Name}-kafka-bootstrap.{ns}.svc" && host != $"{kafka.Name}-kafka-bootstrap.{ns}.svc.cluster.local")
                    {
                        problems.Add($"{scaledObject} reaches Kafka at {server}: from KEDA's namespace that must be {kafka.Name}-kafka-bootstrap.{ns}.svc");
                    }

                    if (!tlsListeners.Contains(port))
                    {
                        problems.Add($"{scaledObject} reaches Kafka on port {port}, which is no TLS listener with client certificates (its TriggerAuthentication presents one)");
                    }
                }
            }
        }

        Assert.Contains(resources, r => r.Kind == "ScaledObject");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void kafka_runs_a_version_strimzi_1_2_supports(string overlay)
    {
        // Strimzi 1.2 supports Kafka 4.2.x and 4.3.x (k8s/README.md, "Versions"); 4.0 left with Strimzi 0.51.
        var version = Manifests.Of(overlay).Single(r => r.Kind == "Kafka").Text("spec.kafka.version");

        Assert.Matches(@"^4\.[23]\.[0-9]+$", version ?? "(unset)");
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void the_operator_signs_in_with_scram_and_may_only_publish_read_dead_letters_and_describe_groups(string overlay)
    {
        // Issue 19: the `me` CLI's user. SCRAM-SHA-512 on a listener that offers it; ACLs: Write on the
        // notifications topic only (publish, replay), Read on dead-letter topics only, Describe on groups, Read on
        // its own group; literal names; nothing that creates, deletes, alters or reaches the cluster.
        var resources = Manifests.Of(overlay);
        var user = resources.Single(r => r.Kind == "KafkaUser" && r.Name == "me-operator");
        var kafka = resources.Single(r => r.Kind == "Kafka");
        var problems = new List<string>();
        if (user.Text("spec.authentication.type") != "scram-sha-512")
        {
            problems.Add($"{user} authenticates with {user.Text("spec.authentication.type")}, not scram-sha-512");
        }

        if (!Manifests.Objects(kafka.At("spec.kafka.listeners")).Any(l => Manifests.At(l, "authentication.type")?.GetValue<string>() == "scram-sha-512" && l["tls"]?.GetValue<string>() == "true"))
        {
            problems.Add($"{kafka} has no TLS listener with scram-sha-512 authentication");
        }

        foreach (var acl in Manifests.Objects(user.At("spec.authorization.acls")))
        {
            var type = Manifests.At(acl, "resource.type")?.GetValue<string>();
            var name = Manifests.At(acl, "resource.name")?.GetValue<string>() ?? "";
            var pattern = Manifests.At(acl, "resource.patternType")?.GetValue<string>() ?? "literal";
            var operations = (acl["operations"] as JsonArray ?? []).Select(o => o!.GetValue<string>()).ToList();
            if (pattern != "literal" || name.Contains('*', StringComparison.Ordinal))
            {
                problems.Add($"{user} grants {type} {name} by {pattern} pattern: name each resource");
            }

            foreach (var operation in operations)
            {
                var allowed = (type, operation) switch
                {
                    ("topic", "Describe") => ContractTopics.Contains(name),
                    ("topic", "Write") => name == MedicalExaminer.Contracts.Topics.DeathNotifications,
                    ("topic", "Read") => ContractTopics.Contains(name) && name.Contains("dlq", StringComparison.Ordinal),
                    ("group", "Describe") => true,
                    ("group", "Read") => name == "me-cli-dlq",
                    _ => false,
                };
                if (!allowed)
                {
                    problems.Add($"{user} may {operation} {type} {name}, more than the CLI needs");
                }
            }
        }

        Assert.Contains(Manifests.Objects(user.At("spec.authorization.acls")), a => Manifests.At(a, "resource.name")?.GetValue<string>() == MedicalExaminer.Contracts.Topics.DeathNotificationsDeadLetter);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static IEnumerable<Resource> Topics(string overlay) => Manifests.Of(overlay).Where(r => r.Kind == "KafkaTopic");

    private static bool IsDeadLetter(Resource topic) => topic.Text("spec.topicName")!.Contains("dlq", StringComparison.Ordinal);

    private static long? RetentionMs(Resource topic) =>
        long.TryParse(topic.Text("spec.config.[retention.ms]"), CultureInfo.InvariantCulture, out var ms) ? ms : null;
}
