\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/crm/summaries.sql
-- refresh_crm_summaries(): bring referral_facts up to date (incrementally)
-- and recompute the current period's dashboards into their snapshot
-- tables, so that the dashboard views answer in milliseconds whatever the
-- volume.  Run it on a schedule (every 15 minutes, say, with pg_cron or
-- cron); the live figures of any period come from the *_between functions.

CREATE TABLE referral_crm.crm_summary_state (
  singleton    boolean PRIMARY KEY DEFAULT true CONSTRAINT crm_summary_state_one_row CHECK (singleton),
  period_start timestamptz,
  period_end   timestamptz,
  refreshed_at timestamptz
);
COMMENT ON TABLE referral_crm.crm_summary_state IS
  'the period and time of the last refresh_crm_summaries(): what the dashboard views show';
INSERT INTO referral_crm.crm_summary_state DEFAULT VALUES;

CREATE FUNCTION referral_crm.refresh_crm_summaries(full_refresh boolean DEFAULT false)
  RETURNS TABLE (summary text, rows bigint, milliseconds numeric)
  LANGUAGE plpgsql VOLATILE SET jit = off AS
$$
DECLARE
  ps timestamptz;
  pe timestamptz;
  t0 timestamptz;
BEGIN
  PERFORM 1 FROM referral_crm.crm_summary_state FOR UPDATE;
  t0 := pg_catalog.clock_timestamp();
  summary := 'referral_facts';
  rows := referral_crm.refresh_referral_facts(full_refresh);
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;
  SELECT cp.period_start, cp.period_end INTO ps, pe FROM referral_crm.current_period() cp;

  t0 := pg_catalog.clock_timestamp();
  DELETE FROM referral_crm.referral_edges_snapshot;
  INSERT INTO referral_crm.referral_edges_snapshot SELECT * FROM referral_crm.referral_edges_between(ps, pe);
  GET DIAGNOSTICS rows = ROW_COUNT;
  summary := 'referral_edges';
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;

  t0 := pg_catalog.clock_timestamp();
  DELETE FROM referral_crm.referrers_snapshot;
  INSERT INTO referral_crm.referrers_snapshot SELECT * FROM referral_crm.referrers_between(ps, pe);
  GET DIAGNOSTICS rows = ROW_COUNT;
  summary := 'referrers';
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;

  t0 := pg_catalog.clock_timestamp();
  DELETE FROM referral_crm.referral_metrics_snapshot;
  INSERT INTO referral_crm.referral_metrics_snapshot SELECT * FROM referral_crm.referral_metrics_between(ps, pe);
  DELETE FROM referral_crm.cohorts_snapshot;
  INSERT INTO referral_crm.cohorts_snapshot SELECT * FROM referral_crm.cohorts_between(ps, pe);
  DELETE FROM referral_crm.performance_filters_snapshot;
  INSERT INTO referral_crm.performance_filters_snapshot SELECT * FROM referral_crm.performance_between(ps, pe);
  summary := 'metrics, cohorts, performance';
  rows := NULL;
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;

  t0 := pg_catalog.clock_timestamp();
  DELETE FROM referral_crm.leakage_snapshot;
  INSERT INTO referral_crm.leakage_snapshot
  SELECT * FROM referral_crm.leakage_between(ps, pe, 'total')
  UNION ALL SELECT * FROM referral_crm.leakage_between(ps, pe, 'referrer')
  UNION ALL SELECT * FROM referral_crm.leakage_between(ps, pe, 'specialty')
  UNION ALL SELECT * FROM referral_crm.leakage_between(ps, pe, 'payer');
  DELETE FROM referral_crm.roi_snapshot;
  INSERT INTO referral_crm.roi_snapshot SELECT * FROM referral_crm.roi_between(ps, pe);
  DELETE FROM referral_crm.manager_overview_snapshot;
  INSERT INTO referral_crm.manager_overview_snapshot SELECT * FROM referral_crm.manager_overview_rows();
  summary := 'leakage, roi, overview';
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;

  UPDATE referral_crm.crm_summary_state
     SET period_start = ps, period_end = pe, refreshed_at = pg_catalog.clock_timestamp();
END
$$;
COMMENT ON FUNCTION referral_crm.refresh_crm_summaries(boolean) IS
  'refresh referral_facts (incrementally unless full_refresh) and recompute the current period''s dashboard snapshots; returns what it did and how long each part took';
