-- FHIR R4 exchange: ingest_fhir(bundle) loads a Bundle resource by resource,
-- referral_as_fhir(referral_id) exports a referral that loads back unchanged.
-- Source systems used here: the example's urn:oid:2.16.840.1.113883.3.999.*,
-- fhirtest and rf1test; rows of other tests are not assumed absent.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = warning;

SELECT coalesce(max(batch_id), 0) AS first_batch FROM referral_crm.ingest_batches \gset

CREATE TEMP TABLE bundles (name text PRIMARY KEY, doc jsonb NOT NULL);
-- The rejects of the latest FHIR batch.
CREATE TEMP VIEW last_rejects AS
SELECT source_row, reason, message FROM referral_crm.ingest_rejects
 WHERE batch_id = (SELECT max(batch_id) FROM referral_crm.ingest_batches WHERE feed = 'fhir');
-- The error a call raises, as SQLSTATE: message.
CREATE FUNCTION pg_temp.error_of(bundle jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM referral_crm.ingest_fhir(bundle);
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

------------------------------------------------------------------------
-- The anchor example (data/standards/fhir_r4_referral_example.json),
-- verbatim but for the NPI in the requester's display, which names the
-- referring practitioner added below (1234567893 is CMS's sample NPI,
-- used by other tests).
------------------------------------------------------------------------
INSERT INTO bundles VALUES ('example', $json$
{
  "resourceType": "Bundle",
  "id": "referral-crm-anchor-example",
  "type": "collection",
  "meta": {
    "tag": [{"system": "urn:referral_crm:anchor", "code": "hand-written-example",
             "display": "Hand-written FHIR R4 (4.0.1) example for referral_crm; element names/codes per hl7.org/fhir/R4 (ServiceRequest, Task, Appointment, PractitionerRole, Coverage). Not copied from any IG."}]
  },
  "entry": [
    {
      "fullUrl": "urn:uuid:sr-1",
      "resource": {
        "resourceType": "ServiceRequest",
        "id": "sr-1",
        "identifier": [{"system": "urn:oid:2.16.840.1.113883.3.999.1", "value": "REF-2024-000123"}],
        "status": "active",
        "intent": "order",
        "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"}]}],
        "priority": "urgent",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "183519002", "display": "Referral to cardiology service"}],
                 "text": "Cardiology consult"},
        "subject": {"reference": "Patient/pat-1"},
        "authoredOn": "2024-03-01T09:15:00-05:00",
        "occurrencePeriod": {"end": "2024-03-15"},
        "requester": {"reference": "PractitionerRole/pr-referring", "display": "Dr A. PCP (NPI 1999999992)"},
        "performerType": {"coding": [{"system": "http://nucc.org/provider-taxonomy", "code": "207RC0000X", "display": "Cardiovascular Disease Physician"}]},
        "performer": [{"reference": "PractitionerRole/pr-cardiology"}],
        "locationReference": [{"reference": "Location/loc-heart-center"}],
        "reasonCode": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "R07.9", "display": "Chest pain, unspecified"}]}],
        "insurance": [{"reference": "Coverage/cov-1"}],
        "supportingInfo": [{"reference": "DocumentReference/referral-note-1"}],
        "note": [{"text": "Patient prefers afternoon appointments; Spanish speaker."}]
      }
    },
    {
      "fullUrl": "urn:uuid:task-1",
      "resource": {
        "resourceType": "Task",
        "id": "task-1",
        "basedOn": [{"reference": "ServiceRequest/sr-1"}],
        "status": "accepted",
        "businessStatus": {"text": "patient-contacted-awaiting-callback"},
        "intent": "order",
        "priority": "urgent",
        "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]},
        "focus": {"reference": "ServiceRequest/sr-1"},
        "for": {"reference": "Patient/pat-1"},
        "authoredOn": "2024-03-01T09:16:00-05:00",
        "lastModified": "2024-03-02T14:00:00-05:00",
        "requester": {"reference": "PractitionerRole/pr-referring"},
        "owner": {"reference": "PractitionerRole/pr-cardiology"},
        "restriction": {"period": {"end": "2024-03-15"}},
        "output": [{"type": {"text": "appointment"}, "valueReference": {"reference": "Appointment/appt-1"}}]
      }
    },
    {
      "fullUrl": "urn:uuid:appt-1",
      "resource": {
        "resourceType": "Appointment",
        "id": "appt-1",
        "status": "booked",
        "serviceType": [{"text": "New patient cardiology consult"}],
        "specialty": [{"coding": [{"system": "http://nucc.org/provider-taxonomy", "code": "207RC0000X"}]}],
        "appointmentType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0276", "code": "ROUTINE"}]},
        "basedOn": [{"reference": "ServiceRequest/sr-1"}],
        "start": "2024-03-08T14:00:00-05:00",
        "end": "2024-03-08T14:40:00-05:00",
        "created": "2024-03-02T14:00:00-05:00",
        "participant": [
          {"actor": {"reference": "Patient/pat-1"}, "status": "accepted"},
          {"actor": {"reference": "PractitionerRole/pr-cardiology"}, "status": "accepted"},
          {"actor": {"reference": "Location/loc-heart-center"}, "status": "accepted"}
        ]
      }
    },
    {
      "fullUrl": "urn:uuid:pr-cardiology",
      "resource": {
        "resourceType": "PractitionerRole",
        "id": "pr-cardiology",
        "active": true,
        "practitioner": {"reference": "Practitioner/prac-2", "display": "Dr B. Cardiologist"},
        "organization": {"reference": "Organization/org-heart-group"},
        "specialty": [{"coding": [{"system": "http://nucc.org/provider-taxonomy", "code": "207RC0000X"}]}],
        "location": [{"reference": "Location/loc-heart-center"}],
        "telecom": [{"system": "phone", "value": "555-0100", "use": "work"}]
      }
    },
    {
      "fullUrl": "urn:uuid:cov-1",
      "resource": {
        "resourceType": "Coverage",
        "id": "cov-1",
        "status": "active",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HIP", "display": "health insurance plan policy"}]},
        "subscriberId": "W123456789",
        "beneficiary": {"reference": "Patient/pat-1"},
        "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "self"}]},
        "payor": [{"reference": "Organization/payer-acme", "display": "ACME Health PPO"}],
        "class": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]}, "value": "PPO-GOLD"}],
        "network": "ACME Preferred"
      }
    }
  ]
}
$json$);

