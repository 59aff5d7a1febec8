\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/crm/analytics.sql
-- Contact graph, referrer life cycle, descriptive analytics with
-- confidence intervals, leakage, ROI, the role dashboards and the graph
-- exports.  Everything reads referral_facts (refresh_referral_facts())
-- over a period [period_start, period_end); the views use the current
-- period (current_period()).  Metric definitions: README.md, section "The CRM".

-- Expected reimbursement of one visit for a payer class ('other' when unknown).
CREATE FUNCTION referral_crm.visit_rate(payer_class text) RETURNS numeric
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$
  SELECT coalesce((SELECT r.expected_reimbursement FROM referral_crm.payer_rates r WHERE r.payer_class = visit_rate.payer_class),
                  (SELECT r.expected_reimbursement FROM referral_crm.payer_rates r WHERE r.payer_class = 'other'), 0)
$$;

-- The per-referral measures of a period, with the previous period of the
-- same length flagged (cur = false).  Only counted referrals.
CREATE FUNCTION referral_crm.period_facts(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (referral_id bigint, cur boolean, referrer_key text, referrer_label text,
                 referring_clinician_id bigint, referring_organization_id bigint, target_specialty text, target_clinician_id bigint,
                 target_organization_id bigint, target_location_id bigint, payer_class text, priority text,
                 channel text, status text, authored_at timestamptz, converted boolean, days_to_visit float8,
                 visits integer, noshows integer, cancellations integer, out_of_network boolean,
                 leaked_out_of_network boolean, never_scheduled boolean, leakage_dollars numeric,
                 revenue numeric)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 100000 AS
$$
  SELECT f.referral_id, f.authored_at >= period_start, f.referrer_key, f.referrer_label,
         f.referring_clinician_id, f.referring_organization_id, f.target_specialty, f.target_clinician_id, f.target_organization_id,
         f.target_location_id, f.payer_class, f.priority, f.channel, f.status, f.authored_at,
         f.visits > 0,
         CASE WHEN f.first_visit_at IS NOT NULL
              THEN extract(epoch FROM f.first_visit_at - f.received_at)::float8 / 86400 END,
         f.visits, f.noshows, f.cancellations,
         f.sent_out_of_network OR f.claims_out_of_network > 0,
         f.claims_out_of_network > 0,
         ns.never,
         CASE WHEN cfg.revenue_basis = 'charges' THEN f.charges_out_of_network
              ELSE f.claims_out_of_network * rt.rate END
           + CASE WHEN ns.never THEN rt.rate ELSE 0 END,
         CASE WHEN cfg.revenue_basis = 'charges' THEN f.charges_in_network
              ELSE CASE WHEN f.claims_out_of_network > 0 THEN f.claims_in_network ELSE f.visits END * rt.rate END
    FROM referral_crm.crm_config cfg
    CROSS JOIN referral_crm.referral_facts f
    LEFT JOIN (SELECT pr.payer_class, pr.expected_reimbursement AS rate FROM referral_crm.payer_rates pr) rt0
           ON rt0.payer_class = coalesce(f.payer_class, 'other')
    CROSS JOIN LATERAL (SELECT coalesce(rt0.rate, 0) AS rate) rt
    CROSS JOIN LATERAL (
      SELECT f.appointments = 0 AND f.claims_in_network + f.claims_out_of_network = 0
             AND (f.status IN ('completed', 'cancelled', 'rejected', 'failed')
                  OR f.received_at + cfg.never_scheduled_grace <= referral_crm.crm_now()) AS never) ns
   WHERE referral_crm.check_period(period_start, period_end)
     AND f.counted
     AND f.authored_at >= period_start - (period_end - period_start)
     AND f.authored_at < period_end
$$;
COMMENT ON FUNCTION referral_crm.period_facts(timestamptz, timestamptz) IS
  'the counted referrals authored in [start, end) (cur) and in the previous period of the same length, with their measures';

------------------------------------------------------------------------
-- Contact graph
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.referral_edges_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (edge_kind text, referrer_key text, referrer_label text, target_key text, target_label text,
                 referrals bigint, converted bigint, conversion_rate numeric, median_days_to_visit numeric,
                 noshow_rate numeric, out_of_network_share numeric, previous_referrals bigint,
                 volume_trend numeric)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 10000 SET jit = off AS
$$
  WITH e AS (
    SELECT k.kind, f.referrer_key, min(f.referrer_label) AS referrer_label, k.tkey,
           count(*) FILTER (WHERE f.cur) AS n,
           count(*) FILTER (WHERE f.cur AND f.converted) AS conv,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days_to_visit) FILTER (WHERE f.cur) AS med,
           sum(f.noshows) FILTER (WHERE f.cur) AS noshows,
           sum(f.noshows + f.visits) FILTER (WHERE f.cur) AS attended_or_missed,
           count(*) FILTER (WHERE f.cur AND f.out_of_network) AS oon,
           count(*) FILTER (WHERE NOT f.cur) AS prev
      FROM referral_crm.period_facts(period_start, period_end) f
      CROSS JOIN LATERAL (VALUES ('specialty', f.target_specialty),
                                 ('department', f.target_organization_id::text),
                                 ('clinician', f.target_clinician_id::text),
                                 ('location', f.target_location_id::text)) k (kind, tkey)
     WHERE k.tkey IS NOT NULL
     GROUP BY k.kind, f.referrer_key, k.tkey)
  SELECT e.kind, e.referrer_key, e.referrer_label, e.tkey,
         coalesce(CASE e.kind WHEN 'specialty' THEN (SELECT s.display_name FROM referral_crm.specialties s WHERE s.specialty = e.tkey)
                              WHEN 'department' THEN (SELECT o.name FROM referral_crm.organizations o WHERE o.organization_id = e.tkey::bigint)
                              WHEN 'clinician' THEN (SELECT concat_ws(' ', c.given_name, c.family_name) FROM referral_crm.clinicians c WHERE c.clinician_id = e.tkey::bigint)
                              WHEN 'location' THEN (SELECT l.name FROM referral_crm.locations l WHERE l.location_id = e.tkey::bigint) END,
                  e.tkey),
         e.n, e.conv,
         CASE WHEN e.n > 0 THEN round(e.conv::numeric / e.n, 4) END,
         round(e.med::numeric, 1),
         CASE WHEN e.attended_or_missed > 0 THEN round(e.noshows::numeric / e.attended_or_missed, 4) END,
         CASE WHEN e.n > 0 THEN round(e.oon::numeric / e.n, 4) END,
         e.prev,
         CASE WHEN e.prev > 0 THEN round((e.n - e.prev)::numeric / e.prev, 4) END
    FROM e
