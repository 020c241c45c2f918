using MedicalExaminer.Contracts;

namespace MedicalExaminer.Metrics.Tests;

/// <summary>Builds one case's events in order, as casework would publish them (sequence from 1).</summary>
internal sealed class CaseStory
{
    /// <summary>Free text planted in every event that can carry some: no metrics output may ever contain it.</summary>
    public const string FreeText = "SENTINEL-FREE-TEXT";
    public const string DeceasedName = "SENTINELNAME";

    private static readonly EventActor Examiner = new("me.tester", Roles.MedicalExaminer, null);
    private readonly List<CaseEvent> _events = [];

    public CaseStory(string name) => CaseId = DeterministicGuid(name);

    public Guid CaseId { get; }

    public DateTimeOffset DeathAt { get; private set; }

    public IReadOnlyList<CaseEvent> Events => _events;

    public CaseStory Received(
        string? office, DateTimeOffset death, string? urgentReason = null, int? ageYears = 70, bool learningDisabilityOrAutism = false,
        string placeOfDeath = PlacesOfDeath.HospitalInpatient)
    {
        DeathAt = death;
        return Add(new NotificationReceived(
            "test-pas", $"n-{CaseId:N}", "RXX", "RXX01", placeOfDeath, death, ageYears, learningDisabilityOrAutism, urgentReason, office,
            new DeceasedSummary(DeceasedName, DeceasedName),
            new Informant { Name = DeceasedName, Relationship = "spouse", Phone = "07700900000", ConsentToContact = true, PreferredChannel = ContactChannels.Sms, Language = Languages.English }),
            death.AddHours(1), EventActor.Service("intake-worker"));
    }

    public CaseStory TriagedToScrutiny(string? office, bool urgent = false) =>
        Add(new CaseTriaged(Routes.Scrutiny, []), DeathAt.AddHours(1), EventActor.Service("intake-worker"))
            .Add(new CaseRoutedToScrutiny(office, office is null ? Queues.Unrouted : urgent ? Queues.UrgentRelease : Queues.Scrutiny), DeathAt.AddHours(1), EventActor.Service("intake-worker"));

    public CaseStory TriagedToCoroner(string? office, params string[] reasons) =>
        Add(new CaseTriaged(Routes.CoronerReferral, [.. reasons.Select(r => new TriageReason(r, ReasonSources.Text, $"ia: {FreeText}"))]), DeathAt.AddHours(1), EventActor.Service("intake-worker"))
            .Add(new CaseRoutedToCoronerReferralReview(office, office is null ? Queues.Unrouted : Queues.CoronerReferralReview), DeathAt.AddHours(1), EventActor.Service("intake-worker"));

    public CaseStory AssignedTo(string office) => Add(new CaseRoutedToScrutiny(office, Queues.Scrutiny), DeathAt.AddHours(2));

    public CaseStory Claimed(double hoursAfterDeath = 2) => Add(new CaseClaimed("me.tester", Queues.Scrutiny), DeathAt.AddHours(hoursAfterDeath));

    public CaseStory Worked(string bereavedOutcome, double hoursAfterDeath = 3) =>
        Add(new RecordsReviewed(FreeText), DeathAt.AddHours(hoursAfterDeath))
            .Add(new AttendingPractitionerDiscussed($"pneumonia {FreeText}", null, null, null, FreeText), DeathAt.AddHours(hoursAfterDeath))
            .Add(new BereavedDiscussed(bereavedOutcome, false, FreeText), DeathAt.AddHours(hoursAfterDeath));

    public CaseStory Concern(string kind, double hoursAfterDeath = 4) => Add(new ConcernRaised(kind, FreeText), DeathAt.AddHours(hoursAfterDeath));

    public CaseStory UrgentDecided(double hoursAfterRequest, int targetHours = 24)
    {
        var requested = DeathAt.AddHours(1);
        return Add(new UrgentReleaseDecided("approved", requested, targetHours, FreeText), requested.AddHours(hoursAfterRequest));
    }

    public CaseStory Mccd(double hoursAfterDeath) =>
        Add(new MccdIssued($"pneumonia {FreeText}", null, null, null, DeathAt), DeathAt.AddHours(hoursAfterDeath));

    public CaseStory Reopened(double hoursAfterDeath) => Add(new CaseReopened(FreeText), DeathAt.AddHours(hoursAfterDeath)).Claimed(hoursAfterDeath);

    public CaseStory ReferralConfirmed(params string[] codes) => Add(new CoronerReferralConfirmed(codes, FreeText), DeathAt.AddHours(5));

    public CaseStory ReferralOverridden() => Add(new CoronerReferralOverridden(FreeText, Queues.Scrutiny), DeathAt.AddHours(5));

    public CaseStory CoronerAccepted() => Add(new CoronerAccepted(FreeText), DeathAt.AddHours(24));

    public CaseStory CoronerDeclined() => Add(new CoronerDeclined(FreeText, Queues.ReturnedFromCoroner), DeathAt.AddHours(24));

    private CaseStory Add(CaseEventBody body, DateTimeOffset at, EventActor? actor = null)
    {
        var sequence = _events.Count + 1;
        _events.Add(new CaseEvent
        {
            EventId = DeterministicGuid($"{CaseId}:{sequence}"),
            CaseId = CaseId,
            Sequence = sequence,
            OccurredAt = at,
            Actor = actor ?? Examiner,
            Body = body,
        });
        return this;
    }

    /// <summary>Stable ids, so two runs of a test build byte-identical streams.</summary>
    private static Guid DeterministicGuid(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        return new Guid(hash.AsSpan(0, 16));
    }
}