-- As published, the example references a patient, practitioners, a role,
-- organisations and a location it does not carry: all five are rejected.
SELECT inserted, updated, unchanged, rejected FROM bundles, referral_crm.ingest_fhir(doc) WHERE name = 'example';
SELECT * FROM last_rejects ORDER BY source_row;

-- With those resources added (entries 6 to 13) everything loads.
INSERT INTO bundles
SELECT 'full', jsonb_set(doc, '{entry}', doc->'entry' || $json$[
  {"fullUrl": "urn:uuid:pat-1",
   "resource": {"resourceType": "Patient", "id": "pat-1",
                "identifier": [{"system": "urn:oid:2.16.840.1.113883.3.999.2", "value": "MRN-555"}],
                "name": [{"family": "Lopez", "given": ["Maria"]}], "gender": "female", "birthDate": "1961-04-02",
                "telecom": [{"system": "phone", "value": "207-555-0142"}], "address": [{"postalCode": "04101"}],
                "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "es"}]}, "preferred": true}]}},
  {"fullUrl": "urn:uuid:pr-referring",
   "resource": {"resourceType": "PractitionerRole", "id": "pr-referring",
                "practitioner": {"reference": "Practitioner/prac-1"}, "organization": {"reference": "Organization/org-pcp"},
                "specialty": [{"coding": [{"system": "http://nucc.org/provider-taxonomy", "code": "207Q00000X",
                                           "display": "Family Medicine Physician"}]}]}},
  {"fullUrl": "urn:uuid:prac-1",
   "resource": {"resourceType": "Practitioner", "id": "prac-1",
                "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1999999992"}],
                "name": [{"family": "Pcp", "given": ["Alice"], "prefix": ["Dr"]}], "gender": "female"}},
  {"fullUrl": "urn:uuid:prac-2",
   "resource": {"resourceType": "Practitioner", "id": "prac-2",
                "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1888888884"}],
                "name": [{"family": "Cardiologist", "given": ["Bruno", "J"], "prefix": ["Dr"]}],
                "qualification": [{"code": {"text": "MD"}}]}},
  {"fullUrl": "urn:uuid:org-heart-group",
   "resource": {"resourceType": "Organization", "id": "org-heart-group",
                "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "ORG-HEART"},
                               {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1777777776"}],
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov"}]}],
                "name": "Heart Group of Maine", "telecom": [{"system": "phone", "value": "207-555-0100"}]}},
  {"fullUrl": "urn:uuid:org-pcp",
   "resource": {"resourceType": "Organization", "id": "org-pcp", "name": "Maple Family Practice"}},
  {"fullUrl": "urn:uuid:payer-acme",
   "resource": {"resourceType": "Organization", "id": "payer-acme",
                "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "ACME01"}],
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "ins"}]}],
                "name": "ACME Health"}},
  {"fullUrl": "urn:uuid:loc-heart-center",
   "resource": {"resourceType": "Location", "id": "loc-heart-center",
                "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "LOC-HEART-1"}],
                "name": "Heart Center",
                "address": {"line": ["22 Bramhall St"], "city": "Portland", "state": "ME", "postalCode": "04102"},
                "position": {"longitude": -70.2752, "latitude": 43.6535},
                "managingOrganization": {"reference": "Organization/org-heart-group"}}}
]$json$::jsonb)
  FROM bundles WHERE name = 'example';
