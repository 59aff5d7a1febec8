-- src/ingest/feeds.sql
-- Ingestion infrastructure: feed layouts, load batches, the staged-row
-- store behind the staging_<feed> views, and the reject table.

CREATE TABLE referral_crm.ingest_feeds (
  feed          text PRIMARY KEY,
  columns       text[] NOT NULL,
  description   text NOT NULL
);
COMMENT ON TABLE referral_crm.ingest_feeds IS
  'the CSV layout of each feed: its staging_<feed> view has exactly these text columns, in this order';

INSERT INTO referral_crm.ingest_feeds (feed, columns, description) VALUES
('directory',
 ARRAY['source_system', 'npi', 'given_name', 'middle_name', 'family_name', 'name_suffix', 'credentials',
       'sex', 'specialty', 'taxonomy_code', 'organization_name', 'organization_npi', 'location_code',
       'location_name', 'address_line1', 'address_line2', 'city', 'state', 'zip', 'latitude', 'longitude',
       'phone', 'fax', 'email', 'in_network', 'accepting_referrals', 'active_from', 'active_to'],
 'provider directory, native layout: one row per clinician and practice location'),
('directory_cms',
 ARRAY['npi', 'ind_pac_id', 'ind_enrl_id', 'lst_nm', 'frst_nm', 'mid_nm', 'suff', 'gndr', 'cred',
       'med_sch', 'grd_yr', 'pri_spec', 'sec_spec_1', 'sec_spec_2', 'sec_spec_3', 'sec_spec_4',
       'sec_spec_all', 'org_nm', 'org_pac_id', 'num_org_mem', 'adr_ln_1', 'adr_ln_2', 'ln_2_sprs',
       'cty', 'st', 'zip', 'phn_numbr', 'hosp_afl_1', 'hosp_afl_lbn_1', 'hosp_afl_2', 'hosp_afl_lbn_2',
       'hosp_afl_3', 'hosp_afl_lbn_3', 'hosp_afl_4', 'hosp_afl_lbn_4', 'hosp_afl_5', 'hosp_afl_lbn_5',
       'ind_assgn', 'grp_assgn', 'adrs_id'],
 'CMS Doctors and Clinicians national downloadable file, columns as published'),
('referrals',
 ARRAY['source_system', 'referral_id', 'patient_mrn', 'patient_given_name', 'patient_family_name',
       'patient_birth_date', 'patient_sex', 'patient_zip', 'patient_phone', 'patient_language',
       'authored_at', 'received_at', 'referring_npi', 'referring_name', 'referring_organization',
       'target_specialty', 'target_npi', 'target_location_code', 'priority', 'reason', 'diagnosis_codes',
       'payer_code', 'payer_name', 'payer_class', 'plan_code', 'channel', 'referral_number', 'auth_status',
       'prior_auth_number', 'status', 'status_reason', 'stage', 'stage_reason', 'needed_by', 'note_text'],
 'referrals (ServiceRequest + Task status) with the patient and the referral note'),
('appointments',
 ARRAY['source_system', 'appointment_id', 'referral_id', 'patient_mrn', 'patient_birth_date',
       'patient_sex', 'patient_zip', 'clinician_npi', 'location_code', 'status', 'start_at', 'end_at',
       'booked_at', 'cancelled_at', 'cancel_reason', 'reminder_sent'],
 'scheduling log: appointments, linked to a referral of the same source system when referral_id is set'),
('claims',
 ARRAY['source_system', 'claim_number', 'frequency', 'claim_type', 'patient_mrn', 'patient_birth_date',
       'patient_sex', 'patient_zip', 'billing_npi', 'rendering_npi', 'referring_npi', 'referring_name',
       'payer_code', 'payer_class', 'service_from', 'service_to', 'place_of_service', 'total_charge',
       'paid_amount', 'diagnosis_codes', 'referral_number', 'prior_auth_number'],
 'claim headers from X12 837 (CLM, NM1*85/82/DN, SBR, DTP, REF*9F, REF*G1)');

CREATE TABLE referral_crm.ingest_batches (
  batch_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  feed        text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz,
  inserted    bigint NOT NULL DEFAULT 0,
  updated     bigint NOT NULL DEFAULT 0,
  unchanged   bigint NOT NULL DEFAULT 0,
  rejected    bigint NOT NULL DEFAULT 0,
  actor       name NOT NULL DEFAULT current_user,
  details     jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE referral_crm.ingest_batches IS
  'one row per ingest() or ingest_fhir() call, with its counts';

-- Rows staged through the staging_<feed> views or stage_csv(), waiting for
-- ingest(feed).  load_id numbers one COPY (or INSERT, or stage_csv call);
-- row_no is the record's position in it (1 = first data row).
CREATE SEQUENCE referral_crm.staging_load_seq;
CREATE TABLE referral_crm.staged_rows (
  feed      text NOT NULL,
  load_id   bigint NOT NULL,
  row_no    bigint NOT NULL,
  staged_at timestamptz NOT NULL DEFAULT now(),
  fields    text[] NOT NULL,
  raw       text,
  problem   text
);
COMMENT ON TABLE referral_crm.staged_rows IS
  'raw staged records (all text), written by the staging_<feed> views and stage_csv(); emptied by ingest().  problem is set (and raw kept) when stage_csv() found a record that is not valid CSV';

CREATE TABLE referral_crm.ingest_rejects (
  reject_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  feed       text NOT NULL,
  batch_id   bigint NOT NULL REFERENCES referral_crm.ingest_batches,
  load_id    bigint,
  source_row bigint,
  raw        jsonb NOT NULL,
  reason     text NOT NULL,
  message    text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.ingest_rejects IS
  'every staged row that did not reach the data model: the raw row, a reason code and a message';
CREATE INDEX ingest_rejects_batch_idx ON referral_crm.ingest_rejects (batch_id);
CREATE INDEX ingest_rejects_reason_idx ON referral_crm.ingest_rejects (feed, reason);
