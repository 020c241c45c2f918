using System.Globalization;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Gateway.Formats.Hl7v2;

/// <summary>
/// Maps an HL7 v2 ADT^A03 (discharge) whose patient died onto the notification contract. Structure and
/// meaning it checks itself (message type, version, death indicator, discharge disposition); every field
/// rule is left to the domain validator so that the gateway and the intake worker refuse the same things.
/// Throws only <see cref="NotificationRejectedException"/>.
/// </summary>
public static class AdtA03Mapper
{
    /// <summary>HL7 table 0112 "Expired": the discharge disposition of a death.</summary>
    public const string DispositionExpired = "20";

    /// <summary>NHS number status indicator 01 (UK ITK profile, PID-32): number present and verified.</summary>
    public const string NhsNumberVerified = "01";

    public static DeathNotification Map(Er7Message message, TimeZoneInfo localZone)
    {
        var msh = message.Header;
        if (msh.Value(9, 1) != "ADT" || msh.Value(9, 2) is not ("A03") || msh.Value(9, 3) is not (null or "ADT_A03"))
        {
            throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedMessageType, "MSH-9");
        }

        if (msh.Value(12) is not { } version || !version.StartsWith("2.", StringComparison.Ordinal) || version.Length > 5)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedVersion, "MSH-12");
        }

        var pid = message.First("PID") ?? throw new NotificationRejectedException(GatewayErrorCodes.MissingResource, "PID");
        var pv1 = message.First("PV1") ?? throw new NotificationRejectedException(GatewayErrorCodes.MissingResource, "PV1");
        if (pid.Value(30) != "Y")
        {
            throw new NotificationRejectedException(GatewayErrorCodes.NotADeath, "PID-30");
        }

        if (pv1.Value(36) != DispositionExpired)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.NotADeath, "PV1-36");
        }

        var observations = message.All("OBX").Select(Observation).Where(o => o.Code is not null).ToList();
        string? Observed(string code) => observations.LastOrDefault(o => o.Code == code).Value;

        var nhsNumber = NhsNumberOf(pid.Field(3));
        var publisher = msh.Value(4);
        return new DeathNotification
        {
            SchemaVersion = 1,
            SourceSystem = msh.Value(3),
            // MSH-10, the sender's message control id: a resend of the same message carries the same id,
            // so it maps to the same notification (and the same case).
            NotificationId = msh.Value(10),
            PublisherOdsCode = publisher,
            SiteOdsCode = pv1.Value(3, 4) ?? publisher,
            PlaceOfDeath = Observed(NotificationCodes.PlaceOfDeath) ?? PlaceOfDeathOf(pv1.Value(2)),
            Deceased = new Deceased
            {
                NhsNumber = nhsNumber,
                // Stated outright in an OBX, else implied by a verified NHS number.
                IdentityConfirmed = YesNo(Observed(NotificationCodes.IdentityConfirmed))
                    ?? (nhsNumber is not null && pid.Field(32).Repetitions.Any(r => r.Count > 0 && r[0].Count > 0 && r[0][0] == NhsNumberVerified)),
                FamilyName = pid.Value(5, 1),
                GivenName = pid.Value(5, 2),
                DateOfBirth = DateOf(pid.Value(7)),
                Sex = SexOf(pid.Value(8)),
                Postcode = pid.Value(11, 5),
                LearningDisabilityOrAutism = YesNo(Observed(NotificationCodes.LearningDisabilityOrAutism)),
            },
            DateTimeOfDeath = DateTimeOf(pid.Value(29), localZone),
            AttendingPractitioner = PractitionerOf(pv1, Observed(NotificationCodes.PractitionerAvailable)),
            ProposedCauseOfDeath = CauseOf(Observed),
            Circumstances = observations.Where(o => o.Code == NotificationCodes.Circumstance && o.Value is not null).Select(o => o.Value!).ToList() is { Count: > 0 } c ? c : null,
            UrgentRelease = Observed(NotificationCodes.UrgentRelease) is { } reason ? new UrgentRelease { Reason = reason } : null,
            Informant = InformantOf(message.First("NK1"), Observed(NotificationCodes.InformantConsent), Observed(NotificationCodes.InformantChannel)),
        };
    }

    private static (string? Code, string? Value) Observation(Er7Segment obx)
    {
        // OBX-3: code^text^MEDN; OBX-5: the value, repetitions joined (long text may be sent as several).
        if (obx.Value(3, 3) != NotificationCodes.Hl7System)
        {
            return (null, null);
        }

        var values = obx.Field(5).Repetitions.Select(r => string.Join("", r.Select(c => string.Join("", c)))).Where(v => v.Length > 0).ToList();
        return (obx.Value(3, 1), values.Count == 0 ? null : string.Join(" ", values));
    }

    private static string? NhsNumberOf(Er7Field identifiers)
    {
        for (var i = 0; i < identifiers.Repetitions.Count; i++)
        {
            // CX: id^check digit^scheme^assigning authority^identifier type; NHS numbers are "NHS" / "NH".
            if (identifiers.Value(i, 4) == "NHS" || identifiers.Value(i, 5) == "NH")
            {
                return identifiers.Value(i, 1);
            }
        }

        return null;
    }

    private static string? PlaceOfDeathOf(string? patientClass) => patientClass switch
    {
        "I" => PlacesOfDeath.HospitalInpatient,
        "E" => PlacesOfDeath.EmergencyDepartment,
        null => null,
        _ => PlacesOfDeath.Other,
    };

    private static string? SexOf(string? sex) => sex switch
    {
        null => null,
        "M" => "male",
        "F" => "female",
        "O" or "A" => "other",
        "U" or "N" => "unknown",
        // Passed on as it came, for the validator to refuse as an unknown code.
        _ => sex,
    };

    private static bool? YesNo(string? value) => value switch
    {
        "Y" => true,
        "N" => false,
        _ => null,
    };

    /// <summary>HL7 DT/TS "YYYYMMDD…" → "yyyy-MM-dd"; anything else is passed on for the validator to refuse.</summary>
    private static string? DateOf(string? value) =>
        value is { Length: >= 8 } && DateOnly.TryParseExact(value[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : value;

    /// <summary>
    /// HL7 TS "YYYYMMDDHHMM[SS[.S…]][+/-ZZZZ]" → ISO 8601 with an offset. Without an offset the time is read in
    /// <paramref name="localZone"/>; a local time that the clock change makes ambiguous or skips is refused.
    /// </summary>
    internal static string? DateTimeOf(string? value, TimeZoneInfo localZone)
    {
        if (value is null)
        {
            return null;
        }

        var zoneAt = value.IndexOfAny(['+', '-']);
        var local = zoneAt < 0 ? value : value[..zoneAt];
        var dot = local.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            local = local[..dot];
        }

        if (!DateTime.TryParseExact(local, ["yyyyMMddHHmm", "yyyyMMddHHmmss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var dateTime))
        {
            return value; // the validator reports invalid-format at dateTimeOfDeath
        }

        TimeSpan offset;
        if (zoneAt >= 0)
        {
            var zone = value.AsSpan(zoneAt + 1);
            if (zone.Length != 4 || !int.TryParse(zone[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
                || !int.TryParse(zone[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || hours > 14 || minutes > 59)
            {
                return value;
            }

            offset = new TimeSpan(hours, minutes, 0) * (value[zoneAt] == '-' ? -1 : 1);
        }
        else
        {
            if (localZone.IsAmbiguousTime(dateTime) || localZone.IsInvalidTime(dateTime))
            {
                throw new NotificationRejectedException(GatewayErrorCodes.AmbiguousLocalTime, "PID-29");
            }

            offset = localZone.GetUtcOffset(dateTime);
        }

        return new DateTimeOffset(dateTime, offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    private static AttendingPractitioner? PractitionerOf(Er7Segment pv1, string? available)
    {
        // PV1-7 XCN: id^family^given^…; the id is a GMC number when the assigning authority (XCN-9) says GMC.
        var doctor = pv1.Field(7);
        if (doctor.Repetitions.Count == 0)
        {
            return null;
        }

        var name = string.Join(" ", new[] { doctor.Value(0, 6), doctor.Value(0, 3), doctor.Value(0, 2) }.Where(p => p is not null));
        return new AttendingPractitioner
        {
            GmcNumber = doctor.Value(0, 9) == "GMC" ? doctor.Value(0, 1) : null,
            Name = name.Length == 0 ? null : name,
            AvailableWithinReasonableTime = YesNo(available),
        };
    }

    private static ProposedCauseOfDeath? CauseOf(Func<string, string?> observed)
    {
        var (ia, ib, ic, ii) = (observed(NotificationCodes.CauseIa), observed(NotificationCodes.CauseIb), observed(NotificationCodes.CauseIc), observed(NotificationCodes.CauseIi));
        return ia is null && ib is null && ic is null && ii is null ? null : new ProposedCauseOfDeath { Ia = ia, Ib = ib, Ic = ic, Ii = ii };
    }

    private static Informant? InformantOf(Er7Segment? nk1, string? consent, string? channel)
    {
        if (nk1 is null)
        {
            return null;
        }

        // NK1-2 name (family^given), NK1-3 relationship (code^text), NK1-4 address, NK1-5 phone (XTN), NK1-20 language.
        string? phone = null;
        string? email = null;
        var telecoms = nk1.Field(5);
        for (var i = 0; i < telecoms.Repetitions.Count; i++)
        {
            if (telecoms.Value(i, 3) == "Internet" || telecoms.Value(i, 2) == "NET")
            {
                email ??= telecoms.Value(i, 4);
            }
            else
            {
                phone ??= telecoms.Value(i, 1) ?? telecoms.Value(i, 12);
            }
        }

        var name = string.Join(" ", new[] { nk1.Value(2, 2), nk1.Value(2, 1) }.Where(p => p is not null));
        var addressParts = new[] { nk1.Value(4, 1), nk1.Value(4, 2), nk1.Value(4, 3), nk1.Value(4, 5) }.Where(p => p is not null).ToList();
        return new Informant
        {
            Name = name.Length == 0 ? null : name,
            Relationship = nk1.Value(3, 2) ?? nk1.Value(3, 1),
            Phone = phone,
            Email = email,
            Address = addressParts.Count == 0 ? null : string.Join(", ", addressParts),
            Language = LanguageOf(nk1.Value(20)),
            PreferredChannel = channel,
            ConsentToContact = YesNo(consent),
        };
    }

    private static string? LanguageOf(string? code) => code?.ToUpperInvariant() switch
    {
        null => null,
        "EN" or "ENG" => Languages.English,
        "CY" or "WEL" or "CYM" => Languages.Welsh,
        _ => code,
    };
}
