-- src/governance/enrol.sql
-- Enrol the tables of the data model, ingestion and governance itself,
-- restrict the functions that write or disclose, make the ingestion entry
-- points SECURITY DEFINER (the ingest role writes only through them), and
-- define setup_roles().
--
-- Rooms installed before governance that add tables enrol them here with
-- one govern_table() call each (see README.md, section "Governance").

\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit

-- Directory and reference data: readable by intake and liaison, no RLS.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['specialties', 'organizations', 'locations', 'clinicians', 'clinician_locations',
                           'payers', 'payer_plans', 'staff', 'queues', 'queue_members', 'ingest_feeds',
                           'staff_teams', 'team_scopes']
  LOOP
    PERFORM referral_crm.govern_table(format('referral_crm.%I', t)::regclass, 'reference');
  END LOOP;
END
$$;

-- Patient data.  Retention: ten years after the last change (state
-- medical-record laws range from 6 to 10 years for adults); children of a
-- referral are purged before it, referrals before their patient.
SELECT referral_crm.govern_table('referral_crm.patients', 'patient',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 40);
SELECT referral_crm.govern_table('referral_crm.referrals', 'referral',
         sensitive_columns => '{reason}',
         liaison_columns => '{referral_id, authored_at, received_at, referring_clinician_id, referring_npi,
                              referring_name, referring_organization_id, target_specialty, target_clinician_id,
                              target_npi, target_location_id, priority, payer_id, plan_id, in_network, channel,
                              status, status_changed_at, stage, stage_changed_at, queue_id, created_at, updated_at}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 30);
SELECT referral_crm.govern_table('referral_crm.referral_events', 'referral_child',
         sensitive_columns => '{reason}',
         liaison_columns => '{event_id, referral_id, occurred_at, dimension, from_value, to_value}',
         retention => interval '10 years', retention_column => 'occurred_at', purge_order => 20);
