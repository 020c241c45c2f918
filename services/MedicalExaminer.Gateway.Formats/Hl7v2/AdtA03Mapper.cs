using System.Globalization;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Gateway.Formats.Hl7v2;

/// <summary>Who sent an HL7 message, and how that sender writes: what the mapper needs beyond the message.</summary>
/// <param name="PublisherOdsCode">The authenticated publisher's ODS code; null when there is none (parser tests, the CLI).</param>
/// <param name="IsOtherPublisher">Whether an ODS code is another configured publisher's (an MSH-4 claiming it is refused, 403).</param>
public sealed record Hl7Sender(TimeZoneInfo LocalZone, PublisherProfile Profile, string? PublisherOdsCode = null, Func<string, bool>? IsOtherPublisher = null);

/// <summary>
/// Maps an HL7 v2 (2.3–2.5.1) ADT message whose patient died — A03 discharge, or an A01/A04/A08 that carries the
/// death — onto the notification contract, as English NHS systems write it. A death is shown by any one of:
/// PID-30 <c>Y</c>, PID-29 filled in, PV1-36/PV1-37 <c>20</c> (HL7 table 0112, expired; 40–42 likewise) or the NHS
/// Data Dictionary codes (discharge method <c>4</c> "patient died", discharge destination <c>79</c>), a PDA segment,
/// or a death code of the publisher's profile; demanding two together refuses real senders. Structure and meaning
/// it checks itself (message type, version, death); every field rule is left to the domain validator so that the
/// gateway and the intake worker refuse the same things. Throws only <see cref="NotificationRejectedException"/>.
/// </summary>
public static partial class AdtA03Mapper
{
    /// <summary>HL7 table 0112 "Expired": the discharge disposition of a death.</summary>
    public const string DispositionExpired = "20";

    /// <summary>NHS number status indicator 01 (UK ITK profile, PID-32): number present and verified.</summary>
    public const string NhsNumberVerified = "01";

    /// <summary>NHS Data Dictionary discharge method 4: patient died.</summary>
    public const string NhsDischargeMethodDied = "4";

    /// <summary>NHS Data Dictionary discharge destination 79: not applicable, patient died or still birth.</summary>
    public const string NhsDischargeDestinationDied = "79";

    /// <summary>LOINC: cause of death (one per line of part I, in order) and other significant conditions (part II).</summary>
    public const string LoincCauseOfDeath = "69453-9";
    public const string LoincOtherSignificantConditions = "69441-4";

    private static readonly HashSet<string> DeathDispositions = [DispositionExpired, "40", "41", "42", NhsDischargeMethodDied, NhsDischargeDestinationDied];

    /// <summary>Events that may carry a death; any other is not ours (<c>unsupported-message-type</c>).</summary>
    private static readonly HashSet<string> Events = ["A03", "A08", "A04", "A01"];

    /// <summary>Assigning authorities and identifier types English systems use for the NHS number in a CX.</summary>
    private static readonly HashSet<string> NhsAuthorities = new(StringComparer.OrdinalIgnoreCase) { "NHS", "NHSNBR", "NHS Number", "NHSNMBR", "NHS_NUMBER", "2.16.840.1.113883.2.1.4.1" };
    private static readonly HashSet<string> NhsIdentifierTypes = new(StringComparer.OrdinalIgnoreCase) { "NH", "NHS", "NHSNBR" };

    private static readonly Er7Path[] DefaultSiteFields =
        [new("PV1", 3, 4, 1), new("PV1", 3, 4, 2), new("PV1", 3, 1, 1), new("PV1", 3, 7, 1), new("PV1", 3, 9, 1), new("MSH", 4, 1, 1), new("MSH", 4, 2, 1)];

    public static DeathNotification Map(Er7Message message, TimeZoneInfo localZone) => Map(message, new Hl7Sender(localZone, PublisherProfile.Default));

    public static DeathNotification Map(Er7Message message, Hl7Sender sender)
    {
        var msh = message.Header;
        var profile = sender.Profile;
        // MSH-9: ADT^A03[^ADT_A03]; v2.3 senders may leave the event to EVN-1.
        var trigger = msh.Value(9, 2) ?? message.First("EVN")?.Value(1);
        if (!string.Equals(msh.Value(9, 1), "ADT", StringComparison.OrdinalIgnoreCase) || trigger is null || !Events.Contains(trigger.ToUpperInvariant()))
        {
            throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedMessageType, "MSH-9");
        }

