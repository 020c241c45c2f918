using System.Globalization;
using System.Text;
using System.Text.Json;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;

namespace MedicalExaminer.SyntheticData;

/// <summary>
/// Seeded generator of realistic, obviously synthetic death notifications: every triage reason (each
/// raised the way DOMAIN §3 says it is), every place of death and office, urgent releases, children and
/// the very old, informants on every channel and language, plus a share of redeliveries and of invalid
/// messages. Same seed and clock, same stream. Not thread-safe: one generator per producer.
/// </summary>
public sealed class NotificationGenerator
{
    /// <summary>Redeliveries repeat one of this many most recent valid messages, which bounds memory on long runs.</summary>
    private const int RedeliveryWindow = 10_000;


    private static readonly string[] GivenNames = ["Testy", "Sample", "Mocky", "Dummy", "Synthia", "Placeholder", "Fixture", "Stubb"];
    private static readonly string[] FamilyNames = ["Testperson", "Sampleton", "Exampleby", "Mockford", "Synthwood", "Demoley", "Fakenham-Test"];
    private static readonly string[] AdultRelationships = ["daughter", "son", "spouse", "partner", "civil partner", "sister", "brother", "niece", "friend"];
    private static readonly string[] ChildRelationships = ["mother", "father", "parent", "guardian"];

    // Postcode inward codes never use C, I, K, M, O or V.
    private const string InwardLetters = "ABDEFGHJLNPQRSTUWXYZ";

    // Scottish districts: a death in England or Wales of someone who lived there is a realistic unrouted case.
    private static readonly string[] OutOfAreaDistricts = ["ZE1", "ZE2", "HS1", "KW15", "IV1", "PA20"];

    private static readonly (string Place, int Weight)[] HospitalPlaces =
        [(PlacesOfDeath.HospitalInpatient, 80), (PlacesOfDeath.EmergencyDepartment, 15), (PlacesOfDeath.Hospice, 5)];

    private static readonly (string Place, int Weight)[] CommunityPlaces =
        [(PlacesOfDeath.Home, 45), (PlacesOfDeath.CareHome, 38), (PlacesOfDeath.Hospice, 10), (PlacesOfDeath.Other, 7)];

    private readonly Random _random;
    private readonly SyntheticMix _mix;
    private readonly IReadOnlyList<OfficeCoverage> _offices;
    private readonly HashSet<string> _coveredSites;
    private readonly string[] _unroutedDistricts;
    private readonly TimeProvider _clock;
    private readonly SyntheticNotification[] _recent = new SyntheticNotification[RedeliveryWindow];
    private readonly string _runId;
    private int _recentCount;
    private int _recentNext;
    private long _sequence;