SELECT referral_crm.govern_table('referral_crm.appointments', 'patient_child',
         sensitive_columns => '{cancel_reason}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 20);
SELECT referral_crm.govern_table('referral_crm.claims', 'patient_child',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 20);
SELECT referral_crm.govern_table('referral_crm.referral_notes', 'referral_child',
         sensitive_columns => '{body}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 10);
SELECT referral_crm.govern_table('referral_crm.communications', 'communication',
         sensitive_columns => '{summary}',
         liaison_columns => '{communication_id, referral_id, organization_id, clinician_id, channel, direction,
                              party, outcome, template_code, occurred_at, staff_id, summary}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 10);
SELECT referral_crm.govern_table('referral_crm.tasks', 'referral_child',
         sensitive_columns => '{description}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 10);

-- Ingestion: raw rows are patient data, for the admin only.  Staged rows
-- are a transient queue written by COPY into the staging views and
-- consumed by ingest(); what they become is audited, they are not.
SELECT referral_crm.govern_table('referral_crm.staged_rows', 'admin_only', audited => false,
         retention => interval '30 days', retention_column => 'staged_at', purge_order => 5);
SELECT referral_crm.govern_table('referral_crm.ingest_rejects', 'admin_only', sensitive_columns => '{raw}',
         retention => interval '1 year', retention_column => 'created_at', purge_order => 5);
SELECT referral_crm.govern_table('referral_crm.ingest_batches', 'admin_only', patient_data => false);

-- Governance's own tables.
SELECT referral_crm.govern_table('referral_crm.governed_tables', 'admin_only', patient_data => false);
SELECT referral_crm.govern_table('referral_crm.pseudonym_keys', 'admin_only', patient_data => false,
         sensitive_columns => '{key}');
SELECT referral_crm.govern_table('referral_crm.legal_holds', 'admin_only');
SELECT referral_crm.govern_table('referral_crm.partners', 'admin_only', patient_data => false);
SELECT referral_crm.govern_table('referral_crm.disclosures', 'admin_only');
-- The accounting of disclosures is part of the audit trail.
CREATE POLICY audit_disclosures_read ON referral_crm.disclosures FOR SELECT
  USING ((SELECT referral_crm.acting_as('referral_crm_auditor')));

-- The tables of the other rooms.
-- names: nicknames and surname frequencies are reference data; the record
-- of each resolution (referring names as offices wrote them, linked to
-- referrals and claims) is for the admin role.
SELECT referral_crm.govern_table(t::regclass, 'reference')
  FROM unnest(ARRAY['referral_crm.name_variants', 'referral_crm.name_frequencies']) AS t;
SELECT referral_crm.govern_table('referral_crm.name_resolutions', 'admin_only', sensitive_columns => '{referring_name}');
-- scoring: ZIP centroids are reference data; scores are per referral.  The
-- models are the admin role's: the statistics of two versions (rows used,
-- feature means, metrics) can tell one training row apart; predict() reads
-- a model's coefficients with the owner's rights.
SELECT referral_crm.govern_table('referral_crm.zip_centroids', 'reference');
SELECT referral_crm.govern_table('referral_crm.models', 'admin_only');
SELECT referral_crm.govern_table('referral_crm.referral_scores', 'referral_child');

-- crm: settings and the snapshots behind the referrer dashboards
-- (aggregates by referrer and specialty, which liaison and intake read)
-- are reference data; the snapshots behind the manager's dashboards
-- (metrics, cohorts, leakage, ROI, overview: views for the admin role
-- only) are the admin role's too; the per-referral facts follow their
-- referral; refresh state is internal.
SELECT referral_crm.govern_table(t::regclass, 'reference')
  FROM unnest(ARRAY['referral_crm.crm_config', 'referral_crm.sla_policies', 'referral_crm.reminder_rules',
                    'referral_crm.message_templates', 'referral_crm.payer_rates',
                    'referral_crm.referral_edges_snapshot', 'referral_crm.referrers_snapshot']) AS t;
SELECT referral_crm.govern_table(t::regclass, 'admin_only', patient_data => false)
  FROM unnest(ARRAY['referral_crm.referral_metrics_snapshot', 'referral_crm.cohorts_snapshot',
                    'referral_crm.performance_filters_snapshot', 'referral_crm.leakage_snapshot',
                    'referral_crm.roi_snapshot', 'referral_crm.manager_overview_snapshot']) AS t;
SELECT referral_crm.govern_table('referral_crm.referral_facts', 'referral_child', audited => false);
SELECT referral_crm.govern_table(t::regclass, 'admin_only', patient_data => false, audited => false)
  FROM unnest(ARRAY['referral_crm.referral_facts_state', 'referral_crm.referral_facts_queue',
                    'referral_crm.crm_summary_state']) AS t;

-- routing: rules and assignment settings are reference data; each decision
-- belongs to its referral.
SELECT referral_crm.govern_table(t::regclass, 'reference')
  FROM unnest(ARRAY['referral_crm.routing_rules', 'referral_crm.queue_routing', 'referral_crm.staff_capacity',
                    'referral_crm.staff_hours']) AS t;
SELECT referral_crm.govern_table('referral_crm.routing_decisions', 'referral_child');

-- notes: note vectors follow their note.  The corpus statistics count the
-- terms of every note (a one-note delta is that note's terms) and the
-- classifiers keep the term weights of their training notes: both are the
-- admin role's; others read them through SECURITY DEFINER functions
-- (corpus_stats, corpus_dfs with its floor, classify_note).
SELECT referral_crm.govern_table('referral_crm.note_vectors', 'note_child', audited => false);
SELECT referral_crm.govern_table(t::regclass, 'admin_only', patient_data => false, audited => false)
  FROM unnest(ARRAY['referral_crm.corpus_df', 'referral_crm.corpus_totals']) AS t;
SELECT referral_crm.govern_table(t::regclass, 'admin_only', patient_data => false)
  FROM unnest(ARRAY['referral_crm.note_classifiers', 'referral_crm.note_classifier_vectors']) AS t;

-- Any other table of the schema (a room that did not classify its tables
-- here): admin only until classified.
SELECT count(*) AS enrolled_by_default FROM referral_crm.enrol_remaining();

SELECT pg_catalog.pg_extension_config_dump('referral_crm.governed_tables', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.staff_teams', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.team_scopes', '');
SELECT pg_catalog.pg_extension_config_dump(
  pg_catalog.pg_get_serial_sequence('referral_crm.team_scopes', 'scope_id')::regclass, '');

------------------------------------------------------------------------
-- Functions that write, disclose or reveal: not for PUBLIC
------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
  referral_crm.audit_capture(), referral_crm.audit_event(text, text, jsonb, jsonb),
  referral_crm.audit_suppress_values(boolean), referral_crm.audit_checkpoint(),
  referral_crm.audit_head(), referral_crm.audit_verify(), referral_crm.audit_verify(text),
  referral_crm.audit_read(regclass, jsonb, jsonb),
  referral_crm.pseudonym(text, text), referral_crm.random_key(), referral_crm.rotate_pseudonym_key(),
  referral_crm.analytics_referral_flow_rows(),
  referral_crm.open_referral(bigint), referral_crm.open_patient(bigint),
  referral_crm.purge_expired(boolean), referral_crm.purge_audit(interval),
  referral_crm.partner_columns(text, text),
  referral_crm.record_disclosure(text, text, text[], bigint[], bigint[]),
  referral_crm.export_for_partner(text, text, bigint[]),
  referral_crm.govern_table(regclass, text, name[], name[], interval, name, integer, boolean, boolean),
  referral_crm.set_retention(regclass, interval, name), referral_crm.apply_grants(regclass),
  referral_crm.apply_policies(regclass), referral_crm.enrol_remaining(),
  referral_crm.ingest(text), referral_crm.ingest_fhir(jsonb), referral_crm.stage_csv(text, text)
FROM PUBLIC;

-- The ingest role writes only through the ingestion functions: they run
-- with the owner's rights, with a pinned search_path (their bodies
-- qualify every object).  Staged rows come in through the staging views.
ALTER FUNCTION referral_crm.ingest(text) SECURITY DEFINER;
ALTER FUNCTION referral_crm.ingest(text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION referral_crm.ingest_fhir(jsonb) SECURITY DEFINER;
ALTER FUNCTION referral_crm.ingest_fhir(jsonb) SET search_path = pg_catalog, pg_temp;

-- The ingestion functions run as their owner now: record who called them,
-- not the owner (current_user inside a SECURITY DEFINER function).
ALTER TABLE referral_crm.ingest_batches ALTER COLUMN actor SET DEFAULT referral_crm.acting_user();
ALTER TABLE referral_crm.referral_events ALTER COLUMN actor SET DEFAULT referral_crm.acting_user();

-- Views over patient data run with the rights of their user.
DO $$
DECLARE
  v text;
BEGIN
  FOR v IN SELECT format('%I.%I', n.nspname, c.relname)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind = 'v' AND c.relname LIKE 'staging\_%' LOOP
    EXECUTE format('ALTER VIEW %s SET (security_invoker = true)', v);
  END LOOP;
END
$$;

------------------------------------------------------------------------
-- setup_roles()
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.setup_roles() RETURNS TABLE (role_name text, action text)
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  r text;
  t regclass;
  v text;
  patient_tables text;
BEGIN
  FOREACH r IN ARRAY referral_crm.governance_roles() LOOP
    role_name := r;
    IF NOT EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', r);
      action := 'created';
    ELSIF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = r
                     AND (x.rolsuper OR x.rolbypassrls OR x.rolcanlogin OR x.rolcreaterole OR x.rolcreatedb)) THEN
      EXECUTE format('ALTER ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', r);
      action := 'fixed: NOLOGIN NOSUPERUSER NOBYPASSRLS';
    ELSE
      action := 'exists';
    END IF;
    RETURN NEXT;
  END LOOP;

  FOR t IN SELECT g.table_name FROM referral_crm.governed_tables g
            WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = g.table_name) ORDER BY g.table_name::text LOOP
    PERFORM referral_crm.apply_policies(t);
    PERFORM referral_crm.apply_grants(t);
  END LOOP;

  -- auditor: the trail and the accounting of disclosures, nothing else
  GRANT USAGE ON SCHEMA referral_crm_audit TO referral_crm_auditor, referral_crm_admin;
  GRANT SELECT ON referral_crm_audit.audit_log, referral_crm_audit.audit_trail,
                  referral_crm_audit.audit_chain_tips, referral_crm_audit.audit_chain_heads,
                  referral_crm_audit.audit_chain_floors
     TO referral_crm_auditor, referral_crm_admin;
  GRANT SELECT ON referral_crm.disclosures TO referral_crm_auditor;
  GRANT EXECUTE ON FUNCTION referral_crm.audit_verify(), referral_crm.audit_verify(text), referral_crm.audit_head()
     TO referral_crm_auditor, referral_crm_admin;

  -- admin: keys, retention, holds, partners, review
  GRANT EXECUTE ON FUNCTION referral_crm.pseudonym(text, text), referral_crm.rotate_pseudonym_key(),
                            referral_crm.purge_expired(boolean), referral_crm.purge_audit(interval)
     TO referral_crm_admin;
  GRANT SELECT ON referral_crm.staff_access TO referral_crm_admin, referral_crm_intake;

  -- notes: the statistics' readers and classification for the roles that
  -- search notes; every term with its count for the admin role
  GRANT EXECUTE ON FUNCTION referral_crm.corpus_stats(), referral_crm.corpus_dfs(text[]),
                            referral_crm.corpus_df_floor(), referral_crm.classify_note(text, text),
                            referral_crm.note_classifier_exists(text)
     TO referral_crm_intake, referral_crm_admin, referral_crm_ingest;
  GRANT EXECUTE ON FUNCTION referral_crm.corpus_terms() TO referral_crm_admin;

  -- names: the rarity view over the name tables, for the roles that read
  -- them (name_similarity and match_clinician read it)
  GRANT SELECT ON referral_crm.name_rarity TO referral_crm_admin, referral_crm_intake, referral_crm_liaison;

  -- intake (and admin): open records with read tracing, disclose to partners
  GRANT EXECUTE ON FUNCTION referral_crm.patient_attachable(bigint) TO referral_crm_intake, referral_crm_admin;
  GRANT EXECUTE ON FUNCTION referral_crm.open_referral(bigint), referral_crm.open_patient(bigint),
                            referral_crm.audit_read(regclass, jsonb, jsonb),
                            referral_crm.export_for_partner(text, text, bigint[]),
                            referral_crm.partner_columns(text, text),
                            referral_crm.record_disclosure(text, text, text[], bigint[], bigint[])
     TO referral_crm_intake, referral_crm_admin;

  -- analyst: the suppressed views only
  GRANT SELECT ON referral_crm.analytics_referral_flow TO referral_crm_analyst, referral_crm_admin;
  GRANT EXECUTE ON FUNCTION referral_crm.analytics_referral_flow_rows() TO referral_crm_analyst, referral_crm_admin;

  -- The dashboards (security_invoker views: each reads the base tables
  -- under the caller's own policies).  Schedulers and intake: the pipeline
  -- and their work; liaison: referrers and the contact graph; the admin
  -- role is the manager's.
  GRANT SELECT ON referral_crm.pipeline, referral_crm.work_queue, referral_crm.sla_breaches,
                  referral_crm.pipeline_summary, referral_crm.overdue_tasks, referral_crm.communication_log
     TO referral_crm_intake, referral_crm_admin;
  GRANT SELECT ON referral_crm.referral_edges, referral_crm.referrers, referral_crm.top_referrers,
                  referral_crm.referrer_scorecards
     TO referral_crm_liaison, referral_crm_admin;
  GRANT SELECT ON referral_crm.referral_metrics, referral_crm.cohorts, referral_crm.performance_filters,
                  referral_crm.leakage, referral_crm.roi, referral_crm.manager_overview
     TO referral_crm_admin;

  -- ingest: stage (COPY into the staging views, stage_csv) and ingest
  FOR v IN SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind = 'v' AND c.relname LIKE 'staging\_%' ORDER BY 1 LOOP
    EXECUTE format('GRANT INSERT ON %s TO referral_crm_ingest, referral_crm_admin', v);
  END LOOP;
  GRANT USAGE ON SEQUENCE referral_crm.staging_load_seq TO referral_crm_ingest, referral_crm_admin;
  GRANT EXECUTE ON FUNCTION referral_crm.ingest(text), referral_crm.ingest_fhir(jsonb), referral_crm.stage_csv(text, text)
     TO referral_crm_ingest, referral_crm_admin;

  -- a first pseudonym key
  IF NOT EXISTS (SELECT 1 FROM referral_crm.pseudonym_keys k WHERE k.retired_at IS NULL) THEN
    INSERT INTO referral_crm.pseudonym_keys (key) VALUES (referral_crm.random_key());
    role_name := 'referral_crm_admin'; action := 'pseudonym key created';
    RETURN NEXT;
  END IF;

  -- pgaudit, when loaded: object audit of the patient tables
  IF current_setting('shared_preload_libraries') ~ '(^|[, ])pgaudit($|[, ])' THEN
    IF NOT EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_pgaudit') THEN
      CREATE ROLE referral_crm_pgaudit NOLOGIN;
    END IF;
    SELECT string_agg(g.table_name::text, ', ' ORDER BY g.table_name::text) INTO patient_tables
      FROM referral_crm.governed_tables g WHERE g.patient_data;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO referral_crm_pgaudit', patient_tables);
    EXECUTE format('ALTER DATABASE %I SET pgaudit.role = %L', current_database(), 'referral_crm_pgaudit');
    role_name := 'referral_crm_pgaudit'; action := 'pgaudit object audit of the patient tables';
    RETURN NEXT;
  END IF;
  PERFORM referral_crm.audit_event('SETUP_ROLES', 'referral_crm', NULL, NULL);
END
$$;
COMMENT ON FUNCTION referral_crm.setup_roles() IS
  'create (or repair) the group roles and grant each what its job needs; idempotent; run by a DBA';
REVOKE EXECUTE ON FUNCTION referral_crm.setup_roles() FROM PUBLIC;
