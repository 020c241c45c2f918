using MedicalExaminer.Domain;

namespace MedicalExaminer.SyntheticData;

/// <summary>Demonstration ME offices with the sites and postcode districts they cover (illustrative, not a real mapping).</summary>
public static class DemoOffices
{
    public static IReadOnlyList<OfficeCoverage> All { get; } =
    [
        new("me-leeds", "Leeds Teaching Hospitals ME Office", ["RR8", "RR801", "RR813"], ["LS1", "LS2", "LS6", "LS7", "LS9"]),
        new("me-manchester", "Manchester University ME Office", ["R0A", "R0A02", "R0A07"], ["M1", "M13", "M20", "M23"]),
        new("me-bristol", "North Bristol and UH Bristol ME Office", ["RA7", "RA701", "RVJ"], ["BS1", "BS2", "BS8", "BS10"]),
        new("me-london-north", "North Central London ME Office", ["RAL", "RAL01", "RKE"], ["N1", "N19", "NW3", "NW5"]),
        new("me-newcastle", "Newcastle upon Tyne Hospitals ME Office", ["RTD", "RTD01", "RTD02"], ["NE1", "NE2", "NE4", "NE7"]),
        new("me-wales", "Medical Examiner Service for Wales", ["7A1", "7A4", "7A6", "7A3"], ["CF10", "CF14", "SA1", "LL57"]),
    ];

    /// <summary>The region each demo office reports under (NHS England regions; Wales on its own), for the regulator filter.</summary>
    public static IReadOnlyDictionary<string, string> Regions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["me-leeds"] = "North East and Yorkshire",
        ["me-manchester"] = "North West",
        ["me-bristol"] = "South West",
        ["me-london-north"] = "London",
        ["me-newcastle"] = "North East and Yorkshire",
        ["me-wales"] = "Wales",
    };
}
