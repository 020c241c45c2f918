using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using MedicalExaminer.Contracts;
using MedicalExaminer.Domain;

namespace MedicalExaminer.Gateway.Formats.Fhir;

/// <summary>
/// Reads a FHIR R4 Bundle (JSON) with the Firely SDK — whose strict deserializer also validates the
/// structure: types, cardinalities, codes of required bindings — and maps the resources the README's
/// profile names onto the notification contract. Field rules are left to the domain validator so the
/// gateway refuses exactly what the intake worker would. Throws only <see cref="NotificationRejectedException"/>.
/// </summary>
public static class FhirNotificationMapper
{
    public const string NhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";
    public const string OdsOrganizationSystem = "https://fhir.nhs.uk/Id/ods-organization-code";
    public const string OdsSiteSystem = "https://fhir.nhs.uk/Id/ods-site-code";
    public const string GmcNumberSystem = "https://fhir.hl7.org.uk/Id/gmc-number";
    public const string NhsNumberVerificationExtension = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
    /// <summary>UK Core's CodeSystem for the verification status (England): code <see cref="NhsNumberVerifiedCode"/> is "Number present and verified".</summary>
    public const string NhsNumberVerificationSystem = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";

    /// <summary>"Number present and verified" in UK Core (R4), CareConnect (STU3) and PDS alike.</summary>
    public const string NhsNumberVerifiedCode = "01";

    /// <summary>The CareConnect STU3 form of the extension, still sent by systems built on CareConnect profiles.</summary>
    public const string CareConnectNhsNumberVerificationExtension = "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-NHSNumberVerificationStatus-1";

    /// <summary>The display text used as a code by the gateway's first FHIR profile; still accepted from existing senders.</summary>
    public const string LegacyNhsNumberVerifiedCode = "number-present-and-verified";
    public const string AvailableWithinReasonableTimeExtension = NotificationCodes.ExtensionBase + "available-within-reasonable-time";
    public const string IdentityConfirmedExtension = NotificationCodes.ExtensionBase + "identity-confirmed";
    public const string ConsentToContactExtension = NotificationCodes.ExtensionBase + "consent-to-contact";
    public const string PreferredChannelExtension = NotificationCodes.ExtensionBase + "preferred-contact-channel";

    private static readonly FhirJsonDeserializer Deserializer = FhirJsonDeserializer.STRICT;

    /// <summary>LOINC 81956-5, date and time of death: the Observation that gives the time when the Patient says only deceasedBoolean.</summary>
    public const string LoincDateTimeOfDeath = "81956-5";

    public const string LoincSystem = "http://loinc.org";

    /// <param name="publisherOdsCode">The authenticated publisher's ODS code: the publisher and site when the resources name none.</param>
    /// <param name="publisherId">The authenticated publisher's id: the source system when <c>meta.source</c> is absent.</param>
    public static DeathNotification Map(ReadOnlySpan<byte> utf8Json, string? publisherOdsCode = null, string? publisherId = null)
    {
        if (utf8Json.Length > DeathNotificationParser.MaxMessageBytes)
        {
            throw new NotificationRejectedException(ValidationErrorCodes.Oversize, "$");
        }

        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            throw new NotificationRejectedException(GatewayErrorCodes.BadEncoding, "$");
        }

