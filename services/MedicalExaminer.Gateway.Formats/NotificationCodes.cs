namespace MedicalExaminer.Gateway.Formats;

/// <summary>
/// The gateway's code system for the notification items FHIR and HL7 v2 have no element for (MCCD parts,
/// suspected circumstances, urgent release, AP availability, consent): one set of codes for both formats,
/// used as FHIR <c>Observation.code</c> / <c>Condition.category</c> and as HL7 <c>OBX-3</c>.
/// </summary>
public static class NotificationCodes
{
    public const string FhirBase = "https://medical-examiner.nhs.example/fhir";
    public const string System = FhirBase + "/CodeSystem/death-notification";
    public const string PlaceOfDeathSystem = FhirBase + "/CodeSystem/place-of-death";
    public const string ExtensionBase = FhirBase + "/StructureDefinition/";

    /// <summary>HL7 v2 coding-system name of <see cref="System"/> in OBX-3.3.</summary>
    public const string Hl7System = "MEDN";

    public const string CauseIa = "ia";
    public const string CauseIb = "ib";
    public const string CauseIc = "ic";
    public const string CauseIi = "ii";
    public const string Circumstance = "circumstance";
    public const string UrgentRelease = "urgent-release";
    public const string PractitionerAvailable = "ap-available";
    /// <summary>Identity established, stated outright: for a person without a verified NHS number (e.g. a visitor from abroad).</summary>
    public const string IdentityConfirmed = "identity-confirmed";
    public const string LearningDisabilityOrAutism = "learning-disability-or-autism";
    public const string PlaceOfDeath = "place-of-death";
    public const string InformantConsent = "informant-consent";
    public const string InformantChannel = "informant-channel";

    public static readonly IReadOnlyList<string> CauseParts = [CauseIa, CauseIb, CauseIc, CauseIi];
}
