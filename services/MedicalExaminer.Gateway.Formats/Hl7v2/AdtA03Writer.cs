using System.Globalization;
using System.Text;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Gateway.Formats.Hl7v2;

/// <summary>
/// Writes a notification as the ADT^A03 that <see cref="AdtA03Mapper"/> reads back to the same notification:
/// for load generation (<c>me publish --via-gateway --format hl7</c>), examples and tests.
/// </summary>
public static class AdtA03Writer
{
    public static string Write(DeathNotification n, string? apiKey = null, DateTimeOffset? sentAt = null)
    {
        var d = Er7Delimiters.Standard;
        string E(string? value) => Er7Parser.Escape(value, d);
        var segments = new List<string>
        {
            Segment("MSH", d.EncodingCharacters, E(n.SourceSystem), E(n.PublisherOdsCode), "ME-GATEWAY", "ME", Ts(sentAt ?? DateTimeOffset.UtcNow),
                E(apiKey), "ADT^A03^ADT_A03", E(n.NotificationId), "P", "2.5.1", "", "", "", "", "", "UNICODE UTF-8"),
            Segment("EVN", "A03", Ts(sentAt ?? DateTimeOffset.UtcNow)),
        };

        var p = n.Deceased;
        var sex = p?.Sex switch { "male" => "M", "female" => "F", "other" => "O", "unknown" => "U", var s => E(s) };
        var dob = p?.DateOfBirth is { } dateOfBirth && DateOnly.TryParseExact(dateOfBirth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
            : E(p?.DateOfBirth);
        var death = n.DateTimeOfDeath is { } dt && DateTimeOffset.TryParse(dt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dod) ? Ts(dod) : E(n.DateTimeOfDeath);
        var pid = new string[33];
        Array.Fill(pid, "");
        pid[1] = "1";
        pid[3] = p?.NhsNumber is { } nhs ? $"{E(nhs)}^^^NHS^NH" : "";
        pid[5] = p is null ? "" : $"{E(p.FamilyName)}^{E(p.GivenName)}";
        pid[7] = dob;
        pid[8] = sex;
        pid[11] = p?.Postcode is { } postcode ? $"^^^^{E(postcode)}" : "";
        pid[29] = death;
        pid[30] = "Y";
        pid[32] = p?.IdentityConfirmed == true ? AdtA03Mapper.NhsNumberVerified : "";
        segments.Add(Segment("PID", pid[1..]));

        var pv1 = new string[37];
        Array.Fill(pv1, "");
        pv1[1] = "1";
        pv1[2] = "I";
        pv1[3] = $"^^^{E(n.SiteOdsCode)}";
        if (n.AttendingPractitioner is { } ap)
        {
            pv1[7] = $"{E(ap.GmcNumber)}^{E(ap.Name)}^^^^^^^{(ap.GmcNumber is null ? "" : "GMC")}";
        }

        pv1[36] = AdtA03Mapper.DispositionExpired;
        segments.Add(Segment("PV1", pv1[1..]));

        if (n.Informant is { } i)
        {
            var nk1 = new string[21];
            Array.Fill(nk1, "");
            nk1[1] = "1";
            nk1[2] = E(i.Name);
            nk1[3] = i.Relationship is null ? "" : $"^{E(i.Relationship)}";
            nk1[4] = E(i.Address);
            var telecoms = new List<string>();
            if (i.Phone is not null)
            {
                telecoms.Add(E(i.Phone));
            }

            if (i.Email is not null)
            {
                telecoms.Add($"^NET^Internet^{E(i.Email)}");
            }

            nk1[5] = string.Join(d.Repetition, telecoms);
            nk1[20] = E(i.Language);
            segments.Add(Segment("NK1", nk1[1..]));
        }

        var obx = 0;
        void Observation(string code, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                segments.Add(Segment("OBX", (++obx).ToString(CultureInfo.InvariantCulture), "ST", $"{code}^^{NotificationCodes.Hl7System}", "", E(value), "", "", "", "", "", "F"));
            }
        }

        Observation(NotificationCodes.PlaceOfDeath, n.PlaceOfDeath);
        Observation(NotificationCodes.CauseIa, n.ProposedCauseOfDeath?.Ia);
        Observation(NotificationCodes.CauseIb, n.ProposedCauseOfDeath?.Ib);
        Observation(NotificationCodes.CauseIc, n.ProposedCauseOfDeath?.Ic);
        Observation(NotificationCodes.CauseIi, n.ProposedCauseOfDeath?.Ii);
        foreach (var circumstance in n.Circumstances ?? [])
        {
            Observation(NotificationCodes.Circumstance, circumstance);
        }

        Observation(NotificationCodes.UrgentRelease, n.UrgentRelease?.Reason);
        Observation(NotificationCodes.PractitionerAvailable, YesNo(n.AttendingPractitioner?.AvailableWithinReasonableTime));
        if (p?.IdentityConfirmed == true && p.NhsNumber is null)
        {
            Observation(NotificationCodes.IdentityConfirmed, "Y");
        }

        Observation(NotificationCodes.LearningDisabilityOrAutism, YesNo(p?.LearningDisabilityOrAutism));
        Observation(NotificationCodes.InformantConsent, YesNo(n.Informant?.ConsentToContact));
        Observation(NotificationCodes.InformantChannel, n.Informant?.PreferredChannel);
        return string.Join('\r', segments) + "\r";
    }

    private static string? YesNo(bool? value) => value switch { true => "Y", false => "N", null => null };

    private static string Ts(DateTimeOffset value) =>
        value.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)
        + (value.Offset < TimeSpan.Zero ? "-" : "+")
        + value.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);

    private static string Segment(string id, params string[] fields)
    {
        var builder = new StringBuilder(id);
        var last = fields.Length;
        while (last > 0 && fields[last - 1].Length == 0)
        {
            last--;
        }

        foreach (var field in fields.AsSpan(0, last))
        {
            builder.Append('|').Append(field);
        }

        return builder.ToString();
    }
}
