-- src/model/model.sql
-- The core referral data model, aligned with HL7 FHIR R4: directory
-- (organizations, locations, clinicians, payers and plans, staff, queues),
-- patients, referrals (ServiceRequest + Task status) with their append-only
-- event history, appointments, claim headers (X12 837), notes,
-- communications and tasks.
--
-- Every data table carries provenance (source_system, source_id, batch_id,
-- source_row, created_at, updated_at) and is registered with
-- pg_extension_config_dump so that pg_dump keeps its rows.

------------------------------------------------------------------------
-- Checks and code listings (C: src/model/model_fmgr.c, codes.c, npi.c)
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.npi_is_valid(npi text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'npi_is_valid'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.npi_is_valid(text) IS
  'true if the text is a ten-digit NPI with a correct Luhn check digit';

CREATE FUNCTION referral_crm.check_npi(npi text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'check_npi'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.check_npi(text) IS
  'true for a valid NPI; otherwise raises check_violation saying what is wrong';

CREATE FUNCTION referral_crm.npi_check_digit(first9 text) RETURNS integer
  AS 'MODULE_PATHNAME', 'npi_check_digit'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.npi_check_digit(text) IS
  'the NPI check digit for nine leading digits';

CREATE FUNCTION referral_crm.is_valid_code(kind text, value text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'is_valid_code'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.is_valid_code(text, text) IS
  'true if value belongs to the code kind (see referral_crm.code_values())';

CREATE FUNCTION referral_crm.check_code(kind text, value text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'check_code'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.check_code(text, text) IS
  'true if value belongs to the code kind; otherwise raises check_violation naming the value';

CREATE FUNCTION referral_crm.check_codes(kind text, vals text[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'check_codes'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.check_codes(text, text[]) IS
  'check_code for every element of an array';

CREATE FUNCTION referral_crm.code_rank(kind text, value text) RETURNS integer
  AS 'MODULE_PATHNAME', 'code_rank'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.code_rank(text, text) IS
  '1-based position of a value in its ordered value set (routine = 1 ... stat = 4)';

CREATE FUNCTION referral_crm.code_values(
    OUT kind text, OUT code text, OUT rank integer, OUT description text)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'code_values'
  LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 200;
COMMENT ON FUNCTION referral_crm.code_values() IS
  'every value of every enumerated code kind, in rank order';

CREATE FUNCTION referral_crm.transition_allowed(kind text, from_code text, to_code text)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'transition_allowed'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION referral_crm.code_transitions(
    OUT kind text, OUT from_code text, OUT to_code text, OUT needs_reason boolean)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'code_transitions'
  LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 60;

CREATE VIEW referral_crm.status_transitions AS
  SELECT kind, from_code, to_code, needs_reason
    FROM referral_crm.code_transitions();
COMMENT ON VIEW referral_crm.status_transitions IS
  'the legal referral status (FHIR Task) and CRM stage moves; needs_reason: the target requires a reason';

CREATE FUNCTION referral_crm.check_nonnegative(what text, value numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'check_nonnegative'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION referral_crm.check_order(earlier_label text, earlier timestamptz,
                                         later_label text, later timestamptz)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'check_order'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION referral_crm.check_order(earlier_label text, earlier date,
                                         later_label text, later date)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'check_order_date'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Trigger functions.
CREATE FUNCTION referral_crm.referral_guard() RETURNS trigger
  AS 'MODULE_PATHNAME', 'referral_guard' LANGUAGE C;
CREATE FUNCTION referral_crm.touch_updated_at() RETURNS trigger
  AS 'MODULE_PATHNAME', 'touch_updated_at' LANGUAGE C;
CREATE FUNCTION referral_crm.append_only() RETURNS trigger
  AS 'MODULE_PATHNAME', 'append_only' LANGUAGE C;

------------------------------------------------------------------------
-- Directory
------------------------------------------------------------------------

CREATE TABLE referral_crm.specialties (
  specialty     text PRIMARY KEY
                CONSTRAINT specialties_code_format CHECK (specialty ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  display_name  text NOT NULL,
  cms_labels    text[] NOT NULL DEFAULT '{}',
  builtin       boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE referral_crm.specialties IS
  'specialty codes used by referrals, clinicians and queues; cms_labels are the CMS Doctors and Clinicians pri_spec values that map to it';
CREATE INDEX specialties_cms_labels_idx ON referral_crm.specialties USING gin (cms_labels);

CREATE TABLE referral_crm.organizations (
  organization_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                   text NOT NULL CONSTRAINT organizations_name_nonempty CHECK (name <> ''),
  kind                   text NOT NULL DEFAULT 'practice'
                         CHECK (referral_crm.check_code('organization_kind', kind)),
  npi                    text UNIQUE CHECK (referral_crm.check_npi(npi)),
  tin                    text CONSTRAINT organizations_tin_format CHECK (tin ~ '^[0-9]{9}$'),
  parent_organization_id bigint REFERENCES referral_crm.organizations,
  in_network             boolean NOT NULL DEFAULT false,
  phone                  text,
  fax                    text,
  source_system          text NOT NULL DEFAULT 'manual',
  source_id              text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id               bigint,
  source_row             bigint,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id),
  CONSTRAINT organizations_not_own_parent CHECK (parent_organization_id <> organization_id)
);
CREATE INDEX organizations_parent_idx ON referral_crm.organizations (parent_organization_id);
CREATE INDEX organizations_name_idx ON referral_crm.organizations (lower(name));

CREATE TABLE referral_crm.locations (
  location_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id bigint REFERENCES referral_crm.organizations,
  name            text NOT NULL,
  address_line1   text,
  address_line2   text,
  city            text,
  state           text CHECK (referral_crm.check_code('us_state', state)),
  zip             text CHECK (referral_crm.check_code('zip', zip)),
  latitude        double precision CONSTRAINT locations_latitude_range CHECK (latitude BETWEEN -90 AND 90),
  longitude       double precision CONSTRAINT locations_longitude_range CHECK (longitude BETWEEN -180 AND 180),
  phone           text,
  fax             text,
  source_system   text NOT NULL DEFAULT 'manual',
  source_id       text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id        bigint,
  source_row      bigint,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id),
  CONSTRAINT locations_coordinates_paired CHECK ((latitude IS NULL) = (longitude IS NULL))
);
CREATE INDEX locations_organization_idx ON referral_crm.locations (organization_id);
CREATE INDEX locations_zip_idx ON referral_crm.locations (zip);
CREATE INDEX locations_source_id_idx ON referral_crm.locations (source_id);

CREATE TABLE referral_crm.clinicians (
  clinician_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  npi                 text UNIQUE CHECK (referral_crm.check_npi(npi)),
  name_as_given       text,
  name_prefix         text,
  given_name          text,
  middle_name         text,
  family_name         text NOT NULL CONSTRAINT clinicians_family_name_nonempty CHECK (family_name <> ''),
  name_suffix         text,
  credentials         text[] NOT NULL DEFAULT '{}',
  sex                 text CHECK (referral_crm.check_code('sex', sex)),
  specialty           text REFERENCES referral_crm.specialties,
  taxonomy_code       text CHECK (referral_crm.check_code('taxonomy', taxonomy_code)),
  organization_id     bigint REFERENCES referral_crm.organizations,
  phone               text,
  fax                 text,
  email               text,
  in_network          boolean NOT NULL DEFAULT false,
  accepting_referrals boolean NOT NULL DEFAULT true,
  active_from         date,
  active_to           date,
  source_system       text NOT NULL DEFAULT 'manual',
  source_id           text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id            bigint,
  source_row          bigint,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id),
  CHECK (referral_crm.check_order('active_from', active_from, 'active_to', active_to))
);
COMMENT ON COLUMN referral_crm.clinicians.name_as_given IS 'the name exactly as the source wrote it';
CREATE INDEX clinicians_family_given_idx ON referral_crm.clinicians (lower(family_name), lower(given_name));
-- CLUSTER keeps the directory in name order: match_clinician's candidates
-- share family-name prefixes, so in that order they share heap pages.
ALTER TABLE referral_crm.clinicians CLUSTER ON clinicians_family_given_idx;
CREATE INDEX clinicians_specialty_idx ON referral_crm.clinicians (specialty);
CREATE INDEX clinicians_organization_idx ON referral_crm.clinicians (organization_id);

CREATE TABLE referral_crm.clinician_locations (
  clinician_id bigint NOT NULL REFERENCES referral_crm.clinicians ON DELETE CASCADE,
  location_id  bigint NOT NULL REFERENCES referral_crm.locations ON DELETE CASCADE,
  is_primary   boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (clinician_id, location_id)
);
CREATE UNIQUE INDEX clinician_locations_one_primary
  ON referral_crm.clinician_locations (clinician_id) WHERE is_primary;
CREATE INDEX clinician_locations_location_idx ON referral_crm.clinician_locations (location_id);

CREATE TABLE referral_crm.payers (
  payer_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payer_code    text NOT NULL UNIQUE,
  name          text NOT NULL,
  payer_class   text NOT NULL CHECK (referral_crm.check_code('payer_class', payer_class)),
  source_system text NOT NULL DEFAULT 'manual',
  source_id     text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id      bigint,
  source_row    bigint,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id)
);
COMMENT ON COLUMN referral_crm.payers.payer_code IS 'payer identifier as on the X12 837 (2010BB NM1*PR)';

CREATE TABLE referral_crm.payer_plans (
  plan_id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payer_id               bigint NOT NULL REFERENCES referral_crm.payers,
  plan_code              text NOT NULL,
  name                   text NOT NULL,
  plan_type              text CHECK (referral_crm.check_code('plan_type', plan_type)),
  requires_referral      boolean NOT NULL DEFAULT false,
  prior_auth_required    boolean NOT NULL DEFAULT false,
  prior_auth_specialties text[] NOT NULL DEFAULT '{}',
  in_network             boolean NOT NULL DEFAULT true,
  source_system          text NOT NULL DEFAULT 'manual',
  source_id              text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id               bigint,
  source_row             bigint,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id),
  UNIQUE (payer_id, plan_code),
  UNIQUE (plan_id, payer_id)
);
COMMENT ON COLUMN referral_crm.payer_plans.prior_auth_specialties IS
  'specialties for which prior authorization is required; empty with prior_auth_required means all';

CREATE TABLE referral_crm.staff (
  staff_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login_role   name UNIQUE,
  display_name text NOT NULL,
  role         text NOT NULL CHECK (referral_crm.check_code('staff_role', role)),
  email        text,
  phone        text,
  languages    text[] NOT NULL DEFAULT '{en}',
  skills       text[] NOT NULL DEFAULT '{}',
  location_id  bigint REFERENCES referral_crm.locations,
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN referral_crm.staff.login_role IS 'the database login of this person, if any';

CREATE TABLE referral_crm.queues (
  queue_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code              text NOT NULL UNIQUE
                    CONSTRAINT queues_code_format CHECK (code ~ '^[a-z0-9]+([-_][a-z0-9]+)*$'),
  name              text NOT NULL,
  specialty         text REFERENCES referral_crm.specialties,
  location_id       bigint REFERENCES referral_crm.locations,
  fallback_queue_id bigint REFERENCES referral_crm.queues,
  active            boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT queues_not_own_fallback CHECK (fallback_queue_id <> queue_id)
);

CREATE TABLE referral_crm.queue_members (
  queue_id   bigint NOT NULL REFERENCES referral_crm.queues ON DELETE CASCADE,
  staff_id   bigint NOT NULL REFERENCES referral_crm.staff ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (queue_id, staff_id)
);
CREATE INDEX queue_members_staff_idx ON referral_crm.queue_members (staff_id);

------------------------------------------------------------------------
-- Patients: only what scheduling needs, plus a pseudonymous key
------------------------------------------------------------------------

CREATE TABLE referral_crm.patients (
  patient_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pseudo_key         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  given_name         text,
  family_name        text,
  birth_date         date,
  sex                text CHECK (referral_crm.check_code('sex', sex)),
  zip                text CHECK (referral_crm.check_code('zip', zip)),
  phone              text,
  email              text,
  preferred_language text CONSTRAINT patients_language_format
                     CHECK (preferred_language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
  source_system      text NOT NULL DEFAULT 'manual',
  source_id          text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id           bigint,
  source_row         bigint,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id)
);
COMMENT ON COLUMN referral_crm.patients.source_id IS 'the medical record number in source_system';
COMMENT ON COLUMN referral_crm.patients.pseudo_key IS 'random key for joins that must not carry identity';

------------------------------------------------------------------------
-- Referrals (FHIR ServiceRequest, with Task status and a CRM stage)
------------------------------------------------------------------------

CREATE TABLE referral_crm.referrals (
  referral_id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id                bigint NOT NULL REFERENCES referral_crm.patients,
  authored_at               timestamptz NOT NULL,
  received_at               timestamptz,
  needed_by                 date,
  referring_clinician_id    bigint REFERENCES referral_crm.clinicians,
  referring_npi             text CHECK (referral_crm.check_npi(referring_npi)),
  referring_name            text,
  referring_organization_id bigint REFERENCES referral_crm.organizations,
  target_specialty          text REFERENCES referral_crm.specialties,
  target_clinician_id       bigint REFERENCES referral_crm.clinicians,
  target_npi                text CHECK (referral_crm.check_npi(target_npi)),
  target_location_id        bigint REFERENCES referral_crm.locations,
  priority                  text NOT NULL DEFAULT 'routine'
                            CHECK (referral_crm.check_code('priority', priority)),
  reason                    text,
  diagnosis_codes           text[] NOT NULL DEFAULT '{}'
                            CHECK (referral_crm.check_codes('icd10', diagnosis_codes)),
  payer_id                  bigint REFERENCES referral_crm.payers,
  plan_id                   bigint,
  in_network                boolean,
  channel                   text CHECK (referral_crm.check_code('referral_channel', channel)),
  referral_number           text,
  auth_status               text NOT NULL DEFAULT 'not-required'
                            CHECK (referral_crm.check_code('auth_status', auth_status)),
  prior_auth_number         text,
  status                    text NOT NULL DEFAULT 'requested'
                            CHECK (referral_crm.check_code('referral_status', status)),
  status_reason             text,
  status_changed_at         timestamptz NOT NULL DEFAULT now(),
  stage                     text NOT NULL DEFAULT 'new'
                            CHECK (referral_crm.check_code('referral_stage', stage)),
  stage_reason              text,
  stage_changed_at          timestamptz NOT NULL DEFAULT now(),
  queue_id                  bigint REFERENCES referral_crm.queues,
  assignee_staff_id         bigint REFERENCES referral_crm.staff,
  source_system             text NOT NULL DEFAULT 'manual',
  source_id                 text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id                  bigint,
  source_row                bigint,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id),
  UNIQUE (referral_id, patient_id),
  FOREIGN KEY (plan_id, payer_id) REFERENCES referral_crm.payer_plans (plan_id, payer_id),
  CONSTRAINT referrals_plan_needs_payer CHECK (plan_id IS NULL OR payer_id IS NOT NULL),
  CHECK (referral_crm.check_order('authored_at', authored_at, 'received_at', received_at))
);
COMMENT ON TABLE referral_crm.referrals IS
  'one authoritative record per referral (FHIR ServiceRequest); status uses FHIR Task codes, stage is the CRM pipeline';
COMMENT ON COLUMN referral_crm.referrals.referring_name IS
  'the referring clinician as the source wrote the name; with no referring_clinician_id it awaits name resolution';
COMMENT ON COLUMN referral_crm.referrals.referral_number IS 'the number billing sends as REF*9F on the claim';
CREATE INDEX referrals_patient_idx ON referral_crm.referrals (patient_id);
CREATE INDEX referrals_referring_clinician_idx ON referral_crm.referrals (referring_clinician_id, authored_at);
CREATE INDEX referrals_referring_npi_idx ON referral_crm.referrals (referring_npi);
CREATE INDEX referrals_target_specialty_idx ON referral_crm.referrals (target_specialty, authored_at);
CREATE INDEX referrals_target_clinician_idx ON referral_crm.referrals (target_clinician_id);
CREATE INDEX referrals_status_priority_idx ON referral_crm.referrals (status, priority);
CREATE INDEX referrals_authored_idx ON referral_crm.referrals (authored_at);
CREATE INDEX referrals_number_idx ON referral_crm.referrals (referral_number);
CREATE INDEX referrals_open_queue_idx ON referral_crm.referrals (queue_id, priority, authored_at)
  WHERE status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error');
CREATE INDEX referrals_unresolved_referrer_idx ON referral_crm.referrals (referral_id)
  WHERE referring_clinician_id IS NULL AND referring_name IS NOT NULL;

CREATE TABLE referral_crm.referral_events (
  event_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  referral_id   bigint NOT NULL REFERENCES referral_crm.referrals,
  occurred_at   timestamptz NOT NULL DEFAULT now(),
  dimension     text NOT NULL CONSTRAINT referral_events_dimension CHECK (dimension IN ('status', 'stage')),
  from_value    text NOT NULL,
  to_value      text NOT NULL,
  reason        text,
  actor         name NOT NULL DEFAULT current_user,
  session_actor name NOT NULL DEFAULT session_user,
  staff_id      bigint REFERENCES referral_crm.staff,
  batch_id      bigint
);
COMMENT ON TABLE referral_crm.referral_events IS
  'append-only history of referral status and stage changes (who, when, from, to, reason)';
CREATE INDEX referral_events_referral_idx ON referral_crm.referral_events (referral_id, occurred_at);

------------------------------------------------------------------------
-- Appointments (FHIR Appointment), claims (X12 837 headers)
------------------------------------------------------------------------

CREATE TABLE referral_crm.appointments (
  appointment_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  referral_id    bigint,
  patient_id     bigint NOT NULL REFERENCES referral_crm.patients,
  clinician_id   bigint REFERENCES referral_crm.clinicians,
  location_id    bigint REFERENCES referral_crm.locations,
  status         text NOT NULL DEFAULT 'booked'
                 CHECK (referral_crm.check_code('appointment_status', status)),
  start_at       timestamptz NOT NULL,
  end_at         timestamptz,
  booked_at      timestamptz,
  cancelled_at   timestamptz,
  cancel_reason  text,
  reminder_sent  boolean NOT NULL DEFAULT false,
  source_system  text NOT NULL DEFAULT 'manual',
  source_id      text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id       bigint,
  source_row     bigint,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id),
  CONSTRAINT appointments_referral_same_patient
    FOREIGN KEY (referral_id, patient_id) REFERENCES referral_crm.referrals (referral_id, patient_id),
  CHECK (referral_crm.check_order('start_at', start_at, 'end_at', end_at))
);
COMMENT ON COLUMN referral_crm.appointments.referral_id IS
  'the referral this visit fulfils (FHIR Appointment.basedOn); it must be for the same patient';
COMMENT ON COLUMN referral_crm.appointments.booked_at IS 'when the booking was made (lead time = start_at - booked_at)';
CREATE INDEX appointments_referral_idx ON referral_crm.appointments (referral_id, start_at);
CREATE INDEX appointments_patient_idx ON referral_crm.appointments (patient_id, start_at);
CREATE INDEX appointments_clinician_idx ON referral_crm.appointments (clinician_id, start_at);
CREATE INDEX appointments_start_idx ON referral_crm.appointments (start_at);

CREATE TABLE referral_crm.claims (
  claim_id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  claim_number           text NOT NULL,
  claim_type             text NOT NULL DEFAULT 'professional'
                         CHECK (referral_crm.check_code('claim_type', claim_type)),
  frequency              text NOT NULL DEFAULT '1'
                         CHECK (referral_crm.check_code('claim_frequency', frequency)),
  patient_id             bigint NOT NULL REFERENCES referral_crm.patients,
  billing_npi            text CHECK (referral_crm.check_npi(billing_npi)),
  rendering_npi          text CHECK (referral_crm.check_npi(rendering_npi)),
  referring_npi          text CHECK (referral_crm.check_npi(referring_npi)),
  referring_name         text,
  rendering_clinician_id bigint REFERENCES referral_crm.clinicians,
  referring_clinician_id bigint REFERENCES referral_crm.clinicians,
  payer_id               bigint REFERENCES referral_crm.payers,
  payer_class            text CHECK (referral_crm.check_code('payer_class', payer_class)),
  service_from           date NOT NULL,
  service_to             date,
  place_of_service       text CHECK (referral_crm.check_code('place_of_service', place_of_service)),
  total_charge           numeric(12,2) NOT NULL
                         CHECK (referral_crm.check_nonnegative('total charge', total_charge)),
  paid_amount            numeric(12,2) CHECK (referral_crm.check_nonnegative('paid amount', paid_amount)),
  diagnosis_codes        text[] NOT NULL DEFAULT '{}'
                         CHECK (referral_crm.check_codes('icd10', diagnosis_codes)),
  referral_number        text,
  prior_auth_number      text,
  referral_id            bigint REFERENCES referral_crm.referrals,
  source_system          text NOT NULL DEFAULT 'manual',
  source_id              text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id               bigint,
  source_row             bigint,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id),
  CHECK (referral_crm.check_order('service_from', service_from, 'service_to', service_to))
);
COMMENT ON TABLE referral_crm.claims IS 'claim headers from X12 837 (CLM, NM1*85/82/DN, SBR, REF*9F, REF*G1)';
COMMENT ON COLUMN referral_crm.claims.claim_number IS 'CLM01, the patient control number';
COMMENT ON COLUMN referral_crm.claims.referral_number IS 'REF*9F';
COMMENT ON COLUMN referral_crm.claims.referring_name IS
  'the referring provider as the claim names it, when it carries no NPI; awaits name resolution';
CREATE INDEX claims_unresolved_referrer_idx ON referral_crm.claims (claim_id)
  WHERE referring_clinician_id IS NULL AND referring_npi IS NULL AND referring_name IS NOT NULL;
COMMENT ON COLUMN referral_crm.claims.prior_auth_number IS 'REF*G1';
CREATE INDEX claims_referral_idx ON referral_crm.claims (referral_id);
CREATE INDEX claims_patient_idx ON referral_crm.claims (patient_id, service_from);
CREATE INDEX claims_referring_npi_idx ON referral_crm.claims (referring_npi, service_from);
CREATE INDEX claims_rendering_npi_idx ON referral_crm.claims (rendering_npi, service_from);
CREATE INDEX claims_number_idx ON referral_crm.claims (claim_number);
CREATE INDEX claims_referral_number_idx ON referral_crm.claims (referral_number);

------------------------------------------------------------------------
-- Notes, communications, tasks
------------------------------------------------------------------------

CREATE TABLE referral_crm.referral_notes (
  note_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  referral_id     bigint NOT NULL REFERENCES referral_crm.referrals,
  note_type       text NOT NULL DEFAULT 'referral' CHECK (referral_crm.check_code('note_type', note_type)),
  authored_at     timestamptz NOT NULL DEFAULT now(),
  author          text,
  author_staff_id bigint REFERENCES referral_crm.staff,
  body            text NOT NULL,
  source_system   text NOT NULL DEFAULT 'manual',
  source_id       text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id        bigint,
  source_row      bigint,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id)
);
CREATE INDEX referral_notes_referral_idx ON referral_crm.referral_notes (referral_id);

CREATE TABLE referral_crm.communications (
  communication_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  referral_id      bigint REFERENCES referral_crm.referrals,
  organization_id  bigint REFERENCES referral_crm.organizations,
  clinician_id     bigint REFERENCES referral_crm.clinicians,
  patient_id       bigint REFERENCES referral_crm.patients,
  channel          text NOT NULL CHECK (referral_crm.check_code('communication_channel', channel)),
  direction        text NOT NULL CHECK (referral_crm.check_code('communication_direction', direction)),
  party            text NOT NULL CHECK (referral_crm.check_code('communication_party', party)),
  outcome          text CHECK (referral_crm.check_code('communication_outcome', outcome)),
  template_code    text,
  occurred_at      timestamptz NOT NULL DEFAULT now(),
  staff_id         bigint REFERENCES referral_crm.staff,
  summary          text,
  source_system    text NOT NULL DEFAULT 'manual',
  source_id        text NOT NULL DEFAULT gen_random_uuid()::text,
  batch_id         bigint,
  source_row       bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, source_id),
  CONSTRAINT communications_has_subject
    CHECK (num_nonnulls(referral_id, organization_id, clinician_id, patient_id) > 0)
);
CREATE INDEX communications_referral_idx ON referral_crm.communications (referral_id, occurred_at);
CREATE INDEX communications_organization_idx ON referral_crm.communications (organization_id, occurred_at);
CREATE INDEX communications_clinician_idx ON referral_crm.communications (clinician_id, occurred_at);

