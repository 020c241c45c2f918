using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>Secrets are referenced, never written: their values come from the platform's secret store.</summary>
public sealed partial class SecretTests
{
    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void no_secret_holds_a_value(string overlay)
    {
        var literal = Manifests.Of(overlay)
            .Where(r => r.Kind == "Secret")
            .Where(r => r.At("data") is JsonObject { Count: > 0 } || r.At("stringData") is JsonObject { Count: > 0 })
            .Select(r => r.ToString())
            .ToList();

        Assert.True(literal.Count == 0, $"Secrets with values in the manifests: {string.Join(", ", literal)}");
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void secret_settings_come_from_secret_references(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var problems = new List<string>();
        foreach (var workload in Workload.In(resources))
        {
            foreach (var container in workload.Containers)
            {
                foreach (var (name, value, source) in Workload.Environment(container, resources))
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (SecretName().IsMatch(name))
                    {
                        problems.Add($"{workload}: {name} ({source}) is a secret written as a literal; use secretKeyRef");
                    }

                    if (PasswordInValue().Match(value) is { Success: true } match && !match.Groups["value"].Value.StartsWith("$(", StringComparison.Ordinal))
                    {
                        problems.Add($"{workload}: {name} ({source}) holds a literal password; splice it from a secretKeyRef variable");
                    }
                }
            }
        }

        foreach (var configMap in resources.Where(r => r.Kind == "ConfigMap"))
        {
            problems.AddRange((configMap.At("data") as JsonObject ?? []).Select(p => p.Key)
                .Where(key => SecretName().IsMatch(key))
                .Select(key => $"{configMap}: {key} looks like a secret in a ConfigMap"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void the_checks_recognise_a_literal_secret()
    {
        var resources = Manifests.Parse("""
            apiVersion: v1
            kind: Secret
            metadata: { name: leaked }
            stringData: { password: hunter2 }
            """);

        Assert.True(resources.Single().At("stringData") is JsonObject { Count: 1 });
        Assert.Matches(SecretName(), "Auth__Jwt__SigningKeys__0");
        Assert.Matches(SecretName(), "POSTGRES_PASSWORD");
        Assert.DoesNotMatch(SecretName(), "Kafka__Producer__ssl.key.location");
        Assert.Matches(PasswordInValue(), "Host=db;Password=hunter2;");
    }

    // A setting's name that says it is a secret (a file location is not: the file comes from a Secret volume).
    [GeneratedRegex(@"(password|secret|signingkey|apikey|api_key|token)(?!.*location)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(^|;)\s*Password\s*=\s*(?<value>[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordInValue();
}