$$;
COMMENT ON FUNCTION referral_crm.referral_edges_between(timestamptz, timestamptz) IS
  'referrer -> specialty/department/clinician/location edges of [start, end) with volume, conversion, median days to visit, no-show rate, out-of-network share and trend against the previous period';

CREATE TABLE referral_crm.referral_edges_snapshot AS
  SELECT * FROM referral_crm.referral_edges_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.referral_edges_snapshot IS 'the current period''s referral_edges as of the last refresh_crm_summaries()';
CREATE INDEX referral_edges_snapshot_referrer_idx ON referral_crm.referral_edges_snapshot (referrer_key, edge_kind);
CREATE INDEX referral_edges_snapshot_volume_idx ON referral_crm.referral_edges_snapshot (edge_kind, referrals DESC);
CREATE VIEW referral_crm.referral_edges WITH (security_invoker = true) AS
SELECT * FROM referral_crm.referral_edges_snapshot;
COMMENT ON VIEW referral_crm.referral_edges IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

------------------------------------------------------------------------
-- Referrers: volume, conversion, leakage, life cycle
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.referrers_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (referrer_key text, referrer_label text, referring_clinician_id bigint,
                 referring_organization_id bigint, lifecycle text,
                 referrals bigint, previous_referrals bigint, volume_trend numeric, converted bigint,
                 conversion_rate numeric, median_days_to_visit numeric, noshow_rate numeric,
                 out_of_network_share numeric, leaked bigint, leakage_share numeric, leakage_dollars numeric,
                 first_referral_at timestamptz, last_referral_at timestamptz)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 10000 SET jit = off AS
$$
  WITH g AS (
    SELECT f.referrer_key, min(f.referrer_label) AS label, min(f.referring_clinician_id) AS clinician_id,
           mode() WITHIN GROUP (ORDER BY f.referring_organization_id) AS organization_id,
           count(*) FILTER (WHERE f.cur) AS n, count(*) FILTER (WHERE NOT f.cur) AS prev,
           count(*) FILTER (WHERE f.cur AND f.converted) AS conv,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days_to_visit) FILTER (WHERE f.cur) AS med,
           sum(f.noshows) FILTER (WHERE f.cur) AS noshows,
           sum(f.noshows + f.visits) FILTER (WHERE f.cur) AS attended_or_missed,
           count(*) FILTER (WHERE f.cur AND f.out_of_network) AS oon,
           count(*) FILTER (WHERE f.cur AND (f.leaked_out_of_network OR f.never_scheduled)) AS leaked,
           sum(f.leakage_dollars) FILTER (WHERE f.cur) AS dollars,
           max(f.authored_at) AS last_at
      FROM referral_crm.period_facts(period_start, period_end) f
     GROUP BY f.referrer_key)
  SELECT g.referrer_key, g.label, g.clinician_id, g.organization_id,
         CASE WHEN g.n > 0 AND fr.first_at >= period_start THEN 'new'
              WHEN g.n = 0 AND g.prev >= c.referrer_min_volume THEN 'lost'
              WHEN g.prev < c.referrer_min_volume THEN 'occasional'
              WHEN g.n >= g.prev * (1 + c.growth_threshold) THEN 'growing'
              WHEN g.n <= g.prev * (1 - c.decline_threshold) THEN 'declining'
              ELSE 'steady' END,
         g.n, g.prev,
         CASE WHEN g.prev > 0 THEN round((g.n - g.prev)::numeric / g.prev, 4) END,
         g.conv,
         CASE WHEN g.n > 0 THEN round(g.conv::numeric / g.n, 4) END,
         round(g.med::numeric, 1),
         CASE WHEN g.attended_or_missed > 0 THEN round(g.noshows::numeric / g.attended_or_missed, 4) END,
         CASE WHEN g.n > 0 THEN round(g.oon::numeric / g.n, 4) END,
         g.leaked,
         CASE WHEN g.n > 0 THEN round(g.leaked::numeric / g.n, 4) END,
         coalesce(g.dollars, 0),
         fr.first_at, g.last_at
    FROM g
    CROSS JOIN referral_crm.crm_config c
    CROSS JOIN LATERAL (SELECT min(f2.authored_at) AS first_at FROM referral_crm.referral_facts f2
                         WHERE f2.referrer_key = g.referrer_key AND f2.counted) fr
$$;
COMMENT ON FUNCTION referral_crm.referrers_between(timestamptz, timestamptz) IS
  'per referrer in [start, end): volume, trend, conversion, days to visit, no-shows, out-of-network share, leakage and life cycle (new, growing, steady, declining, lost, occasional)';

