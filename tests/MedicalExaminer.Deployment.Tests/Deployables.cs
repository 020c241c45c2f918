using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;

namespace MedicalExaminer.Deployment.Tests;

/// <summary>A project under services/ that runs in production: a web or console app with a Program.cs.</summary>
public sealed record Deployable(string ProjectName, string ProjectFile)
{
    /// <summary>Run on a developer's machine only, never deployed.</summary>
    public static readonly IReadOnlySet<string> NotDeployed = new HashSet<string>(StringComparer.Ordinal)
    {
        "MedicalExaminer.DevHost",
        "MedicalExaminer.Cli",
        "MedicalExaminer.NotifySink",
    };

    public static IReadOnlyList<Deployable> All { get; } = Discover();

    /// <summary>Whether this test project references the deployable (so it can read its configuration keys).</summary>
    public bool IsReferenced => File.Exists(Path.Combine(AppContext.BaseDirectory, ProjectName + ".dll"));

    public string Directory => Path.GetDirectoryName(ProjectFile)!;

    /// <summary>An ASP.NET Core project: it serves HTTP (health endpoints at least) on 8080.</summary>
    public bool IsWeb => (string?)XDocument.Load(ProjectFile).Root?.Attribute("Sdk") == "Microsoft.NET.Sdk.Web";

    public override string ToString() => ProjectName;

    /// <summary>The image repository the project publishes to (its ContainerRepository property).</summary>
    public string ContainerRepository => ContainerProperties.Value.Properties["ContainerRepository"];

    /// <summary>The project's evaluated container properties (MSBuild, so Directory.Build.* count too).</summary>
    public Lazy<ContainerSettings> ContainerProperties { get; } = new(() => ContainerSettings.Evaluate(ProjectFile));

    private static List<Deployable> Discover() =>
        [.. System.IO.Directory.GetDirectories(Path.Combine(Repository.Root, "services"))
            .Select(dir => (dir, project: Path.Combine(dir, Path.GetFileName(dir) + ".csproj")))
            .Where(p => File.Exists(p.project) && File.Exists(Path.Combine(p.dir, "Program.cs")))
            .Where(p => IsApplication(XDocument.Load(p.project)))
            .Select(p => new Deployable(Path.GetFileName(p.dir), p.project))
            .Where(d => !NotDeployed.Contains(d.ProjectName))
            .OrderBy(d => d.ProjectName, StringComparer.Ordinal)];

    private static bool IsApplication(XDocument project) =>
        (string?)project.Root?.Attribute("Sdk") == "Microsoft.NET.Sdk.Web"
        || project.Descendants("OutputType").Any(e => e.Value == "Exe");
}

public sealed record ContainerSettings(IReadOnlyDictionary<string, string> Properties, IReadOnlyList<string> Ports)
{
    public static readonly string[] PropertyNames =
        ["ContainerRepository", "ContainerFamily", "ContainerBaseImage", "ContainerUser", "EnableSdkContainerSupport", "IsPublishable"];

    public static ContainerSettings Evaluate(string projectFile)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "msbuild", projectFile, "-nologo", "-getItem:ContainerPort" }.Concat(PropertyNames.Select(p => "-getProperty:" + p)))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Evaluating {projectFile} did not finish.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Evaluating {projectFile} failed: {stdout.Result}{stderr.Result}");
        }

        using var json = JsonDocument.Parse(stdout.Result);
        var properties = json.RootElement.GetProperty(nameof(Properties)).EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        var ports = json.RootElement.GetProperty("Items").TryGetProperty("ContainerPort", out var items)
            ? items.EnumerateArray().Select(i => i.GetProperty("Identity").GetString()!).ToList()
            : [];
        return new ContainerSettings(properties, ports);
    }
}
