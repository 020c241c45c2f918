using System.Text.Json.Nodes;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>A rendered Deployment or Job and what its pods run.</summary>
public sealed record Workload(Resource Resource)
{
    public static readonly string[] Kinds = ["Deployment", "Job"];

    public JsonObject PodSpec => (JsonObject)Resource.At("spec.template.spec")!;

    public IEnumerable<JsonObject> Containers => Manifests.Objects(PodSpec["containers"]);

    public IReadOnlyDictionary<string, string> PodLabels =>
        (Resource.At("spec.template.metadata.labels") as JsonObject)?.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];

    public override string ToString() => Resource.ToString();

    public static IEnumerable<Workload> In(IEnumerable<Resource> resources) =>
        resources.Where(r => Kinds.Contains(r.Kind)).Select(r => new Workload(r));

    /// <summary>An image reference without its tag or digest.</summary>
    public static string Repository(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            image = image[..at];
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? image[..colon] : image;
    }

    /// <summary>The deployable whose ContainerRepository the container's image is (after any registry prefix).</summary>
    public static Deployable? DeployableOf(JsonObject container)
    {
        var repository = Repository(container["image"]!.GetValue<string>());
        return Deployable.All.SingleOrDefault(d =>
            repository == d.ContainerRepository || repository.EndsWith("/" + d.ContainerRepository, StringComparison.Ordinal));
    }

    /// <summary>
    /// The environment variables a container gets, with where each comes from: <c>env</c> entries, and the keys
    /// of every ConfigMap it takes with <c>envFrom</c> (looked up among the rendered resources).
    /// </summary>
    public static IEnumerable<(string Name, string? Value, string Source)> Environment(JsonObject container, IReadOnlyList<Resource> resources)
    {
        foreach (var env in Manifests.Objects(container["env"]))
        {
            yield return (env["name"]!.GetValue<string>(), env["value"]?.GetValue<string>(), "env");
        }

        foreach (var from in Manifests.Objects(container["envFrom"]))
        {
            var name = Manifests.At(from, "configMapRef.name")?.GetValue<string>();
            if (name is null)
            {
                continue;
            }

            var configMap = resources.SingleOrDefault(r => r.Kind == "ConfigMap" && r.Name == name);
            if (configMap is null && Manifests.At(from, "configMapRef.optional")?.GetValue<string>() == "true")
            {
                // An optional ConfigMap is the operator's to create (the gateway's publishers).
                continue;
            }

            if (configMap is null)
            {
                throw new InvalidOperationException($"envFrom names ConfigMap {name}, which is not rendered.");
            }

            foreach (var (key, value) in configMap.At("data") as JsonObject ?? [])
            {
                yield return (key, value?.GetValue<string>(), $"ConfigMap {name}");
            }
        }
    }
}