CREATE TABLE referral_crm.tasks (
  task_id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  referral_id       bigint REFERENCES referral_crm.referrals,
  task_type         text NOT NULL CHECK (referral_crm.check_code('task_type', task_type)),
  status            text NOT NULL DEFAULT 'open' CHECK (referral_crm.check_code('task_status', status)),
  priority          text NOT NULL DEFAULT 'routine' CHECK (referral_crm.check_code('priority', priority)),
  due_at            timestamptz,
  assignee_staff_id bigint REFERENCES referral_crm.staff,
  queue_id          bigint REFERENCES referral_crm.queues,
  task_key          text UNIQUE,
  description       text,
  completed_at      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN referral_crm.tasks.task_key IS
  'idempotency key of a generated task (rule and subject); NULL for hand-made tasks';
CREATE INDEX tasks_referral_idx ON referral_crm.tasks (referral_id);
CREATE INDEX tasks_open_assignee_idx ON referral_crm.tasks (assignee_staff_id, due_at)
  WHERE status IN ('open', 'in-progress');
CREATE INDEX tasks_open_queue_idx ON referral_crm.tasks (queue_id, due_at)
  WHERE status IN ('open', 'in-progress');

------------------------------------------------------------------------
-- Triggers
------------------------------------------------------------------------

CREATE TRIGGER referrals_guard
  BEFORE INSERT OR UPDATE ON referral_crm.referrals
  FOR EACH ROW EXECUTE FUNCTION referral_crm.referral_guard();

-- Record status and stage changes, set-based, once per statement.  With
-- the owner's rights: the history is written only here (no application
-- role may insert into it), in the name of the role acting.
CREATE FUNCTION referral_crm.referral_events_record() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF TG_RELID <> 'referral_crm.referrals'::regclass THEN
    RAISE EXCEPTION 'referral_events_record() fires only on referral_crm.referrals, not on %', TG_RELID::regclass
      USING ERRCODE = 'trigger_protocol_violated';
  END IF;
  INSERT INTO referral_crm.referral_events
         (referral_id, occurred_at, dimension, from_value, to_value, reason, staff_id, batch_id)
  SELECT n.referral_id, n.updated_at, d.dimension, d.from_value, d.to_value, d.reason,
         (SELECT s.staff_id FROM referral_crm.staff s WHERE s.login_role = referral_crm.acting_user()),
         n.batch_id
    FROM new_rows n
    JOIN old_rows o USING (referral_id)
   CROSS JOIN LATERAL (VALUES ('status', o.status, n.status, n.status_reason),
                              ('stage',  o.stage,  n.stage,  n.stage_reason))
                      AS d (dimension, from_value, to_value, reason)
   WHERE d.from_value IS DISTINCT FROM d.to_value
   ORDER BY n.referral_id, d.dimension DESC;
  RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION referral_crm.referral_events_record() FROM PUBLIC;