SELECT inserted, updated, unchanged, rejected FROM bundles, referral_crm.ingest_fhir(doc) WHERE name = 'full';
SELECT * FROM last_rejects ORDER BY source_row;

-- What the ServiceRequest and its Task became.
CREATE TEMP VIEW example_referral AS
SELECT r.*, p.given_name || ' ' || p.family_name AS patient, rc.family_name AS referring_clinician,
       ro.name AS referring_org, tc.family_name AS target_clinician, l.name AS target_location,
       py.payer_code, pl.plan_code
  FROM referral_crm.referrals r
  JOIN referral_crm.patients p USING (patient_id)
  LEFT JOIN referral_crm.clinicians rc ON rc.clinician_id = r.referring_clinician_id
  LEFT JOIN referral_crm.organizations ro ON ro.organization_id = r.referring_organization_id
  LEFT JOIN referral_crm.clinicians tc ON tc.clinician_id = r.target_clinician_id
  LEFT JOIN referral_crm.locations l ON l.location_id = r.target_location_id
  LEFT JOIN referral_crm.payers py ON py.payer_id = r.payer_id
  LEFT JOIN referral_crm.payer_plans pl ON pl.plan_id = r.plan_id
 WHERE r.source_system = 'urn:oid:2.16.840.1.113883.3.999.1' AND r.source_id = 'REF-2024-000123';
\x on
SELECT source_system, source_id, patient, authored_at, needed_by, priority, status, status_reason, stage,
       referring_clinician, referring_npi, referring_name, referring_org, target_specialty, target_clinician,
       target_npi, target_location, reason, diagnosis_codes, payer_code, plan_code
  FROM example_referral;
\x off
SELECT a.source_system, a.source_id, a.status, a.start_at, a.end_at, a.booked_at, c.family_name AS clinician,
       l.name AS location, a.patient_id = e.patient_id AS same_patient
  FROM referral_crm.appointments a JOIN example_referral e ON e.referral_id = a.referral_id
  LEFT JOIN referral_crm.clinicians c ON c.clinician_id = a.clinician_id
  LEFT JOIN referral_crm.locations l ON l.location_id = a.location_id;
SELECT n.note_type, n.authored_at, n.body FROM referral_crm.referral_notes n JOIN example_referral e USING (referral_id);
SELECT c.npi, c.name_as_given, c.credentials, c.specialty, c.taxonomy_code, o.name AS organization,
       (SELECT string_agg(l.name || CASE WHEN cl.is_primary THEN ' (primary)' ELSE '' END, ', ')
          FROM referral_crm.clinician_locations cl JOIN referral_crm.locations l USING (location_id)
         WHERE cl.clinician_id = c.clinician_id) AS locations
  FROM referral_crm.clinicians c LEFT JOIN referral_crm.organizations o USING (organization_id)
 WHERE c.npi IN ('1999999992', '1888888884') ORDER BY c.npi;
SELECT o.source_system, o.source_id, o.name, o.kind, o.npi FROM referral_crm.organizations o
 WHERE o.source_system IN ('fhirtest', 'fhir') AND o.source_id IN ('ORG-HEART', 'org-pcp', 'ACME01') ORDER BY o.source_id;
