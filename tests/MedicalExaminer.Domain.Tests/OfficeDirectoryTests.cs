namespace MedicalExaminer.Domain.Tests;

public sealed class OfficeDirectoryTests
{
    private static readonly OfficeDirectory Directory = new(
    [
        new OfficeCoverage("leeds", "Leeds ME Office", ["RXX01", "B86001"], ["LS1", "LS2"]),
        new OfficeCoverage("york", "York ME Office", ["RYY01"], ["YO1", "LS3"]),
    ]);

    [Theory]
    [InlineData("RXX01", null, "leeds")]
    [InlineData("B86001", "ZZ9", "leeds")]
    [InlineData("RYY01", "LS1", "york")] // the site wins over the district
    [InlineData("UNKNOWN1", "LS3", "york")]
    [InlineData(null, "LS2", "leeds")]
    [InlineData("rxx01", null, "leeds")]
    [InlineData("UNKNOWN1", "yo1", "york")]
    public void routes_by_site_first_then_by_postcode_district(string? site, string? district, string expected) =>
        Assert.Equal(expected, Directory.Route(site, district));

    [Theory]
    [InlineData("UNKNOWN1", "ZZ9")]
    [InlineData("UNKNOWN1", null)]
    [InlineData(null, null)]
    public void neither_site_nor_district_covered_is_unrouted(string? site, string? district) =>
        Assert.Null(Directory.Route(site, district));

    [Fact]
    public void empty_directory_routes_nothing()
    {
        Assert.Empty(OfficeDirectory.Empty.Offices);
        Assert.Null(OfficeDirectory.Empty.Route("RXX01", "LS1"));
    }

    [Fact]
    public void offices_are_kept_as_given() =>
        Assert.Equal(["leeds", "york"], Directory.Offices.Select(o => o.OfficeId));
}
