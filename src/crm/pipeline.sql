\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/crm/pipeline.sql
-- The pipeline with SLA state, reminder rules that generate tasks
-- idempotently, overdue tasks, and the scheduler's work queue.  Live
-- tables, no materialisation; the clock is referral_crm.crm_now(), and
-- nothing after it counts (a replay with referral_crm.as_of does not see
-- later referrals, communications, bookings, status events or tasks).

-- Open referrals: still to be worked.  The list matches the predicate of
-- referrals_open_queue_idx so that the planner can use that index.
CREATE FUNCTION referral_crm.status_is_open(status text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error') $$;
COMMENT ON FUNCTION referral_crm.status_is_open(text) IS
  'false for the closed referral statuses: completed, cancelled, rejected, failed, entered-in-error';

-- The work queue in priority order (its first pages come straight from it).
CREATE INDEX crm_referrals_work_queue_idx
  ON referral_crm.referrals (referral_crm.code_rank('priority', priority) DESC, coalesce(received_at, authored_at))
  WHERE status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
    AND stage IN ('new', 'contacted');
CREATE INDEX crm_communications_first_contact_idx ON referral_crm.communications (referral_id, occurred_at)
  WHERE direction = 'outbound' OR outcome = 'reached';
CREATE INDEX crm_tasks_open_due_idx ON referral_crm.tasks (due_at)
  WHERE status IN ('open', 'in-progress');
CREATE INDEX crm_tasks_open_referral_idx ON referral_crm.tasks (referral_id, due_at, task_id)
  WHERE status IN ('open', 'in-progress');
CREATE INDEX crm_tasks_completed_idx ON referral_crm.tasks (completed_at)
  WHERE completed_at IS NOT NULL;
CREATE INDEX crm_referral_notes_report_idx ON referral_crm.referral_notes (referral_id, authored_at)
  WHERE note_type = 'consult-report';

CREATE VIEW referral_crm.pipeline WITH (security_invoker = true) AS
SELECT r.referral_id, r.referral_number, r.patient_id, r.status, r.stage, r.priority,
       referral_crm.code_rank('priority', r.priority) AS priority_rank,
       r.target_specialty, r.queue_id, q.code AS queue_code, r.assignee_staff_id,
       s.display_name AS assignee_name,
       r.authored_at, coalesce(r.received_at, r.authored_at) AS received_at,
       referral_crm.crm_now() - coalesce(r.received_at, r.authored_at) AS age,
       fc.first_contact_at, ap.first_booked_at, ap.next_appointment_at,
       t.target AS sla_target, t.due AS sla_due_at,
       CASE WHEN t.target IS NULL THEN
              CASE WHEN r.status IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
                   THEN 'closed' ELSE 'met' END
            WHEN t.done_at IS NOT NULL THEN CASE WHEN t.done_at <= t.due THEN 'met' ELSE 'late' END
            WHEN t.done THEN 'met'
            WHEN r.status IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error') THEN 'closed'
            WHEN referral_crm.crm_now() > t.due THEN 'breached'
            WHEN referral_crm.crm_now() > t.due - t.span * cfg.at_risk_fraction THEN 'at-risk'
            ELSE 'on-track' END AS sla_state,
       coalesce(nt.description,
                CASE WHEN NOT referral_crm.status_is_open(r.status) THEN NULL
                     WHEN r.auth_status IN ('required', 'pending') THEN 'obtain prior authorisation'
                     WHEN r.stage = 'new' THEN 'contact the patient'
                     WHEN r.stage = 'contacted' THEN 'book an appointment'
                     WHEN r.stage = 'scheduled' THEN 'confirm the appointment'
                END) AS next_action,
       nt.due_at AS next_action_due_at,
       sc_c.score AS conversion_score,
       sc_n.score AS noshow_score,
       nullif(jsonb_strip_nulls(jsonb_build_object('conversion', sc_c.top_features,
                                                   'noshow', sc_n.top_features)), '{}') AS top_features
  FROM referral_crm.referrals r
  LEFT JOIN referral_crm.referral_scores sc_c ON sc_c.referral_id = r.referral_id AND sc_c.purpose = 'conversion'
  LEFT JOIN referral_crm.referral_scores sc_n ON sc_n.referral_id = r.referral_id AND sc_n.purpose = 'noshow'
  LEFT JOIN referral_crm.queues q ON q.queue_id = r.queue_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = r.assignee_staff_id
  LEFT JOIN LATERAL (
    SELECT min(c.occurred_at) AS first_contact_at
      FROM referral_crm.communications c
     WHERE c.referral_id = r.referral_id AND (c.direction = 'outbound' OR c.outcome = 'reached')
       AND c.occurred_at <= referral_crm.crm_now()) fc ON true
  LEFT JOIN LATERAL (
    SELECT min(coalesce(a.booked_at, a.created_at)) AS first_booked_at,
           min(a.start_at) FILTER (WHERE a.status IN ('booked', 'pending', 'proposed', 'arrived', 'checked-in')
                                     AND a.start_at >= referral_crm.crm_now()) AS next_appointment_at
      FROM referral_crm.appointments a
     WHERE a.referral_id = r.referral_id AND a.status <> 'entered-in-error'
       AND coalesce(a.booked_at, a.created_at) <= referral_crm.crm_now()) ap ON true
  LEFT JOIN LATERAL (
    SELECT t.description, t.due_at
      FROM referral_crm.tasks t
     WHERE t.referral_id = r.referral_id AND t.created_at <= referral_crm.crm_now()
       AND (t.status IN ('open', 'in-progress') OR t.completed_at > referral_crm.crm_now())
     ORDER BY t.due_at NULLS LAST, t.task_id
     LIMIT 1) nt ON true
  CROSS JOIN referral_crm.crm_config cfg
  LEFT JOIN referral_crm.sla_policies sp ON sp.priority = r.priority
  CROSS JOIN LATERAL (
    SELECT CASE WHEN r.stage = 'new' AND fc.first_contact_at IS NULL THEN 'first-contact'
                WHEN r.stage IN ('new', 'contacted', 'scheduled', 'visit-completed') THEN 'scheduling'
           END AS target0) t0
  CROSS JOIN LATERAL (
    SELECT CASE WHEN sp.priority IS NOT NULL THEN t0.target0 END AS target,
           coalesce(r.received_at, r.authored_at)
             + CASE t0.target0 WHEN 'first-contact' THEN sp.first_contact ELSE sp.scheduled_within END AS due,
           CASE t0.target0 WHEN 'first-contact' THEN sp.first_contact ELSE sp.scheduled_within END AS span,
           CASE t0.target0 WHEN 'first-contact' THEN fc.first_contact_at
                           WHEN 'scheduling' THEN ap.first_booked_at END AS done_at,
           r.stage IN ('scheduled', 'visit-completed') AS done) t
 WHERE coalesce(r.received_at, r.authored_at) <= referral_crm.crm_now();
COMMENT ON VIEW referral_crm.pipeline IS
  'every referral with status, stage, age, queue, assignee, SLA target/due/state, next action and (when scoring is installed) scores';

-- The scheduler's work queue: open referrals still to contact or book,
-- most urgent first, then the SLA due time, then the no-show risk.
CREATE VIEW referral_crm.work_queue WITH (security_invoker = true) AS
SELECT p.referral_id, p.referral_number, p.queue_code, p.assignee_name, p.priority, p.stage, p.status,
       p.sla_target, p.sla_due_at, p.sla_state, p.next_action, p.next_action_due_at,
       pt.given_name AS patient_given_name, pt.family_name AS patient_family_name, pt.phone AS patient_phone,
       pt.preferred_language, p.target_specialty, p.received_at, p.age,
       p.conversion_score, p.noshow_score, p.top_features
  FROM referral_crm.pipeline p
  JOIN referral_crm.patients pt ON pt.patient_id = p.patient_id
 WHERE p.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
   AND p.stage IN ('new', 'contacted')
 ORDER BY p.priority_rank DESC, p.sla_due_at NULLS LAST, p.noshow_score DESC NULLS LAST, p.referral_id;
COMMENT ON VIEW referral_crm.work_queue IS
  'the scheduler''s work queue: open referrals in stage new or contacted, by priority, SLA due time and no-show score';

CREATE VIEW referral_crm.sla_breaches WITH (security_invoker = true) AS
SELECT p.referral_id, p.referral_number, p.priority, p.status, p.stage, p.queue_code, p.assignee_name,
       p.sla_target, p.sla_due_at, referral_crm.crm_now() - p.sla_due_at AS overdue_by, p.next_action
  FROM referral_crm.pipeline p
 WHERE p.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
   AND p.stage IN ('new', 'contacted')
   AND p.sla_state = 'breached'
 ORDER BY p.priority_rank DESC, p.sla_due_at, p.referral_id;
COMMENT ON VIEW referral_crm.sla_breaches IS
  'open referrals not yet scheduled (stage new or contacted) whose running SLA target has passed';

CREATE VIEW referral_crm.pipeline_summary WITH (security_invoker = true) AS
SELECT r.status, r.stage, count(*) AS referrals,
       count(*) FILTER (WHERE r.priority IN ('stat', 'asap')) AS stat_or_asap,
       count(*) FILTER (WHERE r.priority = 'urgent') AS urgent,
       count(*) FILTER (WHERE r.priority = 'routine') AS routine
  FROM referral_crm.referrals r
 GROUP BY r.status, r.stage
 ORDER BY referral_crm.code_rank('referral_status', r.status), referral_crm.code_rank('referral_stage', r.stage);
COMMENT ON VIEW referral_crm.pipeline_summary IS 'referral counts by status and stage, split by priority';

-- Create the tasks that the enabled reminder rules call for, as of
-- crm_now() (which is also each new task's created_at).  A task's
-- task_key names its rule and subject, so running this again creates
-- nothing new.  Tasks take the referral's queue and assignee; when the
-- routing room's assign_task(bigint) is installed, unassigned new tasks go
-- through it.
CREATE FUNCTION referral_crm.generate_tasks(OUT rule_code text, OUT created bigint)
  RETURNS SETOF record
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  now_ts  timestamptz := referral_crm.crm_now();
  rule    record;
  n       bigint;
  tid     bigint;
  routed  boolean := to_regprocedure('referral_crm.assign_task(bigint)') IS NOT NULL;
  ids     bigint[];
  all_ids bigint[] := '{}';
BEGIN
  FOR rule IN SELECT * FROM referral_crm.reminder_rules rr WHERE rr.enabled ORDER BY rr.rule_code LOOP
    ids := '{}';
    IF rule.rule_code = 'no-contact' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description, created_at)
        SELECT r.referral_id, rule.task_type, r.priority,
               coalesce(r.received_at, r.authored_at) + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'no-contact:' || r.referral_id,
               'contact the patient: ' || rule.description, now_ts
          FROM referral_crm.referrals r
         WHERE r.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
           AND r.stage = 'new'
           AND coalesce(r.received_at, r.authored_at) + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR coalesce(r.received_at, r.authored_at) + rule.fire_after > now_ts - rule.lookback)
           AND NOT EXISTS (SELECT 1 FROM referral_crm.communications c
                            WHERE c.referral_id = r.referral_id
                              AND (c.direction = 'outbound' OR c.outcome = 'reached')
                              AND c.occurred_at <= now_ts)
         ORDER BY r.referral_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    ELSIF rule.rule_code = 'prior-auth-pending' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description, created_at)
        SELECT r.referral_id, rule.task_type, r.priority,
               coalesce(r.received_at, r.authored_at) + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'prior-auth-pending:' || r.referral_id,
               'obtain prior authorisation (' || r.auth_status || ')', now_ts
          FROM referral_crm.referrals r
         WHERE r.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
           AND r.auth_status IN ('required', 'pending')
           AND coalesce(r.received_at, r.authored_at) + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR coalesce(r.received_at, r.authored_at) + rule.fire_after > now_ts - rule.lookback)
         ORDER BY r.referral_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    ELSIF rule.rule_code = 'no-appointment-after-acceptance' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description, created_at)
        SELECT r.referral_id, rule.task_type, r.priority, acc.accepted_at + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'no-appointment-after-acceptance:' || r.referral_id,
               'book an appointment: ' || rule.description, now_ts
          FROM referral_crm.referrals r
          CROSS JOIN LATERAL (
            SELECT coalesce((SELECT min(e.occurred_at) FROM referral_crm.referral_events e
                              WHERE e.referral_id = r.referral_id AND e.dimension = 'status'
                                AND e.to_value = 'accepted' AND e.occurred_at <= now_ts),
                            CASE WHEN r.status = 'accepted' THEN r.status_changed_at END) AS accepted_at) acc
         WHERE r.status IN ('accepted', 'ready', 'in-progress', 'on-hold')
           AND r.stage IN ('new', 'contacted')
           AND acc.accepted_at + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR acc.accepted_at + rule.fire_after > now_ts - rule.lookback)
           AND NOT EXISTS (SELECT 1 FROM referral_crm.appointments a
                            WHERE a.referral_id = r.referral_id
                              AND a.status IN ('proposed', 'pending', 'booked', 'arrived', 'checked-in', 'fulfilled')
                              AND coalesce(a.booked_at, a.created_at) <= now_ts)
         ORDER BY r.referral_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    ELSIF rule.rule_code = 'no-show-follow-up' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description, created_at)
        SELECT r.referral_id, rule.task_type, r.priority, a.start_at + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'no-show-follow-up:' || a.appointment_id,
               'follow up the missed appointment of '
                 || to_char(a.start_at AT TIME ZONE (SELECT referral_crm.calendar_zone()), 'YYYY-MM-DD HH24:MI'), now_ts
          FROM referral_crm.appointments a
          JOIN referral_crm.referrals r ON r.referral_id = a.referral_id
         WHERE a.status = 'noshow'
           AND a.start_at + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR a.start_at + rule.fire_after > now_ts - rule.lookback)
           AND r.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
           AND NOT EXISTS (SELECT 1 FROM referral_crm.appointments b
                            WHERE b.referral_id = a.referral_id AND b.start_at > a.start_at
                              AND b.status NOT IN ('cancelled', 'entered-in-error')
                              AND coalesce(b.booked_at, b.created_at) <= now_ts)
         ORDER BY a.appointment_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    ELSIF rule.rule_code = 'report-owed' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description, created_at)
        SELECT r.referral_id, rule.task_type, 'routine', v.first_visit + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'report-owed:' || r.referral_id,
               'send the consult report to the referrer (visit of '
                 || to_char(v.first_visit AT TIME ZONE (SELECT referral_crm.calendar_zone()), 'YYYY-MM-DD') || ')', now_ts
          FROM referral_crm.referrals r
          CROSS JOIN LATERAL (
            SELECT min(a.start_at) AS first_visit FROM referral_crm.appointments a
             WHERE a.referral_id = r.referral_id AND a.status = 'fulfilled' AND a.start_at <= now_ts) v
         WHERE r.status NOT IN ('cancelled', 'rejected', 'failed', 'entered-in-error')
           AND r.stage = 'visit-completed'
           AND v.first_visit + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR v.first_visit + rule.fire_after > now_ts - rule.lookback)
           AND NOT EXISTS (SELECT 1 FROM referral_crm.referral_notes n
                            WHERE n.referral_id = r.referral_id AND n.note_type = 'consult-report'
                              AND n.authored_at >= v.first_visit AND n.authored_at <= now_ts)
         ORDER BY r.referral_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    END IF;
    n := cardinality(ids);
    all_ids := all_ids || ids;
    rule_code := rule.rule_code;
    created := n;
    RETURN NEXT;
  END LOOP;

  IF routed THEN
    FOR tid IN SELECT t.task_id FROM referral_crm.tasks t
                WHERE t.task_id = ANY (all_ids) AND t.assignee_staff_id IS NULL ORDER BY 1 LOOP
      EXECUTE 'SELECT referral_crm.assign_task($1)' USING tid;
    END LOOP;
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.generate_tasks() IS
  'create the tasks the enabled reminder_rules call for, at most one per rule and subject (idempotent); returns the count per rule';

CREATE VIEW referral_crm.overdue_tasks WITH (security_invoker = true) AS
SELECT t.task_id, t.task_type, t.status, t.priority, t.due_at,
       referral_crm.crm_now() - t.due_at AS overdue_by,
       t.referral_id, r.referral_number, t.queue_id, q.code AS queue_code,
       t.assignee_staff_id, s.display_name AS assignee_name, t.description
  FROM referral_crm.tasks t
  LEFT JOIN referral_crm.referrals r ON r.referral_id = t.referral_id
  LEFT JOIN referral_crm.queues q ON q.queue_id = t.queue_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = t.assignee_staff_id
 WHERE (t.status IN ('open', 'in-progress') OR t.completed_at > referral_crm.crm_now())
   AND t.due_at < referral_crm.crm_now()
   AND t.created_at <= referral_crm.crm_now()
 ORDER BY referral_crm.code_rank('priority', t.priority) DESC, t.due_at, t.task_id;
COMMENT ON VIEW referral_crm.overdue_tasks IS
  'tasks open at crm_now() (created by then, not completed by then) past their due time, most urgent first';
