namespace MedicalExaminer.Deployment.Tests;

/// <summary>Paths in the source tree the tests run from (found by walking up to the solution file).</summary>
public static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedicalExaminer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No MedicalExaminer.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootPath.Value;

    public static string K8s => Path.Combine(Root, "k8s");

    public static string Overlay(string name) => Path.Combine(K8s, "overlays", name);

    public static IReadOnlyList<string> Overlays =>
        [.. Directory.GetDirectories(Path.Combine(K8s, "overlays")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
}
