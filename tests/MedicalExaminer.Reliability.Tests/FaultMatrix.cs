using System.Globalization;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>The seeds every scenario runs with: <c>ME_FAULT_SEEDS</c> of them (default 5; the nightly script asks for more).</summary>
public static class FaultMatrix
{
    public const string SeedCountVariable = "ME_FAULT_SEEDS";

    public static TheoryData<int> Seeds
    {
        get
        {
            var count = int.TryParse(Environment.GetEnvironmentVariable(SeedCountVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 5;
            return [.. Enumerable.Range(1, count).Select(i => 7_000 + (i * 37))];
        }
    }

    /// <summary>A span between <paramref name="min"/> and <paramref name="max"/>, chosen by the run's seed.</summary>
    public static TimeSpan Between(this Random random, TimeSpan min, TimeSpan max) => min + ((max - min) * random.NextDouble());
}