    public NotificationGenerator(int seed, SyntheticMix? mix = null, IReadOnlyList<OfficeCoverage>? offices = null, TimeProvider? clock = null)
    {
        _mix = mix ?? new SyntheticMix();
        foreach (var rate in new[] { _mix.DuplicateRate, _mix.InvalidRate, _mix.UnroutedRate, _mix.CoronerReferralRate, _mix.UrgentReleaseRate })
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rate, 0.0, nameof(mix));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1.0, nameof(mix));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(_mix.DuplicateRate + _mix.InvalidRate, 1.0, nameof(mix));

        _offices = offices ?? DemoOffices.All;
        if (_offices.Count == 0 || _offices.Any(o => o.SiteOdsCodes.Count == 0 || o.PostcodeDistricts.Count == 0))
        {
            throw new ArgumentException("At least one office is needed, and each must cover a site and a postcode district.", nameof(offices));
        }

        _coveredSites = _offices.SelectMany(o => o.SiteOdsCodes).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var coveredDistricts = _offices.SelectMany(o => o.PostcodeDistricts).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _unroutedDistricts = OutOfAreaDistricts.Where(d => !coveredDistricts.Contains(d)).ToArray();
        if (_unroutedDistricts.Length == 0)
        {
            throw new ArgumentException("The offices cover every district used for unrouted notifications.", nameof(offices));
        }

        _random = new Random(seed);
        _clock = clock ?? TimeProvider.System;
        _runId = seed.ToString("x8", CultureInfo.InvariantCulture);
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
        if (roll < _mix.DuplicateRate)
        {
            if (_recentCount > 0)
            {
                return _recent[_random.Next(_recentCount)] with { Kind = SyntheticKind.Duplicate };
            }
        }
        else if (roll < _mix.DuplicateRate + _mix.InvalidRate)
        {
            return Invalid();
        }

        var built = Build();
        var valid = new SyntheticNotification(built.Key, Serialize(built.Notification), SyntheticKind.Valid, built.Route, built.OfficeId, built.Queue);
        _recent[_recentNext] = valid;
        _recentNext = (_recentNext + 1) % RedeliveryWindow;
        _recentCount = Math.Min(_recentCount + 1, RedeliveryWindow);
        return valid;
    }

    private Built Build()
    {
        var now = _clock.GetUtcNow();
        var unrouted = _random.NextDouble() < _mix.UnroutedRate;
        var office = unrouted ? null : _offices[_random.Next(_offices.Count)];
        var location = NewOrigin(office);

        var age = _random.Next(100) switch
        {
            < 3 => _random.Next(0, 18),
            < 15 => _random.Next(18, 65),
            _ => _random.Next(65, 105),
        };
        var death = now - TimeSpan.FromMinutes(_random.Next(10, 5 * 24 * 60));
        var deathDate = DateOnly.FromDateTime(death.UtcDateTime);
        var birth = deathDate.AddYears(-age).AddDays(-_random.Next(1, 365));
        var ageAtDeath = NotificationValidator.AgeInYears(birth, deathDate);
        var child = ageAtDeath < IntakePlanner.ChildDeathAgeLimit;

        var id = $"{_runId}-{++_sequence:D8}";
        var notification = new DeathNotification
        {
            SchemaVersion = 1,
            SourceSystem = location.SourceSystem,
            NotificationId = id,
            PublisherOdsCode = location.PublisherOdsCode,
            SiteOdsCode = location.SiteOdsCode,
            PlaceOfDeath = Weighted(location.IsHospitalSite ? HospitalPlaces : CommunityPlaces),
            Deceased = new Deceased
            {
                NhsNumber = _random.Next(50) == 0 ? null : NewNhsNumber(),
                IdentityConfirmed = true,
                GivenName = Pick(GivenNames),
                FamilyName = Pick(FamilyNames),
                DateOfBirth = birth.ToString("O", CultureInfo.InvariantCulture),
                Sex = _random.Next(200) == 0 ? "unknown" : _random.Next(100) == 0 ? "other" : _random.Next(2) == 0 ? "female" : "male",
                Postcode = location.Postcode,
                LearningDisabilityOrAutism = _random.Next(50) == 0,
            },
            DateTimeOfDeath = IsoUtc(death),
            AttendingPractitioner = new AttendingPractitioner
            {
                GmcNumber = _random.Next(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture),
                Name = "Dr " + Pick(FamilyNames),
                AvailableWithinReasonableTime = true,
            },
            ProposedCauseOfDeath = NaturalCause(ageAtDeath, child),
            UrgentRelease = _random.NextDouble() < _mix.UrgentReleaseRate ? new UrgentRelease { Reason = Pick(UrgentReleaseReasons.All) } : null,
            Informant = _random.Next(25) == 0 ? null : NewInformant(office, child),
        };

        var coroner = _random.NextDouble() < _mix.CoronerReferralRate;
        if (coroner)
        {
            notification = MakeReferable(notification, ageAtDeath);
            if (_random.Next(7) == 0)
            {
                notification = MakeReferable(notification, ageAtDeath);
            }
        }

        var queue = office is null ? Queues.Unrouted
            : coroner ? Queues.CoronerReferralReview
            : notification.UrgentRelease is not null ? Queues.UrgentRelease
            : Queues.Scrutiny;
        return new Built($"{notification.SourceSystem}:{id}", notification, coroner ? Routes.CoronerReferral : Routes.Scrutiny, office?.OfficeId, queue);
    }

    /// <summary>A cause an ME would accept without the coroner: available AP, natural wording (traps included).</summary>
    private ProposedCauseOfDeath NaturalCause(int age, bool child)
    {
        if (age >= ScreeningTerms.Default.OldAge.NaturalFromAge && _random.Next(4) == 0)
        {
            return new ProposedCauseOfDeath
            {
                Ia = Pick(CauseOfDeathTexts.OldAge),
                Ii = _random.Next(2) == 0 ? Pick(CauseOfDeathTexts.NaturalContributors) : null,
            };
        }

        var (ia, ib, ic) = Pick(child ? CauseOfDeathTexts.ChildChains : CauseOfDeathTexts.NaturalChains);
        return new ProposedCauseOfDeath
        {
            Ia = ia,
            Ib = ib,
            Ic = ic,
            Ii = !child && _random.Next(2) == 0 ? Pick(CauseOfDeathTexts.NaturalContributors) : null,
        };
    }

    /// <summary>Adds one coroner-referral criterion, by one of the routes DOMAIN §3 lists for it.</summary>
    private DeathNotification MakeReferable(DeathNotification n, int age)
    {
        var cause = n.ProposedCauseOfDeath!;
        switch (_random.Next(10))
        {
            case 0:
                var circumstances = (n.Circumstances ?? []).Append(Pick(ReasonCodes.All));
                if (_random.Next(4) == 0)
                {
                    circumstances = circumstances.Append(Pick(ReasonCodes.All));
                }

                return n with { Circumstances = [.. circumstances.Distinct()] };
            case 1:
                return n with { PlaceOfDeath = Pick(PlacesOfDeath.StateDetention) };
            case 2:
                return n with { AttendingPractitioner = null };
            case 3:
                return n with { AttendingPractitioner = n.AttendingPractitioner is { } ap ? ap with { AvailableWithinReasonableTime = false } : null };
            case 4:
                // An unidentified person often has no NHS number either.
                var deceased = n.Deceased! with { IdentityConfirmed = false };
                return n with { Deceased = _random.Next(2) == 0 ? deceased with { NhsNumber = null } : deceased };
            case 5:
                return n with { ProposedCauseOfDeath = cause with { Ia = _random.Next(2) == 0 ? null : "", Ib = null, Ic = null } };
            case 6 when age < ScreeningTerms.Default.OldAge.NaturalFromAge:
                return n with { ProposedCauseOfDeath = cause with { Ia = Pick(CauseOfDeathTexts.OldAge), Ib = null, Ic = null } };
            default:
                var (_, text, parts) = Pick(CauseOfDeathTexts.Referable);
                return n with
                {
                    ProposedCauseOfDeath = Pick(parts) switch
                    {
                        "ia" => cause with { Ia = text, Ib = null, Ic = null },
                        "ib" => cause with { Ib = text, Ic = null },
                        "ic" when cause.Ib is not null => cause with { Ic = text },
                        "ic" => cause with { Ib = text },
                        _ => cause with { Ii = text },
                    },
                };
        }
    }

    private SyntheticNotification Invalid()
    {
        var (key, valid, _, _, _) = Build();
        var now = _clock.GetUtcNow();
        var value = _random.Next(14) switch
        {
            0 => Serialize(valid with { Deceased = valid.Deceased! with { NhsNumber = BreakCheckDigit(valid.Deceased.NhsNumber ?? NewNhsNumber()) } }),
            1 => Serialize(valid with { DateTimeOfDeath = IsoUtc(now.AddDays(2)) }),
            2 => Serialize(valid with { PlaceOfDeath = "car-park" }),
            3 => Serialize(valid with { SiteOdsCode = null }),
            4 => Serialize(valid with { Deceased = null }),
            5 => Serialize(valid with { DateTimeOfDeath = null }),
            6 => Serialize(valid)[..(Serialize(valid).Length / 2)],
            7 => Replace(Serialize(valid), "\"schemaVersion\":1", "\"schemaVersion\":\"one\""),
            8 => Replace(Replace(Serialize(valid), "\"identityConfirmed\":true", "\"identityConfirmed\":\"true\""), "\"identityConfirmed\":false", "\"identityConfirmed\":\"false\""),
            9 => Serialize(valid with { ProposedCauseOfDeath = valid.ProposedCauseOfDeath! with { Ii = Oversize() } }),
            10 => Replace(Serialize(valid), "{\"schemaVersion\":1", "{\"schemaVersion\":1,\"ward\":\"7B\""),
            11 => Serialize(valid with { DateTimeOfDeath = now.AddDays(-1).UtcDateTime.ToString("s", CultureInfo.InvariantCulture) }),
            12 => Serialize(valid with
            {
                DateTimeOfDeath = IsoUtc(now.AddDays(-3)),
                Deceased = valid.Deceased! with { DateOfBirth = DateOnly.FromDateTime(now.UtcDateTime.AddDays(-1)).ToString("O", CultureInfo.InvariantCulture) },
            }),
            _ => Serialize(valid with { Circumstances = ["misadventure"] }),
        };
        return new SyntheticNotification(key, value, SyntheticKind.Invalid, null, null, null);
    }

    private Origin NewOrigin(OfficeCoverage? office)
    {
        if (office is null)
        {
            var practice = UncoveredPracticeCode('0');
            return new(practice, practice, Postcode(Pick(_unroutedDistricts)), "sim-gp-out-of-area", IsHospitalSite: false);
        }

        var ownDistrict = Pick(office.PostcodeDistricts);
        if (_random.Next(3) == 0)
        {
            // A community death notified by a GP practice no office maps: only the home postcode routes it.
            var practice = UncoveredPracticeCode('1');
            return new(practice, practice, Postcode(ownDistrict), $"sim-gp-{office.OfficeId}", IsHospitalSite: false);
        }

        // The site decides before the postcode: some die in a hospital far from home, and some have no postcode.
        var other = _offices[_random.Next(_offices.Count)];
        var postcode = _random.Next(30) == 0 ? null : Postcode(_random.Next(5) == 0 ? Pick(other.PostcodeDistricts) : ownDistrict);
        return new(office.SiteOdsCodes[0], Pick(office.SiteOdsCodes), postcode, $"sim-epr-{office.OfficeId}", IsHospitalSite: true);
    }

    private string UncoveredPracticeCode(char series)
    {
        while (true)
        {
            var code = $"Y{series}{_random.Next(1000, 10_000)}";
            if (!_coveredSites.Contains(code))
            {
                return code;
            }
        }
    }

    private string Postcode(string district) =>
        $"{district} {_random.Next(1, 10)}{InwardLetters[_random.Next(InwardLetters.Length)]}{InwardLetters[_random.Next(InwardLetters.Length)]}";

    private Informant NewInformant(OfficeCoverage? office, bool child)
    {
        var welsh = office?.OfficeId == "me-wales" ? _random.Next(5) < 2 : _random.Next(100) == 0;
        return new Informant
        {
            Name = $"{Pick(GivenNames)} {Pick(FamilyNames)}",
            Relationship = Pick(child ? ChildRelationships : AdultRelationships),

            // Some contact details are missing so that channel fallback (email → sms → letter) has work to do.
            Phone = _random.Next(15) == 0 ? null : _random.Next(4) == 0 ? $"+44 7700 900{_random.Next(100, 1000)}" : $"07700 900{_random.Next(100, 1000)}",
            Email = _random.Next(10) == 0 ? null : $"informant.{_random.Next(1000, 10_000)}@example.org",
            Address = $"{_random.Next(1, 200)} Example Street, Testville",
            PreferredChannel = Pick(ContactChannels.All),
            Language = welsh ? Languages.Welsh : Languages.English,
            ConsentToContact = _random.Next(10) != 0,
        };
    }

    /// <summary>An NHS number in the 999 test range with a valid modulus-11 check digit.</summary>
    private string NewNhsNumber()
    {
        while (true)
        {
            var body = "999" + _random.Next(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            if (NhsNumber.CheckDigit(body) is { } check)
            {
                return body + (char)('0' + check);
            }
        }
    }

    private string Oversize()
    {
        var text = new StringBuilder(DeathNotificationParser.MaxMessageBytes + 100);
        while (text.Length <= DeathNotificationParser.MaxMessageBytes)
        {
            text.Append(Pick(CauseOfDeathTexts.NaturalContributors)).Append("; ");
        }

        return text.ToString();
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private string Weighted((string Value, int Weight)[] table)
    {
        var total = 0;
        foreach (var (_, weight) in table)
        {
            total += weight;
        }

        var roll = _random.Next(total);
        foreach (var (value, weight) in table)
        {
            if ((roll -= weight) < 0)
            {
                return value;
            }
        }

        return table[^1].Value;
    }

    /// <summary>ISO 8601 to the second with an explicit UTC offset ("s" is the formatter's fast path).</summary>
    private static string IsoUtc(DateTimeOffset instant) => instant.UtcDateTime.ToString("s", CultureInfo.InvariantCulture) + "+00:00";

    private static byte[] Serialize(DeathNotification n) => JsonSerializer.SerializeToUtf8Bytes(n, ContractsJsonContext.Default.DeathNotification);

    private static byte[] Replace(byte[] json, string from, string to) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(json).Replace(from, to, StringComparison.Ordinal));

    /// <summary>Changes the last digit, so the modulus-11 check fails.</summary>
    private static string BreakCheckDigit(string nhsNumber) => nhsNumber[..9] + (char)('0' + ((nhsNumber[9] - '0' + 1) % 10));

    private sealed record Built(string Key, DeathNotification Notification, string Route, string? OfficeId, string Queue);

    private sealed record Origin(string PublisherOdsCode, string SiteOdsCode, string? Postcode, string SourceSystem, bool IsHospitalSite);
}
