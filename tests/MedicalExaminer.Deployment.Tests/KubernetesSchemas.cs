using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>
/// The schemas the API server validates our objects against, from <c>../shared/k8s-schemas</c> (or
/// <c>K8S_SCHEMAS</c>): each operator's CustomResourceDefinitions (the <c>openAPIV3Schema</c> of every served
/// version) and the Kubernetes 1.34 core kinds' JSON schemas (PROVENANCE.txt there says where each comes from).
/// Validation is NJsonSchema's (already a dependency of the contract tests). Before validating, each schema is
/// made as strict as the API server with <c>kubectl apply</c>'s default <c>--validate=strict</c>:
/// <list type="bullet">
/// <item>an object schema that lists <c>properties</c> refuses any other field (the API server rejects unknown
/// fields), unless it says <c>x-kubernetes-preserve-unknown-fields</c> or has its own <c>additionalProperties</c>;
/// the branches of <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c>/<c>not</c> are left open, since in a structural schema they
/// only constrain fields the enclosing schema already declares;</item>
/// <item><c>x-kubernetes-int-or-string</c> becomes "integer or string", <c>nullable</c> adds the null type;</item>
/// <item>a custom resource's <c>metadata</c> is checked as ObjectMeta (from the core schemas), as the API server does;</item>
/// <item>an embedded resource (<c>x-kubernetes-embedded-resource</c>) may carry apiVersion, kind and metadata.</item>
/// </list>
/// CEL rules (<c>x-kubernetes-validations</c>) are not evaluated here: that needs a CEL interpreter, which no
/// served package provides.
/// </summary>
public static class KubernetesSchemas
{
    private static readonly Lazy<IReadOnlyDictionary<(string ApiVersion, string Kind), Lazy<JsonSchema>>> Index = new(Load);

