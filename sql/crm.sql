-- The CRM room: pipeline and SLA, reminders, overdue tasks, templates,
-- communication log, contact graph, referrers, analytics, leakage and ROI,
-- each metric checked exactly on a small hand-computed dataset (README.md, section "The CRM"
-- gives the arithmetic).  Its referrals are in 2012, which no other test
-- uses, and every query is limited to them or to 2012 periods.
\set VERBOSITY terse
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET client_min_messages = warning;

-- Directory: referrers A and B (in network), C only by name; the target
-- cardiologists X (in network) and Y (out of network).
INSERT INTO referral_crm.organizations (name, kind, in_network, phone, fax, source_system, source_id) VALUES
  ('Heart Clinic 2012', 'clinic', true, '207-555-0100', NULL, 'crm-test', 'org-heart'),
  ('Rival Cardiology 2012', 'practice', false, NULL, NULL, 'crm-test', 'org-rival'),
  ('Brown Family Practice 2012', 'practice', true, '207-555-0200', '207-555-0201', 'crm-test', 'org-brown');
INSERT INTO referral_crm.locations (organization_id, name, address_line1, city, state, zip, phone, source_system, source_id)
SELECT o.organization_id, 'Heart Clinic Portland', '22 Bramhall St', 'Portland', 'ME', '04102', '207-555-0111', 'crm-test', 'loc-heart'
  FROM referral_crm.organizations o WHERE o.source_id = 'org-heart' AND o.source_system = 'crm-test';
INSERT INTO referral_crm.clinicians (given_name, family_name, credentials, specialty, organization_id, in_network,
                                     phone, source_system, source_id)
SELECT v.given, v.family, v.creds, v.spec, o.organization_id, v.inn, v.phone, 'crm-test', v.sid
  FROM (VALUES ('Alice', 'Adams', '{MD}'::text[], 'family-medicine', 'org-brown', true, '207-555-0300', 'cl-a'),
               ('Bob', 'Brown', '{DO}', 'family-medicine', 'org-brown', true, NULL, 'cl-b'),
               ('Xena', 'Xu', '{MD}', 'cardiology', 'org-heart', true, NULL, 'cl-x'),
               ('Yuri', 'Young', '{MD}', 'cardiology', 'org-rival', false, NULL, 'cl-y'))
       AS v (given, family, creds, spec, org, inn, phone, sid)
  JOIN referral_crm.organizations o ON o.source_system = 'crm-test' AND o.source_id = v.org;
INSERT INTO referral_crm.payers (payer_code, name, payer_class, source_system, source_id) VALUES
  ('CRMT-COM', 'Test Commercial 2012', 'commercial', 'crm-test', 'pay-com'),
  ('CRMT-MCR', 'Test Medicare 2012', 'medicare', 'crm-test', 'pay-mcr');
INSERT INTO referral_crm.patients (given_name, family_name, phone, source_system, source_id) VALUES
  ('Pat', 'One', '207-555-1001', 'crm-test', 'p1'), ('Quinn', 'Two', NULL, 'crm-test', 'p2'),
  ('Rae', 'Three', NULL, 'crm-test', 'p3'), ('Sam', 'Four', NULL, 'crm-test', 'p4'),
  ('Ann', 'O''Brien <Jr> & Co', '207-555-1005', 'crm-test', 'p5'), ('Val', 'Six', NULL, 'crm-test', 'p6'),
  ('Wes', 'Seven', NULL, 'crm-test', 'p7'), ('Xan', 'Eight', NULL, 'crm-test', 'p8'),
  ('Yves', 'Nine', NULL, 'crm-test', 'p9'), ('Zoe', 'Ten', NULL, 'crm-test', 'p10');

-- Referrals.  Current period [2012-04-01, 2012-07-01): R1-R6; previous
-- period [2012-01-01, 2012-04-01): R7-R10.
CREATE TEMP TABLE t_ref (num text, patient text, referrer text, name_only text, target text, spec text,
                         payer text, prio text, at timestamptz, status text, stage text, in_net boolean,
                         auth text, reason text);
INSERT INTO t_ref VALUES
  ('CRMT-R1', 'p1', 'cl-a', NULL, 'cl-x', 'cardiology', 'pay-com', 'urgent', '2012-04-02 09:00+00', 'completed', 'visit-completed', true, 'not-required', 'chest pain'),
  ('CRMT-R2', 'p2', 'cl-a', NULL, 'cl-x', 'cardiology', 'pay-mcr', 'routine', '2012-04-03 09:00+00', 'completed', 'visit-completed', true, 'not-required', 'palpitations'),
  ('CRMT-R3', 'p3', 'cl-a', NULL, 'cl-y', 'cardiology', 'pay-com', 'routine', '2012-05-01 09:00+00', 'completed', 'visit-completed', false, 'not-required', 'murmur'),
  ('CRMT-R4', 'p4', 'cl-b', NULL, NULL, 'cardiology', 'pay-mcr', 'routine', '2012-05-02 09:00+00', 'cancelled', 'closed-lost', NULL, 'not-required', 'dyspnoea'),
  ('CRMT-R5', 'p5', 'cl-b', NULL, 'cl-x', 'cardiology', 'pay-com', 'routine', '2012-06-20 09:00+00', 'accepted', 'new', true, 'pending', E'knee pain\nworse at night'),
  ('CRMT-R6', 'p6', NULL, 'Dr. Carl Cole', NULL, 'dermatology', 'pay-com', 'routine', '2012-04-15 09:00+00', 'entered-in-error', 'new', NULL, 'not-required', 'rash'),
  ('CRMT-R7', 'p7', 'cl-b', NULL, 'cl-x', 'cardiology', 'pay-com', 'routine', '2012-02-01 09:00+00', 'completed', 'visit-completed', true, 'not-required', 'angina'),
  ('CRMT-R8', 'p8', 'cl-b', NULL, 'cl-x', 'cardiology', 'pay-com', 'routine', '2012-02-02 09:00+00', 'completed', 'visit-completed', true, 'not-required', 'angina'),
  ('CRMT-R9', 'p9', 'cl-b', NULL, 'cl-x', 'cardiology', 'pay-com', 'routine', '2012-02-03 09:00+00', 'completed', 'visit-completed', true, 'not-required', 'angina'),
  ('CRMT-R10', 'p10', NULL, 'Dr. Carl Cole', NULL, 'cardiology', 'pay-com', 'routine', '2012-03-01 09:00+00', 'completed', 'visit-completed', NULL, 'not-required', 'syncope');