SELECT p.payer_code, p.name, p.payer_class, pl.plan_code, pl.name AS plan_name
  FROM referral_crm.payers p JOIN referral_crm.payer_plans pl USING (payer_id) WHERE p.payer_code = 'ACME01';

-- Loading the same bundle again changes nothing.
SELECT inserted, updated, unchanged, rejected FROM bundles, referral_crm.ingest_fhir(doc) WHERE name = 'full';
SELECT count(*) AS events FROM referral_crm.referral_events JOIN example_referral USING (referral_id);

------------------------------------------------------------------------
-- Task status changes
------------------------------------------------------------------------
-- Legal: accepted -> in-progress, and the stage (businessStatus) new ->
-- scheduled; the referral trigger records both moves.
SELECT inserted, updated, unchanged, rejected
  FROM bundles, referral_crm.ingest_fhir(jsonb_set(jsonb_set(doc, '{entry,1,resource,status}', '"in-progress"'),
                                                   '{entry,1,resource,businessStatus}', '{"text": "scheduled"}'))
 WHERE name = 'full';
SELECT v.dimension, v.from_value, v.to_value, v.reason, v.batch_id = (SELECT max(batch_id) FROM referral_crm.ingest_batches) AS this_batch
  FROM referral_crm.referral_events v JOIN example_referral e USING (referral_id) ORDER BY v.event_id;
-- Illegal: in-progress -> requested is rejected, nothing changes.
SELECT inserted, updated, unchanged, rejected
  FROM bundles, referral_crm.ingest_fhir(jsonb_set(doc, '{entry,1,resource,status}', '"requested"')) WHERE name = 'full';
SELECT * FROM last_rejects ORDER BY source_row;
SELECT status, stage FROM example_referral;
-- Another changed resource: the visit took place (Appointment.status).
SELECT inserted, updated, unchanged, rejected
  FROM bundles, referral_crm.ingest_fhir(
         jsonb_set(jsonb_set(jsonb_set(doc, '{entry,1,resource,status}', '"in-progress"'),
                             '{entry,1,resource,businessStatus}', '{"text": "scheduled"}'),
                   '{entry,2,resource,status}', '"fulfilled"'))
 WHERE name = 'full';
SELECT a.source_id, a.status, a.batch_id = (SELECT max(batch_id) FROM referral_crm.ingest_batches) AS this_batch
  FROM referral_crm.appointments a JOIN example_referral e USING (referral_id);

------------------------------------------------------------------------
-- HL7 v2 RF1 codes: priority (table 0280 S/A/R) and status (table 0283
-- A/P/R/E).  The patient is named by identifier (a logical reference).
------------------------------------------------------------------------
INSERT INTO bundles VALUES ('rf1', $json$
{"resourceType": "Bundle", "type": "transaction", "entry": [
  {"resource": {"resourceType": "ServiceRequest", "id": "rf1-a",
                "identifier": [{"system": "urn:referral_crm:source:rf1test", "value": "RF1-1"}],
                "status": "active", "intent": "order", "priority": "A", "authoredOn": "2024-05-01T08:00:00Z",
                "subject": {"identifier": {"system": "urn:oid:2.16.840.1.113883.3.999.2", "value": "MRN-555"}},
                "performerType": {"text": "Cardiology"}}},
  {"resource": {"resourceType": "ServiceRequest", "id": "rf1-s",
                "identifier": [{"system": "urn:referral_crm:source:rf1test", "value": "RF1-2"}],
                "status": "active", "intent": "order", "priority": "S", "authoredOn": "2024-05-02T08:00:00Z",
                "subject": {"identifier": {"system": "urn:oid:2.16.840.1.113883.3.999.2", "value": "MRN-555"}},
                "performerType": {"coding": [{"system": "http://nucc.org/provider-taxonomy", "code": "207RG0100X"}]}}},
  {"resource": {"resourceType": "ServiceRequest", "id": "rf1-r",
                "identifier": [{"system": "urn:referral_crm:source:rf1test", "value": "RF1-3"}],
                "status": "active", "intent": "order", "priority": "R", "authoredOn": "2024-05-03T08:00:00Z",
                "subject": {"identifier": {"system": "urn:oid:2.16.840.1.113883.3.999.2", "value": "MRN-555"}},
                "requester": {"display": "Dr Robert Smith"},
                "performerType": {"coding": [{"system": "urn:referral_crm:specialty", "code": "dermatology"}]}}},
  {"resource": {"resourceType": "Task", "status": "P", "intent": "order", "focus": {"reference": "ServiceRequest/rf1-a"}}},
  {"resource": {"resourceType": "Task", "status": "R", "intent": "order", "focus": {"reference": "ServiceRequest/rf1-s"},
                "statusReason": {"text": "no gastroenterology capacity"}}}
]}
$json$);
SELECT inserted, updated, unchanged, rejected FROM bundles, referral_crm.ingest_fhir(doc) WHERE name = 'rf1';
SELECT source_id, priority, status, status_reason, stage, target_specialty, referring_name
  FROM referral_crm.referrals WHERE source_system = 'rf1test' ORDER BY source_id;