CREATE TABLE referral_crm.referrers_snapshot AS
  SELECT * FROM referral_crm.referrers_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.referrers_snapshot IS 'the current period''s referrers as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.referrers WITH (security_invoker = true) AS
SELECT * FROM referral_crm.referrers_snapshot
 ORDER BY referrals DESC, referrer_key;
COMMENT ON VIEW referral_crm.referrers IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

CREATE VIEW referral_crm.top_referrers WITH (security_invoker = true) AS
SELECT rank() OVER (ORDER BY r.referrals DESC) AS rank, r.referrer_label, r.lifecycle, r.referrals,
       r.previous_referrals, r.volume_trend, r.conversion_rate, r.median_days_to_visit, r.leakage_share,
       r.referrer_key
  FROM referral_crm.referrers r
 WHERE r.referrals > 0
 ORDER BY r.referrals DESC, r.referrer_key;
COMMENT ON VIEW referral_crm.top_referrers IS 'referrers of the current period by volume';

------------------------------------------------------------------------
-- Descriptive analytics
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.referral_metrics_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (priority text, referrals bigint, converted bigint, conversion_rate numeric,
                 median_days_to_visit numeric, p90_days_to_visit numeric, noshow_rate numeric,
                 cancelled_referrals bigint, cancelled_appointments bigint)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 5 SET jit = off AS
$$
  SELECT coalesce(f.priority, 'all'), count(*), count(*) FILTER (WHERE f.converted),
         round(count(*) FILTER (WHERE f.converted)::numeric / nullif(count(*), 0), 4),
         round((percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days_to_visit))::numeric, 1),
         round((percentile_cont(0.9) WITHIN GROUP (ORDER BY f.days_to_visit))::numeric, 1),
         CASE WHEN sum(f.noshows + f.visits) > 0 THEN round(sum(f.noshows)::numeric / sum(f.noshows + f.visits), 4) END,
         count(*) FILTER (WHERE f.status = 'cancelled'), sum(f.cancellations)
    FROM referral_crm.period_facts(period_start, period_end) f
   WHERE f.cur
   GROUP BY ROLLUP (f.priority)
   ORDER BY f.priority IS NULL, referral_crm.code_rank('priority', f.priority) DESC
$$;
COMMENT ON FUNCTION referral_crm.referral_metrics_between(timestamptz, timestamptz) IS
  'volumes, conversion, median and p90 days to first visit, no-show rate and cancellations by priority (and all) in [start, end)';

CREATE TABLE referral_crm.referral_metrics_snapshot AS
  SELECT * FROM referral_crm.referral_metrics_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.referral_metrics_snapshot IS 'the current period''s referral_metrics as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.referral_metrics WITH (security_invoker = true) AS
SELECT * FROM referral_crm.referral_metrics_snapshot
 ORDER BY priority = 'all', CASE WHEN priority <> 'all' THEN referral_crm.code_rank('priority', priority) END DESC;
COMMENT ON VIEW referral_crm.referral_metrics IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

CREATE FUNCTION referral_crm.cohorts_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (clinic text, payer_class text, month date, referrals bigint, converted bigint,
                 conversion_rate numeric, conversion_ci_low numeric, conversion_ci_high numeric,
                 noshows bigint, attended_or_missed bigint, noshow_rate numeric, noshow_ci_low numeric,
                 noshow_ci_high numeric)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000 SET jit = off AS
$$
  SELECT coalesce(o.name, 'unknown'), coalesce(g.payer_class, 'unknown'), g.month, g.n, g.conv,
         round(g.conv::numeric / g.n, 4), round(ci.lower::numeric, 4), round(ci.upper::numeric, 4),
         g.noshows, g.am,
         CASE WHEN g.am > 0 THEN round(g.noshows::numeric / g.am, 4) END,
         round(ni.lower::numeric, 4), round(ni.upper::numeric, 4)
    FROM (SELECT f.target_organization_id, f.payer_class, date_trunc('month', f.authored_at AT TIME ZONE (SELECT referral_crm.calendar_zone()))::date AS month,
                 count(*) AS n, count(*) FILTER (WHERE f.converted) AS conv,
                 sum(f.noshows) AS noshows, sum(f.noshows + f.visits) AS am
            FROM referral_crm.period_facts(period_start, period_end) f
           WHERE f.cur
           GROUP BY 1, 2, 3) g
    CROSS JOIN referral_crm.crm_config c
    LEFT JOIN referral_crm.organizations o ON o.organization_id = g.target_organization_id
    CROSS JOIN LATERAL referral_crm.wilson_interval(g.conv, g.n, c.confidence_z) ci
    CROSS JOIN LATERAL referral_crm.wilson_interval(g.noshows, g.am, c.confidence_z) ni
   ORDER BY 1, 2, 3
$$;
COMMENT ON FUNCTION referral_crm.cohorts_between(timestamptz, timestamptz) IS
  'clinic x payer class x month cohorts of [start, end) with conversion and no-show rates and their Wilson confidence intervals';

CREATE TABLE referral_crm.cohorts_snapshot AS
  SELECT * FROM referral_crm.cohorts_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.cohorts_snapshot IS 'the current period''s cohorts as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.cohorts WITH (security_invoker = true) AS
SELECT * FROM referral_crm.cohorts_snapshot
 ORDER BY clinic, payer_class, month;
COMMENT ON VIEW referral_crm.cohorts IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