INSERT INTO referral_crm.referrals (patient_id, authored_at, received_at, referring_clinician_id, referring_name,
                                    referring_organization_id, target_specialty, target_clinician_id,
                                    target_location_id, priority, reason, payer_id, in_network, referral_number,
                                    auth_status, status, status_reason, stage, stage_reason, source_system, source_id)
SELECT p.patient_id, t.at, t.at, rc.clinician_id, t.name_only, rc.organization_id, t.spec, tc.clinician_id,
       CASE WHEN t.target = 'cl-x' THEN (SELECT l.location_id FROM referral_crm.locations l
                                          WHERE l.source_system = 'crm-test' AND l.source_id = 'loc-heart') END,
       t.prio, t.reason, py.payer_id, t.in_net, t.num, t.auth, t.status,
       CASE WHEN t.status IN ('cancelled', 'entered-in-error') THEN 'test' END, t.stage,
       CASE WHEN t.stage = 'closed-lost' THEN 'patient declined' END, 'crm-test', t.num
  FROM t_ref t
  JOIN referral_crm.patients p ON p.source_system = 'crm-test' AND p.source_id = t.patient
  LEFT JOIN referral_crm.clinicians rc ON rc.source_system = 'crm-test' AND rc.source_id = t.referrer
  LEFT JOIN referral_crm.clinicians tc ON tc.source_system = 'crm-test' AND tc.source_id = t.target
  JOIN referral_crm.payers py ON py.source_system = 'crm-test' AND py.source_id = t.payer
 ORDER BY t.num;

CREATE TEMP VIEW t_ids AS
  SELECT r.referral_number AS num, r.referral_id, r.patient_id FROM referral_crm.referrals r
   WHERE r.source_system = 'crm-test';

-- Appointments: R1 seen after 10 days, R2 missed once then seen after 20,
-- R3 seen out of network after 30, R7-R10 seen.
INSERT INTO referral_crm.appointments (referral_id, patient_id, clinician_id, status, start_at, booked_at,
                                       source_system, source_id)
SELECT i.referral_id, i.patient_id, c.clinician_id, v.status, v.start_at::timestamptz, v.start_at::timestamptz - interval '5 days',
       'crm-test', v.sid
  FROM (VALUES ('CRMT-R1', 'cl-x', 'fulfilled', '2012-04-12 09:00+00', 'a1'),
               ('CRMT-R2', 'cl-x', 'noshow', '2012-04-10 09:00+00', 'a2'),
               ('CRMT-R2', 'cl-x', 'fulfilled', '2012-04-23 09:00+00', 'a3'),
               ('CRMT-R3', 'cl-y', 'fulfilled', '2012-05-31 09:00+00', 'a4'),
               ('CRMT-R7', 'cl-x', 'fulfilled', '2012-02-11 09:00+00', 'a7'),
               ('CRMT-R8', 'cl-x', 'fulfilled', '2012-02-12 09:00+00', 'a8'),
               ('CRMT-R9', 'cl-x', 'fulfilled', '2012-02-13 09:00+00', 'a9'),
               ('CRMT-R10', 'cl-x', 'fulfilled', '2012-03-11 09:00+00', 'a10'))
       AS v (num, clin, status, start_at, sid)
  JOIN t_ids i ON i.num = v.num
  JOIN referral_crm.clinicians c ON c.source_system = 'crm-test' AND c.source_id = v.clin;

-- Claims: R1 $300 and R2 $200 in network, R3 $500 rendered out of network.
INSERT INTO referral_crm.claims (claim_number, patient_id, rendering_clinician_id, payer_id, payer_class,
                                 service_from, total_charge, referral_id, source_system, source_id)
SELECT 'CRMT-' || v.num, i.patient_id, c.clinician_id, py.payer_id, py.payer_class, v.d::date, v.charge,
       i.referral_id, 'crm-test', 'c-' || v.num
  FROM (VALUES ('CRMT-R1', 'cl-x', 'pay-com', '2012-04-12', 300.00),
               ('CRMT-R2', 'cl-x', 'pay-mcr', '2012-04-23', 200.00),
               ('CRMT-R3', 'cl-y', 'pay-com', '2012-05-31', 500.00)) AS v (num, clin, payer, d, charge)
  JOIN t_ids i ON i.num = v.num
  JOIN referral_crm.clinicians c ON c.source_system = 'crm-test' AND c.source_id = v.clin
  JOIN referral_crm.payers py ON py.source_system = 'crm-test' AND py.source_id = v.payer;