        CheckPropertyNames(utf8Json);
        var resource = Deserialize(utf8Json);
        return resource switch
        {
            Bundle bundle => Map(bundle, publisherOdsCode, publisherId),
            // A plain (UK Core) Patient with deceasedDateTime: a notification of its own, identified by the Patient's id.
            Patient patient => Map(new Bundle { Type = Bundle.BundleType.Collection, Id = patient.Id, Meta = patient.Meta, Entry = [new Bundle.EntryComponent { Resource = patient }] }, publisherOdsCode, publisherId),
            _ => throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedResource, "resourceType"),
        };
    }

    /// <summary>
    /// Refuses before the SDK sees them what Firely 6.8's deserializer does not refuse but throws on, which
    /// would otherwise be a 500: an empty property name (IndexOutOfRangeException, found by the property tests),
    /// a root that is not an object (InvalidOperationException on <c>[]</c>, found by the malformed-input corpus)
    /// and an escaped lone surrogate (InvalidOperationException, found by the malformed-input fuzzing).
    /// </summary>
    private static void CheckPropertyNames(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 32 });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.EndObject))
                {
                    throw new NotificationRejectedException(GatewayErrorCodes.MalformedFhir, "$");
                }

                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueSpan.Length == 0)
                {
                    throw new NotificationRejectedException(GatewayErrorCodes.InvalidFhir, "$");
                }

                if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String && reader.ValueIsEscaped)
                {
                    // Decoding throws on an escaped lone surrogate, which no string can hold.
                    _ = reader.GetString();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.MalformedFhir, "$");
        }
    }

    private static Resource Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        Resource? resource;
        IEnumerable<CodedException> issues;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 32 });
            if (!Deserializer.TryDeserializeResource(ref reader, out resource, out issues))
            {
                // The first issue's element path (never its message, which can quote the value).
                var first = issues.FirstOrDefault();
                var path = (first as ExtendedCodedException)?.InstancePath;
                if (!string.IsNullOrEmpty(path) && path is not ("Bundle" or "Patient") && !path.StartsWith("Bundle.", StringComparison.Ordinal) && !path.StartsWith("Patient.", StringComparison.Ordinal))
                {
                    // The path starts with the sender's resourceType, a value: one other than Bundle is not ours
                    // (found by the malformed-input corpus, which saw a misspelt type quoted back).
                    throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedResource, "resourceType");
                }

                var code = first?.ErrorCode is { } c && c.StartsWith("JSON1", StringComparison.Ordinal) ? GatewayErrorCodes.MalformedFhir : GatewayErrorCodes.InvalidFhir;
                throw new NotificationRejectedException(code, string.IsNullOrEmpty(path) ? "$" : path);
            }
        }
        catch (JsonException)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.MalformedFhir, "$");
        }
        catch (DeserializationFailedException)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.InvalidFhir, "$");
        }
        catch (InvalidOperationException)
        {
            // Firely 6.8 throws this, instead of reporting an issue, on some JSON that is not FHIR: a list that mixes
            // values and objects under an element it does not know (found by the malformed-input fuzzing).
            throw new NotificationRejectedException(GatewayErrorCodes.MalformedFhir, "$");
        }

        return resource is Bundle or Patient ? resource : throw new NotificationRejectedException(GatewayErrorCodes.UnsupportedResource, "resourceType");
    }

    /// <summary>
    /// A Bundle of type message (MessageHeader first), transaction, collection or document (a Composition with its
    /// sections): the resources are read the same way whichever carries them. Absence of one of our private extensions
    /// is never a refusal: an unknown AP availability stays unknown (DOMAIN §3) and an unknown place of death is <c>other</c>.
    /// </summary>
    public static DeathNotification Map(Bundle bundle, string? publisherOdsCode = null, string? publisherId = null)
    {
        if (bundle.Type is not (Bundle.BundleType.Collection or Bundle.BundleType.Message or Bundle.BundleType.Transaction or Bundle.BundleType.Document))
        {
            throw new NotificationRejectedException(GatewayErrorCodes.InvalidFhir, "Bundle.type");
        }

        var resources = bundle.Entry.Where(e => e.Resource is not null).Select(e => (e.FullUrl, Resource: e.Resource!)).ToList();
        var patients = resources.Select(e => e.Resource).OfType<Patient>().ToList();
        if (patients.Count != 1)
        {
            throw new NotificationRejectedException(GatewayErrorCodes.MissingResource, "Bundle.entry.resource(Patient)");
        }

        var patient = patients[0];
        var encounter = resources.Select(e => e.Resource).OfType<Encounter>().FirstOrDefault();
        var location = Resolve<Location>(resources, encounter?.Location.FirstOrDefault()?.Location) ?? resources.Select(e => e.Resource).OfType<Location>().FirstOrDefault();
        var publisher = OdsOf(encounter?.ServiceProvider, resources) ?? publisherOdsCode;
        var observations = resources.Select(e => e.Resource).OfType<Observation>().ToList();
        var conditions = resources.Select(e => e.Resource).OfType<Condition>().ToList();

        DataType? Observed(string code) => observations.LastOrDefault(o => HasCode(o.Code, NotificationCodes.System, code))?.Value;

        var nhsIdentifier = patient.Identifier.FirstOrDefault(i => i.System == NhsNumberSystem);
        return new DeathNotification
        {
            SchemaVersion = 1,
            SourceSystem = bundle.Meta?.Source ?? patient.Meta?.Source ?? publisherId,
            // The message's own id: Bundle.identifier, else the Bundle's logical id. A resend carries the same.
            NotificationId = bundle.Identifier?.Value ?? bundle.Id ?? patient.Id ?? StableIdOf(nhsIdentifier),
            PublisherOdsCode = publisher,
            SiteOdsCode = location?.Identifier.FirstOrDefault(i => i.System is OdsSiteSystem or OdsOrganizationSystem)?.Value ?? publisher,
            PlaceOfDeath = location?.Type.SelectMany(t => t.Coding).FirstOrDefault(c => c.System == NotificationCodes.PlaceOfDeathSystem)?.Code
                ?? PlaceOfDeathOf(encounter) ?? PlacesOfDeath.Other,
            Deceased = new Deceased
            {
                NhsNumber = nhsIdentifier?.Value,
                // Stated outright by an extension, else implied by a verified NHS number.
                IdentityConfirmed = (patient.GetExtension(IdentityConfirmedExtension)?.Value as FhirBoolean)?.Value
                    ?? (nhsIdentifier is not null && IsVerified(nhsIdentifier)),
                GivenName = patient.Name.FirstOrDefault()?.Given.FirstOrDefault(),
                FamilyName = patient.Name.FirstOrDefault()?.Family,
                DateOfBirth = patient.BirthDate,
                Sex = patient.Gender is { } gender ? gender.GetLiteral() : null,
                Postcode = patient.Address.FirstOrDefault()?.PostalCode,
                LearningDisabilityOrAutism = (Observed(NotificationCodes.LearningDisabilityOrAutism) as FhirBoolean)?.Value,
            },
            DateTimeOfDeath = (patient.Deceased as FhirDateTime)?.Value ?? TimeOfDeathOf(observations),
            AttendingPractitioner = PractitionerOf(resources.Select(e => e.Resource).OfType<Practitioner>().FirstOrDefault()),
            ProposedCauseOfDeath = CauseOf(conditions, observations),
            Circumstances = observations.Where(o => HasCode(o.Code, NotificationCodes.System, NotificationCodes.Circumstance))
                .Select(o => CodeOf(o.Value)).OfType<string>().ToList() is { Count: > 0 } circumstances ? circumstances : null,
            UrgentRelease = CodeOf(Observed(NotificationCodes.UrgentRelease)) is { } reason ? new UrgentRelease { Reason = reason } : null,
            Informant = InformantOf(resources.Select(e => e.Resource).OfType<RelatedPerson>().FirstOrDefault()),
        };
    }

    /// <summary>
    /// Whether an NHS number identifier carries the verification status "number present and verified" (DOMAIN §3:
    /// it establishes identity): UK Core's or CareConnect's extension, coded <c>01</c> in either CodeSystem
    /// (<c>UKCore-NHSNumberVerificationStatus</c>, <c>…StatusEngland</c>, <c>CareConnect-NHSNumberVerificationStatus-1</c>).
    /// </summary>
    internal static bool IsVerified(Identifier identifier) => identifier.Extension
        .Where(e => e.Url is NhsNumberVerificationExtension or CareConnectNhsNumberVerificationExtension)
        .Select(e => e.Value)
        .Any(value => value switch
        {
            CodeableConcept concept => concept.Coding.Any(c => c.Code is NhsNumberVerifiedCode or LegacyNhsNumberVerifiedCode),
            Coding coding => coding.Code is NhsNumberVerifiedCode or LegacyNhsNumberVerifiedCode,
            Code code => code.Value is NhsNumberVerifiedCode or LegacyNhsNumberVerifiedCode,
            _ => false,
        });

    /// <summary>Encounter.class (v3 ActCode): inpatient or emergency; anything else leaves the place unknown.</summary>
    private static string? PlaceOfDeathOf(Encounter? encounter) => encounter?.Class?.Code switch
    {
        "IMP" or "ACUTE" or "NONAC" => PlacesOfDeath.HospitalInpatient,
        "EMER" => PlacesOfDeath.EmergencyDepartment,
        _ => null,
    };

    /// <summary>The time of death an Observation coded LOINC 81956-5 gives (its value, else its effective time).</summary>
    private static string? TimeOfDeathOf(List<Observation> observations)
    {
        var observation = observations.LastOrDefault(o => o.Code?.Coding.Any(c => c.Code == LoincDateTimeOfDeath && (c.System is null or LoincSystem)) == true);
        return (observation?.Value as FhirDateTime)?.Value ?? (observation?.Effective as FhirDateTime)?.Value;
    }

    /// <summary>
    /// An id for a Patient sent without one: derived from its NHS number, so a resend names the same notification,
    /// but hashed, because the notification id travels in Kafka keys and logs where an NHS number must never be.
    /// </summary>
    private static string? StableIdOf(Identifier? nhsNumber) => nhsNumber?.Value is { } value
        ? "patient-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(NhsNumberSystem + "|" + value)))[..32]
        : null;

    private static bool HasCode(CodeableConcept? concept, string system, string code) =>
        concept?.Coding.Any(c => c.System == system && c.Code == code) == true;

    private static string? CodeOf(DataType? value) => value switch
    {
        CodeableConcept concept => concept.Coding.FirstOrDefault()?.Code ?? concept.Text,
        Code code => code.Value,
        FhirString text => text.Value,
        _ => null,
    };

    private static string? TextOf(DataType? value) => value switch
    {
        FhirString text => text.Value,
        CodeableConcept concept => concept.Text ?? concept.Coding.FirstOrDefault()?.Display,
        _ => null,
    };

    private static T? Resolve<T>(List<(string? FullUrl, Resource Resource)> resources, ResourceReference? reference)
        where T : Resource
    {
        if (reference?.Reference is not { } target)
        {
            return null;
        }

        return resources.FirstOrDefault(r => r.Resource is T && (r.FullUrl == target || $"{r.Resource.TypeName}/{r.Resource.Id}" == target)).Resource as T;
    }

    /// <summary>An organisation's ODS code: the reference's logical identifier, or the referenced Organization's identifier.</summary>
    private static string? OdsOf(ResourceReference? reference, List<(string? FullUrl, Resource Resource)> resources) =>
        reference?.Identifier is { System: OdsOrganizationSystem } identifier
            ? identifier.Value
            : Resolve<Organization>(resources, reference)?.Identifier.FirstOrDefault(i => i.System == OdsOrganizationSystem)?.Value;

    private static AttendingPractitioner? PractitionerOf(Practitioner? practitioner)
    {
        if (practitioner is null)
        {
            return null;
        }

        var name = practitioner.Name.FirstOrDefault();
        var text = name?.Text ?? (name is null ? null : string.Join(" ", name.Prefix.Concat(name.Given).Append(name.Family).Where(p => !string.IsNullOrEmpty(p))));
        return new AttendingPractitioner
        {
            GmcNumber = practitioner.Identifier.FirstOrDefault(i => i.System == GmcNumberSystem)?.Value,
            Name = string.IsNullOrEmpty(text) ? null : text,
            AvailableWithinReasonableTime = (practitioner.GetExtension(AvailableWithinReasonableTimeExtension)?.Value as FhirBoolean)?.Value,
        };
    }

    private static ProposedCauseOfDeath? CauseOf(List<Condition> conditions, List<Observation> observations)
    {
        // Condition: category = the MCCD part, code.text = the words. Observation: code = the MCCD part, value = the words.
        string? Part(string part) =>
            conditions.Where(c => c.Category.Any(cat => HasCode(cat, NotificationCodes.System, part))).Select(c => TextOf(c.Code)).LastOrDefault(t => t is not null)
            ?? observations.Where(o => HasCode(o.Code, NotificationCodes.System, part)).Select(o => TextOf(o.Value)).LastOrDefault(t => t is not null);

        var (ia, ib, ic, ii) = (Part(NotificationCodes.CauseIa), Part(NotificationCodes.CauseIb), Part(NotificationCodes.CauseIc), Part(NotificationCodes.CauseIi));
        return ia is null && ib is null && ic is null && ii is null ? null : new ProposedCauseOfDeath { Ia = ia, Ib = ib, Ic = ic, Ii = ii };
    }

    private static Informant? InformantOf(RelatedPerson? person)
    {
        if (person is null)
        {
            return null;
        }

        var name = person.Name.FirstOrDefault();
        var nameText = name?.Text ?? (name is null ? null : string.Join(" ", name.Given.Append(name.Family).Where(p => !string.IsNullOrEmpty(p))));
        var relationship = person.Relationship.FirstOrDefault();
        var address = person.Address.FirstOrDefault();
        var addressText = address?.Text ?? (address is null ? null : string.Join(", ", address.Line.Append(address.City).Append(address.PostalCode).Where(p => !string.IsNullOrEmpty(p))));
        var language = (person.Communication.FirstOrDefault(c => c.Preferred == true) ?? person.Communication.FirstOrDefault())?.Language?.Coding.FirstOrDefault()?.Code;
        return new Informant
        {
            Name = string.IsNullOrEmpty(nameText) ? null : nameText,
            Relationship = relationship?.Text ?? relationship?.Coding.FirstOrDefault()?.Display ?? relationship?.Coding.FirstOrDefault()?.Code,
            Phone = person.Telecom.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Phone)?.Value,
            Email = person.Telecom.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Email)?.Value,
            Address = string.IsNullOrEmpty(addressText) ? null : addressText,
            // "en-GB" → "en": the service speaks languages, not regional variants.
            Language = language?.Split('-')[0],
            PreferredChannel = CodeOf(person.GetExtension(PreferredChannelExtension)?.Value),
            ConsentToContact = (person.GetExtension(ConsentToContactExtension)?.Value as FhirBoolean)?.Value,
        };
    }
}