-- Sources whose conversion is significantly above the overall rate, and
-- referral channels whose conversion is significantly below it.
CREATE FUNCTION referral_crm.performance_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (dimension text, key text, label text, referrals bigint, conversion_rate numeric,
                 ci_low numeric, ci_high numeric, overall_rate numeric, verdict text)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 100 SET jit = off AS
$$
  WITH f AS (SELECT * FROM referral_crm.period_facts(period_start, period_end) f WHERE f.cur),
       overall AS (SELECT count(*) FILTER (WHERE f.converted)::numeric / nullif(count(*), 0) AS rate FROM f),
       g AS (SELECT 'referrer' AS dim, f.referrer_key AS key, min(f.referrer_label) AS label,
                    count(*) AS n, count(*) FILTER (WHERE f.converted) AS conv
               FROM f GROUP BY f.referrer_key
             UNION ALL
             SELECT 'channel', coalesce(f.channel, 'unknown'), coalesce(f.channel, 'unknown'),
                    count(*), count(*) FILTER (WHERE f.converted)
               FROM f GROUP BY f.channel)
  SELECT g.dim, g.key, g.label, g.n, round(g.conv::numeric / g.n, 4), round(ci.lower::numeric, 4),
         round(ci.upper::numeric, 4), round(overall.rate, 4),
         CASE WHEN g.dim = 'referrer' THEN 'high-performing source' ELSE 'low-yield channel' END
    FROM g CROSS JOIN overall CROSS JOIN referral_crm.crm_config c
    CROSS JOIN LATERAL referral_crm.wilson_interval(g.conv, g.n, c.confidence_z) ci
   WHERE g.n >= c.cohort_min_n
     AND ((g.dim = 'referrer' AND ci.lower > overall.rate) OR (g.dim = 'channel' AND ci.upper < overall.rate))
   ORDER BY g.dim DESC, g.conv::numeric / g.n DESC, g.key
$$;
COMMENT ON FUNCTION referral_crm.performance_between(timestamptz, timestamptz) IS
  'high-performing referrers (Wilson lower bound above the overall conversion) and low-yield channels (upper bound below it), with at least crm_config.cohort_min_n referrals';

CREATE TABLE referral_crm.performance_filters_snapshot AS
  SELECT * FROM referral_crm.performance_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.performance_filters_snapshot IS 'the current period''s performance_filters as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.performance_filters WITH (security_invoker = true) AS
SELECT * FROM referral_crm.performance_filters_snapshot
 ORDER BY dimension DESC, conversion_rate DESC, key;
COMMENT ON VIEW referral_crm.performance_filters IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

------------------------------------------------------------------------
-- Leakage
------------------------------------------------------------------------

-- Denominator: counted referrals authored in the period.  Numerator:
-- those fulfilled out of network (an out-of-network claim) plus those
-- never scheduled (no appointment, no claim, and closed or older than
-- crm_config.never_scheduled_grace).
CREATE FUNCTION referral_crm.leakage_between(period_start timestamptz, period_end timestamptz,
                                             by text DEFAULT 'total')
  RETURNS TABLE (dimension text, key text, label text, referrals bigint, leaked bigint,
                 leaked_out_of_network bigint, never_scheduled bigint, leakage_share numeric,
                 leakage_dollars numeric)
  LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1000 SET jit = off AS
$$
BEGIN
  IF by IS NULL OR by NOT IN ('total', 'referrer', 'specialty', 'payer') THEN
    RAISE EXCEPTION 'unknown leakage dimension "%"', by
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use total, referrer, specialty or payer.';
  END IF;
  RETURN QUERY
  SELECT by, g.key, g.label, g.n, g.leaked, g.oon, g.never,
         round(g.leaked::numeric / g.n, 4), g.dollars
    FROM (SELECT CASE by WHEN 'referrer' THEN f.referrer_key WHEN 'specialty' THEN coalesce(f.target_specialty, 'unknown')
                         WHEN 'payer' THEN coalesce(f.payer_class, 'unknown') ELSE 'all' END AS key,
                 min(CASE by WHEN 'referrer' THEN f.referrer_label WHEN 'specialty' THEN coalesce(f.target_specialty, 'unknown')
                             WHEN 'payer' THEN coalesce(f.payer_class, 'unknown') ELSE 'all referrals' END) AS label,
                 count(*) AS n,
                 count(*) FILTER (WHERE f.leaked_out_of_network OR f.never_scheduled) AS leaked,
                 count(*) FILTER (WHERE f.leaked_out_of_network) AS oon,
                 count(*) FILTER (WHERE f.never_scheduled) AS never,
                 sum(f.leakage_dollars) AS dollars
            FROM referral_crm.period_facts(period_start, period_end) f
           WHERE f.cur
           GROUP BY 1) g
   ORDER BY g.dollars DESC, g.key;
END
$$;
COMMENT ON FUNCTION referral_crm.leakage_between(timestamptz, timestamptz, text) IS
  'leakage of [start, end) by total, referrer, specialty or payer: counts, share of referrals made, dollars';

CREATE TABLE referral_crm.leakage_snapshot AS
  SELECT * FROM referral_crm.leakage_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.leakage_snapshot IS 'the current period''s leakage as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.leakage WITH (security_invoker = true) AS
SELECT * FROM referral_crm.leakage_snapshot
 ORDER BY dimension = 'total' DESC, dimension, leakage_dollars DESC, key;
COMMENT ON VIEW referral_crm.leakage IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

------------------------------------------------------------------------
-- ROI
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.roi_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (referrals bigint, converted bigint, revenue_captured numeric, leaked bigint,
                 leakage_cost numeric, manual_calls_avoided bigint, calls_avoided_savings numeric)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 1 SET jit = off AS
