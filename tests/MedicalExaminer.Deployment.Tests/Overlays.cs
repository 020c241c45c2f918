namespace MedicalExaminer.Deployment.Tests;

public static class Overlays
{
    /// <summary>Every folder under k8s/overlays (a new overlay is tested without touching this file).</summary>
    public static TheoryData<string> All => [.. Repository.Overlays];

    public const string Production = "production";
}
