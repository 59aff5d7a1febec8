-- src/ingest/fhir.sql
-- FHIR R4 exchange for referrals:
--   ingest_fhir(bundle)    loads a Bundle of ServiceRequest, Task, Appointment,
--                          Practitioner, PractitionerRole, Organization,
--                          Location, Coverage and Patient resources;
--   referral_as_fhir(id)   one referral as a Bundle that ingest_fhir reads
--                          back unchanged.
--
-- Mapping conventions:
--   * identifier[0] (system, value) of a resource is the row's
--     (source_system, source_id); a system 'urn:referral_crm:source:X'
--     stands for source_system X, so CSV feeds and FHIR name rows alike.
--     Without an identifier the key is ('fhir', resource id).  Clinicians
--     are matched by NPI first, payers by payer code, plans by payer and
--     plan code.
--   * An element that a resource leaves out never erases a stored value
--     (as in the CSV feeds: a blank never erases a known value).
--   * References resolve through the bundle (fullUrl, or Type/id, also at
--     the end of an absolute URL), then the database: Type/id as
--     ('fhir', id), or a logical reference by identifier (an NPI for
--     practitioners and organisations, else a source key).
--   * A Task carries the referral's status (Task.status), CRM stage
--     (businessStatus) and status reason; ServiceRequest.status counts only
--     for a request without a Task in the bundle.
--   * Every entry ends inserted, updated, unchanged or rejected; a rejected
--     one is in ingest_rejects (feed 'fhir', source_row = entry position).

------------------------------------------------------------------------
-- Small readers of FHIR JSON
------------------------------------------------------------------------

