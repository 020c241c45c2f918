using System.CommandLine;

namespace MedicalExaminer.Cli.Commands;

/// <summary>Options shared by the commands that generate synthetic notifications.</summary>
internal static class CommonOptions
{
    public static Option<int> Count() => new("--count", "-n")
    {
        Description = "How many notifications.",
        Required = true,
        Validators = { r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--count must be at least 1."); } } },
    };

    public static Option<int?> Seed() => new("--seed")
    {
        Description = "Seed of the generator: the same seed gives the same notifications. Random (and printed) when omitted.",
    };

    public static Option<double> Rate(string name, double defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        Validators = { r => { if (r.GetValueOrDefault<double>() is < 0 or > 1) { r.AddError($"{name} must be between 0 and 1."); } } },
    };

    /// <summary>Random, not fixed: publishing twice with one seed repeats the same keys, which the intake treats as redelivery.</summary>
    public static int SeedOrRandom(int? seed) => seed ?? Random.Shared.Next();
}
