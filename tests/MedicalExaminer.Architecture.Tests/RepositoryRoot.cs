namespace MedicalExaminer.Architecture.Tests;

/// <summary>The source tree the tests run from (found by walking up to the solution file).</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MedicalExaminer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No MedicalExaminer.sln above {AppContext.BaseDirectory}.");
    });

    public static string Path => Root.Value;
}
