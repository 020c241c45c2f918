using System.CommandLine;
using System.Globalization;
using System.Text;
using MedicalExaminer.SyntheticData;

namespace MedicalExaminer.Cli.Commands;

/// <summary>
/// <c>me generate --count N --out DIR</c>: writes synthetic notification files (for <c>me triage</c>, HTTP
/// gateway tests, demos) and a manifest of what each was built to be.
/// </summary>
internal static class GenerateCommand
{
    public const string ManifestFileName = "manifest.csv";

    public static Command Create(CliConsole console)
    {
        var count = CommonOptions.Count();
        var seed = CommonOptions.Seed();
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Directory to write the files to (created if missing).", Required = true };
        var invalidRate = CommonOptions.Rate("--invalid-rate", new SyntheticMix().InvalidRate, "Share of invalid notifications.");
        var command = new Command("generate", "Write synthetic death notification files (obviously fake people) and a manifest.")
        {
            count, seed, output, invalidRate,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            console, parse.GetValue(count), CommonOptions.SeedOrRandom(parse.GetValue(seed)), parse.GetValue(output)!, parse.GetValue(invalidRate), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, int count, int seed, DirectoryInfo output, double invalidRate, CancellationToken cancellationToken)
    {
        // A duplicate file would be a byte-for-byte copy of an earlier one: redelivery is a Kafka concern, not a file one.
        var generator = new NotificationGenerator(seed, new SyntheticMix(DuplicateRate: 0, InvalidRate: invalidRate), clock: console.Clock);
        var manifest = new StringBuilder("file,key,kind,intendedRoute,intendedOfficeId,intendedQueue\n");
        try
        {
            output.Create();
            var width = Math.Max(6, count.ToString(CultureInfo.InvariantCulture).Length);
            var number = 0;
            foreach (var notification in generator.Take(count))
            {
                var name = $"{(++number).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')}-{notification.IntendedQueue ?? "invalid"}.json";
                await File.WriteAllBytesAsync(Path.Combine(output.FullName, name), notification.Value, cancellationToken);
                manifest.Append(CultureInfo.InvariantCulture,
                    $"{name},{notification.Key},{notification.Kind},{notification.IntendedRoute},{notification.IntendedOfficeId},{notification.IntendedQueue}\n");
            }

            await File.WriteAllTextAsync(Path.Combine(output.FullName, ManifestFileName), manifest.ToString(), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync($"me generate: cannot write to {output.FullName}: {(ex is UnauthorizedAccessException ? "permission denied" : "write error")}");
            return ExitCodes.Failure;
        }

        await console.Out.WriteLineAsync($"wrote {count} notifications and {ManifestFileName} to {output.FullName} (seed {seed})");
        return ExitCodes.Success;
    }
}