-- Tasks alone, naming their ServiceRequest by identifier, applied in
-- bundle order: RF1-1 P -> A (accepted), then on-hold with a reason, then
-- cancelled with the same reason (refused: a reason must be new); RF1-2 is
-- rejected, so E (expired, cancelled) is illegal; RF1-3 E -> cancelled,
-- with the default reason.
INSERT INTO bundles VALUES ('rf1-tasks', $json$
{"resourceType": "Bundle", "type": "batch", "entry": [
  {"resource": {"resourceType": "Task", "status": "A", "intent": "order",
                "focus": {"identifier": {"system": "urn:referral_crm:source:rf1test", "value": "RF1-1"}}}},
  {"resource": {"resourceType": "Task", "status": "E", "intent": "order",
                "focus": {"identifier": {"system": "urn:referral_crm:source:rf1test", "value": "RF1-2"}}}},
  {"resource": {"resourceType": "Task", "status": "E", "intent": "order",
                "basedOn": [{"type": "ServiceRequest", "identifier": {"system": "urn:referral_crm:source:rf1test", "value": "RF1-3"}}]}},
  {"resource": {"resourceType": "Task", "status": "on-hold", "intent": "order", "statusReason": {"text": "awaiting prior authorization"},
                "focus": {"identifier": {"system": "urn:referral_crm:source:rf1test", "value": "RF1-1"}}}},
  {"resource": {"resourceType": "Task", "status": "cancelled", "intent": "order", "statusReason": {"text": "awaiting prior authorization"},
                "focus": {"identifier": {"system": "urn:referral_crm:source:rf1test", "value": "RF1-1"}}}}
]}
$json$);
SELECT inserted, updated, unchanged, rejected FROM bundles, referral_crm.ingest_fhir(doc) WHERE name = 'rf1-tasks';
SELECT * FROM last_rejects ORDER BY source_row;
SELECT source_id, status, status_reason FROM referral_crm.referrals WHERE source_system = 'rf1test' ORDER BY source_id;
SELECT r.source_id, v.dimension, v.from_value, v.to_value, v.reason
  FROM referral_crm.referral_events v JOIN referral_crm.referrals r USING (referral_id)
 WHERE r.source_system = 'rf1test' ORDER BY v.event_id;