$$
  SELECT f.n, f.conv, f.revenue, f.leaked, f.dollars, m.msgs, m.msgs * c.cost_per_manual_call
    FROM (SELECT count(*) AS n, count(*) FILTER (WHERE pf.converted) AS conv,
                 coalesce(sum(pf.revenue), 0) AS revenue,
                 count(*) FILTER (WHERE pf.leaked_out_of_network OR pf.never_scheduled) AS leaked,
                 coalesce(sum(pf.leakage_dollars), 0) AS dollars
            FROM referral_crm.period_facts(period_start, period_end) pf WHERE pf.cur) f
    CROSS JOIN referral_crm.crm_config c
    CROSS JOIN (SELECT count(*) AS msgs FROM referral_crm.communications cm
                 WHERE cm.direction = 'outbound' AND cm.template_code IS NOT NULL
                   AND cm.channel IN ('sms', 'email', 'portal')
                   AND cm.occurred_at >= period_start AND cm.occurred_at < period_end) m
$$;
COMMENT ON FUNCTION referral_crm.roi_between(timestamptz, timestamptz) IS
  'revenue captured from referred visits, cost of leakage and manual calls avoided (templated outbound sms/email/portal messages) in [start, end)';

CREATE TABLE referral_crm.roi_snapshot AS
  SELECT * FROM referral_crm.roi_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.roi_snapshot IS 'the current period''s roi as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.roi WITH (security_invoker = true) AS
SELECT * FROM referral_crm.roi_snapshot;
COMMENT ON VIEW referral_crm.roi IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

CREATE FUNCTION referral_crm.roi_scenario(conversion_uplift float8, payer_mix jsonb DEFAULT NULL,
    software_cost numeric DEFAULT 0, integration_cost numeric DEFAULT 0, monthly_cost numeric DEFAULT 0,
    period_start timestamptz DEFAULT NULL, period_end timestamptz DEFAULT NULL)
  RETURNS TABLE (payer_class text, referrals numeric, conversion_rate numeric, projected_conversion_rate numeric,
                 revenue numeric, projected_revenue numeric, revenue_gain numeric, payback_months numeric)
  LANGUAGE plpgsql STABLE AS
$$
DECLARE
  ps       timestamptz := period_start;
  pe       timestamptz := period_end;
  total    numeric;
  k        text;
  v        jsonb;
  mix_sum  numeric := 0;
  months   numeric;
  gain     numeric;
  rec      record;
BEGIN
  IF conversion_uplift IS NULL OR conversion_uplift::numeric NOT BETWEEN -0.5 AND 1.0 OR conversion_uplift = 'NaN' THEN
    RAISE EXCEPTION 'conversion uplift % is outside the range -0.5 to 1.0', conversion_uplift
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The uplift is relative: 0.10 raises every conversion rate by 10%, -0.20 lowers it by 20%.',
            HINT = 'Pass a value from -0.5 to 1.0.';
  END IF;
  IF coalesce(software_cost, -1) < 0 OR coalesce(integration_cost, -1) < 0 OR coalesce(monthly_cost, -1) < 0 THEN
    RAISE EXCEPTION 'costs must be zero or positive'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF ps IS NULL AND pe IS NULL THEN
    SELECT cp.period_start, cp.period_end INTO ps, pe FROM referral_crm.current_period() cp;
  END IF;
  PERFORM referral_crm.check_period(ps, pe);
  IF payer_mix IS NOT NULL THEN
    IF jsonb_typeof(payer_mix) <> 'object' THEN
      RAISE EXCEPTION 'payer mix must be a JSON object of payer class to share'
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'For example {"medicare": 0.4, "commercial": 0.6}.';
    END IF;
    FOR k, v IN SELECT * FROM jsonb_each(payer_mix) LOOP
      IF NOT referral_crm.is_valid_code('payer_class', k) THEN
        RAISE EXCEPTION 'unknown payer class "%" in the payer mix', k
          USING ERRCODE = 'invalid_parameter_value',
                HINT = 'Payer classes are those of referral_crm.code_values() with kind payer_class.';
      END IF;
      IF jsonb_typeof(v) <> 'number' OR v::numeric < 0 OR v::numeric > 1 THEN
        RAISE EXCEPTION 'share of "%" in the payer mix must be a number from 0 to 1, not %', k, v
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      mix_sum := mix_sum + v::numeric;
    END LOOP;
    IF abs(mix_sum - 1) > 0.000001 THEN
      RAISE EXCEPTION 'payer mix shares sum to %, not 1', mix_sum
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'Give shares that add up to 1.';
    END IF;
  END IF;
  months := extract(epoch FROM pe - ps) / (86400 * 30.436875);

  gain := 0;
  FOR rec IN
  WITH base AS (
    SELECT coalesce(f.payer_class, 'other') AS pc, count(*)::numeric AS n,
           count(*) FILTER (WHERE f.converted)::numeric AS conv, coalesce(sum(f.revenue), 0) AS rev
      FROM referral_crm.period_facts(ps, pe) f WHERE f.cur GROUP BY 1),
  tot AS (SELECT sum(b.n) AS n, sum(b.conv) / nullif(sum(b.n), 0) AS rate FROM base b),
  classes AS (
    SELECT cv.code AS pc, cv.rank FROM referral_crm.code_values() cv WHERE cv.kind = 'payer_class'),
  proj AS (
    SELECT c.pc, c.rank, coalesce(b.n, 0) AS n,
           CASE WHEN payer_mix IS NULL THEN coalesce(b.n, 0)
                ELSE t.n * coalesce((payer_mix ->> c.pc)::numeric, 0) END AS n_proj,
           coalesce(b.conv / nullif(b.n, 0), t.rate, 0) AS rate,
           coalesce(b.rev, 0) AS rev,
           coalesce(b.rev / nullif(b.conv, 0), referral_crm.visit_rate(c.pc)) AS rev_per_conv
      FROM classes c CROSS JOIN tot t LEFT JOIN base b ON b.pc = c.pc)
  SELECT p.pc, p.n_proj, p.rate, least(1, p.rate * (1 + conversion_uplift::numeric)) AS rate_proj,
         p.rev, p.n_proj * least(1, p.rate * (1 + conversion_uplift::numeric)) * p.rev_per_conv AS rev_proj
    FROM proj p
   WHERE p.n > 0 OR p.n_proj > 0
   ORDER BY p.rank
  LOOP
    payer_class := rec.pc;
    referrals := round(rec.n_proj, 2);
    conversion_rate := round(rec.rate, 4);
    projected_conversion_rate := round(rec.rate_proj, 4);
    revenue := round(rec.rev, 2);
    projected_revenue := round(rec.rev_proj, 2);
    revenue_gain := round(rec.rev_proj - rec.rev, 2);
    payback_months := NULL;
    gain := gain + (rec.rev_proj - rec.rev);
    RETURN NEXT;
  END LOOP;
  payer_class := 'total';
  referrals := NULL; conversion_rate := NULL; projected_conversion_rate := NULL;
  revenue := NULL; projected_revenue := NULL;
  revenue_gain := round(gain, 2);
  payback_months := CASE WHEN gain / months - monthly_cost > 0
                         THEN round((software_cost + integration_cost) / (gain / months - monthly_cost), 1) END;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION referral_crm.roi_scenario(float8, jsonb, numeric, numeric, numeric, timestamptz, timestamptz) IS
  'volume and revenue per payer class under a relative conversion uplift (-0.5 .. 1.0) and a payer mix (shares summing to 1), with the payback period in months of a software and integration cost';

