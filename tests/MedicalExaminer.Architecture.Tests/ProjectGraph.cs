using System.Xml.Linq;

namespace MedicalExaminer.Architecture.Tests;

/// <summary>One project of the repository: where it lives, whether it is a deployable, what it references directly.</summary>
public sealed record ProjectNode(string Name, string Folder, bool IsDeployable, IReadOnlyList<string> References)
{
    /// <summary>A project that may host deployables in-process: the development host, the benchmark harness and tests.</summary>
    public bool MayHostDeployables => Name == ProjectGraph.DevHost || Folder is "perf" or "tests";
}

/// <summary>The repository's projects and the rules of DESIGN §8 / issue 17 about how they may reference each other.</summary>
public sealed class ProjectGraph(IReadOnlyList<ProjectNode> projects)
{
    public const string DevHost = "MedicalExaminer.DevHost";
    public const string SyntheticData = "MedicalExaminer.SyntheticData";

    /// <summary>
    /// Deployables that run on a developer's or operator's machine only, so they may use demo data: the dev host,
    /// the local Notify stand-in, and the operator CLI (its <c>generate</c> and <c>publish</c> commands make
    /// synthetic traffic for load and acceptance runs).
    /// </summary>
    public static readonly IReadOnlySet<string> NotInProduction = new HashSet<string>(StringComparer.Ordinal)
    {
        DevHost, "MedicalExaminer.NotifySink", "MedicalExaminer.Cli",
    };

    public IReadOnlyList<ProjectNode> Projects { get; } = projects;

    private Dictionary<string, ProjectNode> ByName { get; } = projects.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>Every project under services/, contracts/, perf/ and tests/ of the repository at <paramref name="root"/>.</summary>
    public static ProjectGraph Load(string root) => new(
        [.. new[] { "contracts", "services", "perf", "tests" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(file => Read(folder, file)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)]);

    /// <summary>"A → B" for each project that references a deployable though it may not host one.</summary>
    public IReadOnlyList<string> DeployablesReferencedByNonHosts() =>
        [.. Projects.Where(p => !p.MayHostDeployables)
            .SelectMany(p => p.References.Where(r => ByName.TryGetValue(r, out var target) && target.IsDeployable).Select(r => $"{p.Name} → {r}"))];

    /// <summary>The production projects (deployed services and every library they reach) that reach the demo data.</summary>
    public IReadOnlyList<string> ProductionProjectsReachingSyntheticData() =>
        [.. Projects.Where(p => p.IsDeployable && p.Folder == "services" && !NotInProduction.Contains(p.Name))
            .Where(p => Reachable(p.Name).Contains(SyntheticData))
            .Select(p => p.Name)];

    /// <summary>Every project <paramref name="name"/> references, directly or through others.</summary>
    public IReadOnlySet<string> Reachable(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([name]);
        while (pending.TryPop(out var next))
        {
            if (ByName.TryGetValue(next, out var node))
            {
                foreach (var reference in node.References.Where(seen.Add))
                {
                    pending.Push(reference);
                }
            }
        }

        return seen;
    }

    private static ProjectNode Read(string folder, string file)
    {
        var project = XDocument.Load(file);
        var directory = Path.GetDirectoryName(file)!;
        var isApplication = (string?)project.Root?.Attribute("Sdk") == "Microsoft.NET.Sdk.Web"
            || project.Descendants("OutputType").Any(e => e.Value == "Exe");
        // A deployable is an application with its own Program.cs under services/ (test projects are executables too).
        var isDeployable = folder == "services" && isApplication && File.Exists(Path.Combine(directory, "Program.cs"));
        var references = project.Descendants("ProjectReference")
            .Select(e => (string?)e.Attribute("Include"))
            .OfType<string>()
            .Select(include => Path.GetFileNameWithoutExtension(include.Replace('\\', '/')))
            .ToList();
        return new ProjectNode(Path.GetFileNameWithoutExtension(file), folder, isDeployable, references);
    }
}
