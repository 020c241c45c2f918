using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MedicalExaminer.Contracts;

namespace MedicalExaminer.Gateway.Formats.Fhir;

/// <summary>
/// Writes a notification as the FHIR Bundle that <see cref="FhirNotificationMapper"/> reads back to the same
/// notification: the README's example, load generation (<c>me publish --via-gateway --format fhir</c>) and tests.
/// </summary>
public static class FhirNotificationWriter
{
    public static Bundle ToBundle(DeathNotification n)
    {
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = Bundle.BundleType.Collection,
            Meta = new Meta { Source = n.SourceSystem },
            Identifier = new Identifier(NotificationCodes.FhirBase + "/Id/notification-id", n.NotificationId),
        };

        void Add(Resource resource, string id)
        {
            resource.Id = id;
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{id}", Resource = resource });
        }

        string NewId() => Guid.NewGuid().ToString();

        var d = n.Deceased;
        var patient = new Patient
        {
            BirthDate = d?.DateOfBirth,
            Deceased = n.DateTimeOfDeath is null ? null : new FhirDateTime { Value = n.DateTimeOfDeath },
            Gender = d?.Sex is { } sex ? Hl7.Fhir.Utility.EnumUtility.ParseLiteral<AdministrativeGender>(sex) : null,
        };
        if (d?.NhsNumber is { } nhs)
        {
            var identifier = new Identifier(FhirNotificationMapper.NhsNumberSystem, nhs);
            if (d.IdentityConfirmed == true)
            {
                identifier.Extension.Add(new Extension(FhirNotificationMapper.NhsNumberVerificationExtension,
                    new CodeableConcept(FhirNotificationMapper.NhsNumberVerificationSystem, FhirNotificationMapper.NhsNumberVerifiedCode, "Number present and verified")));
            }

            patient.Identifier.Add(identifier);
        }

        if (d?.IdentityConfirmed == true && d.NhsNumber is null)
        {
            patient.SetExtension(FhirNotificationMapper.IdentityConfirmedExtension, new FhirBoolean(true));
        }

        if (d?.GivenName is not null || d?.FamilyName is not null)
        {
            patient.Name.Add(new HumanName { Family = d.FamilyName, Given = d.GivenName is null ? [] : [d.GivenName] });
        }

        if (d?.Postcode is { } postcode)
        {
            patient.Address.Add(new Address { PostalCode = postcode });
        }

        Add(patient, NewId());

        var locationId = NewId();
        var location = new Location();
        if (n.SiteOdsCode is { } site)
        {
            location.Identifier.Add(new Identifier(FhirNotificationMapper.OdsSiteSystem, site));
        }

        if (n.PlaceOfDeath is { } place)
        {
            location.Type.Add(new CodeableConcept(NotificationCodes.PlaceOfDeathSystem, place));
        }

        Add(location, locationId);
        Add(new Encounter
        {
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
            ServiceProvider = new ResourceReference { Identifier = new Identifier(FhirNotificationMapper.OdsOrganizationSystem, n.PublisherOdsCode) },
            Location = [new Encounter.LocationComponent { Location = new ResourceReference($"urn:uuid:{locationId}") }],
        }, NewId());

        if (n.AttendingPractitioner is { } ap)
        {
            var practitioner = new Practitioner();
            if (ap.GmcNumber is not null)
            {
                practitioner.Identifier.Add(new Identifier(FhirNotificationMapper.GmcNumberSystem, ap.GmcNumber));
            }

            if (ap.Name is not null)
            {
                practitioner.Name.Add(new HumanName { Text = ap.Name });
            }

            if (ap.AvailableWithinReasonableTime is { } available)
            {
                practitioner.SetExtension(FhirNotificationMapper.AvailableWithinReasonableTimeExtension, new FhirBoolean(available));
            }

            Add(practitioner, NewId());
        }

        var cause = n.ProposedCauseOfDeath;
        foreach (var (part, text) in new[] { (NotificationCodes.CauseIa, cause?.Ia), (NotificationCodes.CauseIb, cause?.Ib), (NotificationCodes.CauseIc, cause?.Ic), (NotificationCodes.CauseIi, cause?.Ii) })
        {
            // FHIR has no empty strings: an empty part is left out, as absent (triage reads both alike).
            if (!string.IsNullOrEmpty(text))
            {
                Add(new Condition
                {
                    Category = [new CodeableConcept(NotificationCodes.System, part)],
                    Code = new CodeableConcept { Text = text },
                    Subject = new ResourceReference($"urn:uuid:{patient.Id}"),
                }, NewId());
            }
        }

        void Observe(string code, DataType? value)
        {
            if (value is not null)
            {
                Add(new Observation
                {
                    Status = ObservationStatus.Final,
                    Code = new CodeableConcept(NotificationCodes.System, code),
                    Subject = new ResourceReference($"urn:uuid:{patient.Id}"),
                    Value = value,
                }, NewId());
            }
        }

        foreach (var circumstance in n.Circumstances ?? [])
        {
            Observe(NotificationCodes.Circumstance, new CodeableConcept(NotificationCodes.System, circumstance));
        }

        Observe(NotificationCodes.UrgentRelease, n.UrgentRelease?.Reason is { } reason ? new CodeableConcept(NotificationCodes.System, reason) : null);
        Observe(NotificationCodes.LearningDisabilityOrAutism, d?.LearningDisabilityOrAutism is { } flag ? new FhirBoolean(flag) : null);

        if (n.Informant is { } i)
        {
            var person = new RelatedPerson { Patient = new ResourceReference($"urn:uuid:{patient.Id}") };
            if (i.Name is not null)
            {
                person.Name.Add(new HumanName { Text = i.Name });
            }

            if (i.Relationship is not null)
            {
                person.Relationship.Add(new CodeableConcept { Text = i.Relationship });
            }

            if (i.Phone is not null)
            {
                person.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, i.Phone));
            }

            if (i.Email is not null)
            {
                person.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, null, i.Email));
            }

            if (i.Address is not null)
            {
                person.Address.Add(new Address { Text = i.Address });
            }

            if (i.Language is not null)
            {
                person.Communication.Add(new RelatedPerson.CommunicationComponent { Language = new CodeableConcept("urn:ietf:bcp:47", i.Language), Preferred = true });
            }

            if (i.PreferredChannel is not null)
            {
                person.SetExtension(FhirNotificationMapper.PreferredChannelExtension, new Code(i.PreferredChannel));
            }

            if (i.ConsentToContact is { } consent)
            {
                person.SetExtension(FhirNotificationMapper.ConsentToContactExtension, new FhirBoolean(consent));
            }

            Add(person, NewId());
        }

        return bundle;
    }

    public static string Write(DeathNotification notification) => ToBundle(notification).ToJson();
}
