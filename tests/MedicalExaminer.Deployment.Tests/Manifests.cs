using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>One rendered Kubernetes object; scalars are kept as strings, as YAML wrote them.</summary>
public sealed record Resource(JsonObject Node)
{
    public string Kind => Node["kind"]!.GetValue<string>();

    public string Name => Node["metadata"]!["name"]!.GetValue<string>();

    public override string ToString() => $"{Kind}/{Name}";

    public string? Text(string path) => Manifests.At(Node, path)?.GetValue<string>();

    public JsonNode? At(string path) => Manifests.At(Node, path);
}

/// <summary>The output of <c>kubectl kustomize</c> for each overlay, rendered once per test run.</summary>
public static class Manifests
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Rendered = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<Resource>>> Parsed = new(StringComparer.Ordinal);

    /// <summary>The overlay as <c>kubectl kustomize</c> prints it.</summary>
    public static string Yaml(string overlay) =>
        Rendered.GetOrAdd(overlay, name => new Lazy<string>(() => Kubectl.Kustomize(Repository.Overlay(name)))).Value;

    public static IReadOnlyList<Resource> Of(string overlay) =>
        Parsed.GetOrAdd(overlay, name => new Lazy<IReadOnlyList<Resource>>(() => Parse(Yaml(name)))).Value;

    public static IReadOnlyList<Resource> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents
            .Where(d => d.RootNode is YamlMappingNode)
            .Select(d => new Resource((JsonObject)ToJson(d.RootNode)!))];
    }

    /// <summary>A dotted path; a segment in brackets is a key that itself holds dots: <c>spec.config.[min.insync.replicas]</c>.</summary>
    public static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var segment in Segments(path))
        {
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }

    public static IEnumerable<JsonObject> Objects(JsonNode? array) => array is JsonArray a ? a.OfType<JsonObject>() : [];

    /// <summary>Whether a label selector (<c>matchLabels</c> or a Service's <c>selector</c>) selects these labels; an empty one selects nothing here.</summary>
    public static bool Selects(JsonNode? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is JsonObject { Count: > 0 } pairs
        && pairs.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value!.GetValue<string>());

    /// <summary>An object's own labels (<c>metadata.labels</c>).</summary>
    public static IReadOnlyDictionary<string, string> Labels(Resource resource) =>
        (resource.At("metadata.labels") as JsonObject)?.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];

    private static IEnumerable<string> Segments(string path)
    {
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                yield return path[(i + 1)..end];
                i = end + 2;
            }
            else
            {
                var end = path.IndexOf('.', i);
                if (end < 0)
                {
                    end = path.Length;
                }

                yield return path[i..end];
                i = end + 1;
            }
        }
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => null,
    };
}