-- Two templated text messages in the period (manual calls avoided).
INSERT INTO referral_crm.communications (referral_id, patient_id, channel, direction, party, outcome,
                                         template_code, occurred_at, source_system, source_id)
SELECT i.referral_id, i.patient_id, 'sms', 'outbound', 'patient', 'delivered', 'appt-reminder', v.at::timestamptz,
       'crm-test', v.sid
  FROM (VALUES ('CRMT-R1', '2012-04-11 09:00+00', 'm1'), ('CRMT-R2', '2012-04-22 09:00+00', 'm2')) v (num, at, sid)
  JOIN t_ids i ON i.num = v.num;

SELECT referral_crm.refresh_referral_facts() >= 10 AS refreshed;

-- Facts of our referrals.
SELECT i.num, f.counted, f.referrer_label, f.target_specialty, f.payer_class, f.sent_out_of_network,
       f.appointments, f.visits, f.noshows, f.first_visit_at, f.claims_in_network, f.claims_out_of_network,
       f.charges_in_network, f.charges_out_of_network
  FROM referral_crm.referral_facts f JOIN t_ids i USING (referral_id) ORDER BY f.authored_at;

------------------------------------------------------------------------
-- Metrics of the period [2012-04-01, 2012-07-01)
------------------------------------------------------------------------
SET referral_crm.as_of = '2012-07-01 00:00+00';
SELECT * FROM referral_crm.referral_metrics_between('2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.leakage_between('2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.leakage_between('2012-04-01', '2012-07-01', 'payer');
SELECT label, referrals, leaked, leaked_out_of_network, never_scheduled, leakage_share, leakage_dollars
  FROM referral_crm.leakage_between('2012-04-01', '2012-07-01', 'referrer');
SELECT * FROM referral_crm.leakage_between('2012-04-01', '2012-07-01', 'specialty');
-- Once R5 is older than the 30-day grace it counts as never scheduled.
SET referral_crm.as_of = '2012-08-01 00:00+00';
SELECT leaked, never_scheduled, leakage_share, leakage_dollars
  FROM referral_crm.leakage_between('2012-04-01', '2012-07-01');
SET referral_crm.as_of = '2012-07-01 00:00+00';
SELECT * FROM referral_crm.roi_between('2012-04-01', '2012-07-01');
UPDATE referral_crm.crm_config SET revenue_basis = 'charges';
SELECT revenue_captured, leakage_cost FROM referral_crm.roi_between('2012-04-01', '2012-07-01');
UPDATE referral_crm.crm_config SET revenue_basis = 'expected';

-- Contact graph: edges with trend against [2012-01-01, 2012-04-01).
SELECT edge_kind, referrer_label, target_label, referrals, converted, conversion_rate, median_days_to_visit,
       noshow_rate, out_of_network_share, previous_referrals, volume_trend
  FROM referral_crm.referral_edges_between('2012-04-01', '2012-07-01')
 ORDER BY edge_kind, referrer_label, target_label;
SELECT referrer_label, lifecycle, referrals, previous_referrals, volume_trend, converted, conversion_rate,
       median_days_to_visit, noshow_rate, out_of_network_share, leaked, leakage_share, leakage_dollars,
       first_referral_at, last_referral_at
  FROM referral_crm.referrers_between('2012-04-01', '2012-07-01') ORDER BY referrer_label;
SELECT * FROM referral_crm.cohorts_between('2012-04-01', '2012-07-01');
SELECT n, k, round(w.lower::numeric, 10) AS lower, round(w.upper::numeric, 10) AS upper
  FROM (VALUES (0, 1), (1, 1), (3, 5), (0, 0)) v (k, n), referral_crm.wilson_interval(k, n) w;
-- Out of range: NULL bounds (more successes than trials, negative, z NaN or infinite).
SELECT k, n, z, w.lower IS NULL AND w.upper IS NULL AS null_bounds
  FROM (VALUES (-5, 10, 1.96::float8), (11, 10, 1.96), (5, 10, 'NaN'), (5, 10, 'Infinity'), (5, 10, -1)) v (k, n, z),
       referral_crm.wilson_interval(k, n, z) w;
UPDATE referral_crm.crm_config SET cohort_min_n = 2;
SELECT * FROM referral_crm.performance_between('2012-04-01', '2012-07-01');
UPDATE referral_crm.crm_config SET cohort_min_n = 20;

-- ROI scenarios: current mix and a 50/50 mix, payback of $1,500.
SELECT * FROM referral_crm.roi_scenario(0.10, NULL, 1000, 500, 0, '2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.roi_scenario(0.10, '{"commercial": 0.5, "medicare": 0.5}', 1000, 500, 0,
                                        '2012-04-01', '2012-07-01');
SELECT payer_class, projected_conversion_rate, revenue_gain, payback_months
  FROM referral_crm.roi_scenario(-0.5, NULL, 1000, 500, 0, '2012-04-01', '2012-07-01');

-- Bad input.
SELECT * FROM referral_crm.roi_scenario(-0.6, NULL, 0, 0, 0, '2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.roi_scenario(1.5, NULL, 0, 0, 0, '2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.roi_scenario('NaN', NULL, 0, 0, 0, '2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.roi_scenario(0.1, '{"commercial": 0.5, "medicare": 0.4}', 0, 0, 0, '2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.roi_scenario(0.1, '{"commercial": 0.5, "martian": 0.5}', 0, 0, 0, '2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.roi_scenario(0.1, '{"commercial": "half", "medicare": 0.5}', 0, 0, 0, '2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.roi_scenario(0.1, '[0.5, 0.5]', 0, 0, 0, '2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.roi_scenario(0.1, NULL, -1, 0, 0, '2012-04-01', '2012-07-01');
SELECT * FROM referral_crm.referral_edges_between('2012-07-01', '2012-04-01');
SELECT * FROM referral_crm.referral_metrics_between('2012-04-01', '2012-04-01');
SELECT * FROM referral_crm.leakage_between('2012-04-01', NULL);
SELECT * FROM referral_crm.leakage_between('2012-04-01', '2012-07-01', 'colour');
SELECT referral_crm.referral_graph_dot('2012-04-01', '2012-07-01', 'galaxy');
SELECT referral_crm.referral_graph_dot('2012-04-01', '2012-07-01', 'specialty', 0);

-- The dashboard views read snapshots of the current period made by
-- refresh_crm_summaries(); with a 91-day period ending 2012-07-01 they
-- equal the live functions over [2012-04-01, 2012-07-01).
UPDATE referral_crm.crm_config SET period = '91 days';
SELECT summary FROM referral_crm.refresh_crm_summaries();
SELECT period_start, period_end FROM referral_crm.crm_summary_state;
SELECT (SELECT count(*) FROM (SELECT * FROM referral_crm.referral_edges
                              EXCEPT SELECT * FROM referral_crm.referral_edges_between('2012-04-01', '2012-07-01')) d) AS edges,
       (SELECT count(*) FROM referral_crm.referral_edges) AS edge_rows,
       (SELECT count(*) FROM (SELECT * FROM referral_crm.referrers
                              EXCEPT SELECT * FROM referral_crm.referrers_between('2012-04-01', '2012-07-01')) d) AS referrers,
       (SELECT count(*) FROM (SELECT * FROM referral_crm.referral_metrics
                              EXCEPT SELECT * FROM referral_crm.referral_metrics_between('2012-04-01', '2012-07-01')) d) AS metrics,
       (SELECT count(*) FROM (SELECT * FROM referral_crm.cohorts
                              EXCEPT SELECT * FROM referral_crm.cohorts_between('2012-04-01', '2012-07-01')) d) AS cohorts,
       (SELECT count(*) FROM (SELECT * FROM referral_crm.roi
                              EXCEPT SELECT * FROM referral_crm.roi_between('2012-04-01', '2012-07-01')) d) AS roi;
SELECT dimension, label, referrals, leaked, leakage_share, leakage_dollars FROM referral_crm.leakage;
SELECT rank, referrer_label, lifecycle, referrals, conversion_rate FROM referral_crm.top_referrers;
SELECT referrer_label, lifecycle, referrals, leaked, last_contact_at FROM referral_crm.referrer_scorecards;
SELECT * FROM referral_crm.manager_overview
 WHERE metric NOT IN ('open referrals (now)', 'SLA breaches (open referrals)', 'overdue tasks');
SELECT referral_crm.referral_graph_dot() = referral_crm.referral_graph_dot('2012-04-01', '2012-07-01') AS dot_from_snapshot;
UPDATE referral_crm.crm_config SET period = '90 days';

-- Graph exports.
SELECT referral_crm.referral_graph_dot('2012-04-01', '2012-07-01', 'specialty', 10);
SELECT referral_crm.referral_graph_graphml('2012-04-01', '2012-07-01', 'department', 10);
SELECT referral_crm.dot_quote(E'say "hi"\\ \nnow'), referral_crm.xml_escape(E'<a href="x">&\'\x01');
RESET referral_crm.as_of;

------------------------------------------------------------------------
-- Pipeline, SLA, reminders and overdue tasks: R5 (routine, received
-- 2012-06-20 09:00, first contact due in 3 days, at risk in the last 25%)
------------------------------------------------------------------------
-- One query, several moments: the clock is set before each moment's
-- pipeline is read (in a function; set_config() in a lateral subquery of
-- the same query would not order the evaluation).
CREATE FUNCTION pg_temp.pipeline_at(t timestamptz, num text) RETURNS SETOF referral_crm.pipeline
  LANGUAGE plpgsql AS
$$
BEGIN
  PERFORM set_config('referral_crm.as_of', t::text, true);
  RETURN QUERY SELECT * FROM referral_crm.pipeline p WHERE p.referral_number = num;
END
$$;
SELECT s.as_of, p.stage, p.sla_target, p.sla_due_at, p.sla_state, p.next_action
  FROM unnest(ARRAY['2012-06-22 12:00+00', '2012-06-22 18:00+00', '2012-06-24 00:00+00']::timestamptz[]) s (as_of)
  CROSS JOIN LATERAL pg_temp.pipeline_at(s.as_of, 'CRMT-R5') p;
SET referral_crm.as_of = '2012-06-23 00:00+00';
SELECT referral_number, priority, stage, sla_state, next_action, patient_given_name
  FROM referral_crm.work_queue WHERE referral_number LIKE 'CRMT-%';
SELECT referral_number, sla_target, sla_due_at, overdue_by FROM referral_crm.sla_breaches
 WHERE referral_number LIKE 'CRMT-%';
SELECT referral_number, stage, sla_target, sla_state FROM referral_crm.pipeline
 WHERE referral_number LIKE 'CRMT-%' ORDER BY referral_number;

-- Tasks: R5 has had no contact for 48 h and waits for prior authorisation;
-- R3's consult report is owed.  The second run creates nothing.
CREATE TEMP TABLE t_run1 AS SELECT * FROM referral_crm.generate_tasks();
SELECT rule_code FROM t_run1 ORDER BY 1;
SELECT i.num, t.task_type, t.status, t.priority, t.due_at, t.task_key LIKE t.task_type || '%' OR t.task_key LIKE 'no-contact:%'
       OR t.task_key LIKE 'prior-auth-pending:%' OR t.task_key LIKE 'report-owed:%' AS keyed, t.description
  FROM referral_crm.tasks t JOIN t_ids i USING (referral_id) ORDER BY i.num, t.task_type;
SELECT sum(created) AS created_on_second_run FROM referral_crm.generate_tasks();
SELECT count(*) AS tasks FROM referral_crm.tasks t JOIN t_ids i USING (referral_id);
SET referral_crm.as_of = '2012-06-24 00:00+00';
SELECT o.task_type, o.priority, o.due_at, o.overdue_by, o.referral_number, o.description
  FROM referral_crm.overdue_tasks o WHERE o.referral_number LIKE 'CRMT-%';
SELECT referral_number, next_action, next_action_due_at FROM referral_crm.pipeline WHERE referral_number = 'CRMT-R5';

-- A call on 2012-06-24 is the first contact: the scheduling target runs.
INSERT INTO referral_crm.communications (referral_id, organization_id, channel, direction, party, outcome,
                                         occurred_at, summary, source_system, source_id)
SELECT i.referral_id, o.organization_id, 'call', 'outbound', 'referring-office', v.outcome, v.at::timestamptz,
       v.summary, 'crm-test', v.sid
  FROM (VALUES ('2012-06-24 10:00+00', 'no-answer', 'called the office about insurance', 'k1'),
               ('2012-06-25 10:00+00', 'left-message', 'called again', 'k2'),
               ('2012-07-05 10:00+00', 'reached', 'spoke with the office manager', 'k3')) v (at, outcome, summary, sid)
  CROSS JOIN t_ids i
  JOIN referral_crm.organizations o ON o.source_system = 'crm-test' AND o.source_id = 'org-brown'
 WHERE i.num = 'CRMT-R5';
SET referral_crm.as_of = '2012-06-26 00:00+00';
SELECT referral_number, first_contact_at, sla_target, sla_due_at, sla_state FROM referral_crm.pipeline
 WHERE referral_number = 'CRMT-R5';
SELECT occurred_at, channel, party, outcome, organization_name, calls_in_window, repeated_call, summary
  FROM referral_crm.communication_log WHERE referral_number IN ('CRMT-R5', 'CRMT-R1') ORDER BY occurred_at;
-- The log ends at crm_now(); a week later the call of 2012-07-05 is in it
-- and, 10 days after the first, starts a new window.
SELECT occurred_at, outcome, calls_in_window, repeated_call
  FROM referral_crm.communication_log WHERE referral_number = 'CRMT-R5' AND occurred_at >= '2012-07-01'
   AND referral_crm.crm_now() = '2012-06-26 00:00+00';
SET referral_crm.as_of = '2012-07-06 00:00+00';
SELECT occurred_at, outcome, calls_in_window, repeated_call
  FROM referral_crm.communication_log WHERE referral_number = 'CRMT-R5' ORDER BY occurred_at;
SET referral_crm.as_of = '2012-06-26 00:00+00';
-- Once contact is logged the no-contact rule no longer fires for R5.
DELETE FROM referral_crm.tasks t USING t_ids i WHERE t.referral_id = i.referral_id AND t.task_type = 'contact-patient';
SELECT rule_code, created FROM referral_crm.generate_tasks() WHERE rule_code = 'no-contact';
SELECT count(*) AS contact_tasks FROM referral_crm.tasks t JOIN t_ids i USING (referral_id) WHERE t.task_type = 'contact-patient';
RESET referral_crm.as_of;

------------------------------------------------------------------------
-- Templates
------------------------------------------------------------------------
SELECT referral_crm.template_placeholders('Hi {{patient_first_name}}, see {{ specialty }} on {{appointment_time}} {{patient_first_name}}.');
SELECT referral_crm.template_placeholders('no placeholders { } }} {x}');
SELECT referral_crm.template_placeholders('broken {{patient_first_name');
SELECT referral_crm.template_placeholders('bad {{Patient}}');
SELECT referral_crm.template_placeholders('bad {{}}');
SELECT count(*) AS fields FROM referral_crm.template_fields();
INSERT INTO referral_crm.message_templates (template_code, channel, party, subject, body) VALUES
  ('crmt-sms', 'sms', 'patient', NULL,
   'Hi {{patient_first_name}}, your {{specialty}} visit is on {{appointment_time}}. Questions: {{location_phone}}.'),
  ('crmt-email', 'email', 'patient', 'Your visit', '<p>Dear {{patient_full_name}},</p><p>Reason: {{referral_reason}}</p>'),
  ('crmt-fax', 'fax', 'referring-office', NULL,
   E'To {{referrer_name}} (fax {{referrer_fax}}):\nyour patient {{patient_full_name}} ({{referral_number}}) - {{referral_reason}}.'),
  ('crmt-sms-reason', 'sms', 'patient', NULL, 'Re {{referral_number}}: {{referral_reason}}');
INSERT INTO referral_crm.message_templates (template_code, channel, party, body)
  VALUES ('crmt-bad', 'sms', 'patient', 'Hi {{patient_ssn}}');
INSERT INTO referral_crm.message_templates (template_code, channel, party, body)
  VALUES ('crmt-bad', 'sms', 'patient', 'Hi {{patient_first_name}');
INSERT INTO referral_crm.message_templates (template_code, channel, party, body)
  VALUES ('crmt-bad', 'pigeon', 'patient', 'Hi');
SELECT referral_crm.render_template('crmt-email', (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R5'));
SELECT referral_crm.render_template('crmt-fax', (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R5'));
SELECT referral_crm.render_template('crmt-sms-reason', (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R5'));
-- No appointment booked yet: the SMS would have a gap.
SELECT referral_crm.render_template('crmt-sms', (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R5'));
INSERT INTO referral_crm.appointments (referral_id, patient_id, clinician_id, location_id, status, start_at, booked_at,
                                       source_system, source_id)
SELECT i.referral_id, i.patient_id, c.clinician_id, l.location_id, 'booked', '2099-07-02 14:30+00', '2012-06-26 10:00+00',
       'crm-test', 'a5'
  FROM t_ids i, referral_crm.clinicians c, referral_crm.locations l
 WHERE i.num = 'CRMT-R5' AND c.source_system = 'crm-test' AND c.source_id = 'cl-x'
   AND l.source_system = 'crm-test' AND l.source_id = 'loc-heart';
SELECT referral_crm.render_template('crmt-sms', (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R5'));
-- The time in a message is the organisation's (crm_config.time_zone), not
-- the session's: a session in New York renders the same text; the
-- organisation's zone moves it.
SET TimeZone = 'America/New_York';
SELECT referral_crm.render_template('crmt-sms', (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R5'));
UPDATE referral_crm.crm_config SET time_zone = 'America/Chicago';
SELECT referral_crm.calendar_zone(), referral_crm.render_template('crmt-sms', (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R5'));
UPDATE referral_crm.crm_config SET time_zone = 'Mars/Olympus_Mons';
UPDATE referral_crm.crm_config SET time_zone = 'UTC';
SET TimeZone = 'UTC';
SELECT referral_crm.render_template('nope', 1);
SELECT referral_crm.render_template('crmt-sms', -1);
UPDATE referral_crm.message_templates SET active = false WHERE template_code = 'crmt-sms';
SELECT referral_crm.render_template('crmt-sms', (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R5'));
-- template_fill: escaping per channel, one pass, errors.
SELECT referral_crm.template_fill('{{a}}|{{b}}', '{a,b}', ARRAY[E'<x> & "y" \'z\'', E'line1\nline2\ttab\x01'], c) AS rendered, c
  FROM unnest('{email,portal,sms,fax,letter,call}'::text[]) c;
SELECT referral_crm.template_fill('{{a}}', '{a}', '{"{{a}} stays"}', 'sms');
SELECT referral_crm.template_fill('{{a}} {{b}}', '{a}', '{x}', 'sms');
SELECT referral_crm.template_fill('{{a}}', '{a}', '{NULL}', 'sms');
SELECT referral_crm.template_fill('{{a}}', '{a,b}', '{x}', 'sms');
SELECT referral_crm.template_fill('{{a}}', '{a}', '{x}', 'pigeon');
-- C1 controls (U+0085 NEL, U+009B) are dropped like C0 controls in every
-- channel; U+2028 and U+2029 are line breaks (spaces in sms); U+00A0 stays.
SELECT c, (SELECT string_agg(CASE WHEN ch ~ '^[a-z]$' THEN ch ELSE 'U+' || lpad(upper(to_hex(ascii(ch))), 4, '0') END,
                             ' ' ORDER BY o)
             FROM regexp_split_to_table(referral_crm.template_fill('{{a}}', '{a}',
                    ARRAY[E'a\u2028b\u2029c\u0085d\u009Be\u00A0f\ng\rh\u0080i\u009Fj'], c), '')
                  WITH ORDINALITY AS t (ch, o)) AS rendered
  FROM unnest('{sms,fax,letter,call,email,portal}'::text[]) WITH ORDINALITY AS u (c, k) ORDER BY k;

------------------------------------------------------------------------
-- Incremental refresh equals a full one
------------------------------------------------------------------------
SELECT referral_crm.refresh_referral_facts() >= 1 AS refreshed;
SELECT i.num, f.appointments, f.first_booked_at FROM referral_crm.referral_facts f JOIN t_ids i USING (referral_id)
 WHERE i.num = 'CRMT-R5';
CREATE TEMP TABLE t_incr AS SELECT to_jsonb(f) - 'refreshed_at' AS j FROM referral_crm.referral_facts f;
SELECT referral_crm.refresh_referral_facts(full_refresh => true) >= 10 AS refreshed;
SELECT count(*) AS differing_rows FROM (
  (SELECT j FROM t_incr EXCEPT SELECT to_jsonb(f) - 'refreshed_at' FROM referral_crm.referral_facts f)
  UNION ALL (SELECT to_jsonb(f) - 'refreshed_at' FROM referral_crm.referral_facts f EXCEPT SELECT j FROM t_incr)) d;

-- Moves, deletes and re-links: the facts of the referral an appointment or
-- claim leaves are recomputed too (referral_facts_queue), and a deleted
-- referral loses its facts, so an incremental refresh still equals a full
-- one.  R11 and R12 are earlier referrals of R1's and R2's patients; R13
-- is deleted after its first refresh.
INSERT INTO referral_crm.referrals (patient_id, authored_at, received_at, referring_clinician_id, target_specialty,
                                    priority, reason, referral_number, status, stage, source_system, source_id)
SELECT i.patient_id, v.at::timestamptz, v.at::timestamptz, c.clinician_id, 'cardiology', 'routine', 'follow-up',
       v.num, 'accepted', 'new', 'crm-test', v.num
  FROM (VALUES ('CRMT-R11', 'CRMT-R1', '2012-03-15 09:00+00'), ('CRMT-R12', 'CRMT-R2', '2012-03-16 09:00+00'),
               ('CRMT-R13', 'CRMT-R3', '2012-03-17 09:00+00')) v (num, of_num, at)
  JOIN t_ids i ON i.num = v.of_num
  JOIN referral_crm.clinicians c ON c.source_system = 'crm-test' AND c.source_id = 'cl-a';
SELECT referral_crm.refresh_referral_facts() >= 3 AS refreshed;
SELECT i.num, f.appointments, f.visits, f.noshows, f.claims_in_network, f.claims_out_of_network, f.charges_in_network
  FROM referral_crm.referral_facts f JOIN t_ids i USING (referral_id)
 WHERE i.num IN ('CRMT-R1', 'CRMT-R2', 'CRMT-R3', 'CRMT-R11', 'CRMT-R12', 'CRMT-R13') ORDER BY i.num;
-- R1's visit and claim move to R11; R2's missed appointment is deleted and
-- its claim re-linked to R12; R3's claim is deleted; R13 is deleted.
UPDATE referral_crm.appointments a SET referral_id = (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R11')
 WHERE a.source_system = 'crm-test' AND a.source_id = 'a1';
UPDATE referral_crm.claims c SET referral_id = (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R11')
 WHERE c.source_system = 'crm-test' AND c.source_id = 'c-CRMT-R1';
DELETE FROM referral_crm.appointments a WHERE a.source_system = 'crm-test' AND a.source_id = 'a2';
UPDATE referral_crm.claims c SET referral_id = (SELECT referral_id FROM t_ids WHERE num = 'CRMT-R12')
 WHERE c.source_system = 'crm-test' AND c.source_id = 'c-CRMT-R2';
DELETE FROM referral_crm.claims c WHERE c.source_system = 'crm-test' AND c.source_id = 'c-CRMT-R3';
CREATE TEMP TABLE t_r13 AS SELECT referral_id FROM t_ids WHERE num = 'CRMT-R13';
DELETE FROM referral_crm.referrals r USING t_r13 d WHERE r.referral_id = d.referral_id;
SELECT count(DISTINCT q.referral_id) AS queued FROM referral_crm.referral_facts_queue q
  JOIN (SELECT referral_id FROM t_ids UNION ALL SELECT referral_id FROM t_r13) i USING (referral_id);
-- The directory: Xena Xu leaves the network, Alice Adams gets an NPI, the
-- Medicare test payer becomes Medicare Advantage (all undone below); a new
-- phone number changes no fact.
UPDATE referral_crm.clinicians SET in_network = false WHERE source_system = 'crm-test' AND source_id = 'cl-x';
UPDATE referral_crm.clinicians SET npi = '1234567893' WHERE source_system = 'crm-test' AND source_id = 'cl-a';
UPDATE referral_crm.payers SET payer_class = 'medicare-advantage' WHERE source_system = 'crm-test' AND source_id = 'pay-mcr';
UPDATE referral_crm.clinicians SET phone = '207-555-0399' WHERE source_system = 'crm-test' AND source_id = 'cl-a';
SELECT referral_crm.refresh_referral_facts() >= 3 AS refreshed;
SELECT count(*) AS still_queued FROM referral_crm.referral_facts_queue;
SELECT i.num, f.appointments, f.visits, f.noshows, f.claims_in_network, f.claims_out_of_network, f.charges_in_network,
       f.referrer_label, f.payer_class, f.sent_out_of_network
  FROM referral_crm.referral_facts f JOIN t_ids i USING (referral_id)
 WHERE i.num IN ('CRMT-R1', 'CRMT-R2', 'CRMT-R3', 'CRMT-R4', 'CRMT-R5', 'CRMT-R11', 'CRMT-R12') ORDER BY i.num;
SELECT count(*) AS facts_of_deleted FROM referral_crm.referral_facts f JOIN t_r13 USING (referral_id);
-- The whole table equals a full refresh.
TRUNCATE t_incr;
INSERT INTO t_incr SELECT to_jsonb(f) - 'refreshed_at' FROM referral_crm.referral_facts f;
SELECT referral_crm.refresh_referral_facts(full_refresh => true) >= 10 AS refreshed;
SELECT (SELECT count(*) FROM t_incr) = (SELECT count(*) FROM referral_crm.referral_facts) AS same_count,
       (SELECT count(*) FROM (
          (SELECT j FROM t_incr EXCEPT SELECT to_jsonb(f) - 'refreshed_at' FROM referral_crm.referral_facts f)
          UNION ALL (SELECT to_jsonb(f) - 'refreshed_at' FROM referral_crm.referral_facts f EXCEPT SELECT j FROM t_incr)) d)
         AS differing_rows;
UPDATE referral_crm.clinicians SET in_network = true WHERE source_system = 'crm-test' AND source_id = 'cl-x';
UPDATE referral_crm.clinicians SET npi = NULL, phone = '207-555-0300' WHERE source_system = 'crm-test' AND source_id = 'cl-a';
UPDATE referral_crm.payers SET payer_class = 'medicare' WHERE source_system = 'crm-test' AND source_id = 'pay-mcr';
-- A truncated appointments or claims table leaves no rows to name: the
-- next refresh is a full one.
BEGIN;
TRUNCATE referral_crm.claims;
SELECT refreshed_from IS NULL AS next_refresh_is_full FROM referral_crm.referral_facts_state;
ROLLBACK;

------------------------------------------------------------------------
-- Replays see nothing after crm_now(): with R5's calls (first contact
-- 2012-06-24 10:00) and booking (2012-06-26 10:00) now logged, the three
-- moments still give on-track, at-risk and breached; the contact and the
-- booking count from their times on.
------------------------------------------------------------------------
SELECT s.as_of, p.first_contact_at, p.first_booked_at, p.sla_target, p.sla_state
  FROM unnest(ARRAY['2012-06-22 12:00+00', '2012-06-22 18:00+00', '2012-06-24 00:00+00',
                    '2012-06-25 00:00+00', '2012-06-27 00:00+00']::timestamptz[]) s (as_of)
  CROSS JOIN LATERAL pg_temp.pipeline_at(s.as_of, 'CRMT-R5') p;
SET referral_crm.as_of = '2012-06-24 00:00+00';
SELECT referral_number, sla_target, sla_state FROM referral_crm.work_queue WHERE referral_number = 'CRMT-R5';
SELECT referral_number, sla_target, overdue_by FROM referral_crm.sla_breaches WHERE referral_number = 'CRMT-R5';
SELECT count(*) AS calls_logged FROM referral_crm.communication_log WHERE referral_number = 'CRMT-R5';
SELECT (v.vals)[16] AS appointment_time FROM referral_crm.template_values((SELECT referral_id FROM t_ids WHERE num = 'CRMT-R5')) v;
-- Referrals received later are not in the pipeline yet (R5: 2012-06-20).
SET referral_crm.as_of = '2012-06-01 00:00+00';
SELECT count(*) AS r5_rows FROM referral_crm.pipeline WHERE referral_number = 'CRMT-R5';
-- Tasks: generate_tasks() stamps created_at with its clock; a task counts
-- from then until it is completed.
SELECT count(*) AS tasks_created_2012_06_23 FROM referral_crm.tasks t JOIN t_ids i USING (referral_id)
 WHERE t.created_at = '2012-06-23 00:00+00';
SET referral_crm.as_of = '2012-06-22 23:00+00';
SELECT count(*) AS overdue_before_creation FROM referral_crm.overdue_tasks WHERE referral_number LIKE 'CRMT-%';
UPDATE referral_crm.tasks t SET status = 'completed', completed_at = '2012-06-25 12:00+00'
  FROM t_ids i WHERE t.referral_id = i.referral_id AND t.task_type = 'prior-auth';
SET referral_crm.as_of = '2012-06-25 00:00+00';
SELECT task_type, referral_number FROM referral_crm.overdue_tasks WHERE referral_number LIKE 'CRMT-%' ORDER BY 1;
SELECT next_action FROM referral_crm.pipeline WHERE referral_number = 'CRMT-R5';
SET referral_crm.as_of = '2012-06-26 00:00+00';
SELECT count(*) AS overdue_after_completion FROM referral_crm.overdue_tasks
 WHERE referral_number = 'CRMT-R5' AND task_type = 'prior-auth';
RESET referral_crm.as_of;

-- The scorecards' last contact is live: the calls to Brown Family Practice,
-- where both Alice Adams and Bob Brown work.
SELECT referrer_label, last_contact_at FROM referral_crm.referrer_scorecards;

-- Every view is security_invoker.
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'referral_crm' AND c.relkind = 'v'
   AND c.relname IN ('pipeline', 'work_queue', 'sla_breaches', 'pipeline_summary', 'overdue_tasks', 'communication_log',
                     'referral_edges', 'referrers', 'top_referrers', 'referral_metrics', 'cohorts', 'performance_filters',
                     'leakage', 'roi', 'referrer_scorecards', 'manager_overview')
   AND NOT coalesce(c.reloptions @> '{security_invoker=true}', false);
