namespace MedicalExaminer.Contracts;

/// <summary>Allowed values of the notification's coded fields (DOMAIN.md §2).</summary>
public static class PlacesOfDeath
{
    public const string HospitalInpatient = "hospital-inpatient";
    public const string EmergencyDepartment = "emergency-department";
    public const string Hospice = "hospice";
    public const string CareHome = "care-home";
    public const string Home = "home";
    public const string Prison = "prison";
    public const string PoliceCustody = "police-custody";
    public const string ImmigrationDetention = "immigration-detention";
    public const string MentalHealthDetention = "mental-health-detention";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All =
    [
        HospitalInpatient, EmergencyDepartment, Hospice, CareHome, Home,
        Prison, PoliceCustody, ImmigrationDetention, MentalHealthDetention, Other,
    ];

    /// <summary>Places that mean the person died in custody or otherwise in state detention.</summary>
    public static readonly IReadOnlyList<string> StateDetention =
        [Prison, PoliceCustody, ImmigrationDetention, MentalHealthDetention];
}

/// <summary>The statutory coroner-notification reason codes (DOMAIN.md §3).</summary>
public static class ReasonCodes
{
    public const string Poisoning = "poisoning";
    public const string ToxicExposure = "toxic-exposure";
    public const string MedicinalDrugOrPsychoactive = "medicinal-drug-or-psychoactive";
    public const string Violence = "violence";
    public const string TraumaOrInjury = "trauma-or-injury";
    public const string SelfHarm = "self-harm";
    public const string Neglect = "neglect";
    public const string TreatmentOrProcedure = "treatment-or-procedure";
    public const string Occupational = "occupational";
    public const string UnnaturalOther = "unnatural-other";
    public const string CauseUnknown = "cause-unknown";
    public const string StateDetention = "state-detention";
    public const string NoAttendingPractitioner = "no-attending-practitioner";
    public const string IdentityUnknown = "identity-unknown";

    public static readonly IReadOnlyList<string> All =
    [
        Poisoning, ToxicExposure, MedicinalDrugOrPsychoactive, Violence, TraumaOrInjury, SelfHarm,
        Neglect, TreatmentOrProcedure, Occupational, UnnaturalOther, CauseUnknown, StateDetention,
        NoAttendingPractitioner, IdentityUnknown,
    ];
}

public static class UrgentReleaseReasons
{
    public static readonly IReadOnlyList<string> All = ["faith", "organ-donation", "repatriation", "other"];
}

public static class ContactChannels
{
    public const string Sms = "sms";
    public const string Email = "email";
    public const string Letter = "letter";
    public static readonly IReadOnlyList<string> All = [Sms, Email, Letter];
}

public static class Languages
{
    public const string English = "en";
    public const string Welsh = "cy";
    public static readonly IReadOnlyList<string> All = [English, Welsh];
}

public static class Sexes
{
    public static readonly IReadOnlyList<string> All = ["male", "female", "other", "unknown"];
}

/// <summary>Routes of a triage decision.</summary>
public static class Routes
{
    public const string CoronerReferral = "coroner-referral";
    public const string Scrutiny = "scrutiny";
}

/// <summary>Where a triage reason was found.</summary>
public static class ReasonSources
{
    public const string Circumstance = "circumstance";
    public const string Field = "field";
    public const string Text = "text";
}

/// <summary>Queues of an ME office (DOMAIN.md §4), plus the admin's unrouted queue.</summary>
public static class Queues
{
    public const string UrgentRelease = "urgent-release";
    public const string CoronerReferralReview = "coroner-referral-review";
    public const string Scrutiny = "scrutiny";
    public const string AwaitingCoroner = "awaiting-coroner";
    public const string ReturnedFromCoroner = "returned-from-coroner";
    public const string Unrouted = "unrouted";
}

/// <summary>Case states (DOMAIN.md §5).</summary>
public static class CaseStates
{
    public const string Received = "Received";
    public const string CoronerReferralReview = "CoronerReferralReview";
    public const string AwaitingScrutiny = "AwaitingScrutiny";
    public const string InScrutiny = "InScrutiny";
    public const string ReferredToCoroner = "ReferredToCoroner";
    public const string CoronerInvestigating = "CoronerInvestigating";
    public const string ScrutinyComplete = "ScrutinyComplete";
}