        if (msh.Value(12) is not { } version || !version.StartsWith("2.", StringComparison.Ordinal) || version.Length > 5)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedVersion, "MSH-12");
        }

        var pid = message.First("PID") ?? throw new NotificationRejectedException(GatewayErrorCodes.MissingResource, "PID");
        var pv1 = message.First("PV1") ?? throw new NotificationRejectedException(GatewayErrorCodes.MissingResource, "PV1");
        if (!ShowsDeath(message, pid, pv1, profile))
        {
            throw new NotificationRejectedException(GatewayErrorCodes.NotADeath, "PID-30");
        }

        var observations = message.All("OBX").Select(Observation).Where(o => o.Code is not null).ToList();
        string? Observed(string code) => observations.LastOrDefault(o => o.Code == code).Value;

        var nhsNumber = NhsNumberOf(pid.Field(3)) ?? NhsNumberOf(pid.Field(2)) ?? NhsNumberOf(pid.Field(4));
        var verified = pid.Field(32).Repetitions.Any(r => r.Any(c => c.Any(v => v == NhsNumberVerified)));
        return new DeathNotification
        {
            SchemaVersion = 1,
            SourceSystem = ValueAt(message, profile.SourceSystemField) ?? msh.Value(3) ?? msh.Value(3, 2),
            // A correction (an A08 after the A03) or a resend names the same visit: the same notification (and case).
            // Without a visit number, MSH-10, the sender's message control id, which a resend repeats.
            NotificationId = ValueAt(message, profile.NotificationIdField) ?? (profile.NotificationIdField is null ? pv1.Value(19) : null) ?? msh.Value(10),
            PublisherOdsCode = PublisherOf(msh, sender),
            SiteOdsCode = SiteOf(message, sender),
            PlaceOfDeath = Observed(NotificationCodes.PlaceOfDeath) ?? PlaceOfDeathOf(pv1.Value(2)) ?? profile.DefaultPlaceOfDeath ?? PlacesOfDeath.Other,
            Deceased = new Deceased
            {
                NhsNumber = nhsNumber,
                // Stated outright in an OBX, else implied by a verified NHS number (PID-32 01, or a sender that verifies every one).
                IdentityConfirmed = YesNo(Observed(NotificationCodes.IdentityConfirmed)) ?? (nhsNumber is not null && (verified || profile.NhsNumbersVerified)),
                FamilyName = pid.Value(5, 1),
                GivenName = pid.Value(5, 2),
                DateOfBirth = DateOf(pid.Value(7)),
                Sex = SexOf(pid.Value(8)),
                Postcode = PostcodeOf(pid.Value(11, 5)),
                LearningDisabilityOrAutism = YesNo(Observed(NotificationCodes.LearningDisabilityOrAutism)),
            },
            // Date of death, else the discharge date/time of a patient discharged dead (the same instant in a PAS).
            DateTimeOfDeath = DateTimeOf(pid.Value(29), sender.LocalZone, "PID-29") ?? DateTimeOf(pv1.Value(45), sender.LocalZone, "PV1-45"),
            AttendingPractitioner = PractitionerOf(pv1, Observed(NotificationCodes.PractitionerAvailable)),
            ProposedCauseOfDeath = CauseOf(Observed, message.All("OBX").ToList()),
            Circumstances = observations.Where(o => o.Code == NotificationCodes.Circumstance && o.Value is not null).Select(o => o.Value!).ToList() is { Count: > 0 } c ? c : null,
            UrgentRelease = Observed(NotificationCodes.UrgentRelease) is { } reason ? new UrgentRelease { Reason = reason } : null,
            Informant = InformantOf(message.First("NK1"), Observed(NotificationCodes.InformantConsent), Observed(NotificationCodes.InformantChannel), profile.DefaultLanguage),
        };
    }

    private static bool ShowsDeath(Er7Message message, Er7Segment pid, Er7Segment pv1, PublisherProfile profile)
    {
        if (pid.Value(30) is { } indicator && indicator.Trim().ToUpperInvariant() is "Y" or "YES" or "1" or "T")
        {
            return true;
        }

        if (pid.Value(29) is not null || message.First("PDA") is not null)
        {
            return true;
        }

        if (pv1.Value(36) is { } disposition && DeathDispositions.Contains(disposition.Trim())
            || pv1.Value(37) is { } destination && destination.Trim() == NhsDischargeDestinationDied)
        {
            return true;
        }

        foreach (var rule in profile.DeathCodes)
        {
            var at = rule.IndexOf('=', StringComparison.Ordinal);
            if (at > 0 && Er7Path.TryParse(rule[..at], out var path) && path.ValuesIn(message).Any(v => string.Equals(v.Trim(), rule[(at + 1)..], StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static string? ValueAt(Er7Message message, string? path) => Er7Path.TryParse(path, out var p) ? p.FirstIn(message) : null;

    /// <summary>
    /// The publisher: MSH-4 as the profile maps it, or as it is when it is the authenticated publisher's own code or
    /// another configured publisher's (then refused, 403); any other value is a local facility name, and the
    /// authenticated publisher's ODS code stands — never a refusal because a local name is not an ODS code.
    /// </summary>
    private static string? PublisherOf(Er7Segment msh, Hl7Sender sender)
    {
        var names = new[] { msh.Value(4, 1), msh.Value(4, 2) }.Where(v => v is not null).Select(v => v!.Trim()).ToList();
        if (sender.PublisherOdsCode is not { } own)
        {
            return names.FirstOrDefault();
        }

        foreach (var name in names)
        {
            if (string.Equals(name, own, StringComparison.OrdinalIgnoreCase))
            {
                return own;
            }

            if (sender.IsOtherPublisher?.Invoke(name) == true)
            {
                return name;
            }
        }

        return own;
    }

    /// <summary>
    /// The site: the first location of the message the profile maps to an ODS code; else the profile's default site;
    /// else, for a sender without a location table, PV1-3.4 when it has the shape of an ODS code; else the publisher.
    /// </summary>
    private static string? SiteOf(Er7Message message, Hl7Sender sender)
    {
        var profile = sender.Profile;
        var fields = profile.SiteFields.Count > 0
            ? profile.SiteFields.Select(f => Er7Path.TryParse(f, out var p) ? p : null).OfType<Er7Path>().ToArray()
            : DefaultSiteFields;
        foreach (var field in fields)
        {
            foreach (var value in field.ValuesIn(message))
            {
                if (profile.SiteOf(value) is { } site)
                {
                    return site;
                }
            }
        }

        if (profile.DefaultSiteOdsCode is { } defaultSite)
        {
            return defaultSite;
        }

        var facility = message.First("PV1")?.Value(3, 4)?.Trim();
        if (profile.Locations.Count == 0 && facility is not null && PublisherProfile.OdsPattern().IsMatch(facility))
        {
            return facility;
        }

        return sender.PublisherOdsCode ?? PublisherOf(message.Header, sender);
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
            // CX: id^check digit^scheme^assigning authority (HD: namespace&OID&type)^identifier type.
            var authority = new[] { identifiers.Value(i, 4, 1), identifiers.Value(i, 4, 2) };
            if (authority.Any(a => a is not null && NhsAuthorities.Contains(a.Trim())) || identifiers.Value(i, 5) is { } type && NhsIdentifierTypes.Contains(type.Trim()))
            {
                // Written for people as "943 476 5919" or "943-476-5919"; anything else goes to the validator as it came.
                var value = identifiers.Value(i, 1);
                var digits = value?.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
                return digits is { Length: 10 } && digits.All(char.IsAsciiDigit) ? digits : value;
            }
        }

        return null;
    }

    /// <summary>PV1-2 patient class: inpatient and emergency say where; any other class leaves it to the profile.</summary>
    private static string? PlaceOfDeathOf(string? patientClass) => patientClass?.Trim().ToUpperInvariant() switch
    {
        "I" => PlacesOfDeath.HospitalInpatient,
        "E" => PlacesOfDeath.EmergencyDepartment,
        _ => null,
    };

    /// <summary>HL7 table 0001 (M, F, O, A, U, N) or the NHS Data Dictionary sex / person stated gender codes (1, 2, 9, 0, X).</summary>
    private static string? SexOf(string? sex) => sex?.Trim().ToUpperInvariant() switch
    {
        null => null,
        "M" or "1" => "male",
        "F" or "2" => "female",
        "O" or "A" => "other",
        "U" or "N" or "0" or "9" or "X" => "unknown",
        // Passed on as it came, for the validator to refuse as an unknown code.
        _ => sex,
    };

    private static bool? YesNo(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "Y" or "YES" => true,
        "N" or "NO" => false,
        _ => null,
    };

    /// <summary>HL7 DT/TS "YYYYMMDD…" → "yyyy-MM-dd"; anything else is passed on for the validator to refuse.</summary>
    private static string? DateOf(string? value) =>
        value is { Length: >= 8 } && DateOnly.TryParseExact(value[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : value;

    internal static string? DateTimeOf(string? value, TimeZoneInfo localZone) => DateTimeOf(value, localZone, "PID-29");

    /// <summary>
    /// HL7 TS/DTM "YYYYMMDD[HH[MM[SS[.S…]]]][+/-ZZZZ]" → ISO 8601 with an offset. A date alone is read as the start of
    /// that day; without an offset the time is read in <paramref name="localZone"/> (UK time), and a local time that
    /// the clock change makes ambiguous or skips is refused (<c>ambiguous-local-time</c> at <paramref name="field"/>).
    /// Anything unreadable is passed on for the validator to refuse (<c>invalid-format</c>).
    /// </summary>
    internal static string? DateTimeOf(string? value, TimeZoneInfo localZone, string field)
    {
        if (value is null)
        {
            return null;
        }

        value = value.Trim();
        var zoneAt = value.IndexOfAny(['+', '-']);
        var local = zoneAt < 0 ? value : value[..zoneAt];
        var dot = local.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            local = local[..dot];
        }

        if (!DateTime.TryParseExact(local, ["yyyyMMdd", "yyyyMMddHH", "yyyyMMddHHmm", "yyyyMMddHHmmss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var dateTime))
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
                throw new NotificationRejectedException(GatewayErrorCodes.AmbiguousLocalTime, field);
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
        var id = doctor.Value(0, 1)?.Trim();
        var authority = doctor.Value(0, 9, 1) ?? doctor.Value(0, 13);
        string? gmc = null;
        if (string.Equals(authority?.Trim(), "GMC", StringComparison.OrdinalIgnoreCase))
        {
            gmc = id is { Length: 7 } && id.All(char.IsAsciiDigit) ? id : null;
        }
        else if (id is { Length: 8 } && id[0] is 'C' or 'c' && id[1..].All(char.IsAsciiDigit))
        {
            // An NHS consultant code is "C" and the consultant's GMC number.
            gmc = id[1..];
        }

        if (name.Length == 0 && id is null)
        {
            return null;
        }

        return new AttendingPractitioner
        {
            GmcNumber = gmc,
            Name = name.Length == 0 ? null : name,
            AvailableWithinReasonableTime = YesNo(available),
        };
    }

    /// <summary>
    /// The MCCD parts: our own OBX codes first; else OBX coded LOINC 69453-9 (cause of death: parts Ia, Ib, Ic in the
    /// order sent, or as OBX-4 numbers them) and 69441-4 (other significant conditions: part II); else OBX whose text
    /// (OBX-3.2, or OBX-3.1 when uncoded) says "cause of death", with the part named in it (1a/Ia … II) or in order.
    /// </summary>
    private static ProposedCauseOfDeath? CauseOf(Func<string, string?> observed, List<Er7Segment> obx)
    {
        var parts = new Dictionary<string, string>
        {
            [NotificationCodes.CauseIa] = observed(NotificationCodes.CauseIa)!,
            [NotificationCodes.CauseIb] = observed(NotificationCodes.CauseIb)!,
            [NotificationCodes.CauseIc] = observed(NotificationCodes.CauseIc)!,
            [NotificationCodes.CauseIi] = observed(NotificationCodes.CauseIi)!,
        }.Where(p => p.Value is not null).ToDictionary();
        if (parts.Count == 0)
        {
            var partOne = new List<(int Order, string Text)>();
            foreach (var segment in obx)
            {
                if (segment.Value(3, 3) == NotificationCodes.Hl7System || TextOf(segment) is not { } text)
                {
                    continue;
                }

                var code = segment.Value(3, 1)?.Trim();
                var label = segment.Value(3, 2) ?? (segment.Value(3, 3) is null ? code : null) ?? "";
                var order = int.TryParse(segment.Value(4), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 100 + partOne.Count;
                if (code == LoincOtherSignificantConditions || IsCauseLabel(label) && PartNamedIn(label) == NotificationCodes.CauseIi)
                {
                    parts.TryAdd(NotificationCodes.CauseIi, text);
                }
                else if (code == LoincCauseOfDeath || IsCauseLabel(label))
                {
                    if (PartNamedIn(label) is { } part)
                    {
                        parts.TryAdd(part, text);
                    }
                    else
                    {
                        partOne.Add((order, text));
                    }
                }
            }

            var free = new Queue<string>(new[] { NotificationCodes.CauseIa, NotificationCodes.CauseIb, NotificationCodes.CauseIc }.Where(p => !parts.ContainsKey(p)));
            foreach (var (_, text) in partOne.OrderBy(p => p.Order))
            {
                if (free.TryDequeue(out var part))
                {
                    parts[part] = text;
                }
            }
        }

        return parts.Count == 0 ? null : new ProposedCauseOfDeath
        {
            Ia = parts.GetValueOrDefault(NotificationCodes.CauseIa),
            Ib = parts.GetValueOrDefault(NotificationCodes.CauseIb),
            Ic = parts.GetValueOrDefault(NotificationCodes.CauseIc),
            Ii = parts.GetValueOrDefault(NotificationCodes.CauseIi),
        };
    }

    private static bool IsCauseLabel(string label) =>
        label.Contains("cause of death", StringComparison.OrdinalIgnoreCase) || label.StartsWith("COD", StringComparison.OrdinalIgnoreCase);

    /// <summary>The MCCD part a label names at its end ("Cause of death 1a", "COD Part Ib", "… II"), or null.</summary>
    private static string? PartNamedIn(string label)
    {
        var words = label.Replace("(", " ", StringComparison.Ordinal).Replace(")", " ", StringComparison.Ordinal).Split([' ', '_', '-', ':'], StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? null : words[^1].ToUpperInvariant() switch
        {
            "IA" or "1A" => NotificationCodes.CauseIa,
            "IB" or "1B" => NotificationCodes.CauseIb,
            "IC" or "1C" => NotificationCodes.CauseIc,
            "II" or "2" => NotificationCodes.CauseIi,
            _ => null,
        };
    }

    /// <summary>OBX-5 as text: strings joined across repetitions; a coded value (CE/CWE) by its text, else its code.</summary>
    private static string? TextOf(Er7Segment obx)
    {
        var coded = obx.Value(2)?.Trim().ToUpperInvariant() is "CE" or "CWE" or "CNE";
        var values = obx.Field(5).Repetitions
            .Select(r => coded ? (r.Count > 1 && r[1].Count > 0 && r[1][0].Length > 0 ? r[1][0] : r.Count > 0 && r[0].Count > 0 ? r[0][0] : "") : string.Join("", r.Select(c => string.Join("", c))))
            .Where(v => v.Length > 0)
            .ToList();
        return values.Count == 0 ? null : string.Join(" ", values).Trim() is { Length: > 0 } text ? text : null;
    }

    private static Informant? InformantOf(Er7Segment? nk1, string? consent, string? channel, string? defaultLanguage)
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
                phone ??= PhoneOf(telecoms.Value(i, 1) ?? telecoms.Value(i, 12));
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
            Language = LanguageOf(nk1.Value(20)) ?? defaultLanguage,
            PreferredChannel = channel,
            ConsentToContact = YesNo(consent),
        };
    }

    /// <summary>
    /// A UK postcode as the validator reads it, else nothing: an address abroad has no postcode district to route by,
    /// and a notification is not refused for it.
    /// </summary>
    private static string? PostcodeOf(string? value) =>
        value?.Trim().ToUpperInvariant() is { } postcode && UkPostcode().IsMatch(postcode) ? postcode : null;

    /// <summary>A phone number written for people ("(0113) 243-3144") as digits and spaces; one still unreadable is left out, not refused.</summary>
    private static string? PhoneOf(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var phone = new string(value.Where(c => char.IsAsciiDigit(c) || c is ' ' or '+').ToArray()).Trim();
        return phone.Length is >= 6 and <= 20 && phone.IndexOf('+', 1) < 0 ? phone : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")]
    private static partial System.Text.RegularExpressions.Regex UkPostcode();

    /// <summary>NK1-20 (ISO 639 codes or the name): English or Welsh; any other language is not one the service writes in, so not recorded.</summary>
    private static string? LanguageOf(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "EN" or "ENG" or "EN-GB" or "ENGLISH" => Languages.English,
        "CY" or "WEL" or "CYM" or "CY-GB" or "WELSH" => Languages.Welsh,
        _ => null,
    };
}