    public static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("K8S_SCHEMAS");
            var path = string.IsNullOrWhiteSpace(configured)
                ? Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "k8s-schemas"))
                : configured;
            return System.IO.Directory.Exists(path)
                ? path
                : throw new DirectoryNotFoundException($"No schema folder at {path}: the deployment tests validate against ../shared/k8s-schemas (or set K8S_SCHEMAS).");
        }
    }

    /// <summary>Every (apiVersion, kind) there is a schema for.</summary>
    public static IReadOnlyCollection<(string ApiVersion, string Kind)> Kinds => [.. Index.Value.Keys];

    /// <summary>What is wrong with <paramref name="resource"/> (typed JSON, <see cref="TypedYaml"/>); empty when it validates.</summary>
    public static IReadOnlyList<string> Problems(JsonObject resource)
    {
        var apiVersion = resource["apiVersion"]?.GetValue<string>();
        var kind = resource["kind"]?.GetValue<string>();
        if (apiVersion is null || kind is null)
        {
            return ["has no apiVersion or kind"];
        }

        if (!Index.Value.TryGetValue((apiVersion, kind), out var schema))
        {
            return [$"no schema for {kind} in {apiVersion} (no served version of a CRD, nor a core kind, in {Directory})"];
        }

        return [.. Flatten(schema.Value.Validate(resource.ToJsonString())).Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> Flatten(IEnumerable<ValidationError> errors, string indent = "")
    {
        foreach (var error in errors)
        {
            switch (error)
            {
                case MultiTypeValidationError multi when multi.Errors.Count > 0:
                    // type [X, null] (the core schemas' optional fields): the value was not null, so X's errors are the story.
                    foreach (var inner in Flatten(multi.Errors.Where(e => e.Key != JsonObjectType.Null).SelectMany(e => e.Value), indent))
                    {
                        yield return inner;
                    }

                    break;
                case ChildSchemaValidationError child when child.Errors.Count > 0:
                    // anyOf/oneOf, or an array item / property: say where, then why.
                    yield return $"{indent}{Where(error)}: {error.Kind}";
                    foreach (var inner in Flatten(child.Errors.SelectMany(e => e.Value), indent + "  "))
                    {
                        yield return inner;
                    }

                    break;
                default:
                    yield return $"{indent}{Where(error)}: {error.Kind}";
                    break;
            }
        }
    }

    private static string Where(ValidationError error) =>
        string.IsNullOrEmpty(error.Path) || error.Path == "#" ? "(root)" : error.Path.StartsWith("#/", StringComparison.Ordinal) ? error.Path[2..] : error.Path;

    private static Dictionary<(string, string), Lazy<JsonSchema>> Load()
    {
        var root = Directory;
        var index = new Dictionary<(string, string), Lazy<JsonSchema>>();
        var objectMeta = (JsonObject?)null;
        foreach (var file in System.IO.Directory.GetFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var schema = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var apiVersion = Manifests.At(schema, "properties.apiVersion.enum.0")?.GetValue<string>();
            var kind = Manifests.At(schema, "properties.kind.enum.0")?.GetValue<string>();
            if (apiVersion is null || kind is null)
            {
                continue;
            }

            objectMeta ??= Manifests.At(schema, "properties.metadata")?.DeepClone().AsObject();
            index[(apiVersion, kind)] = Compile(schema);
        }

        foreach (var file in System.IO.Directory.GetFiles(root, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            foreach (var crd in TypedYaml.Documents(File.ReadAllText(file)).Where(d => d["kind"]?.GetValue<string>() == "CustomResourceDefinition"))
            {
                var group = Manifests.At(crd, "spec.group")!.GetValue<string>();
                var kind = Manifests.At(crd, "spec.names.kind")!.GetValue<string>();
                foreach (var version in Manifests.Objects(Manifests.At(crd, "spec.versions")).Where(v => v["served"]?.GetValue<bool>() == true))
                {
                    var schema = Manifests.At(version, "schema.openAPIV3Schema")!.DeepClone().AsObject();
                    var properties = schema["properties"] as JsonObject ?? [];
                    schema["properties"] = properties;
                    if (objectMeta is not null)
                    {
                        properties["metadata"] = objectMeta.DeepClone();
                    }

                    index[($"{group}/{version["name"]!.GetValue<string>()}", kind)] = Compile(schema);
                }
            }
        }

        return index;
    }

    private static Lazy<JsonSchema> Compile(JsonObject schema)
    {
        schema.Remove("$schema");
        Strict(schema, inCombinator: false);
        var text = schema.ToJsonString();
        return new Lazy<JsonSchema>(() => JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult());
    }

    /// <summary>Rewrites an OpenAPI v3 (Kubernetes structural) schema, in place, into the JSON Schema the API server enforces.</summary>
    public static void Strict(JsonObject schema, bool inCombinator)
    {
        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            schema.Remove("type");
            if (schema["anyOf"] is null && schema["oneOf"] is null)
            {
                schema["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
            }
        }

        if (schema["nullable"]?.GetValue<bool>() == true && schema["type"] is JsonValue type)
        {
            schema["type"] = new JsonArray(type.GetValue<string>(), "null");
        }

        var preserves = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (schema["x-kubernetes-embedded-resource"]?.GetValue<bool>() == true)
        {
            var properties = schema["properties"] as JsonObject ?? [];
            schema["properties"] = properties;
            foreach (var (name, fieldType) in new[] { ("apiVersion", "string"), ("kind", "string"), ("metadata", "object") })
            {
                if (properties[name] is null)
                {
                    properties[name] = new JsonObject { ["type"] = fieldType, ["x-kubernetes-preserve-unknown-fields"] = true };
                }
            }
        }

        if (schema["properties"] is JsonObject declared)
        {
            foreach (var (_, property) in declared)
            {
                if (property is JsonObject p)
                {
                    Strict(p, inCombinator: false);
                }
            }

            if (!inCombinator && !preserves && schema["additionalProperties"] is null)
            {
                schema["additionalProperties"] = false;
            }
        }

        switch (schema["items"])
        {
            case JsonObject items:
                Strict(items, inCombinator: false);
                break;
            case JsonArray tuple:
                foreach (var item in tuple.OfType<JsonObject>())
                {
                    Strict(item, inCombinator: false);
                }

                break;
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            Strict(additional, inCombinator: false);
        }

        foreach (var combinator in new[] { "anyOf", "oneOf", "allOf" })
        {
            foreach (var branch in (schema[combinator] as JsonArray ?? []).OfType<JsonObject>())
            {
                Strict(branch, inCombinator: true);
            }
        }

        if (schema["not"] is JsonObject not)
        {
            Strict(not, inCombinator: true);
        }
    }
}