-- The trimmed text of a scalar at path, or NULL (also for blanks, objects
-- and arrays).
CREATE FUNCTION referral_crm.fhir_str(j jsonb, path text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN jsonb_typeof(j #> path) IN ('string', 'number', 'boolean')
              THEN nullif(btrim(j #>> path), '') END;
COMMENT ON FUNCTION referral_crm.fhir_str(jsonb, text[]) IS
  'the trimmed text of the JSON scalar at path, NULL when absent, blank or not a scalar';

-- The elements of a JSON array (nothing for anything else), with their
-- 1-based position.
CREATE FUNCTION referral_crm.fhir_array(j jsonb, OUT elem jsonb, OUT ord bigint)
  RETURNS SETOF record
  LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 4
  AS $$ SELECT x.value, x.ordinality
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(j) = 'array' THEN j ELSE '[]' END)
               WITH ORDINALITY AS x $$;
COMMENT ON FUNCTION referral_crm.fhir_array(jsonb) IS
  'the elements of a JSON array with their 1-based position; no rows for a non-array';

-- The value of the first identifier with the given system.
CREATE FUNCTION referral_crm.fhir_identifier(identifiers jsonb, id_system text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT referral_crm.fhir_str(a.elem, '{value}')
            FROM referral_crm.fhir_array(identifiers) a
           WHERE a.elem->>'system' = id_system AND referral_crm.fhir_str(a.elem, '{value}') IS NOT NULL
           ORDER BY a.ord LIMIT 1);
COMMENT ON FUNCTION referral_crm.fhir_identifier(jsonb, text) IS
  'the value of the first FHIR identifier with the given system, or NULL';

-- The value of the first ContactPoint with the given system (phone, fax, email).
CREATE FUNCTION referral_crm.fhir_telecom(telecom jsonb, cp_system text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT referral_crm.fhir_str(a.elem, '{value}')
            FROM referral_crm.fhir_array(telecom) a
           WHERE a.elem->>'system' = cp_system AND referral_crm.fhir_str(a.elem, '{value}') IS NOT NULL
           ORDER BY a.ord LIMIT 1);
COMMENT ON FUNCTION referral_crm.fhir_telecom(jsonb, text) IS
  'the value of the first FHIR ContactPoint with the given system (phone, fax, email), or NULL';

-- A resource's business key: identifier[0] as (source_system, source_id),
-- the prefix urn:referral_crm:source: removed; else ('fhir', id); else NULLs.
CREATE FUNCTION referral_crm.fhir_key(resource jsonb, OUT source_system text, OUT source_id text)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN x.v IS NOT NULL
                THEN coalesce(nullif(regexp_replace(x.s, '^urn:referral_crm:source:', ''), ''), 'fhir')
                WHEN x.i IS NOT NULL THEN 'fhir' END,
           coalesce(x.v, x.i)
      FROM (SELECT referral_crm.fhir_str(resource, '{identifier,0,system}') AS s,
                   referral_crm.fhir_str(resource, '{identifier,0,value}') AS v,
                   referral_crm.fhir_str(resource, '{id}') AS i) x
  $$;
COMMENT ON FUNCTION referral_crm.fhir_key(jsonb) IS
  'the (source_system, source_id) of a FHIR resource: identifier[0] (system without urn:referral_crm:source:), else (''fhir'', id)';

-- Whether a referral status or stage needs a reason (from the transition matrix).
CREATE FUNCTION referral_crm.fhir_needs_reason(kind text, code text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN coalesce((SELECT bool_or(t.needs_reason) FROM referral_crm.code_transitions() t
                    WHERE t.kind = fhir_needs_reason.kind AND t.to_code = fhir_needs_reason.code), false);

------------------------------------------------------------------------
-- Code mapping
------------------------------------------------------------------------

-- Specialty for a NUCC health care provider taxonomy code: the specialty
-- codes of referral_crm.specialties, for the taxonomy codes that
-- correspond to one (NUCC code set, v3-NUCCProviderCodes).  NULL otherwise.
CREATE FUNCTION referral_crm.taxonomy_specialty(taxonomy_code text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (SELECT m.specialty FROM (VALUES
    ('101YM0800X', 'mental-health-counselor'), ('103T00000X', 'clinical-psychology'),
    ('103TC0700X', 'clinical-psychology'), ('1041C0700X', 'clinical-social-worker'),
    ('106H00000X', 'marriage-and-family-therapist'), ('111N00000X', 'chiropractic'),
    ('122300000X', 'dentist'), ('1223G0001X', 'dentist'), ('1223S0112X', 'oral-surgery'),
    ('133N00000X', 'nutrition'), ('133V00000X', 'nutrition'), ('152W00000X', 'optometry'),
    ('204D00000X', 'osteopathic-manipulative-medicine'), ('204C00000X', 'sports-medicine'),
    ('204E00000X', 'oral-surgery'), ('207K00000X', 'allergy-immunology'),
    ('207KA0200X', 'allergy-immunology'), ('207RA0201X', 'allergy-immunology'),
    ('207L00000X', 'anesthesiology'), ('207LA0401X', 'addiction-medicine'),
    ('207LC0200X', 'critical-care'), ('207LH0002X', 'hospice-palliative-care'),
    ('207LP2900X', 'pain-management'), ('207N00000X', 'dermatology'),
    ('207ND0101X', 'micrographic-dermatologic-surgery'), ('207NS0135X', 'dermatology'),
    ('207P00000X', 'emergency-medicine'), ('207PE0005X', 'undersea-and-hyperbaric-medicine'),
    ('207PH0002X', 'hospice-palliative-care'), ('207PS0010X', 'sports-medicine'),
    ('207Q00000X', 'family-medicine'), ('207QA0401X', 'addiction-medicine'),
    ('207QG0300X', 'geriatric-medicine'), ('207QH0002X', 'hospice-palliative-care'),
    ('207QS0010X', 'sports-medicine'), ('207QS1201X', 'sleep-medicine'),
    ('207R00000X', 'internal-medicine'), ('207RA0001X', 'heart-failure-transplant-cardiology'),
    ('207RA0401X', 'addiction-medicine'), ('207RC0000X', 'cardiology'),
    ('207RC0001X', 'cardiac-electrophysiology'), ('207RC0200X', 'critical-care'),
    ('207RE0101X', 'endocrinology'), ('207RG0100X', 'gastroenterology'),
    ('207RG0300X', 'geriatric-medicine'), ('207RH0000X', 'hematology'),
    ('207RH0002X', 'hospice-palliative-care'), ('207RH0003X', 'hematology-oncology'),
    ('207RI0011X', 'interventional-cardiology'), ('207RI0200X', 'infectious-disease'),
    ('207RN0300X', 'nephrology'), ('207RP1001X', 'pulmonary-disease'),
    ('207RR0500X', 'rheumatology'), ('207RS0010X', 'sports-medicine'),
    ('207RS0012X', 'sleep-medicine'), ('207RX0202X', 'medical-oncology'),
    ('207SG0201X', 'medical-genetics'), ('207T00000X', 'neurosurgery'),
    ('207V00000X', 'obstetrics-gynecology'), ('207VG0400X', 'obstetrics-gynecology'),
    ('207VX0000X', 'obstetrics-gynecology'), ('207VX0201X', 'gynecological-oncology'),
    ('207W00000X', 'ophthalmology'), ('207X00000X', 'orthopedic-surgery'),
    ('207XS0106X', 'hand-surgery'), ('207XS0114X', 'orthopedic-surgery'),
    ('207XS0117X', 'orthopedic-surgery'), ('207XX0004X', 'orthopedic-surgery'),
    ('207XX0005X', 'sports-medicine'), ('207XX0801X', 'orthopedic-surgery'),
    ('207Y00000X', 'otolaryngology'), ('207YS0012X', 'sleep-medicine'),
    ('207ZP0101X', 'pathology'), ('207ZP0102X', 'pathology'), ('207ZP0105X', 'pathology'),
    ('208000000X', 'pediatrics'), ('208100000X', 'physical-medicine-rehabilitation'),
    ('2081H0002X', 'hospice-palliative-care'), ('2081P2900X', 'pain-management'),
    ('2081S0010X', 'sports-medicine'), ('208200000X', 'plastic-surgery'),
    ('2082S0105X', 'hand-surgery'), ('2083A0300X', 'addiction-medicine'),
    ('2083P0011X', 'undersea-and-hyperbaric-medicine'), ('2084A0401X', 'addiction-medicine'),
    ('2084H0002X', 'hospice-palliative-care'), ('2084N0400X', 'neurology'),
    ('2084N0402X', 'neurology'), ('2084P0800X', 'psychiatry'), ('2084P0804X', 'psychiatry'),
    ('2084P0805X', 'geriatric-psychiatry'), ('2084P2900X', 'pain-management'),
    ('2084S0012X', 'sleep-medicine'), ('2084V0102X', 'neurology'),
    ('2085R0001X', 'radiation-oncology'), ('2085R0202X', 'diagnostic-radiology'),
    ('2085R0204X', 'interventional-radiology'), ('208600000X', 'general-surgery'),
    ('2086S0102X', 'critical-care'), ('2086S0105X', 'hand-surgery'),
    ('2086S0122X', 'plastic-surgery'), ('2086S0129X', 'vascular-surgery'),
    ('2086X0206X', 'surgical-oncology'), ('208800000X', 'urology'),
    ('208C00000X', 'colorectal-surgery'), ('208D00000X', 'general-practice'),
    ('208G00000X', 'thoracic-surgery'), ('208M00000X', 'hospitalist'),
    ('208VP0000X', 'pain-management'), ('208VP0014X', 'interventional-pain-management'),
    ('213E00000X', 'podiatry'), ('225100000X', 'physical-therapy'),
    ('225X00000X', 'occupational-therapy'), ('231H00000X', 'audiology'),
    ('235Z00000X', 'speech-language-pathology'), ('363A00000X', 'physician-assistant'),
    ('363AM0700X', 'physician-assistant'), ('363AS0400X', 'physician-assistant'),
    ('363L00000X', 'nurse-practitioner'), ('363LF0000X', 'nurse-practitioner'),
    ('363LA2200X', 'nurse-practitioner'), ('363LP2300X', 'nurse-practitioner'),
    ('364S00000X', 'clinical-nurse-specialist'), ('367500000X', 'nurse-anesthetist'),
    ('367A00000X', 'nurse-midwife')) AS m (code, specialty)
   WHERE m.code = upper(btrim(taxonomy_code)));
COMMENT ON FUNCTION referral_crm.taxonomy_specialty(text) IS
  'the specialty code for a NUCC provider taxonomy code that corresponds to one, or NULL';

-- A specialty label reduced for comparison: lower case, no parenthesised
-- part, & as "and", no trailing "physician", single spaces.
CREATE FUNCTION referral_crm.fhir_norm_label(label text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN btrim(regexp_replace(regexp_replace(replace(regexp_replace(lower(label), '\([^)]*\)', ' ', 'g'),
                                                     '&', ' and '),
                                             '\s+', ' ', 'g'),
                              ' physician$', ''));

-- Specialty for a CodeableConcept (FHIR performerType, PractitionerRole.specialty):
-- per coding in order, our code (urn:referral_crm:specialty or bare), a
-- NUCC taxonomy code, a display name or CMS label (also without "Physician"
-- and parentheses, as NUCC displays are written); then the text.
CREATE FUNCTION referral_crm.fhir_specialty(concept jsonb) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (
    WITH codings AS (SELECT a.elem AS c, a.ord FROM referral_crm.fhir_array(concept->'coding') a),
    labels (label, rank) AS (
      SELECT referral_crm.fhir_str(c, '{display}'), ord * 10 + 3 FROM codings
      UNION ALL SELECT referral_crm.fhir_str(concept, '{text}'), 100000),
    candidates (specialty, rank) AS (
      SELECT CASE WHEN c->>'system' = 'http://nucc.org/provider-taxonomy'
                  THEN referral_crm.taxonomy_specialty(c->>'code')
                  ELSE referral_crm.map_specialty(c->>'code') END, ord * 10 + 1
        FROM codings
      UNION ALL
      SELECT coalesce(referral_crm.map_specialty(l.label),
                      (SELECT s.specialty
                         FROM referral_crm.specialties s
                         LEFT JOIN LATERAL unnest(s.cms_labels) AS cl (x) ON true
                        WHERE n.x IN (referral_crm.fhir_norm_label(s.display_name), referral_crm.fhir_norm_label(cl.x))
                        ORDER BY s.specialty LIMIT 1)), l.rank
        FROM labels l CROSS JOIN LATERAL (SELECT referral_crm.fhir_norm_label(l.label)) AS n (x)
       WHERE l.label IS NOT NULL)
    SELECT c.specialty FROM candidates c
     WHERE EXISTS (SELECT 1 FROM referral_crm.specialties s WHERE s.specialty = c.specialty)
     ORDER BY c.rank LIMIT 1);

-- Organisation kind for Organization.type: our code, or the FHIR
-- organization-type codes (prov, dept, ins, pay, govt, ...).
CREATE FUNCTION referral_crm.fhir_organization_kind(concepts jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT k FROM (
            SELECT CASE WHEN referral_crm.is_valid_code('organization_kind', lower(c.elem->>'code'))
                        THEN lower(c.elem->>'code')
                        ELSE CASE lower(c.elem->>'code')
                               WHEN 'prov' THEN 'practice' WHEN 'dept' THEN 'clinic'
                               WHEN 'ins' THEN 'payer' WHEN 'pay' THEN 'payer'
                               WHEN 'govt' THEN 'other' WHEN 'team' THEN 'other' WHEN 'edu' THEN 'other'
                               WHEN 'reli' THEN 'other' WHEN 'crs' THEN 'other' WHEN 'cg' THEN 'other'
                               WHEN 'bus' THEN 'other' END END AS k, t.ord * 100 + c.ord AS rank
              FROM referral_crm.fhir_array(concepts) t, referral_crm.fhir_array(t.elem->'coding') c
             WHERE c.elem->>'code' IS NOT NULL) x
           WHERE k IS NOT NULL ORDER BY rank LIMIT 1);

-- Payer class for Coverage.type: our code (urn:referral_crm:payer_class),
-- the payer typology of the Source of Payment Typology (https://nahdo.org/sopt),
-- v3-ActCode insurance types (HIP, HMO, PPO, POS, MCPOL: commercial;
-- WCBPOL: workers' compensation; PUBLICPOL: other), else map_code (X12
-- SBR09 and our codes).  NULL when no coding maps.
CREATE FUNCTION referral_crm.fhir_payer_class(concept jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT k FROM (
            SELECT CASE
                     WHEN c.elem->>'system' = 'urn:referral_crm:payer_class' THEN referral_crm.map_code('payer_class', c.elem->>'code')
                     WHEN c.elem->>'system' IN ('https://nahdo.org/sopt', 'urn:oid:2.16.840.1.113883.3.221.5') THEN
                       CASE WHEN c.elem->>'code' ~ '^11' THEN 'medicare-advantage'
                            WHEN c.elem->>'code' ~ '^1' THEN 'medicare'
                            WHEN c.elem->>'code' ~ '^2' THEN 'medicaid'
                            WHEN c.elem->>'code' ~ '^311' THEN 'tricare'
                            WHEN c.elem->>'code' ~ '^32' THEN 'va'
                            WHEN c.elem->>'code' ~ '^[567]' THEN 'commercial'
                            WHEN c.elem->>'code' ~ '^8' THEN 'self-pay'
                            WHEN c.elem->>'code' ~ '^95' THEN 'workers-comp'
                            WHEN c.elem->>'code' ~ '^[349]' THEN 'other' END
                     WHEN c.elem->>'system' = 'http://terminology.hl7.org/CodeSystem/coverage-selfpay'
                          AND c.elem->>'code' = 'pay' THEN 'self-pay'
                     WHEN c.elem->>'system' = 'http://terminology.hl7.org/CodeSystem/v3-ActCode' THEN
                       CASE upper(c.elem->>'code') WHEN 'HIP' THEN 'commercial' WHEN 'HMO' THEN 'commercial'
                            WHEN 'PPO' THEN 'commercial' WHEN 'POS' THEN 'commercial' WHEN 'MCPOL' THEN 'commercial'
                            WHEN 'WCBPOL' THEN 'workers-comp' WHEN 'PUBLICPOL' THEN 'other' END
                     ELSE referral_crm.map_code('payer_class', c.elem->>'code') END AS k, c.ord
              FROM referral_crm.fhir_array(concept->'coding') c
            UNION ALL
            SELECT referral_crm.map_code('payer_class', referral_crm.fhir_str(concept, '{text}')), 1000) x
           WHERE k IS NOT NULL ORDER BY ord LIMIT 1);

-- Plan type for Coverage.type: our code (urn:referral_crm:plan_type) or a
-- coding whose code is a plan type (HMO, PPO, POS, EPO ...).
CREATE FUNCTION referral_crm.fhir_plan_type(concept jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT lower(c.elem->>'code') FROM referral_crm.fhir_array(concept->'coding') c
           WHERE referral_crm.is_valid_code('plan_type', lower(c.elem->>'code'))
             AND (c.elem->>'system' = 'urn:referral_crm:plan_type' OR lower(c.elem->>'code') <> 'other')
           ORDER BY c.elem->>'system' = 'urn:referral_crm:plan_type' DESC, c.ord LIMIT 1);

-- The FHIR ServiceRequest.status that stands for a referral status.
CREATE FUNCTION referral_crm.fhir_request_status(status text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE status
           WHEN 'draft' THEN 'draft'
           WHEN 'on-hold' THEN 'on-hold'
           WHEN 'completed' THEN 'completed'
           WHEN 'entered-in-error' THEN 'entered-in-error'
           WHEN 'rejected' THEN 'revoked' WHEN 'cancelled' THEN 'revoked' WHEN 'failed' THEN 'revoked'
           ELSE 'active' END;
COMMENT ON FUNCTION referral_crm.fhir_request_status(text) IS
  'the FHIR ServiceRequest.status for a referral status (requested, received, accepted, ready, in-progress: active; rejected, cancelled, failed: revoked)';

-- The referral state a Task reports: status (Task.status through map_code,
-- so HL7 v2 RF1 codes work), the stage when businessStatus is one of our
-- stage codes (else NULL: keep), the status reason; problem when the
-- status is missing or not a referral status.
CREATE FUNCTION referral_crm.fhir_task_state(task jsonb,
    OUT status text, OUT stage text, OUT status_reason text, OUT problem text)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT referral_crm.map_code('referral_status', t.s),
           (SELECT lower(x) FROM (SELECT referral_crm.fhir_str(task, '{businessStatus,text}') AS x, 0::bigint AS ord
                                  UNION ALL
                                  SELECT referral_crm.fhir_str(c.elem, '{code}'), c.ord
                                    FROM referral_crm.fhir_array(task #> '{businessStatus,coding}') c) b
             WHERE referral_crm.is_valid_code('referral_stage', lower(x)) ORDER BY ord LIMIT 1),
           coalesce(referral_crm.fhir_str(task, '{statusReason,text}'),
                    referral_crm.fhir_str(task, '{statusReason,coding,0,display}'),
                    referral_crm.fhir_str(task, '{statusReason,coding,0,code}')),
           CASE WHEN t.s IS NULL THEN 'Task.status is missing'
                WHEN referral_crm.map_code('referral_status', t.s) IS NULL
                THEN format('Task.status %L is not a referral status', t.s) END
      FROM (SELECT referral_crm.fhir_str(task, '{status}') AS s) t
  $$;

------------------------------------------------------------------------
-- References
------------------------------------------------------------------------

-- Position of the bundle entry a reference string names: by fullUrl, or by
-- Type/id (also at the end of an absolute URL, without /_history/n).
CREATE FUNCTION referral_crm.fhir_ref_pos(idx jsonb, ref text) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN coalesce((idx->>ref)::bigint,
                  (idx->>((regexp_match(ref, '([A-Z][A-Za-z]+/[A-Za-z0-9.-]{1,64})(?:/_history/[^/]+)?$'))[1]))::bigint);

-- The resource type a Reference points to: the bundle entry's, the Type of
-- Type/id, Reference.type, or Practitioner for an NPI identifier.
CREATE FUNCTION referral_crm.fhir_ref_type(ref jsonb, ctx jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE
    WHEN referral_crm.fhir_str(ref, '{reference}') IS NOT NULL THEN
      coalesce(ctx->'types'->>(referral_crm.fhir_ref_pos(ctx->'idx', ref->>'reference')::text),
               (regexp_match(ref->>'reference', '([A-Z][A-Za-z]+)/[A-Za-z0-9.-]{1,64}(?:/_history/[^/]+)?$'))[1],
               referral_crm.fhir_str(ref, '{type}'))
    WHEN jsonb_typeof(ref->'identifier') = 'object' THEN
      coalesce(referral_crm.fhir_str(ref, '{type}'),
               CASE WHEN ref #>> '{identifier,system}' = 'http://hl7.org/fhir/sid/us-npi' THEN 'Practitioner' END)
    ELSE referral_crm.fhir_str(ref, '{type}') END;

-- The row a stored resource of a type has under a source key.
CREATE FUNCTION referral_crm.fhir_lookup(rtype text, ss text, sid text) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE rtype
    WHEN 'Patient' THEN (SELECT x.patient_id FROM referral_crm.patients x WHERE x.source_system = ss AND x.source_id = sid)
    WHEN 'Practitioner' THEN (SELECT x.clinician_id FROM referral_crm.clinicians x WHERE x.source_system = ss AND x.source_id = sid)
    WHEN 'Organization' THEN (SELECT x.organization_id FROM referral_crm.organizations x WHERE x.source_system = ss AND x.source_id = sid)
    WHEN 'Location' THEN (SELECT x.location_id FROM referral_crm.locations x WHERE x.source_system = ss AND x.source_id = sid)
    WHEN 'ServiceRequest' THEN (SELECT x.referral_id FROM referral_crm.referrals x WHERE x.source_system = ss AND x.source_id = sid)
    WHEN 'Appointment' THEN (SELECT x.appointment_id FROM referral_crm.appointments x WHERE x.source_system = ss AND x.source_id = sid)
  END;

-- Resolve a Reference to one of the allowed types.  ctx holds idx (fullUrl
-- and Type/id -> entry position), types (position -> resourceType) and
-- done (position -> {type, id, id2} of the entries loaded so far, or
-- {rejected}).  Returns the type and row ids (PractitionerRole: clinician
-- and organisation; Coverage: payer and plan), nothing for a Reference with
-- only a display, or the problem that makes it unresolvable.
CREATE FUNCTION referral_crm.fhir_resolve(ref jsonb, types text[], ctx jsonb,
    OUT rtype text, OUT id bigint, OUT id2 bigint, OUT problem text)
  LANGUAGE plpgsql STABLE PARALLEL SAFE AS
$$
DECLARE
  r text := referral_crm.fhir_str(ref, '{reference}');
  p bigint;
  d jsonb;
  m text[];
  sys text := referral_crm.fhir_str(ref, '{identifier,system}');
  val text := referral_crm.fhir_str(ref, '{identifier,value}');
  t text;
BEGIN
  IF jsonb_typeof(ref) IS DISTINCT FROM 'object' THEN
    RETURN;
  ELSIF r IS NOT NULL THEN
    IF left(r, 1) = '#' THEN
      problem := format('reference %s names a contained resource, which is not supported', r);
      RETURN;
    END IF;
    p := referral_crm.fhir_ref_pos(ctx->'idx', r);
    IF p IS NOT NULL THEN
      d := ctx->'done'->(p::text);
      IF d IS NULL OR d ? 'rejected' THEN
        problem := format('reference %s names entry %s, which was not loaded', r, p);
      ELSIF NOT (d->>'type' = ANY (types)) THEN
        problem := format('reference %s names a %s, not a %s', r, d->>'type', array_to_string(types, ' or '));
      ELSE
        rtype := d->>'type';
        id := (d->>'id')::bigint;
        id2 := (d->>'id2')::bigint;
      END IF;
      RETURN;
    END IF;
    m := regexp_match(r, '([A-Z][A-Za-z]+)/([A-Za-z0-9.-]{1,64})(?:/_history/[^/]+)?$');
    IF m IS NULL OR NOT (m[1] = ANY (types)) THEN
      problem := format('reference %s is not in the bundle and does not name a %s', r, array_to_string(types, ' or '));
      RETURN;
    END IF;
    id := referral_crm.fhir_lookup(m[1], 'fhir', m[2]);
    IF id IS NULL THEN
      problem := format('reference %s is neither in the bundle nor in the database', r);
    ELSE
      rtype := m[1];
    END IF;
    RETURN;
  ELSIF val IS NOT NULL THEN
    -- A logical reference by identifier.
    t := coalesce(referral_crm.fhir_str(ref, '{type}'), CASE WHEN cardinality(types) = 1 THEN types[1] END);
    IF sys = 'http://hl7.org/fhir/sid/us-npi' AND coalesce(t, 'Practitioner') IN ('Practitioner', 'PractitionerRole')
       AND ('Practitioner' = ANY (types) OR 'PractitionerRole' = ANY (types)) THEN
      rtype := 'Practitioner';
      id := (SELECT c.clinician_id FROM referral_crm.clinicians c WHERE c.npi = val);
    ELSIF sys = 'http://hl7.org/fhir/sid/us-npi' AND t = 'Organization' AND 'Organization' = ANY (types) THEN
      rtype := 'Organization';
      id := (SELECT o.organization_id FROM referral_crm.organizations o WHERE o.npi = val);
    ELSIF t = ANY (types) THEN
      rtype := t;
      id := referral_crm.fhir_lookup(t, coalesce(nullif(regexp_replace(sys, '^urn:referral_crm:source:', ''), ''), 'fhir'), val);
    END IF;
    IF id IS NULL THEN
      rtype := NULL;
      problem := format('identifier %s|%s names no %s in the database', coalesce(sys, ''), val,
                        coalesce(t, array_to_string(types, ' or ')));
    END IF;
  END IF;
END
$$;

------------------------------------------------------------------------
-- One loader per resource type, called by ingest_fhir with the resource,
-- the batch, the entry position and ctx: idx and types (see fhir_resolve),
-- done (the outcome of the entries loaded so far), tasks (ServiceRequest
-- position -> its first Task in the bundle) and task_sr (Task position ->
-- ServiceRequest position).  Each validates before it writes and returns
-- o_outcome inserted, updated, unchanged or rejected (with o_reason and
-- o_message), and the row ids other resources resolve to.
------------------------------------------------------------------------

-- Organization => organizations, matched by key, else by NPI.
CREATE FUNCTION referral_crm.fhir_load_organization(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_ss text; v_sid text;
  v_name text := referral_crm.fhir_str(res, '{name}');
  v_npi text := referral_crm.fhir_identifier(res->'identifier', 'http://hl7.org/fhir/sid/us-npi');
  v_tin_raw text := referral_crm.fhir_identifier(res->'identifier', 'urn:oid:2.16.840.1.113883.4.4');
  v_tin text := regexp_replace(v_tin_raw, '[-[:space:]]', '', 'g');
  v_kind text := referral_crm.fhir_organization_kind(res->'type');
  v_phone text := referral_crm.fhir_telecom(res->'telecom', 'phone');
  v_fax text := referral_crm.fhir_telecom(res->'telecom', 'fax');
  by_key bigint; by_npi bigint; n bigint;
BEGIN
  o_outcome := 'rejected';
  SELECT k.source_system, k.source_id INTO v_ss, v_sid FROM referral_crm.fhir_key(res) k;
  IF v_sid IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the Organization has neither an identifier nor an id'; RETURN;
  ELSIF v_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(v_npi) THEN
    o_reason := 'invalid_npi'; o_message := format('organization NPI %L is not valid', v_npi); RETURN;
  ELSIF v_tin IS NOT NULL AND v_tin !~ '^[0-9]{9}$' THEN
    o_reason := 'invalid_code'; o_message := format('organization TIN %L is not nine digits', v_tin_raw); RETURN;
  END IF;
  SELECT o.organization_id INTO by_key FROM referral_crm.organizations o
   WHERE o.source_system = v_ss AND o.source_id = v_sid;
  SELECT o.organization_id INTO by_npi FROM referral_crm.organizations o WHERE o.npi = v_npi;
  IF by_key <> by_npi THEN
    o_reason := 'key_conflict';
    o_message := format('organization NPI %s belongs to another organization than %s/%s', v_npi, v_ss, v_sid);
    RETURN;
  END IF;
  o_id := coalesce(by_key, by_npi);
  IF o_id IS NULL THEN
    IF v_name IS NULL THEN
      o_reason := 'missing_value'; o_message := format('organization %s/%s has no name', v_ss, v_sid); RETURN;
    END IF;
    INSERT INTO referral_crm.organizations AS o
           (name, kind, npi, tin, phone, fax, source_system, source_id, batch_id, source_row)
    VALUES (v_name, coalesce(v_kind, 'practice'), v_npi, v_tin, v_phone, v_fax, v_ss, v_sid, batch, pos)
    RETURNING o.organization_id INTO o_id;
    o_outcome := 'inserted';
    RETURN;
  END IF;
  UPDATE referral_crm.organizations o
     SET name = coalesce(v_name, o.name), kind = coalesce(v_kind, o.kind), npi = coalesce(v_npi, o.npi),
         tin = coalesce(v_tin, o.tin), phone = coalesce(v_phone, o.phone), fax = coalesce(v_fax, o.fax),
         batch_id = batch, source_row = pos
   WHERE o.organization_id = o_id
     AND (o.name, o.kind, o.npi, o.tin, o.phone, o.fax) IS DISTINCT FROM
         (coalesce(v_name, o.name), coalesce(v_kind, o.kind), coalesce(v_npi, o.npi), coalesce(v_tin, o.tin),
          coalesce(v_phone, o.phone), coalesce(v_fax, o.fax));
  GET DIAGNOSTICS n = ROW_COUNT;
  o_outcome := CASE WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
END
$$;

-- Location => locations (address, position, managingOrganization).
CREATE FUNCTION referral_crm.fhir_load_location(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_ss text; v_sid text;
  v_line1 text := referral_crm.fhir_str(res, '{address,line,0}');
  v_line2 text := referral_crm.fhir_str(res, '{address,line,1}');
  v_city text := referral_crm.fhir_str(res, '{address,city}');
  t_state text := referral_crm.fhir_str(res, '{address,state}');
  t_zip text := referral_crm.fhir_str(res, '{address,postalCode}');
  v_state text := referral_crm.map_code('us_state', t_state);
  v_zip text := referral_crm.norm_zip(t_zip);
  v_name text := coalesce(referral_crm.fhir_str(res, '{name}'), v_line1);
  j_lat jsonb := res #> '{position,latitude}';
  j_lon jsonb := res #> '{position,longitude}';
  v_lat double precision; v_lon double precision;
  v_phone text := referral_crm.fhir_telecom(res->'telecom', 'phone');
  v_fax text := referral_crm.fhir_telecom(res->'telecom', 'fax');
  v_org bigint;
  rr record; n bigint;
BEGIN
  o_outcome := 'rejected';
  SELECT k.source_system, k.source_id INTO v_ss, v_sid FROM referral_crm.fhir_key(res) k;
  IF v_sid IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the Location has neither an identifier nor an id'; RETURN;
  ELSIF t_state IS NOT NULL AND v_state IS NULL THEN
    o_reason := 'invalid_code'; o_message := format('address.state %L is not a US state code', t_state); RETURN;
  ELSIF t_zip IS NOT NULL AND v_zip IS NULL THEN
    o_reason := 'invalid_zip'; o_message := format('address.postalCode %L is not a ZIP code', t_zip); RETURN;
  END IF;
  IF jsonb_typeof(j_lat) = 'number' AND jsonb_typeof(j_lon) = 'number' THEN
    v_lat := (j_lat #>> '{}')::double precision;
    v_lon := (j_lon #>> '{}')::double precision;
  END IF;
  IF (j_lat IS NOT NULL OR j_lon IS NOT NULL) AND (v_lat IS NULL OR abs(v_lat) > 90 OR abs(v_lon) > 180) THEN
    o_reason := 'bad_number';
    o_message := format('position is not valid: latitude %s, longitude %s', coalesce(j_lat::text, 'missing'), coalesce(j_lon::text, 'missing'));
    RETURN;
  END IF;
  SELECT * INTO rr FROM referral_crm.fhir_resolve(res->'managingOrganization', '{Organization}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'managingOrganization: ' || rr.problem; RETURN;
  END IF;
  v_org := rr.id;
  SELECT l.location_id INTO o_id FROM referral_crm.locations l WHERE l.source_system = v_ss AND l.source_id = v_sid;
  IF o_id IS NULL THEN
    IF v_name IS NULL THEN
      o_reason := 'missing_value'; o_message := format('location %s/%s has neither a name nor an address line', v_ss, v_sid);
      RETURN;
    END IF;
    INSERT INTO referral_crm.locations AS l
           (organization_id, name, address_line1, address_line2, city, state, zip, latitude, longitude,
            phone, fax, source_system, source_id, batch_id, source_row)
    VALUES (v_org, v_name, v_line1, v_line2, v_city, v_state, v_zip, v_lat, v_lon,
            v_phone, v_fax, v_ss, v_sid, batch, pos)
    RETURNING l.location_id INTO o_id;
    o_outcome := 'inserted';
    RETURN;
  END IF;
  UPDATE referral_crm.locations l
     SET organization_id = coalesce(v_org, l.organization_id), name = coalesce(v_name, l.name),
         address_line1 = coalesce(v_line1, l.address_line1), address_line2 = coalesce(v_line2, l.address_line2),
         city = coalesce(v_city, l.city), state = coalesce(v_state, l.state), zip = coalesce(v_zip, l.zip),
         latitude = coalesce(v_lat, l.latitude), longitude = coalesce(v_lon, l.longitude),
         phone = coalesce(v_phone, l.phone), fax = coalesce(v_fax, l.fax), batch_id = batch, source_row = pos
   WHERE l.location_id = o_id
     AND (l.organization_id, l.name, l.address_line1, l.address_line2, l.city, l.state, l.zip, l.latitude,
          l.longitude, l.phone, l.fax) IS DISTINCT FROM
         (coalesce(v_org, l.organization_id), coalesce(v_name, l.name), coalesce(v_line1, l.address_line1),
          coalesce(v_line2, l.address_line2), coalesce(v_city, l.city), coalesce(v_state, l.state),
          coalesce(v_zip, l.zip), coalesce(v_lat, l.latitude), coalesce(v_lon, l.longitude),
          coalesce(v_phone, l.phone), coalesce(v_fax, l.fax));
  GET DIAGNOSTICS n = ROW_COUNT;
  o_outcome := CASE WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
END
$$;

-- Practitioner => clinicians, matched by NPI, else by key; a key whose
-- clinician has another NPI is a key_conflict.
CREATE FUNCTION referral_crm.fhir_load_practitioner(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_ss text; v_sid text;
  v_npi text := referral_crm.fhir_identifier(res->'identifier', 'http://hl7.org/fhir/sid/us-npi');
  nm jsonb := coalesce((SELECT a.elem FROM referral_crm.fhir_array(res->'name') a
                         ORDER BY a.elem->>'use' = 'official' DESC, a.ord LIMIT 1), '{}');
  v_family text := referral_crm.fhir_str(nm, '{family}');
  v_given text := referral_crm.fhir_str(nm, '{given,0}');
  v_middle text := (SELECT string_agg(referral_crm.fhir_str(a.elem, '{}'), ' ' ORDER BY a.ord)
                      FROM referral_crm.fhir_array(nm->'given') a WHERE a.ord > 1);
  v_prefix text := referral_crm.fhir_str(nm, '{prefix,0}');
  v_suffix text := referral_crm.fhir_str(nm, '{suffix,0}');
  v_as_given text;
  t_sex text := referral_crm.fhir_str(res, '{gender}');
  v_sex text := referral_crm.map_code('sex', t_sex);
  v_creds text[] := (SELECT array_agg(x ORDER BY a.ord) FROM referral_crm.fhir_array(res->'qualification') a
                       CROSS JOIN LATERAL (SELECT coalesce(referral_crm.fhir_str(a.elem, '{code,coding,0,code}'),
                                                           referral_crm.fhir_str(a.elem, '{code,text}'))) AS q (x)
                      WHERE x IS NOT NULL);
  v_phone text := referral_crm.fhir_telecom(res->'telecom', 'phone');
  v_fax text := referral_crm.fhir_telecom(res->'telecom', 'fax');
  v_email text := referral_crm.fhir_telecom(res->'telecom', 'email');
  by_key bigint; by_npi bigint; key_npi text; n bigint;
BEGIN
  o_outcome := 'rejected';
  v_as_given := coalesce(referral_crm.fhir_str(nm, '{text}'),
                         nullif(concat_ws(' ', v_prefix, v_given, v_middle, v_family, v_suffix), ''));
  SELECT k.source_system, k.source_id INTO v_ss, v_sid FROM referral_crm.fhir_key(res) k;
  IF v_sid IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the Practitioner has neither an identifier nor an id'; RETURN;
  ELSIF v_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(v_npi) THEN
    o_reason := 'invalid_npi'; o_message := format('practitioner NPI %L is not valid', v_npi); RETURN;
  ELSIF t_sex IS NOT NULL AND v_sex IS NULL THEN
    o_reason := 'invalid_code'; o_message := format('gender %L is not an administrative sex', t_sex); RETURN;
  END IF;
  SELECT c.clinician_id, c.npi INTO by_key, key_npi FROM referral_crm.clinicians c
   WHERE c.source_system = v_ss AND c.source_id = v_sid;
  SELECT c.clinician_id INTO by_npi FROM referral_crm.clinicians c WHERE c.npi = v_npi;
  IF by_key <> by_npi OR (by_npi IS NULL AND key_npi <> v_npi) THEN
    o_reason := 'key_conflict';
    o_message := format('practitioner %s/%s is stored with NPI %s, the resource has NPI %s', v_ss, v_sid, key_npi, v_npi);
    RETURN;
  END IF;
  o_id := coalesce(by_npi, by_key);
  IF o_id IS NULL THEN
    IF v_family IS NULL THEN
      o_reason := 'missing_value'; o_message := format('practitioner %s/%s has no family name', v_ss, v_sid); RETURN;
    END IF;
    INSERT INTO referral_crm.clinicians AS c
           (npi, name_as_given, name_prefix, given_name, middle_name, family_name, name_suffix, credentials, sex,
            phone, fax, email, source_system, source_id, batch_id, source_row)
    VALUES (v_npi, v_as_given, v_prefix, v_given, v_middle, v_family, v_suffix, coalesce(v_creds, '{}'), v_sex,
            v_phone, v_fax, v_email, v_ss, v_sid, batch, pos)
    RETURNING c.clinician_id INTO o_id;
    o_outcome := 'inserted';
    RETURN;
  END IF;
  UPDATE referral_crm.clinicians c
     SET npi = coalesce(v_npi, c.npi), name_as_given = coalesce(v_as_given, c.name_as_given),
         name_prefix = coalesce(v_prefix, c.name_prefix), given_name = coalesce(v_given, c.given_name),
         middle_name = coalesce(v_middle, c.middle_name), family_name = coalesce(v_family, c.family_name),
         name_suffix = coalesce(v_suffix, c.name_suffix), credentials = coalesce(v_creds, c.credentials),
         sex = coalesce(v_sex, c.sex), phone = coalesce(v_phone, c.phone), fax = coalesce(v_fax, c.fax),
         email = coalesce(v_email, c.email), batch_id = batch, source_row = pos
   WHERE c.clinician_id = o_id
     AND (c.npi, c.name_as_given, c.name_prefix, c.given_name, c.middle_name, c.family_name, c.name_suffix,
          c.credentials, c.sex, c.phone, c.fax, c.email) IS DISTINCT FROM
         (coalesce(v_npi, c.npi), coalesce(v_as_given, c.name_as_given), coalesce(v_prefix, c.name_prefix),
          coalesce(v_given, c.given_name), coalesce(v_middle, c.middle_name), coalesce(v_family, c.family_name),
          coalesce(v_suffix, c.name_suffix), coalesce(v_creds, c.credentials), coalesce(v_sex, c.sex),
          coalesce(v_phone, c.phone), coalesce(v_fax, c.fax), coalesce(v_email, c.email));
  GET DIAGNOSTICS n = ROW_COUNT;
  o_outcome := CASE WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
END
$$;

-- PractitionerRole has no row of its own: it sets the clinician's
-- organisation, specialty, taxonomy code and phone, and links the clinician
-- to its locations (inserted when it adds a link).
CREATE FUNCTION referral_crm.fhir_load_practitioner_role(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_taxonomy text := (SELECT referral_crm.fhir_str(c.elem, '{code}')
                        FROM referral_crm.fhir_array(res->'specialty') s, referral_crm.fhir_array(s.elem->'coding') c
                       WHERE c.elem->>'system' = 'http://nucc.org/provider-taxonomy'
                       ORDER BY s.ord, c.ord LIMIT 1);
  v_specialty text := (SELECT referral_crm.fhir_specialty(s.elem) FROM referral_crm.fhir_array(res->'specialty') s
                        WHERE referral_crm.fhir_specialty(s.elem) IS NOT NULL ORDER BY s.ord LIMIT 1);
  v_phone text := referral_crm.fhir_telecom(res->'telecom', 'phone');
  v_org bigint;
  v_locs bigint[] := '{}';
  rr record; x record; n bigint; links bigint := 0;
BEGIN
  o_outcome := 'rejected';
  IF jsonb_typeof(res->'practitioner') IS DISTINCT FROM 'object' THEN
    o_reason := 'missing_key'; o_message := 'the PractitionerRole names no practitioner'; RETURN;
  ELSIF v_taxonomy IS NOT NULL AND NOT referral_crm.is_valid_code('taxonomy', v_taxonomy) THEN
    o_reason := 'invalid_code'; o_message := format('specialty %L is not a NUCC taxonomy code', v_taxonomy); RETURN;
  END IF;
  SELECT * INTO rr FROM referral_crm.fhir_resolve(res->'practitioner', '{Practitioner}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'practitioner: ' || rr.problem; RETURN;
  ELSIF rr.id IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the PractitionerRole names its practitioner by display only'; RETURN;
  END IF;
  o_id := rr.id;
  SELECT * INTO rr FROM referral_crm.fhir_resolve(res->'organization', '{Organization}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'organization: ' || rr.problem; RETURN;
  END IF;
  v_org := rr.id;
  FOR x IN SELECT a.elem FROM referral_crm.fhir_array(res->'location') a ORDER BY a.ord LOOP
    SELECT * INTO rr FROM referral_crm.fhir_resolve(x.elem, '{Location}', ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'location: ' || rr.problem; RETURN;
    END IF;
    IF rr.id IS NOT NULL AND NOT rr.id = ANY (v_locs) THEN
      v_locs := v_locs || rr.id;
    END IF;
  END LOOP;
  o_id2 := v_org;

  UPDATE referral_crm.clinicians c
     SET organization_id = coalesce(v_org, c.organization_id), specialty = coalesce(v_specialty, c.specialty),
         taxonomy_code = coalesce(v_taxonomy, c.taxonomy_code), phone = coalesce(v_phone, c.phone),
         batch_id = batch, source_row = pos
   WHERE c.clinician_id = o_id
     AND (c.organization_id, c.specialty, c.taxonomy_code, c.phone) IS DISTINCT FROM
         (coalesce(v_org, c.organization_id), coalesce(v_specialty, c.specialty),
          coalesce(v_taxonomy, c.taxonomy_code), coalesce(v_phone, c.phone));
  GET DIAGNOSTICS n = ROW_COUNT;
  -- New links; the first becomes primary when the clinician has none.
  INSERT INTO referral_crm.clinician_locations AS cl (clinician_id, location_id, is_primary)
  SELECT o_id, l.location_id,
         l.ord = 1 AND NOT EXISTS (SELECT 1 FROM referral_crm.clinician_locations p
                                    WHERE p.clinician_id = o_id AND p.is_primary)
    FROM unnest(v_locs) WITH ORDINALITY AS l (location_id, ord)
  ON CONFLICT (clinician_id, location_id) DO NOTHING;
  GET DIAGNOSTICS links = ROW_COUNT;
  -- Completing a practitioner inserted by the same bundle counts as inserted.
  o_outcome := CASE WHEN links > 0 THEN 'inserted'
                    WHEN n > 0 AND ctx #>> ARRAY['done', referral_crm.fhir_ref_pos(ctx->'idx', res #>> '{practitioner,reference}')::text,
                                                 'outcome'] = 'inserted' THEN 'inserted'
                    WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
END
$$;

-- Patient => patients (name, birth date, sex, ZIP, phone, e-mail, language).
CREATE FUNCTION referral_crm.fhir_load_patient(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_ss text; v_sid text;
  nm jsonb := coalesce((SELECT a.elem FROM referral_crm.fhir_array(res->'name') a
                         ORDER BY a.elem->>'use' = 'official' DESC, a.ord LIMIT 1), '{}');
  v_given text := referral_crm.fhir_str(nm, '{given,0}');
  v_family text := referral_crm.fhir_str(nm, '{family}');
  t_birth text := referral_crm.fhir_str(res, '{birthDate}');
  v_birth date := referral_crm.parse_date(t_birth);
  t_sex text := referral_crm.fhir_str(res, '{gender}');
  v_sex text := referral_crm.map_code('sex', t_sex);
  t_zip text := (SELECT referral_crm.fhir_str(a.elem, '{postalCode}') FROM referral_crm.fhir_array(res->'address') a
                  WHERE referral_crm.fhir_str(a.elem, '{postalCode}') IS NOT NULL
                  ORDER BY a.elem->>'use' = 'home' DESC, a.ord LIMIT 1);
  v_zip text := referral_crm.norm_zip(t_zip);
  v_phone text := referral_crm.fhir_telecom(res->'telecom', 'phone');
  v_email text := referral_crm.fhir_telecom(res->'telecom', 'email');
  v_lang text := (SELECT coalesce(referral_crm.fhir_str(a.elem, '{language,coding,0,code}'),
                                  referral_crm.fhir_str(a.elem, '{language,text}'))
                    FROM referral_crm.fhir_array(res->'communication') a
                   ORDER BY (a.elem->>'preferred') = 'true' DESC, a.ord LIMIT 1);
  n bigint;
BEGIN
  v_lang := referral_crm.norm_language(v_lang);
  o_outcome := 'rejected';
  SELECT k.source_system, k.source_id INTO v_ss, v_sid FROM referral_crm.fhir_key(res) k;
  IF v_sid IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the Patient has neither an identifier nor an id'; RETURN;
  ELSIF t_birth IS NOT NULL AND v_birth IS NULL THEN
    o_reason := 'bad_date'; o_message := format('birthDate %L is not a valid date', t_birth); RETURN;
  ELSIF t_sex IS NOT NULL AND v_sex IS NULL THEN
    o_reason := 'invalid_code'; o_message := format('gender %L is not an administrative sex', t_sex); RETURN;
  ELSIF t_zip IS NOT NULL AND v_zip IS NULL THEN
    o_reason := 'invalid_zip'; o_message := format('address.postalCode %L is not a ZIP code', t_zip); RETURN;
  ELSIF v_lang !~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' THEN
    o_reason := 'invalid_code'; o_message := format('communication.language %L is not a BCP 47 language tag', v_lang); RETURN;
  END IF;
  SELECT p.patient_id INTO o_id FROM referral_crm.patients p WHERE p.source_system = v_ss AND p.source_id = v_sid;
  IF o_id IS NULL THEN
    INSERT INTO referral_crm.patients AS p
           (given_name, family_name, birth_date, sex, zip, phone, email, preferred_language,
            source_system, source_id, batch_id, source_row)
    VALUES (v_given, v_family, v_birth, v_sex, v_zip, v_phone, v_email, v_lang, v_ss, v_sid, batch, pos)
    RETURNING p.patient_id INTO o_id;
    o_outcome := 'inserted';
    RETURN;
  END IF;
  UPDATE referral_crm.patients p
     SET given_name = coalesce(v_given, p.given_name), family_name = coalesce(v_family, p.family_name),
         birth_date = coalesce(v_birth, p.birth_date), sex = coalesce(v_sex, p.sex), zip = coalesce(v_zip, p.zip),
         phone = coalesce(v_phone, p.phone), email = coalesce(v_email, p.email),
         preferred_language = coalesce(v_lang, p.preferred_language), batch_id = batch, source_row = pos
   WHERE p.patient_id = o_id
     AND (p.given_name, p.family_name, p.birth_date, p.sex, p.zip, p.phone, p.email, p.preferred_language)
         IS DISTINCT FROM
         (coalesce(v_given, p.given_name), coalesce(v_family, p.family_name), coalesce(v_birth, p.birth_date),
          coalesce(v_sex, p.sex), coalesce(v_zip, p.zip), coalesce(v_phone, p.phone), coalesce(v_email, p.email),
          coalesce(v_lang, p.preferred_language));
  GET DIAGNOSTICS n = ROW_COUNT;
  o_outcome := CASE WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
END
$$;

-- Coverage has no row of its own: payor => payer (by payer code), class
-- plan => plan.  The payer code is payor.identifier.value, else the
-- identifier value of the payor Organization, else the payor's display or
-- name.  A new payer without a usable type gets payer class 'other', as in
-- the CSV feeds.
CREATE FUNCTION referral_crm.fhir_load_coverage(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  payor jsonb := res #> '{payor,0}';
  cls jsonb := (SELECT a.elem FROM referral_crm.fhir_array(res->'class') a
                 WHERE EXISTS (SELECT 1 FROM referral_crm.fhir_array(a.elem #> '{type,coding}') c
                                WHERE c.elem->>'code' = 'plan')
                 ORDER BY a.ord LIMIT 1);
  v_class text := referral_crm.fhir_payer_class(res->'type');
  v_plan_type text := referral_crm.fhir_plan_type(res->'type');
  v_plan_code text := referral_crm.fhir_str(cls, '{value}');
  v_plan_name text := coalesce(referral_crm.fhir_str(cls, '{name}'), referral_crm.fhir_str(cls, '{value}'));
  v_code text; v_name text;
  org referral_crm.organizations%ROWTYPE;
  rr record; n1 bigint := 0; n2 bigint := 0; ins boolean := false;
BEGIN
  o_outcome := 'rejected';
  IF jsonb_typeof(payor) IS DISTINCT FROM 'object' THEN
    o_reason := 'missing_key'; o_message := 'the Coverage names no payor'; RETURN;
  ELSIF res ? 'type' AND v_class IS NULL THEN
    o_reason := 'invalid_code';
    o_message := format('type %L is not a payer class',
                        coalesce((SELECT string_agg(coalesce(c.elem->>'system' || '|', '') || (c.elem->>'code'), ', ' ORDER BY c.ord)
                                    FROM referral_crm.fhir_array(res #> '{type,coding}') c),
                                 referral_crm.fhir_str(res, '{type,text}')));
    RETURN;
  END IF;
  IF payor ? 'reference' THEN
    SELECT * INTO rr FROM referral_crm.fhir_resolve(payor, '{Organization}', ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'payor: ' || rr.problem; RETURN;
    END IF;
    SELECT * INTO org FROM referral_crm.organizations o WHERE o.organization_id = rr.id;
  END IF;
  v_code := coalesce(referral_crm.fhir_str(payor, '{identifier,value}'),
                     CASE WHEN org.source_system <> 'fhir' THEN org.source_id END,
                     referral_crm.fhir_str(payor, '{display}'), org.name);
  v_name := coalesce(referral_crm.fhir_str(payor, '{display}'), org.name, v_code);
  IF v_code IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the payor has neither an identifier nor a name'; RETURN;
  END IF;
  SELECT p.payer_id INTO o_id FROM referral_crm.payers p WHERE p.payer_code = v_code;
  SELECT pl.plan_id INTO o_id2 FROM referral_crm.payer_plans pl WHERE pl.payer_id = o_id AND pl.plan_code = v_plan_code;
  IF o_id IS NULL AND EXISTS (SELECT 1 FROM referral_crm.payers p WHERE p.source_system = 'fhir' AND p.source_id = v_code) THEN
    o_reason := 'key_conflict'; o_message := format('payer key fhir/%s belongs to another payer code', v_code); RETURN;
  ELSIF o_id2 IS NULL AND EXISTS (SELECT 1 FROM referral_crm.payer_plans pl
                                   WHERE pl.source_system = 'fhir' AND pl.source_id = v_code || '/' || v_plan_code) THEN
    o_reason := 'key_conflict'; o_message := format('plan key fhir/%s/%s belongs to another plan', v_code, v_plan_code); RETURN;
  END IF;
  IF o_id IS NULL THEN
    INSERT INTO referral_crm.payers AS p (payer_code, name, payer_class, source_system, source_id, batch_id, source_row)
    VALUES (v_code, v_name, coalesce(v_class, 'other'), 'fhir', v_code, batch, pos)
    RETURNING p.payer_id INTO o_id;
    ins := true;
  ELSE
    UPDATE referral_crm.payers p
       SET name = coalesce(v_name, p.name), payer_class = coalesce(v_class, p.payer_class),
           batch_id = batch, source_row = pos
     WHERE p.payer_id = o_id
       AND (p.name, p.payer_class) IS DISTINCT FROM (coalesce(v_name, p.name), coalesce(v_class, p.payer_class));
    GET DIAGNOSTICS n1 = ROW_COUNT;
  END IF;
  IF v_plan_code IS NOT NULL THEN
    IF o_id2 IS NULL THEN
      INSERT INTO referral_crm.payer_plans AS pl (payer_id, plan_code, name, plan_type, source_system, source_id, batch_id, source_row)
      VALUES (o_id, v_plan_code, v_plan_name, v_plan_type, 'fhir', v_code || '/' || v_plan_code, batch, pos)
      RETURNING pl.plan_id INTO o_id2;
      ins := true;
    ELSE
      UPDATE referral_crm.payer_plans pl
         SET name = coalesce(v_plan_name, pl.name), plan_type = coalesce(v_plan_type, pl.plan_type),
             batch_id = batch, source_row = pos
       WHERE pl.plan_id = o_id2
         AND (pl.name, pl.plan_type) IS DISTINCT FROM (coalesce(v_plan_name, pl.name), coalesce(v_plan_type, pl.plan_type));
      GET DIAGNOSTICS n2 = ROW_COUNT;
    END IF;
  END IF;
  o_outcome := CASE WHEN ins THEN 'inserted' WHEN n1 + n2 > 0 THEN 'updated' ELSE 'unchanged' END;
END
$$;

-- ServiceRequest => referrals (and ServiceRequest.note => referral_notes).
-- The status comes from the bundle's first Task for the request when the
-- referral is new; an existing referral keeps its status unless there is no
-- Task for it and ServiceRequest.status says something else than the
-- stored status does (active covers requested ... in-progress).
CREATE FUNCTION referral_crm.fhir_load_service_request(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_ss text; v_sid text;
  cur referral_crm.referrals%ROWTYPE;
  nw referral_crm.referrals%ROWTYPE;
  task jsonb := ctx #> ARRAY['tasks', pos::text, 'resource'];
  ts record; rr record; x record;
  t text; t2 text;
  v_authored timestamptz; v_needed date; v_priority text; v_patient bigint;
  v_ref_clin bigint; v_ref_org bigint; v_ref_npi text; v_ref_name text; v_display text;
  v_target_clin bigint; v_target_npi text; v_specialty text; v_location bigint;
  v_dx text[]; v_reason text; has_insurance boolean := false; v_payer bigint; v_plan bigint;
  v_refnum text := referral_crm.fhir_identifier(res->'identifier', 'urn:referral_crm:referral-number');
  first_visit timestamptz;
  n bigint; notes_changed bigint := 0;
BEGIN
  o_outcome := 'rejected';
  SELECT k.source_system, k.source_id INTO v_ss, v_sid FROM referral_crm.fhir_key(res) k;
  IF v_sid IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the ServiceRequest has neither an identifier nor an id'; RETURN;
  END IF;
  SELECT * INTO cur FROM referral_crm.referrals r WHERE r.source_system = v_ss AND r.source_id = v_sid FOR UPDATE;

  -- Dates and codes.
  t := referral_crm.fhir_str(res, '{authoredOn}');
  v_authored := referral_crm.parse_timestamptz(t, referral_crm.calendar_zone());
  IF t IS NOT NULL AND v_authored IS NULL THEN
    o_reason := 'bad_date'; o_message := format('authoredOn %L is not a valid date-time', t); RETURN;
  ELSIF t IS NULL AND cur.referral_id IS NULL THEN
    o_reason := 'missing_value'; o_message := format('referral %s/%s has no authoredOn', v_ss, v_sid); RETURN;
  END IF;
  t := coalesce(referral_crm.fhir_str(res, '{occurrencePeriod,end}'), referral_crm.fhir_str(res, '{occurrenceDateTime}'));
  IF t IS NOT NULL THEN
    v_needed := CASE WHEN t ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN referral_crm.parse_date(left(t, 10)) END;
    IF v_needed IS NULL OR (length(t) > 10 AND referral_crm.parse_timestamptz(t, referral_crm.calendar_zone()) IS NULL) THEN
      o_reason := 'bad_date'; o_message := format('occurrence %L is not a valid date', t); RETURN;
    END IF;
  END IF;
  FOR x IN SELECT a.elem, a.ord FROM referral_crm.fhir_array(res->'note') a LOOP
    t := referral_crm.fhir_str(x.elem, '{time}');
    IF t IS NOT NULL AND referral_crm.parse_timestamptz(t, referral_crm.calendar_zone()) IS NULL THEN
      o_reason := 'bad_date'; o_message := format('note %s time %L is not a valid date-time', x.ord, t); RETURN;
    END IF;
  END LOOP;
  t := referral_crm.fhir_str(res, '{priority}');
  v_priority := referral_crm.map_code('priority', t);
  IF t IS NOT NULL AND v_priority IS NULL THEN
    o_reason := 'invalid_code'; o_message := format('priority %L is not a priority', t); RETURN;
  END IF;
  t := (SELECT c.elem->>'code' FROM referral_crm.fhir_array(res #> '{performerType,coding}') c
         WHERE c.elem->>'system' = 'urn:referral_crm:specialty' ORDER BY c.ord LIMIT 1);
  IF t IS NOT NULL AND NOT EXISTS (SELECT 1 FROM referral_crm.specialties s WHERE s.specialty = t) THEN
    o_reason := 'unknown_specialty'; o_message := format('performerType %L is not a known specialty', t); RETURN;
  END IF;
  v_specialty := referral_crm.fhir_specialty(res->'performerType');
  SELECT string_agg(c.elem->>'code', ';' ORDER BY rc.ord, c.ord),
         string_agg(referral_crm.fhir_str(c.elem, '{display}'), '; ' ORDER BY rc.ord, c.ord)
    INTO t, t2
    FROM referral_crm.fhir_array(res->'reasonCode') rc, referral_crm.fhir_array(rc.elem->'coding') c
   WHERE c.elem->>'system' IN ('http://hl7.org/fhir/sid/icd-10-cm', 'http://hl7.org/fhir/sid/icd-10');
  IF t IS NOT NULL THEN
    v_dx := (SELECT array_agg(d ORDER BY o) FROM (SELECT d, min(o) AS o FROM unnest(referral_crm.norm_icd10_list(t)) WITH ORDINALITY AS u (d, o) GROUP BY d) z);
    IF v_dx IS NULL THEN
      o_reason := 'invalid_code'; o_message := format('reasonCode %L is not an ICD-10-CM code list', t); RETURN;
    END IF;
  END IF;
  v_reason := coalesce((SELECT string_agg(referral_crm.fhir_str(rc.elem, '{text}'), '; ' ORDER BY rc.ord)
                          FROM referral_crm.fhir_array(res->'reasonCode') rc), t2);

  -- References.
  SELECT * INTO rr FROM referral_crm.fhir_resolve(res->'subject', '{Patient}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'subject: ' || rr.problem; RETURN;
  END IF;
  v_patient := rr.id;
  IF v_patient IS NULL AND cur.referral_id IS NULL THEN
    o_reason := 'missing_value'; o_message := format('referral %s/%s names no patient (subject)', v_ss, v_sid); RETURN;
  ELSIF v_patient <> cur.patient_id THEN
    o_reason := 'patient_mismatch';
    o_message := format('referral %s/%s is stored for another patient than its subject', v_ss, v_sid);
    RETURN;
  END IF;

  IF res->'requester' ? 'reference' THEN
    SELECT * INTO rr FROM referral_crm.fhir_resolve(res->'requester', '{PractitionerRole,Practitioner,Organization}', ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'requester: ' || rr.problem; RETURN;
    ELSIF rr.rtype = 'Organization' THEN
      v_ref_org := rr.id;
    ELSE
      v_ref_clin := rr.id;
      v_ref_org := rr.id2;
      v_ref_npi := (SELECT c.npi FROM referral_crm.clinicians c WHERE c.clinician_id = v_ref_clin);
    END IF;
  END IF;
  v_display := referral_crm.fhir_str(res, '{requester,display}');
  IF v_ref_npi IS NULL THEN
    -- An NPI from the requester's identifier or display ("... (NPI 1234567893)").
    t := coalesce(CASE WHEN res #>> '{requester,identifier,system}' = 'http://hl7.org/fhir/sid/us-npi'
                       THEN referral_crm.fhir_str(res, '{requester,identifier,value}') END,
                  (regexp_match(v_display, 'NPI[:#]?\s*([0-9]{10})\M', 'i'))[1]);
    IF t IS NOT NULL AND NOT referral_crm.npi_is_valid(t) THEN
      o_reason := 'invalid_npi'; o_message := format('requester NPI %L is not valid', t); RETURN;
    END IF;
    v_ref_npi := t;
    IF v_ref_clin IS NULL THEN
      v_ref_clin := (SELECT c.clinician_id FROM referral_crm.clinicians c WHERE c.npi = t);
    END IF;
  END IF;
  v_ref_name := nullif(btrim(regexp_replace(regexp_replace(v_display, '[(\[]?\s*NPI[:#]?\s*[0-9]{10}\M\s*[)\]]?', ' ', 'gi'),
                                            '\s+', ' ', 'g')), '');
  SELECT e.elem->'valueReference' AS ref INTO x FROM referral_crm.fhir_array(res->'extension') e
   WHERE e.elem->>'url' = 'urn:referral_crm:extension:referring-organization' ORDER BY e.ord LIMIT 1;
  IF x.ref IS NOT NULL THEN
    SELECT * INTO rr FROM referral_crm.fhir_resolve(x.ref, '{Organization}', ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'referring organization: ' || rr.problem; RETURN;
    END IF;
    v_ref_org := coalesce(rr.id, v_ref_org);
  END IF;

  -- The target: the first performer that is a practitioner.
  FOR x IN SELECT a.elem FROM referral_crm.fhir_array(res->'performer') a ORDER BY a.ord LOOP
    CONTINUE WHEN referral_crm.fhir_ref_type(x.elem, ctx) IS DISTINCT FROM 'Practitioner'
              AND referral_crm.fhir_ref_type(x.elem, ctx) IS DISTINCT FROM 'PractitionerRole';
    IF x.elem ? 'reference' THEN
      SELECT * INTO rr FROM referral_crm.fhir_resolve(x.elem, '{PractitionerRole,Practitioner}', ctx);
      IF rr.problem IS NOT NULL THEN
        o_reason := 'unknown_reference'; o_message := 'performer: ' || rr.problem; RETURN;
      END IF;
      v_target_clin := rr.id;
      v_target_npi := (SELECT c.npi FROM referral_crm.clinicians c WHERE c.clinician_id = v_target_clin);
    ELSE
      t := CASE WHEN x.elem #>> '{identifier,system}' = 'http://hl7.org/fhir/sid/us-npi'
                THEN referral_crm.fhir_str(x.elem, '{identifier,value}') END;
      IF t IS NOT NULL AND NOT referral_crm.npi_is_valid(t) THEN
        o_reason := 'invalid_npi'; o_message := format('performer NPI %L is not valid', t); RETURN;
      END IF;
      v_target_npi := t;
      v_target_clin := (SELECT c.clinician_id FROM referral_crm.clinicians c WHERE c.npi = t);
    END IF;
    EXIT;
  END LOOP;

  SELECT * INTO rr FROM referral_crm.fhir_resolve(res #> '{locationReference,0}', '{Location}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'locationReference: ' || rr.problem; RETURN;
  END IF;
  v_location := rr.id;
  IF jsonb_typeof(res #> '{insurance,0}') = 'object' THEN
    SELECT * INTO rr FROM referral_crm.fhir_resolve(res #> '{insurance,0}', '{Coverage}', ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'insurance: ' || rr.problem; RETURN;
    END IF;
    has_insurance := rr.id IS NOT NULL;
    v_payer := rr.id;
    v_plan := rr.id2;
  END IF;

  -- The referral row as it should be.
  nw := cur;
  nw.patient_id := coalesce(v_patient, cur.patient_id);
  nw.authored_at := coalesce(v_authored, cur.authored_at);
  nw.needed_by := coalesce(v_needed, cur.needed_by);
  nw.priority := coalesce(v_priority, cur.priority, 'routine');
  nw.referring_clinician_id := coalesce(v_ref_clin, cur.referring_clinician_id);
  nw.referring_npi := coalesce(v_ref_npi, cur.referring_npi);
  nw.referring_name := coalesce(v_ref_name, cur.referring_name);
  nw.referring_organization_id := coalesce(v_ref_org, cur.referring_organization_id);
  nw.target_specialty := coalesce(v_specialty, cur.target_specialty);
  nw.target_clinician_id := coalesce(v_target_clin, cur.target_clinician_id);
  nw.target_npi := coalesce(v_target_npi, cur.target_npi);
  nw.target_location_id := coalesce(v_location, cur.target_location_id);
  nw.reason := coalesce(v_reason, cur.reason);
  nw.diagnosis_codes := coalesce(v_dx, cur.diagnosis_codes, '{}');
  nw.referral_number := coalesce(v_refnum, cur.referral_number);
  IF has_insurance THEN
    nw.payer_id := v_payer;
    nw.plan_id := v_plan;
  END IF;

  IF cur.referral_id IS NULL THEN
    -- A new referral starts in the state its Task (else its status) reports.
    SELECT * INTO ts FROM referral_crm.fhir_task_state(task);
    IF task IS NOT NULL AND ts.problem IS NULL THEN
      nw.status := ts.status;
      nw.status_reason := coalesce(ts.status_reason,
                                   CASE WHEN referral_crm.fhir_needs_reason('referral_status', ts.status)
                                        THEN format('%s reported by FHIR', ts.status) END);
      nw.stage := coalesce(ts.stage, 'new');
    ELSE
      t := referral_crm.fhir_str(res, '{status}');
      nw.status := CASE WHEN t IS NULL OR t = 'unknown' THEN 'requested' ELSE referral_crm.map_code('referral_status', t) END;
      IF nw.status IS NULL THEN
        o_reason := 'invalid_code'; o_message := format('status %L is not a request or referral status', t); RETURN;
      END IF;
      nw.status_reason := CASE WHEN referral_crm.fhir_needs_reason('referral_status', nw.status)
                               THEN format('%s reported by FHIR', nw.status) END;
      nw.stage := 'new';
    END IF;
    nw.stage_reason := CASE WHEN referral_crm.fhir_needs_reason('referral_stage', nw.stage)
                            THEN format('%s reported by FHIR', nw.stage) END;
    INSERT INTO referral_crm.referrals AS r
           (patient_id, authored_at, needed_by, referring_clinician_id, referring_npi, referring_name,
            referring_organization_id, target_specialty, target_clinician_id, target_npi, target_location_id,
            priority, reason, diagnosis_codes, payer_id, plan_id, referral_number, status, status_reason,
            stage, stage_reason, source_system, source_id, batch_id, source_row)
    VALUES (nw.patient_id, nw.authored_at, nw.needed_by, nw.referring_clinician_id, nw.referring_npi,
            nw.referring_name, nw.referring_organization_id, nw.target_specialty, nw.target_clinician_id,
            nw.target_npi, nw.target_location_id, nw.priority, nw.reason, nw.diagnosis_codes, nw.payer_id,
            nw.plan_id, nw.referral_number, nw.status, nw.status_reason, nw.stage, nw.stage_reason,
            v_ss, v_sid, batch, pos)
    RETURNING r.referral_id INTO o_id;
    o_outcome := 'inserted';
  ELSE
    o_id := cur.referral_id;
    t := referral_crm.fhir_str(res, '{status}');
    IF task IS NULL AND t IS NOT NULL AND t <> 'unknown' AND t IS DISTINCT FROM referral_crm.fhir_request_status(cur.status) THEN
      nw.status := referral_crm.map_code('referral_status', t);
      IF nw.status IS NULL THEN
        o_reason := 'invalid_code'; o_message := format('status %L is not a request or referral status', t); RETURN;
      ELSIF nw.status <> cur.status AND NOT referral_crm.transition_allowed('referral_status', cur.status, nw.status) THEN
        o_reason := 'illegal_transition';
        o_message := format('status %s: referral %s/%s cannot move from %s to %s', t, v_ss, v_sid, cur.status, nw.status);
        RETURN;
      ELSIF nw.status <> cur.status THEN
        nw.status_reason := CASE WHEN referral_crm.fhir_needs_reason('referral_status', nw.status)
                                 THEN format('%s reported by FHIR', nw.status) END;
        IF nw.status_reason = cur.status_reason THEN
          o_reason := 'missing_reason';
          o_message := format('status %s needs a new reason, %L was the reason for %s', nw.status, cur.status_reason, cur.status);
          RETURN;
        END IF;
      END IF;
    END IF;
    IF nw.authored_at > cur.authored_at THEN
      first_visit := (SELECT min(a.start_at) FROM referral_crm.appointments a WHERE a.referral_id = cur.referral_id);
      IF first_visit < nw.authored_at THEN
        o_reason := 'before_referral';
        o_message := format('authoredOn %s would follow the referral''s first appointment at %s', res->>'authoredOn', first_visit);
        RETURN;
      END IF;
    END IF;
    IF cur.received_at < nw.authored_at THEN
      o_reason := 'bad_order';
      o_message := format('authoredOn %s would follow the time the referral was received, %s', res->>'authoredOn', cur.received_at);
      RETURN;
    END IF;
    UPDATE referral_crm.referrals r
       SET patient_id = nw.patient_id, authored_at = nw.authored_at, needed_by = nw.needed_by,
           referring_clinician_id = nw.referring_clinician_id, referring_npi = nw.referring_npi,
           referring_name = nw.referring_name, referring_organization_id = nw.referring_organization_id,
           target_specialty = nw.target_specialty, target_clinician_id = nw.target_clinician_id,
           target_npi = nw.target_npi, target_location_id = nw.target_location_id, priority = nw.priority,
           reason = nw.reason, diagnosis_codes = nw.diagnosis_codes, payer_id = nw.payer_id, plan_id = nw.plan_id,
           referral_number = nw.referral_number, status = nw.status, status_reason = nw.status_reason,
           batch_id = batch, source_row = pos
     WHERE r.referral_id = cur.referral_id
       AND (r.patient_id, r.authored_at, r.needed_by, r.referring_clinician_id, r.referring_npi, r.referring_name,
            r.referring_organization_id, r.target_specialty, r.target_clinician_id, r.target_npi,
            r.target_location_id, r.priority, r.reason, r.diagnosis_codes, r.payer_id, r.plan_id,
            r.referral_number, r.status, r.status_reason)
           IS DISTINCT FROM
           (nw.patient_id, nw.authored_at, nw.needed_by, nw.referring_clinician_id, nw.referring_npi,
            nw.referring_name, nw.referring_organization_id, nw.target_specialty, nw.target_clinician_id,
            nw.target_npi, nw.target_location_id, nw.priority, nw.reason, nw.diagnosis_codes, nw.payer_id,
            nw.plan_id, nw.referral_number, nw.status, nw.status_reason);
    GET DIAGNOSTICS n = ROW_COUNT;
    o_outcome := CASE WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
  END IF;

  -- Notes: a note whose text the referral already has is kept as it is;
  -- otherwise the n-th note of the request is (source_system, source_id#note-n).
  FOR x IN SELECT a.elem, a.ord, referral_crm.fhir_str(a.elem, '{text}') AS body
             FROM referral_crm.fhir_array(res->'note') a ORDER BY a.ord LOOP
    CONTINUE WHEN x.body IS NULL
               OR EXISTS (SELECT 1 FROM referral_crm.referral_notes rn WHERE rn.referral_id = o_id AND rn.body = x.body);
    INSERT INTO referral_crm.referral_notes AS rn
           (referral_id, note_type, authored_at, author, body, source_system, source_id, batch_id, source_row)
    VALUES (o_id, 'referral',
            coalesce(referral_crm.parse_timestamptz(referral_crm.fhir_str(x.elem, '{time}'), referral_crm.calendar_zone()), nw.authored_at),
            coalesce(referral_crm.fhir_str(x.elem, '{authorString}'), referral_crm.fhir_str(x.elem, '{authorReference,display}')),
            x.body, v_ss, v_sid || '#note-' || x.ord, batch, pos)
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET body = EXCLUDED.body, authored_at = EXCLUDED.authored_at, author = coalesce(EXCLUDED.author, rn.author),
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE rn.referral_id = EXCLUDED.referral_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    notes_changed := notes_changed + n;
  END LOOP;
  IF notes_changed > 0 AND o_outcome = 'unchanged' THEN
    o_outcome := 'updated';
  END IF;
  o_id2 := nw.patient_id;
END
$$;

-- Task => the referral's workflow status (Task.status), its CRM stage
-- (businessStatus, when it is one of our stage codes) and the status
-- reason.  A Task whose state the new referral was inserted with counts as
-- inserted.
CREATE FUNCTION referral_crm.fhir_load_task(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  target jsonb := CASE WHEN jsonb_typeof(res->'focus') = 'object' THEN res->'focus' ELSE res #> '{basedOn,0}' END;
  target_pos bigint := (ctx->'task_sr'->>(pos::text))::bigint;
  cur referral_crm.referrals%ROWTYPE;
  ts record; rr record;
  v_status_reason text; v_stage text; v_stage_reason text;
  n bigint;
BEGIN
  o_outcome := 'rejected';
  IF jsonb_typeof(target) IS DISTINCT FROM 'object' THEN
    o_reason := 'missing_key'; o_message := 'the Task names no ServiceRequest (focus or basedOn)'; RETURN;
  END IF;
  SELECT * INTO rr FROM referral_crm.fhir_resolve(target, '{ServiceRequest}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'focus: ' || rr.problem; RETURN;
  ELSIF rr.id IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the Task names its ServiceRequest by display only'; RETURN;
  END IF;
  SELECT * INTO ts FROM referral_crm.fhir_task_state(res);
  IF ts.problem IS NOT NULL THEN
    o_reason := 'invalid_code'; o_message := ts.problem; RETURN;
  END IF;
  SELECT * INTO cur FROM referral_crm.referrals r WHERE r.referral_id = rr.id FOR UPDATE;
  o_id := cur.referral_id;
  v_stage := coalesce(ts.stage, cur.stage);
  IF ts.status <> cur.status AND NOT referral_crm.transition_allowed('referral_status', cur.status, ts.status) THEN
    o_reason := 'illegal_transition';
    o_message := format('Task.status %s: referral %s/%s cannot move from %s to %s',
                        res->>'status', cur.source_system, cur.source_id, cur.status, ts.status);
    RETURN;
  ELSIF v_stage <> cur.stage AND NOT referral_crm.transition_allowed('referral_stage', cur.stage, v_stage) THEN
    o_reason := 'illegal_transition';
    o_message := format('businessStatus %s: referral %s/%s cannot move from stage %s to %s',
                        v_stage, cur.source_system, cur.source_id, cur.stage, v_stage);
    RETURN;
  END IF;
  -- A reason changes only with the status (or stage) it explains.
  v_status_reason := cur.status_reason;
  IF ts.status <> cur.status THEN
    v_status_reason := coalesce(ts.status_reason,
                                CASE WHEN referral_crm.fhir_needs_reason('referral_status', ts.status)
                                     THEN format('%s reported by FHIR', ts.status) END);
    IF referral_crm.fhir_needs_reason('referral_status', ts.status) AND v_status_reason = cur.status_reason THEN
      o_reason := 'missing_reason';
      o_message := format('status %s needs a new statusReason, %L was the reason for %s', ts.status, cur.status_reason, cur.status);
      RETURN;
    END IF;
  END IF;
  v_stage_reason := cur.stage_reason;
  IF v_stage <> cur.stage THEN
    v_stage_reason := CASE WHEN referral_crm.fhir_needs_reason('referral_stage', v_stage)
                           THEN format('%s reported by FHIR', v_stage) END;
    IF v_stage_reason = cur.stage_reason THEN
      o_reason := 'missing_reason';
      o_message := format('stage %s needs a new reason, %L is the stored one', v_stage, cur.stage_reason);
      RETURN;
    END IF;
  END IF;
  UPDATE referral_crm.referrals r
     SET status = ts.status, status_reason = v_status_reason, stage = v_stage, stage_reason = v_stage_reason,
         batch_id = batch, source_row = pos
   WHERE r.referral_id = cur.referral_id
     AND (r.status, r.status_reason, r.stage, r.stage_reason) IS DISTINCT FROM
         (ts.status, v_status_reason, v_stage, v_stage_reason);
  GET DIAGNOSTICS n = ROW_COUNT;
  o_outcome := CASE
                 WHEN n > 0 THEN 'updated'
                 WHEN (ctx #>> ARRAY['tasks', target_pos::text, 'pos'])::bigint = pos
                      AND ctx #>> ARRAY['done', target_pos::text, 'outcome'] = 'inserted' THEN 'inserted'
                 ELSE 'unchanged' END;
END
$$;

-- Appointment => appointments: basedOn => the referral; participants
-- Patient, Practitioner (or PractitionerRole) and Location; start, end,
-- created => booked_at; status through map_code; cancelationReason.
CREATE FUNCTION referral_crm.fhir_load_appointment(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_ss text; v_sid text;
  cur referral_crm.appointments%ROWTYPE;
  t_start text := referral_crm.fhir_str(res, '{start}');
  t_end text := referral_crm.fhir_str(res, '{end}');
  t_created text := referral_crm.fhir_str(res, '{created}');
  t_status text := referral_crm.fhir_str(res, '{status}');
  v_start timestamptz := referral_crm.parse_timestamptz(t_start, referral_crm.calendar_zone());
  v_end timestamptz := referral_crm.parse_timestamptz(t_end, referral_crm.calendar_zone());
  v_booked timestamptz := referral_crm.parse_timestamptz(t_created, referral_crm.calendar_zone());
  v_status text := referral_crm.map_code('appointment_status', t_status);
  v_cancel text := coalesce(referral_crm.fhir_str(res, '{cancelationReason,text}'),
                            referral_crm.fhir_str(res, '{cancelationReason,coding,0,display}'));
  v_referral bigint; v_patient bigint; v_clinician bigint; v_location bigint;
  ref_patient bigint; ref_authored timestamptz; ref_key text;
  x record; rr record; ty text; n bigint;
BEGIN
  o_outcome := 'rejected';
  SELECT k.source_system, k.source_id INTO v_ss, v_sid FROM referral_crm.fhir_key(res) k;
  IF v_sid IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the Appointment has neither an identifier nor an id'; RETURN;
  END IF;
  SELECT * INTO cur FROM referral_crm.appointments a WHERE a.source_system = v_ss AND a.source_id = v_sid FOR UPDATE;
  IF t_start IS NOT NULL AND v_start IS NULL THEN
    o_reason := 'bad_date'; o_message := format('start %L is not a valid date-time', t_start); RETURN;
  ELSIF t_end IS NOT NULL AND v_end IS NULL THEN
    o_reason := 'bad_date'; o_message := format('end %L is not a valid date-time', t_end); RETURN;
  ELSIF t_created IS NOT NULL AND v_booked IS NULL THEN
    o_reason := 'bad_date'; o_message := format('created %L is not a valid date-time', t_created); RETURN;
  ELSIF v_start IS NULL AND cur.appointment_id IS NULL THEN
    o_reason := 'missing_value'; o_message := format('appointment %s/%s has no start', v_ss, v_sid); RETURN;
  ELSIF coalesce(v_end, cur.end_at) < coalesce(v_start, cur.start_at) THEN
    o_reason := 'bad_order'; o_message := format('end %s is before start %s', t_end, coalesce(t_start, cur.start_at::text)); RETURN;
  ELSIF t_status IS NOT NULL AND v_status IS NULL THEN
    o_reason := 'invalid_code'; o_message := format('status %L is not an appointment status', t_status); RETURN;
  END IF;

  SELECT * INTO rr FROM referral_crm.fhir_resolve(res #> '{basedOn,0}', '{ServiceRequest}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'basedOn: ' || rr.problem; RETURN;
  END IF;
  v_referral := coalesce(rr.id, cur.referral_id);
  FOR x IN SELECT a.elem->'actor' AS actor FROM referral_crm.fhir_array(res->'participant') a ORDER BY a.ord LOOP
    ty := referral_crm.fhir_ref_type(x.actor, ctx);
    CONTINUE WHEN ty IS NULL OR ty NOT IN ('Patient', 'Practitioner', 'PractitionerRole', 'Location');
    CONTINUE WHEN (ty = 'Patient' AND v_patient IS NOT NULL) OR (ty = 'Location' AND v_location IS NOT NULL)
               OR (ty IN ('Practitioner', 'PractitionerRole') AND v_clinician IS NOT NULL);
    SELECT * INTO rr FROM referral_crm.fhir_resolve(x.actor,
                            CASE ty WHEN 'Patient' THEN '{Patient}' WHEN 'Location' THEN '{Location}'
                                    ELSE '{PractitionerRole,Practitioner}' END::text[], ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'participant: ' || rr.problem; RETURN;
    END IF;
    CASE ty
      WHEN 'Patient' THEN v_patient := rr.id;
      WHEN 'Location' THEN v_location := rr.id;
      ELSE v_clinician := rr.id;
    END CASE;
  END LOOP;

  SELECT r.patient_id, r.authored_at, r.source_system || '/' || r.source_id
    INTO ref_patient, ref_authored, ref_key
    FROM referral_crm.referrals r WHERE r.referral_id = v_referral;
  v_patient := coalesce(v_patient, cur.patient_id, ref_patient);
  IF v_patient IS NULL THEN
    o_reason := 'missing_value';
    o_message := format('appointment %s/%s names no patient and no referral', v_ss, v_sid);
    RETURN;
  ELSIF v_referral IS NOT NULL AND v_patient <> ref_patient THEN
    o_reason := 'patient_mismatch';
    o_message := format('appointment %s/%s is for another patient than referral %s', v_ss, v_sid, ref_key);
    RETURN;
  ELSIF coalesce(v_start, cur.start_at) < ref_authored THEN
    o_reason := 'before_referral';
    o_message := format('appointment %s/%s starts at %s, before referral %s was authored at %s',
                        v_ss, v_sid, coalesce(t_start, cur.start_at::text), ref_key, ref_authored);
    RETURN;
  END IF;

  IF cur.appointment_id IS NULL THEN
    INSERT INTO referral_crm.appointments AS a
           (referral_id, patient_id, clinician_id, location_id, status, start_at, end_at, booked_at,
            cancel_reason, source_system, source_id, batch_id, source_row)
    VALUES (v_referral, v_patient, v_clinician, v_location, coalesce(v_status, 'booked'), v_start, v_end,
            v_booked, v_cancel, v_ss, v_sid, batch, pos)
    RETURNING a.appointment_id INTO o_id;
    o_outcome := 'inserted';
    RETURN;
  END IF;
  o_id := cur.appointment_id;
  UPDATE referral_crm.appointments a
     SET referral_id = v_referral, patient_id = v_patient, clinician_id = coalesce(v_clinician, a.clinician_id),
         location_id = coalesce(v_location, a.location_id), status = coalesce(v_status, a.status),
         start_at = coalesce(v_start, a.start_at), end_at = coalesce(v_end, a.end_at),
         booked_at = coalesce(v_booked, a.booked_at), cancel_reason = coalesce(v_cancel, a.cancel_reason),
         batch_id = batch, source_row = pos
   WHERE a.appointment_id = cur.appointment_id
     AND (a.referral_id, a.patient_id, a.clinician_id, a.location_id, a.status, a.start_at, a.end_at,
          a.booked_at, a.cancel_reason) IS DISTINCT FROM
         (v_referral, v_patient, coalesce(v_clinician, a.clinician_id), coalesce(v_location, a.location_id),
          coalesce(v_status, a.status), coalesce(v_start, a.start_at), coalesce(v_end, a.end_at),
          coalesce(v_booked, a.booked_at), coalesce(v_cancel, a.cancel_reason));
  GET DIAGNOSTICS n = ROW_COUNT;
  o_outcome := CASE WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
END
$$;

------------------------------------------------------------------------
-- ingest_fhir(bundle)
------------------------------------------------------------------------

-- Load a FHIR R4 Bundle (collection, transaction, batch or searchset):
-- directory resources first, then patients, coverages, service requests,
-- tasks and appointments, each entry in its own subtransaction so that a
-- data problem the checks did not foresee rejects the entry
-- ('constraint_violation') instead of the bundle.  One ingest_batches row
-- (feed 'fhir') per call; the counts add up to the number of entries.
CREATE FUNCTION referral_crm.ingest_fhir(bundle jsonb)
  RETURNS TABLE (batch_id bigint, inserted bigint, updated bigint, unchanged bigint, rejected bigint)
  LANGUAGE plpgsql VOLATILE SET client_min_messages = warning AS
$$
DECLARE
  order_of_load CONSTANT text[] := ARRAY['Organization', 'Location', 'Practitioner', 'PractitionerRole', 'Patient',
                                         'Coverage', 'ServiceRequest', 'Task', 'Appointment'];
  b bigint;
  n_entries bigint;
  idx jsonb; types jsonb; tasks jsonb := '{}'; task_sr jsonb := '{}'; done jsonb := '{}'; ctx jsonb;
  e record; tk record;
  sr_pos bigint;
  v_outcome text; v_id bigint; v_id2 bigint; v_reason text; v_message text; v_state text;
  n_ins bigint := 0; n_upd bigint := 0; n_unc bigint := 0; n_rej bigint := 0;
BEGIN
  IF bundle IS NULL OR jsonb_typeof(bundle) <> 'object' OR bundle->>'resourceType' IS DISTINCT FROM 'Bundle' THEN
    RAISE EXCEPTION 'not a FHIR Bundle: %',
                    CASE WHEN bundle IS NULL THEN 'the input is NULL'
                         WHEN jsonb_typeof(bundle) <> 'object' THEN 'the input is a JSON ' || jsonb_typeof(bundle)
                         ELSE 'resourceType is ' || coalesce(quote_literal(bundle->>'resourceType'), 'missing') END
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass a FHIR R4 Bundle resource: an object with "resourceType": "Bundle" and an "entry" array.';
  ELSIF jsonb_typeof(bundle->'entry') IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'bundle % has no entry array', coalesce(quote_literal(bundle->>'id'), '(without id)')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Put the resources in "entry": [{"fullUrl": ..., "resource": {...}}, ...].';
  ELSIF coalesce(bundle->>'type', '') NOT IN ('collection', 'transaction', 'batch', 'searchset') THEN
    RAISE EXCEPTION 'bundle type % is not supported', coalesce(quote_literal(bundle->>'type'), 'missing')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Send a Bundle of type collection, transaction, batch or searchset.';
  END IF;
  n_entries := jsonb_array_length(bundle->'entry');

  INSERT INTO referral_crm.ingest_batches AS ib (feed, details)
  VALUES ('fhir', jsonb_strip_nulls(jsonb_build_object('bundle_id', bundle->>'id', 'bundle_type', bundle->>'type',
                                                       'entries', n_entries)))
  RETURNING ib.batch_id INTO b;

  -- fullUrl and Type/id -> position (the first entry wins); position -> type.
  SELECT coalesce(jsonb_object_agg(k.key, k.pos), '{}') INTO idx
    FROM (SELECT DISTINCT ON (key) key, pos
            FROM (SELECT x.ordinality AS pos,
                         unnest(ARRAY[referral_crm.fhir_str(x.value, '{fullUrl}'),
                                      (x.value #>> '{resource,resourceType}') || '/' || referral_crm.fhir_str(x.value, '{resource,id}')]) AS key
                    FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS x) u
           WHERE key IS NOT NULL
           ORDER BY key, pos) k;
  SELECT coalesce(jsonb_object_agg(x.ordinality::text, x.value #>> '{resource,resourceType}'), '{}') INTO types
    FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS x
   WHERE x.value #>> '{resource,resourceType}' IS NOT NULL;
  -- The ServiceRequest entry each Task names (by reference, or by an
  -- identifier that is the key of a ServiceRequest in the bundle), and the
  -- first Task of each ServiceRequest.
  FOR tk IN SELECT x.ordinality AS pos, x.value->'resource' AS res,
                   CASE WHEN jsonb_typeof(x.value #> '{resource,focus}') = 'object' THEN x.value #> '{resource,focus}'
                        ELSE x.value #> '{resource,basedOn,0}' END AS target
              FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS x
             WHERE x.value #>> '{resource,resourceType}' = 'Task' ORDER BY x.ordinality LOOP
    sr_pos := coalesce(
      referral_crm.fhir_ref_pos(idx, tk.target->>'reference'),
      (SELECT s.ordinality FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS s, referral_crm.fhir_key(s.value->'resource') k
        WHERE tk.target->'reference' IS NULL AND s.value #>> '{resource,resourceType}' = 'ServiceRequest'
          AND k.source_id = referral_crm.fhir_str(tk.target, '{identifier,value}')
          AND k.source_system = coalesce(nullif(regexp_replace(tk.target #>> '{identifier,system}', '^urn:referral_crm:source:', ''), ''), 'fhir')
        ORDER BY s.ordinality LIMIT 1));
    IF types->>(sr_pos::text) = 'ServiceRequest' THEN
      task_sr := task_sr || jsonb_build_object(tk.pos::text, sr_pos);
      IF NOT tasks ? sr_pos::text THEN
        tasks := tasks || jsonb_build_object(sr_pos::text, jsonb_build_object('pos', tk.pos, 'resource', tk.res));
      END IF;
    END IF;
  END LOOP;

  FOR e IN SELECT x.ordinality AS pos, x.value AS entry, x.value->'resource' AS res,
                  x.value #>> '{resource,resourceType}' AS rtype
             FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS x
            ORDER BY array_position(order_of_load, x.value #>> '{resource,resourceType}') NULLS FIRST, x.ordinality LOOP
    v_outcome := 'rejected'; v_id := NULL; v_id2 := NULL; v_reason := NULL; v_message := NULL;
    IF jsonb_typeof(e.res) IS DISTINCT FROM 'object' THEN
      v_reason := 'unsupported_resource';
      v_message := format('entry %s has no resource', e.pos);
    ELSIF e.rtype IS NULL OR NOT e.rtype = ANY (order_of_load) THEN
      v_reason := 'unsupported_resource';
      v_message := format('resourceType %s is not loaded; ingest_fhir loads %s', coalesce(quote_literal(e.rtype), 'missing'),
                          array_to_string(order_of_load, ', '));
    ELSE
      ctx := jsonb_build_object('idx', idx, 'types', types, 'tasks', tasks, 'task_sr', task_sr, 'done', done);
      BEGIN
        CASE e.rtype
          WHEN 'Organization' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_organization(e.res, b, e.pos, ctx);
          WHEN 'Location' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_location(e.res, b, e.pos, ctx);
          WHEN 'Practitioner' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_practitioner(e.res, b, e.pos, ctx);
          WHEN 'PractitionerRole' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_practitioner_role(e.res, b, e.pos, ctx);
          WHEN 'Patient' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_patient(e.res, b, e.pos, ctx);
          WHEN 'Coverage' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_coverage(e.res, b, e.pos, ctx);
          WHEN 'ServiceRequest' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_service_request(e.res, b, e.pos, ctx);
          WHEN 'Task' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_task(e.res, b, e.pos, ctx);
          WHEN 'Appointment' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_appointment(e.res, b, e.pos, ctx);
        END CASE;
      EXCEPTION WHEN integrity_constraint_violation OR data_exception OR program_limit_exceeded THEN
        -- Only what the checks above did not foresee gets here (an
        -- identifier too long for an index entry: value_too_long).
        v_outcome := 'rejected'; v_id := NULL; v_id2 := NULL;
        GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
        v_reason := coalesce(v_reason, CASE WHEN v_state LIKE '54%' THEN 'value_too_long' ELSE 'constraint_violation' END);
      END;
    END IF;

    IF v_outcome = 'rejected' THEN
      INSERT INTO referral_crm.ingest_rejects AS ir (feed, batch_id, source_row, raw, reason, message)
      VALUES ('fhir', b, e.pos, CASE WHEN jsonb_typeof(e.res) = 'object' THEN e.res ELSE e.entry END, v_reason, v_message);
      done := done || jsonb_build_object(e.pos::text, jsonb_build_object('rejected', true));
      n_rej := n_rej + 1;
    ELSE
      done := done || jsonb_build_object(e.pos::text, jsonb_build_object('type', e.rtype, 'id', v_id, 'id2', v_id2,
                                                                        'outcome', v_outcome));
      CASE v_outcome
        WHEN 'inserted' THEN n_ins := n_ins + 1;
        WHEN 'updated' THEN n_upd := n_upd + 1;
        ELSE n_unc := n_unc + 1;
      END CASE;
    END IF;
  END LOOP;

  IF n_ins + n_upd + n_unc + n_rej <> n_entries THEN
    RAISE EXCEPTION 'ingest_fhir accounted for % of % entries', n_ins + n_upd + n_unc + n_rej, n_entries
      USING ERRCODE = 'internal_error';
  END IF;
  UPDATE referral_crm.ingest_batches AS ib
     SET finished_at = clock_timestamp(), inserted = n_ins, updated = n_upd, unchanged = n_unc, rejected = n_rej
   WHERE ib.batch_id = b;
  RETURN QUERY SELECT b, n_ins, n_upd, n_unc, n_rej;
END
$$;
COMMENT ON FUNCTION referral_crm.ingest_fhir(jsonb) IS
  'load a FHIR R4 Bundle (ServiceRequest, Task, Appointment, Practitioner, PractitionerRole, Organization, Location, Coverage, Patient); returns batch_id, inserted, updated, unchanged, rejected per resource';

------------------------------------------------------------------------
-- referral_as_fhir(referral_id)
------------------------------------------------------------------------

-- A stable urn:uuid for a row exported as a resource (the fullUrl): an
-- MD5 name-based (version 3 layout) UUID of the type and row id.
CREATE FUNCTION referral_crm.fhir_url(rtype text, id bigint) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (SELECT 'urn:uuid:' || (substr(h, 1, 12) || '3' || substr(h, 14, 3)
                                 || substr('89ab', ('x' || substr(h, 17, 1))::bit(4)::integer % 4 + 1, 1)
                                 || substr(h, 18))::uuid
            FROM (SELECT md5('referral_crm:' || rtype || '/' || id) AS h) x);

-- A Reference to an exported row.
CREATE FUNCTION referral_crm.fhir_ref(rtype text, id bigint) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN jsonb_build_object('reference', referral_crm.fhir_url(rtype, id));

-- An instant as FHIR writes it, in UTC (fractional seconds only when there are any).
CREATE FUNCTION referral_crm.fhir_instant(ts timestamptz) RETURNS text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
         || CASE WHEN date_part('microseconds', ts AT TIME ZONE 'UTC')::bigint % 1000000 <> 0
                 THEN rtrim(to_char(ts AT TIME ZONE 'UTC', '.US'), '0') ELSE '' END
         || 'Z';

-- The identifier that carries a row's source key.
CREATE FUNCTION referral_crm.fhir_source_identifier(source_system text, source_id text) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN jsonb_build_object('system', 'urn:referral_crm:source:' || source_system, 'value', source_id);

-- ContactPoints for a phone, fax and e-mail (NULL when none).
CREATE FUNCTION referral_crm.fhir_telecoms(phone text, fax text, email text) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT jsonb_agg(jsonb_build_object('system', t.s, 'value', t.v) ORDER BY t.o)
            FROM (VALUES (1, 'phone', phone), (2, 'fax', fax), (3, 'email', email)) AS t (o, s, v)
           WHERE t.v IS NOT NULL);

-- The patient as a FHIR Patient.
CREATE FUNCTION referral_crm.fhir_patient(patient_id bigint) RETURNS jsonb
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
            'resourceType', 'Patient', 'id', p.patient_id::text,
            'identifier', jsonb_build_array(referral_crm.fhir_source_identifier(p.source_system, p.source_id)),
            'name', CASE WHEN p.given_name IS NOT NULL OR p.family_name IS NOT NULL THEN
                      jsonb_build_array(jsonb_build_object('family', p.family_name,
                                                           'given', CASE WHEN p.given_name IS NOT NULL
                                                                         THEN jsonb_build_array(p.given_name) END)) END,
            'telecom', referral_crm.fhir_telecoms(p.phone, NULL, p.email),
            'gender', p.sex,
            'birthDate', to_char(p.birth_date, 'YYYY-MM-DD'),
            'address', CASE WHEN p.zip IS NOT NULL THEN jsonb_build_array(jsonb_build_object('postalCode', p.zip)) END,
            'communication', CASE WHEN p.preferred_language IS NOT NULL THEN
                               jsonb_build_array(jsonb_build_object(
                                 'language', jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
                                               'system', 'urn:ietf:bcp:47', 'code', p.preferred_language))),
                                 'preferred', true)) END))
            FROM referral_crm.patients p WHERE p.patient_id = fhir_patient.patient_id);

-- The organisation as a FHIR Organization (source key, NPI, TIN identifiers).
CREATE FUNCTION referral_crm.fhir_organization(organization_id bigint) RETURNS jsonb
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
            'resourceType', 'Organization', 'id', o.organization_id::text,
            'identifier', (SELECT jsonb_agg(i ORDER BY n) FROM (VALUES
                             (1, CASE WHEN (o.source_system, o.source_id) IS DISTINCT FROM ('http://hl7.org/fhir/sid/us-npi', o.npi)
                                      THEN referral_crm.fhir_source_identifier(o.source_system, o.source_id) END),
                             (2, CASE WHEN o.npi IS NOT NULL THEN jsonb_build_object('system', 'http://hl7.org/fhir/sid/us-npi', 'value', o.npi) END),
                             (3, CASE WHEN o.tin IS NOT NULL THEN jsonb_build_object('system', 'urn:oid:2.16.840.1.113883.4.4', 'value', o.tin) END))
                             AS x (n, i) WHERE i IS NOT NULL),
            'active', true,
            'type', jsonb_build_array(jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
                      'system', 'urn:referral_crm:organization_kind', 'code', o.kind)))),
            'name', o.name,
            'telecom', referral_crm.fhir_telecoms(o.phone, o.fax, NULL)))
            FROM referral_crm.organizations o WHERE o.organization_id = fhir_organization.organization_id);

-- The location as a FHIR Location.
CREATE FUNCTION referral_crm.fhir_location(location_id bigint) RETURNS jsonb
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
            'resourceType', 'Location', 'id', l.location_id::text,
            'identifier', jsonb_build_array(referral_crm.fhir_source_identifier(l.source_system, l.source_id)),
            'status', 'active',
            'name', l.name,
            'telecom', referral_crm.fhir_telecoms(l.phone, l.fax, NULL),
            'address', CASE WHEN num_nonnulls(l.address_line1, l.address_line2, l.city, l.state, l.zip) > 0 THEN
                         jsonb_build_object('line', (SELECT jsonb_agg(x ORDER BY o) FROM (VALUES (1, l.address_line1), (2, l.address_line2)) AS a (o, x) WHERE x IS NOT NULL),
                                            'city', l.city, 'state', l.state, 'postalCode', l.zip) END,
            'position', CASE WHEN l.latitude IS NOT NULL THEN
                          jsonb_build_object('latitude', l.latitude, 'longitude', l.longitude) END,
            'managingOrganization', referral_crm.fhir_ref('Organization', l.organization_id)))
            FROM referral_crm.locations l WHERE l.location_id = fhir_location.location_id);

-- The clinician as a FHIR Practitioner.  A clinician keyed by its NPI
-- identifier (the usual FHIR Practitioner) carries just the NPI identifier
-- instead of two copies of it; so does an organisation keyed by its NPI.
CREATE FUNCTION referral_crm.fhir_practitioner(clinician_id bigint) RETURNS jsonb
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
            'resourceType', 'Practitioner', 'id', c.clinician_id::text,
            'identifier', (SELECT jsonb_agg(i ORDER BY n) FROM (VALUES
                             (1, CASE WHEN (c.source_system, c.source_id) IS DISTINCT FROM ('http://hl7.org/fhir/sid/us-npi', c.npi)
                                      THEN referral_crm.fhir_source_identifier(c.source_system, c.source_id) END),
                             (2, CASE WHEN c.npi IS NOT NULL THEN jsonb_build_object('system', 'http://hl7.org/fhir/sid/us-npi', 'value', c.npi) END))
                             AS x (n, i) WHERE i IS NOT NULL),
            'active', true,
            'name', jsonb_build_array(jsonb_build_object(
                      'text', c.name_as_given, 'family', c.family_name,
                      'given', (SELECT jsonb_agg(g ORDER BY o) FROM (VALUES (1, c.given_name), (2, c.middle_name)) AS x (o, g) WHERE g IS NOT NULL),
                      'prefix', CASE WHEN c.name_prefix IS NOT NULL THEN jsonb_build_array(c.name_prefix) END,
                      'suffix', CASE WHEN c.name_suffix IS NOT NULL THEN jsonb_build_array(c.name_suffix) END)),
            'telecom', referral_crm.fhir_telecoms(c.phone, c.fax, c.email),
            'gender', c.sex,
            'qualification', (SELECT jsonb_agg(jsonb_build_object('code', jsonb_build_object('text', q)) ORDER BY o)
                                FROM unnest(c.credentials) WITH ORDINALITY AS x (q, o))))
            FROM referral_crm.clinicians c WHERE c.clinician_id = fhir_practitioner.clinician_id);

-- The clinician's role: organisation, specialty (our code first, then the
-- NUCC taxonomy code) and locations (primary first).
CREATE FUNCTION referral_crm.fhir_practitioner_role(clinician_id bigint) RETURNS jsonb
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
            'resourceType', 'PractitionerRole', 'id', c.clinician_id::text,
            'active', true,
            'practitioner', referral_crm.fhir_ref('Practitioner', c.clinician_id),
            'organization', referral_crm.fhir_ref('Organization', c.organization_id),
            'specialty', CASE WHEN c.specialty IS NOT NULL OR c.taxonomy_code IS NOT NULL THEN
                           jsonb_build_array(jsonb_build_object('coding',
                             (SELECT jsonb_agg(x ORDER BY o) FROM (VALUES
                                (1, CASE WHEN c.specialty IS NOT NULL THEN jsonb_build_object(
                                      'system', 'urn:referral_crm:specialty', 'code', c.specialty,
                                      'display', (SELECT s.display_name FROM referral_crm.specialties s WHERE s.specialty = c.specialty)) END),
                                (2, CASE WHEN c.taxonomy_code IS NOT NULL THEN jsonb_build_object(
                                      'system', 'http://nucc.org/provider-taxonomy', 'code', c.taxonomy_code) END)) AS y (o, x)
                               WHERE x IS NOT NULL))) END,
            'location', (SELECT jsonb_agg(referral_crm.fhir_ref('Location', cl.location_id) ORDER BY cl.is_primary DESC, cl.location_id)
                           FROM referral_crm.clinician_locations cl WHERE cl.clinician_id = c.clinician_id)))
            FROM referral_crm.clinicians c WHERE c.clinician_id = fhir_practitioner_role.clinician_id);

-- The referral's coverage: payer (by payer code) and plan.
CREATE FUNCTION referral_crm.fhir_coverage(referral_id bigint) RETURNS jsonb
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
            'resourceType', 'Coverage', 'id', r.referral_id::text,
            'status', 'active',
            'type', jsonb_build_object('coding', (SELECT jsonb_agg(x ORDER BY o) FROM (VALUES
                      (1, jsonb_build_object('system', 'urn:referral_crm:payer_class', 'code', py.payer_class)),
                      (2, CASE WHEN pl.plan_type IS NOT NULL THEN jsonb_build_object('system', 'urn:referral_crm:plan_type', 'code', pl.plan_type) END))
                      AS y (o, x) WHERE x IS NOT NULL)),
            'beneficiary', referral_crm.fhir_ref('Patient', r.patient_id),
            'payor', jsonb_build_array(jsonb_build_object(
                       'identifier', jsonb_build_object('system', 'urn:referral_crm:payer', 'value', py.payer_code),
                       'display', py.name)),
            'class', CASE WHEN pl.plan_id IS NOT NULL THEN jsonb_build_array(jsonb_build_object(
                       'type', jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
                                 'system', 'http://terminology.hl7.org/CodeSystem/coverage-class', 'code', 'plan'))),
                       'value', pl.plan_code, 'name', pl.name)) END))
            FROM referral_crm.referrals r
            JOIN referral_crm.payers py ON py.payer_id = r.payer_id
            LEFT JOIN referral_crm.payer_plans pl ON pl.plan_id = r.plan_id
           WHERE r.referral_id = fhir_coverage.referral_id);

-- The referral as a FHIR ServiceRequest.  The requester is the referring
-- Practitioner (its display the name as the source wrote it), else an NPI
-- identifier and display, else the referring Organization; when there is a
-- referring clinician or name, the referring organisation travels in the
-- extension urn:referral_crm:extension:referring-organization.
CREATE FUNCTION referral_crm.fhir_service_request(referral_id bigint) RETURNS jsonb
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
            'resourceType', 'ServiceRequest', 'id', r.referral_id::text,
            'identifier', (SELECT jsonb_agg(i ORDER BY n) FROM (VALUES
                             (1, referral_crm.fhir_source_identifier(r.source_system, r.source_id)),
                             (2, CASE WHEN r.referral_number IS NOT NULL THEN jsonb_build_object(
                                   'system', 'urn:referral_crm:referral-number', 'value', r.referral_number) END))
                             AS x (n, i) WHERE i IS NOT NULL),
            'extension', CASE WHEN r.referring_organization_id IS NOT NULL
                                   AND num_nonnulls(r.referring_clinician_id, r.referring_npi, r.referring_name) > 0 THEN
                           jsonb_build_array(jsonb_build_object(
                             'url', 'urn:referral_crm:extension:referring-organization',
                             'valueReference', referral_crm.fhir_ref('Organization', r.referring_organization_id))) END,
            'status', referral_crm.fhir_request_status(r.status),
            'intent', 'order',
            'category', jsonb_build_array(jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
                          'system', 'http://snomed.info/sct', 'code', '3457005', 'display', 'Patient referral')))),
            'priority', r.priority,
            'subject', referral_crm.fhir_ref('Patient', r.patient_id),
            'occurrencePeriod', CASE WHEN r.needed_by IS NOT NULL THEN jsonb_build_object('end', to_char(r.needed_by, 'YYYY-MM-DD')) END,
            'authoredOn', referral_crm.fhir_instant(r.authored_at),
            'requester', CASE
                           WHEN r.referring_clinician_id IS NOT NULL THEN
                             referral_crm.fhir_ref('Practitioner', r.referring_clinician_id) || jsonb_strip_nulls(jsonb_build_object('display', r.referring_name))
                           WHEN r.referring_npi IS NOT NULL OR r.referring_name IS NOT NULL THEN
                             jsonb_build_object('identifier', CASE WHEN r.referring_npi IS NOT NULL THEN jsonb_build_object(
                                                  'system', 'http://hl7.org/fhir/sid/us-npi', 'value', r.referring_npi) END,
                                                'display', r.referring_name)
                           ELSE referral_crm.fhir_ref('Organization', r.referring_organization_id) END,
            'performerType', CASE WHEN r.target_specialty IS NOT NULL THEN
                               jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
                                 'system', 'urn:referral_crm:specialty', 'code', r.target_specialty,
                                 'display', (SELECT s.display_name FROM referral_crm.specialties s WHERE s.specialty = r.target_specialty)))) END,
            'performer', CASE
                           WHEN r.target_clinician_id IS NOT NULL THEN
                             jsonb_build_array(referral_crm.fhir_ref('PractitionerRole', r.target_clinician_id))
                           WHEN r.target_npi IS NOT NULL THEN
                             jsonb_build_array(jsonb_build_object('type', 'Practitioner', 'identifier', jsonb_build_object(
                               'system', 'http://hl7.org/fhir/sid/us-npi', 'value', r.target_npi))) END,
            'locationReference', CASE WHEN r.target_location_id IS NOT NULL THEN
                                   jsonb_build_array(referral_crm.fhir_ref('Location', r.target_location_id)) END,
            'reasonCode', CASE WHEN cardinality(r.diagnosis_codes) > 0 OR r.reason IS NOT NULL THEN
                            jsonb_build_array(jsonb_build_object(
                              'coding', (SELECT jsonb_agg(jsonb_build_object('system', 'http://hl7.org/fhir/sid/icd-10-cm', 'code', d) ORDER BY o)
                                           FROM unnest(r.diagnosis_codes) WITH ORDINALITY AS x (d, o)),
                              'text', r.reason)) END,
            'insurance', CASE WHEN r.payer_id IS NOT NULL THEN jsonb_build_array(referral_crm.fhir_ref('Coverage', r.referral_id)) END,
            'note', (SELECT jsonb_agg(jsonb_build_object('authorString', n.author, 'time', referral_crm.fhir_instant(n.authored_at),
                                                         'text', n.body) ORDER BY n.authored_at, n.note_id)
                       FROM referral_crm.referral_notes n WHERE n.referral_id = r.referral_id)))
            FROM referral_crm.referrals r WHERE r.referral_id = fhir_service_request.referral_id);

-- The referral's workflow state as a FHIR Task: status, statusReason and
-- the CRM stage as businessStatus.text.
CREATE FUNCTION referral_crm.fhir_task(referral_id bigint) RETURNS jsonb
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
            'resourceType', 'Task', 'id', r.referral_id::text,
            'basedOn', jsonb_build_array(referral_crm.fhir_ref('ServiceRequest', r.referral_id)),
            'status', r.status,
            'statusReason', CASE WHEN r.status_reason IS NOT NULL THEN jsonb_build_object('text', r.status_reason) END,
            'businessStatus', jsonb_build_object('text', r.stage),
            'intent', 'order',
            'priority', r.priority,
            'code', jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
                      'system', 'http://hl7.org/fhir/CodeSystem/task-code', 'code', 'fulfill'))),
            'focus', referral_crm.fhir_ref('ServiceRequest', r.referral_id),
            'for', referral_crm.fhir_ref('Patient', r.patient_id)))
            FROM referral_crm.referrals r WHERE r.referral_id = fhir_task.referral_id);

-- The appointment as a FHIR Appointment.
CREATE FUNCTION referral_crm.fhir_appointment(appointment_id bigint) RETURNS jsonb
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (SELECT jsonb_strip_nulls(jsonb_build_object(
            'resourceType', 'Appointment', 'id', a.appointment_id::text,
            'identifier', jsonb_build_array(referral_crm.fhir_source_identifier(a.source_system, a.source_id)),
            'status', a.status,
            'cancelationReason', CASE WHEN a.cancel_reason IS NOT NULL THEN jsonb_build_object('text', a.cancel_reason) END,
            'basedOn', CASE WHEN a.referral_id IS NOT NULL THEN jsonb_build_array(referral_crm.fhir_ref('ServiceRequest', a.referral_id)) END,
            'start', referral_crm.fhir_instant(a.start_at),
            'end', referral_crm.fhir_instant(a.end_at),
            'created', referral_crm.fhir_instant(a.booked_at),
            'participant', (SELECT jsonb_agg(jsonb_build_object('actor', x, 'status', 'accepted') ORDER BY o) FROM (VALUES
                              (1, referral_crm.fhir_ref('Patient', a.patient_id)),
                              (2, referral_crm.fhir_ref('Practitioner', a.clinician_id)),
                              (3, referral_crm.fhir_ref('Location', a.location_id))) AS p (o, x)
                             WHERE x IS NOT NULL)))
            FROM referral_crm.appointments a WHERE a.appointment_id = fhir_appointment.appointment_id);

-- The referral as a FHIR R4 Bundle (type collection): Patient, the
-- organisations and locations involved, the referring, target and
-- appointment practitioners with their roles, the Coverage, the
-- ServiceRequest, its Task (status, stage as businessStatus, status reason)
-- and its Appointments.  Deterministic: the same rows give the same jsonb.
CREATE FUNCTION referral_crm.referral_as_fhir(referral_id bigint) RETURNS jsonb
  LANGUAGE plpgsql STABLE PARALLEL SAFE AS
$$
DECLARE
  r referral_crm.referrals%ROWTYPE;
  clins bigint[]; locs bigint[]; orgs bigint[];
BEGIN
  SELECT * INTO r FROM referral_crm.referrals x WHERE x.referral_id = referral_as_fhir.referral_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'referral % does not exist', coalesce(referral_as_fhir.referral_id::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass the referral_id of a row of referral_crm.referrals.';
  END IF;
  clins := ARRAY(SELECT DISTINCT c FROM unnest(ARRAY[r.referring_clinician_id, r.target_clinician_id]
                                               || ARRAY(SELECT a.clinician_id FROM referral_crm.appointments a
                                                         WHERE a.referral_id = r.referral_id)) AS u (c)
                  WHERE c IS NOT NULL ORDER BY c);
  locs := ARRAY(SELECT DISTINCT l FROM (SELECT r.target_location_id
                                        UNION ALL SELECT a.location_id FROM referral_crm.appointments a WHERE a.referral_id = r.referral_id
                                        UNION ALL SELECT cl.location_id FROM referral_crm.clinician_locations cl
                                                   WHERE cl.clinician_id = ANY (clins)) AS u (l)
                 WHERE l IS NOT NULL ORDER BY l);
  orgs := ARRAY(SELECT DISTINCT o FROM (SELECT r.referring_organization_id
                                        UNION ALL SELECT c.organization_id FROM referral_crm.clinicians c WHERE c.clinician_id = ANY (clins)
                                        UNION ALL SELECT l.organization_id FROM referral_crm.locations l WHERE l.location_id = ANY (locs)) AS u (o)
                 WHERE o IS NOT NULL ORDER BY o);
  RETURN jsonb_build_object(
    'resourceType', 'Bundle',
    'id', 'referral-' || r.referral_id,
    'type', 'collection',
    'entry', (SELECT jsonb_agg(jsonb_build_object('fullUrl', referral_crm.fhir_url(x.rtype, x.id), 'resource', x.res)
                               ORDER BY x.grp, x.ord)
                FROM (SELECT 1 AS grp, 0::bigint AS ord, 'Patient' AS rtype, r.patient_id AS id, referral_crm.fhir_patient(r.patient_id) AS res
                      UNION ALL
                      SELECT 2, o, 'Organization', o, referral_crm.fhir_organization(o) FROM unnest(orgs) AS o
                      UNION ALL
                      SELECT 3, l, 'Location', l, referral_crm.fhir_location(l) FROM unnest(locs) AS l
                      UNION ALL
                      SELECT 4, c, 'Practitioner', c, referral_crm.fhir_practitioner(c) FROM unnest(clins) AS c
                      UNION ALL
                      SELECT 5, c, 'PractitionerRole', c, referral_crm.fhir_practitioner_role(c) FROM unnest(clins) AS c
                      UNION ALL
                      SELECT 6, 0, 'Coverage', r.referral_id, referral_crm.fhir_coverage(r.referral_id) WHERE r.payer_id IS NOT NULL
                      UNION ALL
                      SELECT 7, 0, 'ServiceRequest', r.referral_id, referral_crm.fhir_service_request(r.referral_id)
                      UNION ALL
                      SELECT 8, 0, 'Task', r.referral_id, referral_crm.fhir_task(r.referral_id)
                      UNION ALL
                      SELECT 9, row_number() OVER (ORDER BY a.start_at, a.appointment_id), 'Appointment', a.appointment_id,
                             referral_crm.fhir_appointment(a.appointment_id)
                        FROM referral_crm.appointments a WHERE a.referral_id = r.referral_id) x));
END
$$;
COMMENT ON FUNCTION referral_crm.referral_as_fhir(bigint) IS
  'the referral as a FHIR R4 Bundle (collection) with its Patient, Practitioners and roles, Organizations, Locations, Coverage, ServiceRequest, Task and Appointments; ingest_fhir reads it back unchanged';