------------------------------------------------------------------------
-- Role dashboards (the scheduler's is work_queue, in pipeline.sql)
------------------------------------------------------------------------

CREATE VIEW referral_crm.referrer_scorecards WITH (security_invoker = true) AS
SELECT r.referrer_label, r.lifecycle, r.referrals, r.previous_referrals, r.volume_trend, r.converted,
       r.conversion_rate, r.median_days_to_visit, r.noshow_rate, r.out_of_network_share, r.leaked,
       r.leakage_share, r.leakage_dollars, r.last_referral_at,
       greatest((SELECT max(c.occurred_at) FROM referral_crm.communications c
                  WHERE c.clinician_id = r.referring_clinician_id AND c.occurred_at <= referral_crm.crm_now()),
                (SELECT max(c.occurred_at) FROM referral_crm.communications c
                  WHERE c.organization_id = r.referring_organization_id
                    AND c.occurred_at <= referral_crm.crm_now())) AS last_contact_at,
       r.referrer_key, r.referring_clinician_id, r.referring_organization_id
  FROM referral_crm.referrers r
 ORDER BY r.referrals DESC, r.referrer_key;
COMMENT ON VIEW referral_crm.referrer_scorecards IS
  'the liaison''s referrer scorecards for the current period: volume and trend, conversion, days to visit, no-shows, leakage, life cycle, last contact';

-- The period metrics of the manager's overview (rows 4-12), current
-- period against the previous one.
CREATE FUNCTION referral_crm.manager_overview_rows(
    OUT ord integer, OUT metric text, OUT current_value numeric, OUT previous_value numeric)
  RETURNS SETOF record
  LANGUAGE sql STABLE ROWS 9 SET jit = off AS
$$
WITH p AS (SELECT cp.period_start, cp.period_end, cp.period_start - (cp.period_end - cp.period_start) AS prev_start
             FROM referral_crm.current_period() cp),
     v AS (
  SELECT cur, prev, lc, lp, rc, rp
    FROM p
    LEFT JOIN LATERAL referral_crm.referral_metrics_between(p.period_start, p.period_end) cur ON cur.priority = 'all'
    LEFT JOIN LATERAL referral_crm.referral_metrics_between(p.prev_start, p.period_start) prev ON prev.priority = 'all'
    LEFT JOIN LATERAL referral_crm.leakage_between(p.period_start, p.period_end) lc ON true
    LEFT JOIN LATERAL referral_crm.leakage_between(p.prev_start, p.period_start) lp ON true
    LEFT JOIN LATERAL referral_crm.roi_between(p.period_start, p.period_end) rc ON true
    LEFT JOIN LATERAL referral_crm.roi_between(p.prev_start, p.period_start) rp ON true)
SELECT x.ord, x.metric, x.current_value, x.previous_value
  FROM v CROSS JOIN LATERAL (VALUES
    (4, 'referrals made', (v.cur).referrals::numeric, (v.prev).referrals::numeric),
    (5, 'conversion rate', (v.cur).conversion_rate, (v.prev).conversion_rate),
    (6, 'median days to first visit', (v.cur).median_days_to_visit, (v.prev).median_days_to_visit),
    (7, 'p90 days to first visit', (v.cur).p90_days_to_visit, (v.prev).p90_days_to_visit),
    (8, 'no-show rate', (v.cur).noshow_rate, (v.prev).noshow_rate),
    (9, 'leakage share', (v.lc).leakage_share, (v.lp).leakage_share),
    (10, 'leakage dollars', (v.lc).leakage_dollars, (v.lp).leakage_dollars),
    (11, 'revenue captured', (v.rc).revenue_captured, (v.rp).revenue_captured),
    (12, 'manual calls avoided', (v.rc).manual_calls_avoided::numeric, (v.rp).manual_calls_avoided::numeric)
  ) x (ord, metric, current_value, previous_value)
 ORDER BY x.ord
$$;

CREATE TABLE referral_crm.manager_overview_snapshot (
  ord integer PRIMARY KEY, metric text NOT NULL, current_value numeric, previous_value numeric);
COMMENT ON TABLE referral_crm.manager_overview_snapshot IS
  'the period metrics of manager_overview as of the last refresh_crm_summaries()';

CREATE VIEW referral_crm.manager_overview WITH (security_invoker = true) AS
SELECT x.metric, x.current_value, x.previous_value
  FROM (SELECT 1 AS ord, 'open referrals (now)' AS metric,
               (SELECT count(*) FROM referral_crm.referrals r
                 WHERE r.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
                   AND coalesce(r.received_at, r.authored_at) <= referral_crm.crm_now())::numeric AS current_value,
               NULL::numeric AS previous_value
        UNION ALL
        SELECT 2, 'SLA breaches (open referrals)', (SELECT count(*) FROM referral_crm.sla_breaches)::numeric, NULL
        UNION ALL
        SELECT 3, 'overdue tasks', (SELECT count(*) FROM referral_crm.tasks t
                                     WHERE (t.status IN ('open', 'in-progress') OR t.completed_at > referral_crm.crm_now())
                                       AND t.due_at < referral_crm.crm_now()
                                       AND t.created_at <= referral_crm.crm_now())::numeric, NULL
        UNION ALL
        SELECT o.ord, o.metric, o.current_value, o.previous_value
          FROM referral_crm.manager_overview_snapshot o WHERE o.ord > 3) x
 ORDER BY x.ord;
COMMENT ON VIEW referral_crm.manager_overview IS
  'the manager''s overview: open work, SLA breaches, overdue tasks, and this period''s volume, conversion, timeliness, no-shows, leakage and revenue against the previous period';

------------------------------------------------------------------------
-- Graph export
------------------------------------------------------------------------

-- The edges to draw: the heaviest max_edges of one kind.
CREATE FUNCTION referral_crm.graph_edges(period_start timestamptz, period_end timestamptz, edge_kind text,
                                         max_edges integer)
  RETURNS SETOF referral_crm.referral_edges_snapshot
  LANGUAGE plpgsql STABLE AS
$$
DECLARE
  ps timestamptz := period_start;
  pe timestamptz := period_end;
BEGIN
  IF edge_kind IS NULL OR edge_kind NOT IN ('specialty', 'department', 'clinician', 'location') THEN
    RAISE EXCEPTION 'unknown edge kind "%"', edge_kind
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use specialty, department, clinician or location.';
  END IF;
  IF max_edges IS NULL OR max_edges < 1 OR max_edges > 100000 THEN
    RAISE EXCEPTION 'max_edges must be from 1 to 100000, not %', max_edges
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF ps IS NULL AND pe IS NULL THEN
    RETURN QUERY
    SELECT * FROM referral_crm.referral_edges_snapshot e
     WHERE e.edge_kind = graph_edges.edge_kind AND e.referrals > 0
     ORDER BY e.referrals DESC, e.referrer_key, e.target_key
     LIMIT max_edges;
    RETURN;
  END IF;
  RETURN QUERY
  SELECT * FROM referral_crm.referral_edges_between(ps, pe) e
   WHERE e.edge_kind = graph_edges.edge_kind AND e.referrals > 0
   ORDER BY e.referrals DESC, e.referrer_key, e.target_key
   LIMIT max_edges;
END
$$;

-- A DOT string literal.
CREATE FUNCTION referral_crm.dot_quote(s text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT '"' || replace(replace(replace(replace(s, E'\\', E'\\\\'), '"', E'\\"'), E'\n', E'\\n'), E'\r', '') || '"' $$;

CREATE FUNCTION referral_crm.referral_graph_dot(period_start timestamptz DEFAULT NULL,
    period_end timestamptz DEFAULT NULL, edge_kind text DEFAULT 'specialty', max_edges integer DEFAULT 60)
  RETURNS text
  LANGUAGE sql STABLE AS
$$
  WITH e AS (SELECT * FROM referral_crm.graph_edges(period_start, period_end, edge_kind, max_edges)),
       mx AS (SELECT greatest(max(e.referrals), 1) AS m FROM e),
       nodes AS (SELECT n.key, n.label, n.role,
                        CASE n.role WHEN 'referrer' THEN 'r' ELSE 't' END
                          || row_number() OVER (PARTITION BY n.role ORDER BY n.label, n.key) AS id
                   FROM (SELECT DISTINCT 'r:' || e.referrer_key AS key, e.referrer_label AS label, 'referrer' AS role FROM e
                         UNION SELECT DISTINCT 't:' || e.target_key, e.target_label, 'target' FROM e) n)
  SELECT 'digraph referrals {' || E'\n'
      || '  graph [rankdir=LR, fontname="Helvetica", label=' || referral_crm.dot_quote('referrals by ' || edge_kind) || '];' || E'\n'
      || '  node [fontname="Helvetica", fontsize=10, style=filled];' || E'\n'
      || '  edge [fontname="Helvetica", fontsize=8];' || E'\n'
      || coalesce((SELECT string_agg('  ' || referral_crm.dot_quote(n.id) || ' [label=' || referral_crm.dot_quote(n.label)
                                     || CASE n.role WHEN 'referrer' THEN ', shape=box, fillcolor="#dbe9f6"'
                                                    ELSE ', shape=ellipse, fillcolor="#fde8c8"' END || '];',
                                     E'\n' ORDER BY n.role, n.id) FROM nodes n), '') || E'\n'
      || coalesce((SELECT string_agg('  ' || referral_crm.dot_quote(nr.id) || ' -> ' || referral_crm.dot_quote(nt.id)
                                     || ' [label=' || referral_crm.dot_quote(e.referrals || ' / ' || coalesce(round(100 * e.conversion_rate) || '%', '-'))
                                     || ', penwidth=' || round(1 + 5 * e.referrals::numeric / mx.m, 2)
                                     || ', color=' || referral_crm.dot_quote(round(0.33 * coalesce(e.conversion_rate, 0), 3) || ' 0.8 0.7')
                                     || '];', E'\n' ORDER BY e.referrals DESC, nr.id, nt.id)
                     FROM e CROSS JOIN mx
                     JOIN nodes nr ON nr.key = 'r:' || e.referrer_key
                     JOIN nodes nt ON nt.key = 't:' || e.target_key), '') || E'\n'
      || '}' || E'\n'
$$;
COMMENT ON FUNCTION referral_crm.referral_graph_dot(timestamptz, timestamptz, text, integer) IS
  'the contact graph as Graphviz DOT: referrers (boxes) -> targets of one edge kind, labelled volume / conversion, width by volume, red (low) to green (high) conversion';

-- An XML text or attribute value.
CREATE FUNCTION referral_crm.xml_escape(s text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT replace(replace(replace(replace(replace(regexp_replace(s, '[\x01-\x08\x0b\x0c\x0e-\x1f]', '', 'g'),
                       '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&apos;') $$;

CREATE FUNCTION referral_crm.referral_graph_graphml(period_start timestamptz DEFAULT NULL,
    period_end timestamptz DEFAULT NULL, edge_kind text DEFAULT 'specialty', max_edges integer DEFAULT 1000)
  RETURNS text
  LANGUAGE sql STABLE AS
$$
  WITH e AS (SELECT * FROM referral_crm.graph_edges(period_start, period_end, edge_kind, max_edges)),
       nodes AS (SELECT n.key, n.label, n.role,
                        CASE n.role WHEN 'referrer' THEN 'r' ELSE 't' END
                          || row_number() OVER (PARTITION BY n.role ORDER BY n.label, n.key) AS id
                   FROM (SELECT DISTINCT 'r:' || e.referrer_key AS key, e.referrer_label AS label, 'referrer' AS role FROM e
                         UNION SELECT DISTINCT 't:' || e.target_key, e.target_label, edge_kind FROM e) n)
  SELECT '<?xml version="1.0" encoding="UTF-8"?>' || E'\n'
      || '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">' || E'\n'
      || '  <key id="label" for="node" attr.name="label" attr.type="string"/>' || E'\n'
      || '  <key id="role" for="node" attr.name="role" attr.type="string"/>' || E'\n'
      || '  <key id="referrals" for="edge" attr.name="referrals" attr.type="long"/>' || E'\n'
      || '  <key id="conversion_rate" for="edge" attr.name="conversion_rate" attr.type="double"/>' || E'\n'
      || '  <key id="median_days_to_visit" for="edge" attr.name="median_days_to_visit" attr.type="double"/>' || E'\n'
      || '  <key id="noshow_rate" for="edge" attr.name="noshow_rate" attr.type="double"/>' || E'\n'
      || '  <key id="out_of_network_share" for="edge" attr.name="out_of_network_share" attr.type="double"/>' || E'\n'
      || '  <key id="volume_trend" for="edge" attr.name="volume_trend" attr.type="double"/>' || E'\n'
      || '  <graph id="referrals" edgedefault="directed">' || E'\n'
      || coalesce((SELECT string_agg('    <node id="' || referral_crm.xml_escape(n.id) || '"><data key="label">'
                                     || referral_crm.xml_escape(n.label) || '</data><data key="role">' || n.role
                                     || '</data></node>', E'\n' ORDER BY n.role, n.id) || E'\n' FROM nodes n), '')
      || coalesce((SELECT string_agg('    <edge source="' || nr.id || '" target="' || nt.id || '">'
                                     || '<data key="referrals">' || e.referrals || '</data>'
                                     || coalesce('<data key="conversion_rate">' || e.conversion_rate || '</data>', '')
                                     || coalesce('<data key="median_days_to_visit">' || e.median_days_to_visit || '</data>', '')
                                     || coalesce('<data key="noshow_rate">' || e.noshow_rate || '</data>', '')
                                     || coalesce('<data key="out_of_network_share">' || e.out_of_network_share || '</data>', '')
                                     || coalesce('<data key="volume_trend">' || e.volume_trend || '</data>', '')
                                     || '</edge>', E'\n' ORDER BY e.referrals DESC, nr.id, nt.id) || E'\n'
                     FROM e JOIN nodes nr ON nr.key = 'r:' || e.referrer_key
                     JOIN nodes nt ON nt.key = 't:' || e.target_key), '')
      || '  </graph>' || E'\n' || '</graphml>' || E'\n'
$$;
COMMENT ON FUNCTION referral_crm.referral_graph_graphml(timestamptz, timestamptz, text, integer) IS
  'the contact graph as GraphML (referrer and target nodes, edges with volume, conversion, days to visit, no-shows, out-of-network share, trend)';
