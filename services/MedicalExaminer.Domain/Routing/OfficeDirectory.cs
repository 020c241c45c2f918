namespace MedicalExaminer.Domain;

/// <summary>An ME office and the sites (ODS codes) and postcode districts it covers.</summary>
public sealed record OfficeCoverage(string OfficeId, string Name, IReadOnlyList<string> SiteOdsCodes, IReadOnlyList<string> PostcodeDistricts);

/// <summary>Routing (DOMAIN §4): by the site's ODS code, then by the deceased's postcode district; otherwise unrouted.</summary>
public sealed class OfficeDirectory
{
    private readonly Dictionary<string, string> _bySite = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _byDistrict = new(StringComparer.OrdinalIgnoreCase);

    public OfficeDirectory(IEnumerable<OfficeCoverage> offices)
    {
        Offices = offices.ToList();
        foreach (var office in Offices)
        {
            foreach (var site in office.SiteOdsCodes)
            {
                _bySite[site] = office.OfficeId;
            }

            foreach (var district in office.PostcodeDistricts)
            {
                _byDistrict[district] = office.OfficeId;
            }
        }
    }

    public static OfficeDirectory Empty { get; } = new([]);

    public IReadOnlyList<OfficeCoverage> Offices { get; }

    /// <returns>The office id, or null when neither the site nor the district is covered (the unrouted queue).</returns>
    public string? Route(string? siteOdsCode, string? postcodeDistrict) =>
        siteOdsCode is not null && _bySite.TryGetValue(siteOdsCode, out var bySite) ? bySite
        : postcodeDistrict is not null && _byDistrict.TryGetValue(postcodeDistrict, out var byDistrict) ? byDistrict
        : null;
}
