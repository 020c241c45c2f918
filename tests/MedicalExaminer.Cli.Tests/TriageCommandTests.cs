using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Cli.Tests;

public sealed class TriageCommandTests : IDisposable
{
    private const string NhsNumber = "9990000018";
    private const string FamilyName = "Testperson";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("me-triage-");

    [Fact]
    public async Task a_coroner_case_prints_every_reason_with_its_evidence_and_exits_zero()
    {
        var file = Write(Notification() with
        {
            PlaceOfDeath = PlacesOfDeath.Prison,
            AttendingPractitioner = null,
            ProposedCauseOfDeath = new ProposedCauseOfDeath { Ia = "Opioid toxicity", Ii = "No evidence of fracture" },
            Circumstances = [ReasonCodes.SelfHarm],
        });

        var result = await CliRunner.RunAsync(["triage", file]);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var decision = JsonSerializer.Deserialize(result.Output, ContractsJsonContext.Default.TriageDecision)!;
        Assert.Equal(Routes.CoronerReferral, decision.Route);
        Assert.Equal(
            [
                new TriageReason(ReasonCodes.MedicinalDrugOrPsychoactive, ReasonSources.Text, "ia: opioid toxicity"),
                new TriageReason(ReasonCodes.SelfHarm, ReasonSources.Circumstance, ReasonCodes.SelfHarm),
                new TriageReason(ReasonCodes.StateDetention, ReasonSources.Field, "placeOfDeath"),
                new TriageReason(ReasonCodes.NoAttendingPractitioner, ReasonSources.Field, "attendingPractitioner"),
            ],
            decision.Reasons);
        AssertNoPersonalData(result);
    }

    [Fact]
    public async Task the_decision_is_indented_camel_case_json()
    {
        var result = await CliRunner.RunAsync(["triage", Write(Notification())]);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("{\n  \"route\": \"scrutiny\",\n  \"reasons\": []\n}", result.Output.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task an_invalid_notification_prints_error_codes_and_fields_and_exits_two()
    {
        var file = Write(Notification() with
        {
            Deceased = Notification().Deceased! with { NhsNumber = "9990000019" },
            PlaceOfDeath = "car-park",
        });

        var result = await CliRunner.RunAsync(["triage", file]);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var errors = json.RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("code").GetString(), e.GetProperty("field").GetString()))
            .ToList();
        Assert.Contains(("unknown-code", "placeOfDeath"), errors);
        Assert.Contains(("invalid-nhs-number", "deceased.nhsNumber"), errors);
        Assert.DoesNotContain("9990000019", result.Output, StringComparison.Ordinal);
        AssertNoPersonalData(result);
    }

    [Fact]
    public async Task a_dash_reads_the_notification_from_standard_input()
    {
        var notification = Notification() with { Deceased = Notification().Deceased! with { IdentityConfirmed = false } };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(notification, ContractsJsonContext.Default.DeathNotification);

        var fromStdin = await CliRunner.RunAsync(["triage", "-"], stdin: bytes);
        var fromFile = await CliRunner.RunAsync(["triage", Write(notification)]);

        Assert.Equal(ExitCodes.Success, fromStdin.ExitCode);
        Assert.Contains("\"identity-unknown\"", fromStdin.Output, StringComparison.Ordinal);
        Assert.Equal(fromFile.Output, fromStdin.Output);
    }

    [Fact]
    public async Task truncated_json_on_standard_input_is_refused_as_malformed()
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Notification(), ContractsJsonContext.Default.DeathNotification);

        var result = await CliRunner.RunAsync(["triage", "-"], stdin: bytes[..(bytes.Length / 2)]);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("\"malformed-json\"", result.Output, StringComparison.Ordinal);
        AssertNoPersonalData(result);
    }

    [Fact]
    public async Task an_oversize_message_is_refused_without_reading_all_of_it()
    {
        var huge = Encoding.UTF8.GetBytes("{\"schemaVersion\":1,\"sourceSystem\":\"" + new string('x', 1_000_000) + "\"}");

        var result = await CliRunner.RunAsync(["triage", "-"], stdin: huge);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("\"oversize\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_missing_file_exits_one_with_a_message_on_standard_error()
    {
        var missing = Path.Combine(_directory.FullName, "missing.json");

        var result = await CliRunner.RunAsync(["triage", missing]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Empty(result.Output);
        Assert.Contains("no such file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_directory_in_place_of_a_file_exits_one_without_echoing_anything()
    {
        var result = await CliRunner.RunAsync(["triage", _directory.FullName]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Empty(result.Output);
        Assert.StartsWith("me triage: cannot read", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(DeathNotification notification)
    {
        var path = Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.json");
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(notification, ContractsJsonContext.Default.DeathNotification));
        return path;
    }

    private static void AssertNoPersonalData(CliResult result)
    {
        foreach (var personal in new[] { NhsNumber, FamilyName, "Testy", "LS1 4AP", "07700 900123" })
        {
            Assert.False(result.Output.Contains(personal, StringComparison.OrdinalIgnoreCase) || result.Error.Contains(personal, StringComparison.OrdinalIgnoreCase),
                "triage output carries no personal data");
        }
    }

    /// <summary>86 years old, died six hours before the fixed clock, natural cause, AP available: triages to scrutiny.</summary>
    private static DeathNotification Notification() => new()
    {
        SchemaVersion = 1,
        SourceSystem = "test-pas",
        NotificationId = "n-000001",
        PublisherOdsCode = "RR8",
        SiteOdsCode = "RR801",
        PlaceOfDeath = PlacesOfDeath.HospitalInpatient,
        Deceased = new Deceased
        {
            NhsNumber = NhsNumber,
            IdentityConfirmed = true,
            GivenName = "Testy",
            FamilyName = FamilyName,
            DateOfBirth = "1940-03-15",
            Sex = "female",
            Postcode = "LS1 4AP",
        },
        DateTimeOfDeath = FixedClock.Now.AddHours(-6).ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
        AttendingPractitioner = new AttendingPractitioner { GmcNumber = "7654321", Name = "Dr Mockford", AvailableWithinReasonableTime = true },
        ProposedCauseOfDeath = new ProposedCauseOfDeath { Ia = "Bronchopneumonia", Ib = "Dementia of Alzheimer type" },
        Informant = new Informant { Name = "Sample Testperson", Phone = "07700 900123", PreferredChannel = ContactChannels.Sms, Language = Languages.English, ConsentToContact = true },
    };
}
