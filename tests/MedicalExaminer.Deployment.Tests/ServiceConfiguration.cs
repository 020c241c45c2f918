using System.Text.Json.Nodes;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>
/// What one deployed container of ours is configured with: its environment (env and envFrom ConfigMaps)
/// over the defaults in the service's own code.
/// </summary>
public sealed record ServiceConfiguration(Workload Workload, JsonObject Container, Deployable Deployable, IReadOnlyDictionary<string, string?> Environment)
{
    public ConfigurationSurface Surface => ConfigurationSurface.Of(Deployable);

    public override string ToString() => $"{Workload} ({Deployable})";

    public static IEnumerable<ServiceConfiguration> In(IReadOnlyList<Resource> resources) =>
        from workload in Workload.In(resources)
        from container in workload.Containers
        let deployable = Workload.DeployableOf(container)
        where deployable is not null
        select new ServiceConfiguration(
            workload,
            container,
            deployable,
            Workload.Environment(container, resources)
                .GroupBy(e => ConfigurationSurface.KeyOf(e.Name), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.OrdinalIgnoreCase));

    /// <summary>The value the service will see for <paramref name="key"/>: the manifest's, else its code default.</summary>
    public string? Value(string key) =>
        Environment.TryGetValue(key, out var set) ? set : Surface.Defaults.GetValueOrDefault(key);

    /// <summary>Each batch consumer: the section that has a GroupId, with its topic and group.</summary>
    public IEnumerable<(string Section, string? Topic, string? Group)> Consumers =>
        Surface.Keys
            .Where(k => k.EndsWith(":GroupId", StringComparison.OrdinalIgnoreCase))
            .Select(k => k[..^":GroupId".Length])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(section => (section, Value(section + ":Topic"), Value(section + ":GroupId")));

    /// <summary>Topics the service writes: every configured *Topic value that is not a consumer's own topic.</summary>
    public IEnumerable<string> ProducedTopics
    {
        get
        {
            var consumed = Consumers.Select(c => c.Section + ":Topic").ToHashSet(StringComparer.OrdinalIgnoreCase);
            return Surface.Keys.Concat(Environment.Keys)
                .Where(k => k.EndsWith("Topic", StringComparison.OrdinalIgnoreCase) && !consumed.Contains(k))
                .Select(Value)
                .OfType<string>()
                .Where(v => v.Length > 0)
                .Distinct(StringComparer.Ordinal);
        }
    }

    /// <summary>The KafkaUser whose certificate Secret the pod mounts.</summary>
    public Resource? KafkaUser(IReadOnlyList<Resource> resources)
    {
        var secrets = Manifests.Objects(Workload.PodSpec["volumes"])
            .Select(v => Manifests.At(v, "secret.secretName")?.GetValue<string>())
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        return resources.SingleOrDefault(r => r.Kind == "KafkaUser" && secrets.Contains(r.Name));
    }
}
