\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/crm/dump.sql
-- pg_dump keeps every CRM table.  The settings tables (and the refresh
-- watermark) come with default rows from CREATE EXTENSION; a restored row
-- replaces the default row with the same key (BEFORE INSERT trigger), so a
-- restore neither fails on duplicates nor loses customised settings.  The
-- same holds for a plain INSERT: inserting a setting replaces it.

CREATE FUNCTION referral_crm.replace_setting_row() RETURNS trigger
  LANGUAGE plpgsql AS
$$
BEGIN
  EXECUTE format('DELETE FROM %I.%I WHERE %I::text = $1', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0])
    USING to_jsonb(NEW) ->> TG_ARGV[0];
  RETURN NEW;
END
$$;

CREATE TRIGGER crm_config_replace BEFORE INSERT ON referral_crm.crm_config
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('singleton');
CREATE TRIGGER sla_policies_replace BEFORE INSERT ON referral_crm.sla_policies
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('priority');
CREATE TRIGGER reminder_rules_replace BEFORE INSERT ON referral_crm.reminder_rules
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('rule_code');
CREATE TRIGGER payer_rates_replace BEFORE INSERT ON referral_crm.payer_rates
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('payer_class');
CREATE TRIGGER referral_facts_state_replace BEFORE INSERT ON referral_crm.referral_facts_state
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('singleton');
CREATE TRIGGER crm_summary_state_replace BEFORE INSERT ON referral_crm.crm_summary_state
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('singleton');

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['crm_config', 'sla_policies', 'reminder_rules', 'payer_rates', 'message_templates',
                           'referral_facts', 'referral_facts_state', 'referral_facts_queue', 'crm_summary_state', 'referral_edges_snapshot',
                           'referrers_snapshot', 'referral_metrics_snapshot', 'cohorts_snapshot',
                           'performance_filters_snapshot', 'leakage_snapshot', 'roi_snapshot', 'manager_overview_snapshot']
  LOOP
    PERFORM pg_catalog.pg_extension_config_dump(format('referral_crm.%I', t)::regclass, '');
  END LOOP;
END
$$;