------------------------------------------------------------------------
-- Data problems: each resource is rejected with its reason, the rest load
------------------------------------------------------------------------
INSERT INTO bundles VALUES ('bad', $json$
{"resourceType": "Bundle", "type": "collection", "entry": [
  {"resource": {"resourceType": "Patient", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "PAT-BAD-DATE"}],
                "birthDate": "1961-02-30"}},
  {"resource": {"resourceType": "ServiceRequest", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "SR-BAD-PRIORITY"}],
                "status": "active", "intent": "order", "priority": "whenever", "authoredOn": "2024-06-01",
                "subject": {"identifier": {"system": "urn:oid:2.16.840.1.113883.3.999.2", "value": "MRN-555"}}}},
  {"resource": {"resourceType": "Practitioner", "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1999999993"}],
                "name": [{"family": "Typo"}]}},
  {"resource": {"resourceType": "ServiceRequest", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "SR-NO-PATIENT"}],
                "status": "active", "intent": "order", "authoredOn": "2024-06-01", "subject": {"reference": "Patient/nobody"}}},
  {"resource": {"resourceType": "Observation", "id": "bp", "status": "final", "code": {"text": "blood pressure"}}},
  {"resource": {"resourceType": "Task", "status": "paused", "intent": "order",
                "focus": {"identifier": {"system": "urn:oid:2.16.840.1.113883.3.999.1", "value": "REF-2024-000123"}}}},
  {"resource": {"resourceType": "Appointment", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "APPT-EARLY"}],
                "status": "booked", "start": "2024-02-01T10:00:00Z",
                "basedOn": [{"identifier": {"system": "urn:oid:2.16.840.1.113883.3.999.1", "value": "REF-2024-000123"}}]}},
  {"fullUrl": "urn:uuid:pat-other",
   "resource": {"resourceType": "Patient", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "PAT-OTHER"}],
                "name": [{"family": "Other", "given": ["Olga"]}], "birthDate": "1970-01-01", "gender": "F"}},
  {"resource": {"resourceType": "Appointment", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "APPT-OTHER"}],
                "status": "booked", "start": "2024-03-20T10:00:00Z",
                "basedOn": [{"identifier": {"system": "urn:oid:2.16.840.1.113883.3.999.1", "value": "REF-2024-000123"}}],
                "participant": [{"actor": {"reference": "urn:uuid:pat-other"}, "status": "accepted"}]}},
  {"request": {"method": "DELETE", "url": "Patient/pat-1"}},
  {"resource": {"resourceType": "Appointment", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "APPT-BAD-START"}],
                "status": "booked", "start": "next tuesday",
                "participant": [{"actor": {"reference": "urn:uuid:pat-other"}, "status": "accepted"}]}},
  {"resource": {"resourceType": "Location", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "LOC-BAD"}],
                "name": "Nowhere", "address": {"postalCode": "4101x"}}},
  {"resource": {"resourceType": "Organization", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "ORG-NO-NAME"}]}},
  {"resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order", "authoredOn": "2024-06-01"}},
  {"resource": {"resourceType": "ServiceRequest", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "SR-BAD-DATE"}],
                "status": "active", "intent": "order", "authoredOn": "2024-13-01T09:00:00Z",
                "subject": {"identifier": {"system": "urn:oid:2.16.840.1.113883.3.999.2", "value": "MRN-555"}}}},
  {"resource": {"resourceType": "ServiceRequest", "identifier": [{"system": "urn:referral_crm:source:fhirtest", "value": "SR-BAD-DX"}],
                "status": "active", "intent": "order", "authoredOn": "2024-06-01T09:00:00Z",
                "subject": {"identifier": {"system": "urn:oid:2.16.840.1.113883.3.999.2", "value": "MRN-555"}},
                "reasonCode": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "chest pain"}]}]}},
  {"resource": {"resourceType": "Coverage", "status": "active", "payor": [{"display": "Mystery Insurer"}],
                "type": {"coding": [{"system": "http://example.org/plan-kinds", "code": "gold-star"}]}}}
]}
$json$);
SELECT inserted, updated, unchanged, rejected,
       inserted + updated + unchanged + rejected = jsonb_array_length(doc->'entry') AS counts_add_up
  FROM bundles, referral_crm.ingest_fhir(doc) WHERE name = 'bad';
SELECT * FROM last_rejects ORDER BY source_row;
SELECT source_row, raw->>'resourceType' AS resource_type, raw ? 'request' AS raw_is_entry
  FROM referral_crm.ingest_rejects
 WHERE batch_id = (SELECT max(batch_id) FROM referral_crm.ingest_batches WHERE feed = 'fhir') AND source_row IN (5, 10)
 ORDER BY source_row;
SELECT source_id, sex, birth_date FROM referral_crm.patients WHERE source_system = 'fhirtest' ORDER BY source_id;
SELECT count(*) AS appointments_of_the_example FROM referral_crm.appointments JOIN example_referral USING (referral_id);

------------------------------------------------------------------------
-- Input that is not a Bundle raises invalid_parameter_value
------------------------------------------------------------------------
SELECT * FROM referral_crm.ingest_fhir('{"resourceType": "Patient", "id": "pat-1"}');
SELECT * FROM referral_crm.ingest_fhir('{"resourceType": "Bundle", "id": "b-1", "type": "collection"}');
SELECT * FROM referral_crm.ingest_fhir('{"resourceType": "Bundle", "type": "document", "entry": []}');
SELECT pg_temp.error_of('[1, 2]') AS array_input, pg_temp.error_of(NULL) AS null_input;
-- An empty collection is a Bundle.
SELECT inserted, updated, unchanged, rejected
  FROM referral_crm.ingest_fhir('{"resourceType": "Bundle", "type": "collection", "entry": []}');

