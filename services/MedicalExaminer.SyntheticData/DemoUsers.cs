using MedicalExaminer.Contracts;
using MedicalExaminer.Security;

namespace MedicalExaminer.SyntheticData;

/// <summary>For each demo office a medical examiner and an officer, plus an admin and a regulator: the dev sign-in page lists them.</summary>
public static class DemoUsers
{
    private static readonly string[] ExaminerSurnames = ["Okafor", "Lindqvist", "Hargreaves", "Ramanathan", "Pritchard", "Evans"];
    private static readonly string[] OfficerNames = ["Sam Whitfield", "Priya Desai", "Jordan Blake", "Alex Morgan", "Chris Nolan-Demo", "Rhian Davies"];

    public static IReadOnlyList<DemoUser> All { get; } =
    [
        .. DemoOffices.All.SelectMany((office, i) => new[]
        {
            new DemoUser($"me.{office.OfficeId}", $"Dr {ExaminerSurnames[i % ExaminerSurnames.Length]}", Roles.MedicalExaminer, office.OfficeId, $"Medical examiner, {office.Name}"),
            new DemoUser($"meo.{office.OfficeId}", OfficerNames[i % OfficerNames.Length], Roles.MedicalExaminerOfficer, office.OfficeId, $"Medical examiner officer, {office.Name}"),
        }),
        new DemoUser("admin", "Service admin", Roles.Admin, null, "Admin: offices, routing and the unrouted queue"),
        new DemoUser("regulator", "Regulator analyst", Roles.Regulator, null, "Regulator: aggregate metrics only (no case access)"),
    ];
}
