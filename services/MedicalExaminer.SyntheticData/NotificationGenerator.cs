using System.Globalization;
using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;

namespace MedicalExaminer.SyntheticData;

/// <summary>How a generated stream is made up.</summary>
public sealed record SyntheticMix(
    double DuplicateRate = 0.01,
    double InvalidRate = 0.005,
    double UnroutedRate = 0.01,
    double CoronerReferralRate = 0.3,
    double UrgentReleaseRate = 0.05);

public enum SyntheticKind
{
    Valid,
    Duplicate,
    Invalid,
}

/// <summary>
/// One generated message. The intended route, office and queue are known by construction (how the
/// notification was built), not by running the triage, so tests can use them as an independent oracle.
/// </summary>
public sealed record SyntheticNotification(
    string Key,
    byte[] Value,
    SyntheticKind Kind,
    string? IntendedRoute,
    string? IntendedOfficeId,
    string? IntendedQueue);

/// <summary>
/// Seeded generator of realistic, obviously synthetic death notifications: every triage reason,
/// place of death and office; urgent releases; children and the very old; informants on every
/// channel and language; a share of duplicates and of invalid messages. Same seed, same stream.
/// </summary>
public sealed class NotificationGenerator
{
    private static readonly string[] GivenNames = ["Alex", "Sam", "Jordan", "Morgan", "Robin", "Casey", "Jamie", "Taylor", "Rowan", "Quinn"];
    private static readonly string[] FamilyNames = ["Testperson", "Sampleton", "Exampleby", "Mockford", "Synthwood", "Demoley"];
    private static readonly string[] NaturalCauses =
    [
        "Bronchopneumonia", "Metastatic carcinoma of the lung", "Acute myocardial infarction", "Congestive cardiac failure",
        "Chronic obstructive pulmonary disease", "Sepsis secondary to urinary tract infection", "Ischaemic stroke",
        "Alcoholic liver disease", "Dementia of Alzheimer type", "End stage renal failure",
    ];

    private static readonly string[] NaturalContributors =
    [
        "Type 2 diabetes mellitus", "Hypertension", "No evidence of fracture", "Atrial fibrillation", "Chronic kidney disease stage 3",
    ];

    // A phrase that raises each screened code; the intended route is coroner referral by construction.
    private static readonly (string Code, string Text)[] ReferableTexts =
    [
        (ReasonCodes.Occupational, "Mesothelioma"),
        (ReasonCodes.TraumaOrInjury, "Fractured neck of femur following a fall"),
        (ReasonCodes.TraumaOrInjury, "Subdural haematoma"),
        (ReasonCodes.Poisoning, "Carbon monoxide poisoning"),
        (ReasonCodes.Poisoning, "Acute alcohol toxicity"),
        (ReasonCodes.MedicinalDrugOrPsychoactive, "Opioid toxicity"),
        (ReasonCodes.TreatmentOrProcedure, "Post-operative haemorrhage"),
        (ReasonCodes.Neglect, "Self-neglect"),
        (ReasonCodes.CauseUnknown, "Unascertained"),
        (ReasonCodes.Violence, "Stab wound to the chest"),
        (ReasonCodes.SelfHarm, "Suicide"),
        (ReasonCodes.ToxicExposure, "Chemical exposure"),
    ];

    private static readonly string[] NonDetentionPlaces =
        PlacesOfDeath.All.Except(PlacesOfDeath.StateDetention).ToArray();

    private readonly Random _random;
    private readonly SyntheticMix _mix;
    private readonly IReadOnlyList<OfficeCoverage> _offices;
    private readonly TimeProvider _clock;
    private readonly List<SyntheticNotification> _emitted = [];
    private readonly string _runId;
    private long _sequence;

    public NotificationGenerator(int seed, SyntheticMix? mix = null, IReadOnlyList<OfficeCoverage>? offices = null, TimeProvider? clock = null)
    {
        _random = new Random(seed);
        _mix = mix ?? new SyntheticMix();
        _offices = offices ?? DemoOffices.All;
        _clock = clock ?? TimeProvider.System;
        _runId = seed.ToString(CultureInfo.InvariantCulture);
    }