------------------------------------------------------------------------
-- Round trip: referral_as_fhir -> ingest_fhir changes nothing, and the
-- export after that is identical.
------------------------------------------------------------------------
CREATE TEMP TABLE exported AS
SELECT r.source_id, r.referral_id, referral_crm.referral_as_fhir(r.referral_id) AS doc
  FROM referral_crm.referrals r
 WHERE (r.source_system, r.source_id) IN (('urn:oid:2.16.840.1.113883.3.999.1', 'REF-2024-000123'),
                                          ('rf1test', 'RF1-1'), ('rf1test', 'RF1-2'), ('rf1test', 'RF1-3'));
SELECT x.source_id, i.inserted, i.updated, i.unchanged, i.rejected
  FROM exported x, referral_crm.ingest_fhir(x.doc) i ORDER BY x.source_id;
SELECT source_id, referral_crm.referral_as_fhir(referral_id) = doc AS identical FROM exported ORDER BY source_id;
-- Every reference in an export names an entry of the same bundle.
SELECT source_id,
       (SELECT count(*) FROM jsonb_path_query(doc, 'strict $.**.reference') AS ref (v)
         WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(doc->'entry') e WHERE e->'fullUrl' = ref.v)) AS dangling
  FROM exported ORDER BY source_id;
-- What the export of the example holds (ids and fullUrls aside).
SELECT e.ordinality AS n, e.value #>> '{resource,resourceType}' AS resource_type,
       coalesce(e.value #>> '{resource,identifier,0,system}', '') || ' ' || coalesce(e.value #>> '{resource,identifier,0,value}', '') AS identifier
  FROM exported x, jsonb_array_elements(x.doc->'entry') WITH ORDINALITY AS e
 WHERE x.source_id = 'REF-2024-000123' ORDER BY e.ordinality;
\x on
SELECT sr->>'status' AS status, sr->>'priority' AS priority, sr->>'authoredOn' AS authored_on,
       sr->'occurrencePeriod' AS occurrence, sr->'requester'->>'display' AS requester,
       sr->'performerType' AS performer_type, sr->'reasonCode' AS reason_code, sr->'note' AS note,
       task->>'status' AS task_status, task->'businessStatus' AS business_status,
       appt->>'start' AS appointment_start, appt->>'end' AS appointment_end, appt->>'status' AS appointment_status
  FROM (SELECT (SELECT e->'resource' FROM jsonb_array_elements(doc->'entry') e WHERE e #>> '{resource,resourceType}' = 'ServiceRequest') AS sr,
               (SELECT e->'resource' FROM jsonb_array_elements(doc->'entry') e WHERE e #>> '{resource,resourceType}' = 'Task') AS task,
               (SELECT e->'resource' FROM jsonb_array_elements(doc->'entry') e WHERE e #>> '{resource,resourceType}' = 'Appointment') AS appt
          FROM exported WHERE source_id = 'REF-2024-000123') s;
SELECT task->>'status' AS task_status, task->'statusReason' AS status_reason, sr->>'status' AS request_status,
       sr->'requester' AS requester
  FROM (SELECT (SELECT e->'resource' FROM jsonb_array_elements(doc->'entry') e WHERE e #>> '{resource,resourceType}' = 'ServiceRequest') AS sr,
               (SELECT e->'resource' FROM jsonb_array_elements(doc->'entry') e WHERE e #>> '{resource,resourceType}' = 'Task') AS task
          FROM exported WHERE source_id = 'RF1-2') s;
\x off
SELECT referral_crm.referral_as_fhir(-1);

------------------------------------------------------------------------
-- Every call of this test has one batch whose counts add up
------------------------------------------------------------------------
SELECT count(*) AS batches,
       bool_and(inserted + updated + unchanged + rejected = (details->>'entries')::bigint) AS counts_add_up,
       bool_and(rejected = (SELECT count(*) FROM referral_crm.ingest_rejects r WHERE r.batch_id = b.batch_id)) AS rejects_match,
       bool_and(finished_at IS NOT NULL) AS finished
  FROM referral_crm.ingest_batches b WHERE feed = 'fhir' AND batch_id > :first_batch;