CREATE TRIGGER referrals_record_events
  AFTER UPDATE ON referral_crm.referrals
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_events_record();

CREATE TRIGGER referral_events_append_only
  BEFORE UPDATE OR DELETE ON referral_crm.referral_events
  FOR EACH ROW EXECUTE FUNCTION referral_crm.append_only();
CREATE TRIGGER referral_events_no_truncate
  BEFORE TRUNCATE ON referral_crm.referral_events
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.append_only();

-- An appointment cannot start before its referral was authored.
CREATE FUNCTION referral_crm.appointment_guard() RETURNS trigger
  LANGUAGE plpgsql AS
$$
DECLARE
  authored timestamptz;
BEGIN
  IF NEW.referral_id IS NOT NULL THEN
    SELECT r.authored_at INTO authored
      FROM referral_crm.referrals r WHERE r.referral_id = NEW.referral_id;
    IF authored IS NOT NULL AND NEW.start_at < authored THEN
      RAISE EXCEPTION 'appointment starts at % before its referral % was authored at %',
                      NEW.start_at, NEW.referral_id, authored
        USING ERRCODE = 'check_violation',
              HINT = 'Check the appointment date, or link the appointment to the right referral.';
    END IF;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER appointments_guard
  BEFORE INSERT OR UPDATE ON referral_crm.appointments
  FOR EACH ROW EXECUTE FUNCTION referral_crm.appointment_guard();

-- Moving a referral's authored_at must not leave an appointment before it.
CREATE FUNCTION referral_crm.referral_authored_guard() RETURNS trigger
  LANGUAGE plpgsql AS
$$
DECLARE
  first_start timestamptz;
BEGIN
  SELECT min(a.start_at) INTO first_start
    FROM referral_crm.appointments a WHERE a.referral_id = NEW.referral_id;
  IF first_start < NEW.authored_at THEN
    RAISE EXCEPTION 'referral % authored at % would follow its appointment at %',
                    NEW.referral_id, NEW.authored_at, first_start
      USING ERRCODE = 'check_violation',
            HINT = 'Correct the appointment first, or keep the original authored time.';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER referrals_authored_guard
  AFTER UPDATE OF authored_at ON referral_crm.referrals
  FOR EACH ROW WHEN (NEW.authored_at > OLD.authored_at)
  EXECUTE FUNCTION referral_crm.referral_authored_guard();

-- updated_at on every other data table.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organizations', 'locations', 'clinicians', 'payers', 'payer_plans',
                           'staff', 'queues', 'patients', 'claims', 'referral_notes',
                           'communications', 'tasks']
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON referral_crm.%I
                    FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at()',
                   t || '_touch', t);
  END LOOP;
END
$$;