    public IEnumerable<SyntheticNotification> Take(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    public SyntheticNotification Next()
    {
        var roll = _random.NextDouble();
        SyntheticNotification next;
        if (roll < _mix.DuplicateRate && _emitted.Count > 0)
        {
            next = _emitted[_random.Next(_emitted.Count)] with { Kind = SyntheticKind.Duplicate };
        }
        else if (roll < _mix.DuplicateRate + _mix.InvalidRate)
        {
            next = Invalid();
        }
        else
        {
            next = Valid();
            if (_emitted.Count < 100_000)
            {
                _emitted.Add(next);
            }
        }

        return next;
    }

    private SyntheticNotification Valid()
    {
        var now = _clock.GetUtcNow();
        var id = NextId();
        var unrouted = _random.NextDouble() < _mix.UnroutedRate;
        var office = unrouted ? null : _offices[_random.Next(_offices.Count)];
        var (site, postcode) = Location(office);

        var coroner = _random.NextDouble() < _mix.CoronerReferralRate;
        var age = _random.NextDouble() < 0.03 ? _random.Next(0, 18) : _random.Next(45, 101);
        var death = now - TimeSpan.FromMinutes(_random.Next(10, 72 * 60));
        var birth = DateOnly.FromDateTime(death.UtcDateTime).AddYears(-age).AddDays(-_random.Next(1, 360));
        var actualAge = NotificationValidator.AgeInYears(birth, DateOnly.FromDateTime(death.UtcDateTime));

        var notification = new DeathNotification
        {
            SchemaVersion = 1,
            SourceSystem = office is null ? "sim-community" : $"sim-{office.OfficeId}",
            NotificationId = id,
            PublisherOdsCode = office?.SiteOdsCodes[0] ?? "Y0100",
            SiteOdsCode = site,
            PlaceOfDeath = NonDetentionPlaces[_random.Next(NonDetentionPlaces.Length)],
            Deceased = new Deceased
            {
                NhsNumber = NewNhsNumber(),
                IdentityConfirmed = true,
                GivenName = GivenNames[_random.Next(GivenNames.Length)],
                FamilyName = FamilyNames[_random.Next(FamilyNames.Length)],
                DateOfBirth = birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Sex = Sexes.All[_random.Next(3)],
                Postcode = postcode,
                LearningDisabilityOrAutism = _random.NextDouble() < 0.02,
            },
            DateTimeOfDeath = death.ToOffset(TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
            AttendingPractitioner = new AttendingPractitioner
            {
                GmcNumber = _random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture),
                Name = "Dr " + FamilyNames[_random.Next(FamilyNames.Length)],
                AvailableWithinReasonableTime = true,
            },
            ProposedCauseOfDeath = new ProposedCauseOfDeath
            {
                Ia = actualAge >= 80 && _random.NextDouble() < 0.2 ? "Frailty of old age" : NaturalCauses[_random.Next(NaturalCauses.Length)],
                Ii = _random.NextDouble() < 0.5 ? NaturalContributors[_random.Next(NaturalContributors.Length)] : null,
            },
            UrgentRelease = _random.NextDouble() < _mix.UrgentReleaseRate
                ? new UrgentRelease { Reason = UrgentReleaseReasons.All[_random.Next(UrgentReleaseReasons.All.Count)] }
                : null,
            Informant = Informant(office),
        };

        if (coroner)
        {
            notification = MakeReferable(notification, actualAge);
        }

        var route = coroner ? Routes.CoronerReferral : Routes.Scrutiny;
        var queue = office is null ? Queues.Unrouted
            : coroner ? Queues.CoronerReferralReview
            : notification.UrgentRelease is not null ? Queues.UrgentRelease
            : Queues.Scrutiny;

        return new SyntheticNotification(
            $"{notification.SourceSystem}:{id}",
            JsonSerializer.SerializeToUtf8Bytes(notification, ContractsJsonContext.Default.DeathNotification),
            SyntheticKind.Valid,
            route,
            office?.OfficeId,
            queue);
    }

    private DeathNotification MakeReferable(DeathNotification n, int age)
    {
        switch (_random.Next(8))
        {
            case 0:
                return n with { Circumstances = [ReasonCodes.All[_random.Next(ReasonCodes.All.Count)]] };
            case 1:
                return n with { PlaceOfDeath = PlacesOfDeath.StateDetention[_random.Next(PlacesOfDeath.StateDetention.Count)] };
            case 2:
                return n with { AttendingPractitioner = null };
            case 3:
                return n with { AttendingPractitioner = n.AttendingPractitioner! with { AvailableWithinReasonableTime = false } };
            case 4:
                return n with { Deceased = n.Deceased! with { IdentityConfirmed = false } };
            case 5:
                return n with { ProposedCauseOfDeath = n.ProposedCauseOfDeath! with { Ia = null } };
            case 6 when age < 80:
                return n with { ProposedCauseOfDeath = n.ProposedCauseOfDeath! with { Ia = "Old age" } };
            default:
                var (_, text) = ReferableTexts[_random.Next(ReferableTexts.Length)];
                return _random.Next(2) == 0
                    ? n with { ProposedCauseOfDeath = n.ProposedCauseOfDeath! with { Ia = text } }
                    : n with { ProposedCauseOfDeath = n.ProposedCauseOfDeath! with { Ib = text } };
        }
    }

    private SyntheticNotification Invalid()
    {
        var valid = JsonSerializer.Deserialize(Valid().Value, ContractsJsonContext.Default.DeathNotification)!;
        var key = $"{valid.SourceSystem}:{valid.NotificationId}";
        byte[] Serialize(DeathNotification n) => JsonSerializer.SerializeToUtf8Bytes(n, ContractsJsonContext.Default.DeathNotification);

        var value = _random.Next(8) switch
        {
            0 => Serialize(valid with { Deceased = valid.Deceased! with { NhsNumber = BreakCheckDigit(valid.Deceased.NhsNumber!) } }),
            1 => Serialize(valid with { DateTimeOfDeath = _clock.GetUtcNow().AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) }),
            2 => Serialize(valid with { PlaceOfDeath = "car-park" }),
            3 => Serialize(valid with { SiteOdsCode = null }),
            4 => Serialize(valid)[..40],
            5 => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Serialize(valid)).Replace("\"schemaVersion\":1", "\"schemaVersion\":\"one\"", StringComparison.Ordinal)),
            6 => Encoding.UTF8.GetBytes("{\"schemaVersion\":1,\"padding\":\"" + new string('x', DeathNotificationParser.MaxMessageBytes) + "\"}"),
            _ => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Serialize(valid)).Replace("{\"schemaVersion\":1", "{\"schemaVersion\":1,\"ward\":\"7B\"", StringComparison.Ordinal)),
        };
        return new SyntheticNotification(key, value, SyntheticKind.Invalid, null, null, null);
    }

    private (string Site, string Postcode) Location(OfficeCoverage? office)
    {
        if (office is null)
        {
            // A GP practice no office covers, in a district no office covers.
            return ($"Y0{_random.Next(1000, 9999)}", $"ZE{_random.Next(1, 3)} {_random.Next(1, 9)}QQ");
        }

        var district = office.PostcodeDistricts[_random.Next(office.PostcodeDistricts.Count)];
        var postcode = $"{district} {_random.Next(1, 9)}{(char)('A' + _random.Next(26))}{(char)('A' + _random.Next(26))}";

        // A third are community deaths notified by an unmapped GP practice: routed by postcode district.
        return _random.Next(3) == 0
            ? ($"Y1{_random.Next(1000, 9999)}", postcode)
            : (office.SiteOdsCodes[_random.Next(office.SiteOdsCodes.Count)], postcode);
    }

    private Informant Informant(OfficeCoverage? office)
    {
        var channel = ContactChannels.All[_random.Next(ContactChannels.All.Count)];
        var welsh = office?.OfficeId == "me-wales" && _random.Next(3) == 0;
        return new Informant
        {
            Name = $"{GivenNames[_random.Next(GivenNames.Length)]} {FamilyNames[_random.Next(FamilyNames.Length)]}",
            Relationship = _random.Next(2) == 0 ? "daughter" : "spouse",
            Phone = $"07700 900{_random.Next(100, 999)}",
            Email = $"informant{_random.Next(1000, 9999)}@example.org",
            Address = $"{_random.Next(1, 200)} Example Street",
            PreferredChannel = channel,
            Language = welsh ? Languages.Welsh : Languages.English,
            ConsentToContact = _random.NextDouble() < 0.9,
        };
    }

    private string NextId() => $"{_runId}-{++_sequence:D8}";

    /// <summary>An NHS number in the 999 test range with a valid modulus-11 check digit.</summary>
    private string NewNhsNumber()
    {
        while (true)
        {
            var body = "999" + _random.Next(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            var sum = 0;
            for (var i = 0; i < 9; i++)
            {
                sum += (body[i] - '0') * (10 - i);
            }

            var check = 11 - (sum % 11);
            if (check == 11)
            {
                check = 0;
            }

            if (check != 10)
            {
                return body + check.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    private static string BreakCheckDigit(string nhsNumber) =>
        nhsNumber[..9] + (char)('0' + ((nhsNumber[9] - '0' + 1) % 10));
}
