using MedicalExaminer.Contracts;

namespace MedicalExaminer.Domain;

/// <summary>
/// The statutory triage (DOMAIN §3): a pure function of the notification. It recommends; an ME
/// confirms. Every reason carries its evidence — a circumstance code, a field name, or a
/// cause-of-death part with the matched term — and never anything about the person.
/// </summary>
public static class TriageEngine
{
    private static readonly Lazy<TextScreener> Screener = new(() => new TextScreener(ScreeningTerms.Default));
    private static readonly string[] SourceOrder = [ReasonSources.Circumstance, ReasonSources.Field, ReasonSources.Text];

    public static TriageDecision Decide(AcceptedNotification accepted)
    {
        var n = accepted.Notification;
        // A set dedupes per (code, source, evidence): a code given as a circumstance and also found
        // in the text is two pieces of evidence, the same term in two parts is two, the same twice is one.
        var reasons = new HashSet<TriageReason>();
        void Add(string code, string source, string evidence) => reasons.Add(new TriageReason(code, source, evidence));

        foreach (var circumstance in n.Circumstances ?? [])
        {
            Add(circumstance, ReasonSources.Circumstance, circumstance);
        }

        if (n.PlaceOfDeath is { } place && PlacesOfDeath.StateDetention.Contains(place))
        {
            Add(ReasonCodes.StateDetention, ReasonSources.Field, "placeOfDeath");
        }

        if (n.AttendingPractitioner is null or { AvailableWithinReasonableTime: false })
        {
            Add(ReasonCodes.NoAttendingPractitioner, ReasonSources.Field, "attendingPractitioner");
        }

        if (n.Deceased?.IdentityConfirmed == false)
        {
            Add(ReasonCodes.IdentityUnknown, ReasonSources.Field, "deceased.identityConfirmed");
        }

        var cause = n.ProposedCauseOfDeath;
        if (string.IsNullOrWhiteSpace(cause?.Ia))
        {
            Add(ReasonCodes.CauseUnknown, ReasonSources.Field, "proposedCauseOfDeath.ia");
        }

        foreach (var (part, text) in Parts(cause))
        {
            foreach (var (code, term) in Screener.Value.Screen(text))
            {
                Add(code, ReasonSources.Text, $"{part}: {term}");
            }
        }

        // "Old age" in Ia is a natural cause only from 80; younger, or with no date of birth to
        // prove the age, the AP has not established a cause.
        if (cause?.Ia is { } ia && Screener.Value.OldAgeTerm(ia) is { } oldAge
            && (accepted.AgeAtDeathYears is not { } age || age < ScreeningTerms.Default.OldAge.NaturalFromAge))
        {
            Add(ReasonCodes.CauseUnknown, ReasonSources.Text, $"ia: {oldAge}");
        }

        // Canonical order (statutory code order, then source, then evidence) so the decision does not
        // depend on the order in which a publisher listed its circumstances.
        var ordered = reasons
            .OrderBy(r => IndexOf(ReasonCodes.All, r.Code))
            .ThenBy(r => IndexOf(SourceOrder, r.Source))
            .ThenBy(r => r.Evidence, StringComparer.Ordinal)
            .ToList();
        return new TriageDecision(ordered.Count > 0 ? Routes.CoronerReferral : Routes.Scrutiny, ordered);
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return list.Count;
    }

    private static IEnumerable<(string Part, string Text)> Parts(ProposedCauseOfDeath? cause)
    {
        if (cause is null)
        {
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(cause.Ia))
        {
            yield return ("ia", cause.Ia);
        }

        if (!string.IsNullOrWhiteSpace(cause.Ib))
        {
            yield return ("ib", cause.Ib);
        }

        if (!string.IsNullOrWhiteSpace(cause.Ic))
        {
            yield return ("ic", cause.Ic);
        }

        if (!string.IsNullOrWhiteSpace(cause.Ii))
        {
            yield return ("ii", cause.Ii);
        }
    }
}
