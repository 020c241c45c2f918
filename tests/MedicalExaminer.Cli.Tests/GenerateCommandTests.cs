using MedicalExaminer.Contracts;

namespace MedicalExaminer.Cli.Tests;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("me-generate-");

    [Fact]
    public async Task generated_files_triage_as_their_manifest_says_they_were_built()
    {
        var output = Path.Combine(_directory.FullName, "samples");

        var result = await CliRunner.RunAsync(["generate", "--count", "60", "--out", output, "--seed", "5", "--invalid-rate", "0.1"]);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("wrote 60 notifications", result.Output, StringComparison.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(output, "manifest.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(60, rows.Count);
        Assert.Equal(61, Directory.GetFiles(output).Length);
        Assert.Contains(rows, r => r[2] == "Invalid");

        foreach (var row in rows)
        {
            var triage = await CliRunner.RunAsync(["triage", Path.Combine(output, row[0])]);
            if (row[2] == "Invalid")
            {
                Assert.True(triage.ExitCode == ExitCodes.Refused, $"{row[0]} was built invalid and is refused");
            }
            else
            {
                Assert.True(triage.ExitCode == ExitCodes.Success, $"{row[0]} was built valid and is triaged");
                var route = row[3] == Routes.CoronerReferral ? Routes.CoronerReferral : Routes.Scrutiny;
                Assert.Contains($"\"route\": \"{route}\"", triage.Output, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task the_same_seed_writes_the_same_files()
    {
        var first = Path.Combine(_directory.FullName, "first");
        var second = Path.Combine(_directory.FullName, "second");

        await CliRunner.RunAsync(["generate", "-n", "20", "-o", first, "--seed", "9"]);
        await CliRunner.RunAsync(["generate", "-n", "20", "-o", second, "--seed", "9"]);

        var names = Directory.GetFiles(first).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(names, Directory.GetFiles(second).Select(Path.GetFileName).Order().ToList());
        Assert.All(names, name => Assert.Equal(File.ReadAllBytes(Path.Combine(first, name!)), File.ReadAllBytes(Path.Combine(second, name!))));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
