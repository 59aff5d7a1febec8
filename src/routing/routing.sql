\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/routing/routing.sql
-- Routing: the condition type, the rules, the input view, assignment
-- within a queue, route / route_pending / explain_route, decisions, lint.

------------------------------------------------------------------------
-- The condition type
------------------------------------------------------------------------

CREATE TYPE referral_crm.routing_condition;

CREATE FUNCTION referral_crm.routing_condition_in(cstring) RETURNS referral_crm.routing_condition
  AS 'MODULE_PATHNAME', 'routing_condition_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.routing_condition_out(referral_crm.routing_condition) RETURNS cstring
  AS 'MODULE_PATHNAME', 'routing_condition_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.routing_condition_recv(internal) RETURNS referral_crm.routing_condition
  AS 'MODULE_PATHNAME', 'routing_condition_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.routing_condition_send(referral_crm.routing_condition) RETURNS bytea
  AS 'MODULE_PATHNAME', 'routing_condition_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE referral_crm.routing_condition (
  INPUT = referral_crm.routing_condition_in,
  OUTPUT = referral_crm.routing_condition_out,
  RECEIVE = referral_crm.routing_condition_recv,
  SEND = referral_crm.routing_condition_send,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = double,
  STORAGE = extended
);
COMMENT ON TYPE referral_crm.routing_condition IS
  'a routing rule condition over referral attributes: parsed and type-checked on input, stored compiled, printed in canonical form';

CREATE FUNCTION referral_crm.routing_condition_sql(referral_crm.routing_condition, prefix text DEFAULT '')
  RETURNS text
  AS 'MODULE_PATHNAME', 'routing_condition_sql' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_sql(referral_crm.routing_condition, text) IS
  'the condition as a SQL boolean expression over columns of routing_input, each preceded by prefix';

CREATE FUNCTION referral_crm.routing_condition_implies(referral_crm.routing_condition, referral_crm.routing_condition)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'routing_condition_implies' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_implies(referral_crm.routing_condition, referral_crm.routing_condition) IS
  'true when every referral matching the first condition provably matches the second';
CREATE FUNCTION referral_crm.routing_condition_overlaps(referral_crm.routing_condition, referral_crm.routing_condition)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'routing_condition_overlaps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_overlaps(referral_crm.routing_condition, referral_crm.routing_condition) IS
  'false when no referral can match both conditions';
CREATE FUNCTION referral_crm.routing_condition_satisfiable(referral_crm.routing_condition)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'routing_condition_satisfiable' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_satisfiable(referral_crm.routing_condition) IS
  'false when no referral can ever match the condition';
CREATE FUNCTION referral_crm.routing_condition_values(referral_crm.routing_condition, attribute text)
  RETURNS text[]
  AS 'MODULE_PATHNAME', 'routing_condition_values' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_values(referral_crm.routing_condition, text) IS
  'the text literals the condition compares a text attribute with';

------------------------------------------------------------------------
-- Queue and staff settings for assignment
------------------------------------------------------------------------

CREATE TABLE referral_crm.queue_routing (
  queue_id         bigint PRIMARY KEY REFERENCES referral_crm.queues ON DELETE CASCADE,
  strategy         text NOT NULL DEFAULT 'least_loaded'
                   CONSTRAINT queue_routing_strategy
                   CHECK (strategy IN ('none', 'round_robin', 'least_loaded', 'skills')),
  required_skills  text[] NOT NULL DEFAULT '{}',
  default_capacity integer CONSTRAINT queue_routing_capacity_positive CHECK (default_capacity > 0),
  last_staff_id    bigint REFERENCES referral_crm.staff ON DELETE SET NULL,
  last_assigned_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.queue_routing IS
  'how work is assigned within a queue; a queue without a row uses least_loaded';
COMMENT ON COLUMN referral_crm.queue_routing.strategy IS
  'none: stay in the queue unassigned; round_robin; least_loaded: fewest open items; skills: least loaded among members with the required skills who speak the patient''s language';
COMMENT ON COLUMN referral_crm.queue_routing.default_capacity IS
  'open items a member may hold when staff_capacity has no row for them; NULL: no limit';

CREATE TABLE referral_crm.staff_capacity (
  staff_id   bigint PRIMARY KEY REFERENCES referral_crm.staff ON DELETE CASCADE,
  max_open   integer NOT NULL CONSTRAINT staff_capacity_positive CHECK (max_open > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.staff_capacity IS
  'the most open items (tasks and active referrals) a person may hold';

CREATE TABLE referral_crm.staff_hours (
  staff_id   bigint NOT NULL REFERENCES referral_crm.staff ON DELETE CASCADE,
  weekday    smallint NOT NULL CONSTRAINT staff_hours_weekday CHECK (weekday BETWEEN 1 AND 7),
  starts     time NOT NULL,
  ends       time NOT NULL,
  time_zone  text NOT NULL DEFAULT 'UTC'
             CONSTRAINT staff_hours_time_zone CHECK (now() AT TIME ZONE time_zone IS NOT NULL),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (staff_id, weekday, starts),
  CONSTRAINT staff_hours_order CHECK (ends > starts)
);
COMMENT ON TABLE referral_crm.staff_hours IS
  'working hours (ISO weekday 1 = Monday, local time in time_zone); a person without rows is always on duty';

-- Open work per person is counted from these.
CREATE INDEX referrals_open_assignee_idx ON referral_crm.referrals (assignee_staff_id)
  WHERE assignee_staff_id IS NOT NULL
    AND status IN ('draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold');
CREATE INDEX referrals_unrouted_idx ON referral_crm.referrals (referral_id)
  WHERE queue_id IS NULL;

------------------------------------------------------------------------
-- Rules and decisions
------------------------------------------------------------------------

CREATE TABLE referral_crm.routing_rules (
  rule_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name           text NOT NULL UNIQUE CONSTRAINT routing_rules_name_nonempty CHECK (name <> ''),
  priority_order integer NOT NULL,
  condition      referral_crm.routing_condition NOT NULL,
  queue          text NOT NULL REFERENCES referral_crm.queues (code) ON UPDATE CASCADE,
  strategy       text NOT NULL DEFAULT 'queue'
                 CONSTRAINT routing_rules_strategy
                 CHECK (strategy IN ('queue', 'none', 'round_robin', 'least_loaded', 'skills')),
  active         boolean NOT NULL DEFAULT true,
  valid_from     timestamptz,
  valid_to       timestamptz,
  description    text,
  created_by     name NOT NULL DEFAULT current_user,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT routing_rules_validity CHECK (valid_to > valid_from)
);
COMMENT ON TABLE referral_crm.routing_rules IS
  'routing rules: the first active, currently valid rule (by priority_order, then rule_id) whose condition matches routes the referral';
COMMENT ON COLUMN referral_crm.routing_rules.strategy IS
  'assignment within the target queue; queue: the queue''s own strategy (queue_routing)';
CREATE INDEX routing_rules_order_idx ON referral_crm.routing_rules (priority_order, rule_id) WHERE active;
CREATE INDEX routing_rules_queue_idx ON referral_crm.routing_rules (queue);

CREATE TABLE referral_crm.routing_decisions (
  decision_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  referral_id        bigint,
  task_id            bigint,
  rule_id            bigint,
  rule_name          text,
  queue_id           bigint,
  requested_queue_id bigint,
  assignee_staff_id  bigint,
  strategy           text,
  method             text NOT NULL
                     CONSTRAINT routing_decisions_method
                     CHECK (method IN ('route', 'route_pending', 'trigger', 'assign_task')),
  decided_at         timestamptz NOT NULL DEFAULT now(),
  decided_by         name NOT NULL DEFAULT current_user,
  CONSTRAINT routing_decisions_subject CHECK (referral_id IS NOT NULL OR task_id IS NOT NULL)
);
-- A log: the ids stay as they were when the decision was made, even if
-- the rule, queue or person is later removed (no foreign keys, which also
-- keeps route_pending() from paying six key checks per referral).
COMMENT ON TABLE referral_crm.routing_decisions IS
  'every routing and assignment decision: rule, queue (requested_queue_id differs after overflow), assignee, when and by whom';
CREATE INDEX routing_decisions_referral_idx ON referral_crm.routing_decisions (referral_id);
CREATE INDEX routing_decisions_task_idx ON referral_crm.routing_decisions (task_id);
CREATE INDEX routing_decisions_rule_idx ON referral_crm.routing_decisions (rule_id);

CREATE FUNCTION referral_crm.routing_rules_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'routing_rules_changed' LANGUAGE C;
CREATE TRIGGER routing_rules_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referral_crm.routing_rules
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.routing_rules_changed();

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['routing_rules', 'queue_routing', 'staff_capacity']
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON referral_crm.%I
                    FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at()',
                   t || '_touch', t);
  END LOOP;
END
$$;

CREATE TRIGGER routing_decisions_append_only
  BEFORE UPDATE OR DELETE ON referral_crm.routing_decisions
  FOR EACH ROW EXECUTE FUNCTION referral_crm.append_only();
CREATE TRIGGER routing_decisions_no_truncate
  BEFORE TRUNCATE ON referral_crm.routing_decisions
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.append_only();

-- Patient coordinates for distance_km come from referral_crm.zip_centroids
-- (the scoring room's table, installed before this one).

------------------------------------------------------------------------
-- The input: one row per referral with every attribute the language knows
------------------------------------------------------------------------

CREATE VIEW referral_crm.routing_input WITH (security_invoker = true) AS
SELECT r.referral_id,
       -- When the referral names no specialty: the best label of its first
       -- note by the note classifier 'specialty' (notes room), once trained
       -- (referral_crm.train_specialty_classifier()).
       COALESCE(r.target_specialty,
                CASE WHEN referral_crm.note_classifier_exists('specialty')
                     THEN (SELECT c.label
                             FROM (SELECT n.body FROM referral_crm.referral_notes n
                                    WHERE n.referral_id = r.referral_id AND n.body IS NOT NULL
                                    ORDER BY n.authored_at, n.note_id LIMIT 1) fn,
                                  referral_crm.classify_note('specialty', fn.body) c
                            ORDER BY c.score DESC, c.label LIMIT 1)
                END) AS specialty,
       r.priority,
       py.payer_code AS payer,
       py.payer_class,
       pl.plan_code AS plan,
       r.in_network,
       date_part('year', age((COALESCE(r.received_at, r.authored_at)
                              AT TIME ZONE (SELECT referral_crm.calendar_zone()))::date, p.birth_date))::integer
         AS patient_age,
       left(p.zip, 5) AS patient_zip,
       p.preferred_language AS language,
       COALESCE(r.referring_npi, rc.npi) AS referring_npi,
       COALESCE(r.referring_organization_id, rc.organization_id) AS referring_org,
       r.target_location_id AS target_location,
       r.channel,
       -- the hour and weekday in the organisation's zone (calendar_zone())
       date_part('hour', COALESCE(r.received_at, r.authored_at)
                         AT TIME ZONE (SELECT referral_crm.calendar_zone()))::integer AS hour,
       date_part('isodow', COALESCE(r.received_at, r.authored_at)
                           AT TIME ZONE (SELECT referral_crm.calendar_zone()))::integer AS weekday,
       -- The predicted conversion score (scoring room, score_referrals()).
       sc.score AS conversion_score,
       zc.latitude AS patient_latitude,
       zc.longitude AS patient_longitude,
       lo.latitude AS location_latitude,
       lo.longitude AS location_longitude
  FROM referral_crm.referrals r
  JOIN referral_crm.patients p ON p.patient_id = r.patient_id
  LEFT JOIN referral_crm.payers py ON py.payer_id = r.payer_id
  LEFT JOIN referral_crm.payer_plans pl ON pl.plan_id = r.plan_id
  LEFT JOIN referral_crm.clinicians rc ON rc.clinician_id = r.referring_clinician_id
  LEFT JOIN referral_crm.locations lo ON lo.location_id = r.target_location_id
  LEFT JOIN referral_crm.zip_centroids zc ON zc.zip = left(p.zip, 5)
  LEFT JOIN referral_crm.referral_scores sc ON sc.referral_id = r.referral_id AND sc.purpose = 'conversion';
COMMENT ON VIEW referral_crm.routing_input IS
  'one row per referral with every attribute routing conditions can test; hour and weekday of receipt in the session time zone';

------------------------------------------------------------------------
-- Evaluation
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.routing_condition_matches(referral_crm.routing_condition, record)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'routing_condition_matches' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_matches(referral_crm.routing_condition, record) IS
  'the condition evaluated on a row shaped like routing_input: NULL when a missing attribute leaves it unknown';

CREATE FUNCTION referral_crm.routing_check(referral_crm.routing_condition, record,
                                           OUT matched boolean, OUT failed_clause text)
  AS 'MODULE_PATHNAME', 'routing_check' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_check(referral_crm.routing_condition, record) IS
  'whether the condition matches the row and, if not, the first clause that failed and any missing attribute';

-- routing_match(row) is planned as routing_match_attrs(column, ...) when
-- its argument is a table's row or a ROW(...) (a pulled-up view such as
-- routing_input), so that no composite is built and deformed per row.
CREATE FUNCTION referral_crm.routing_match_attrs(VARIADIC "any") RETURNS bigint
  AS 'MODULE_PATHNAME', 'routing_match_attrs' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION referral_crm.routing_match_attrs("any") IS
  'routing_match on the attributes passed one by one (the planner''s form of routing_match(row)); call routing_match instead';
CREATE FUNCTION referral_crm.routing_match_support(internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'routing_match_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_match_support(internal) IS
  'planner support for routing_match: passes the row''s columns instead of the composite';
CREATE FUNCTION referral_crm.routing_match(record) RETURNS bigint
  AS 'MODULE_PATHNAME', 'routing_match' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED
  SUPPORT referral_crm.routing_match_support;
COMMENT ON FUNCTION referral_crm.routing_match(record) IS
  'the id of the first active, valid rule matching a row shaped like routing_input (rules cached per backend, indexed on their anchors)';

CREATE FUNCTION referral_crm.routing_stats(OUT rules integer, OUT anchored_rules integer,
                                           OUT rows_routed bigint, OUT rows_matched bigint,
                                           OUT rules_tested bigint)
  AS 'MODULE_PATHNAME', 'routing_stats' LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION referral_crm.routing_stats() IS
  'the cached rule set (rules, rules with an index anchor) and this backend''s counters of routing_match';

------------------------------------------------------------------------
-- Assignment within a queue
------------------------------------------------------------------------

-- Is the person on duty at a time?  No hours recorded: always.
CREATE FUNCTION referral_crm.staff_on_duty(p_staff_id bigint, p_at timestamptz DEFAULT now())
  RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$
  SELECT NOT EXISTS (SELECT 1 FROM referral_crm.staff_hours h WHERE h.staff_id = p_staff_id)
      OR EXISTS (SELECT 1 FROM referral_crm.staff_hours h
                  WHERE h.staff_id = p_staff_id
                    AND h.weekday = date_part('isodow', p_at AT TIME ZONE h.time_zone)
                    AND (p_at AT TIME ZONE h.time_zone)::time >= h.starts
                    AND (p_at AT TIME ZONE h.time_zone)::time < h.ends)
$$;

-- Open items a person holds: open tasks and active referrals assigned.
CREATE FUNCTION referral_crm.staff_open_load(p_staff_id bigint) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$
  SELECT (SELECT count(*) FROM referral_crm.tasks t
           WHERE t.assignee_staff_id = p_staff_id AND t.status IN ('open', 'in-progress'))
       + (SELECT count(*) FROM referral_crm.referrals r
           WHERE r.assignee_staff_id = p_staff_id
             AND r.status IN ('draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'))
$$;

-- Choose a person in a queue (following fallback queues when nobody
-- there can take more work).  Serialised per queue by a row lock on
-- queue_routing, and per person by a row lock on staff, so concurrent
-- sessions never exceed a capacity (under READ COMMITTED).
CREATE FUNCTION referral_crm.assign_in_queue(p_queue_id bigint, p_strategy text DEFAULT 'queue',
                                             p_language text DEFAULT NULL,
                                             p_at timestamptz DEFAULT now(),
                                             OUT queue_id bigint, OUT staff_id bigint)
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  q        bigint := p_queue_id;
  hops     integer := 0;
  cfg      referral_crm.queue_routing;
  strat    text;
  cand     record;
  cap      integer;
  excluded bigint[] := '{}';
  lang     text := lower(p_language);
BEGIN
  queue_id := p_queue_id;
  staff_id := NULL;
  IF p_strategy IS NULL OR p_strategy NOT IN ('queue', 'none', 'round_robin', 'least_loaded', 'skills') THEN
    RAISE EXCEPTION 'unknown assignment strategy "%"', p_strategy
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use queue, none, round_robin, least_loaded or skills.';
  END IF;
  LOOP
    INSERT INTO referral_crm.queue_routing AS qr (queue_id) VALUES (q) ON CONFLICT DO NOTHING;
    SELECT * INTO cfg FROM referral_crm.queue_routing qr WHERE qr.queue_id = q FOR UPDATE;
    strat := CASE WHEN p_strategy = 'queue' THEN cfg.strategy ELSE p_strategy END;
    IF strat = 'none' THEN
      queue_id := q;
      RETURN;
    END IF;
    LOOP
      SELECT x.staff_id, x.cap INTO cand
        FROM (SELECT m.staff_id, COALESCE(c.max_open, cfg.default_capacity) AS cap,
                     referral_crm.staff_open_load(m.staff_id) AS load
                FROM referral_crm.queue_members m
                JOIN referral_crm.staff s ON s.staff_id = m.staff_id
                LEFT JOIN referral_crm.staff_capacity c ON c.staff_id = m.staff_id
               WHERE m.queue_id = q AND s.active
                 AND m.staff_id <> ALL (excluded)
                 AND referral_crm.staff_on_duty(m.staff_id, p_at)
                 AND (strat <> 'skills'
                      OR (s.skills @> cfg.required_skills
                          AND (lang IS NULL
                               OR lower(s.languages::text)::text[] && ARRAY[lang, split_part(lang, '-', 1)])))) x
       WHERE x.cap IS NULL OR x.load < x.cap
       ORDER BY CASE WHEN strat = 'round_robin'
                     THEN (x.staff_id <= COALESCE(cfg.last_staff_id, 0))::integer END,
                CASE WHEN strat = 'round_robin' THEN x.staff_id END,
                x.load,
                -- equal load: take turns, starting after the last person chosen
                (x.staff_id <= COALESCE(cfg.last_staff_id, 0))::integer, x.staff_id
       LIMIT 1;
      EXIT WHEN NOT FOUND;
      -- Lock the person, then count again: another queue may have given
      -- them work since (this statement sees what committed meanwhile).
      PERFORM 1 FROM referral_crm.staff s WHERE s.staff_id = cand.staff_id FOR NO KEY UPDATE;
      IF cand.cap IS NULL OR referral_crm.staff_open_load(cand.staff_id) < cand.cap THEN
        UPDATE referral_crm.queue_routing qr
           SET last_staff_id = cand.staff_id, last_assigned_at = p_at
         WHERE qr.queue_id = q;
        queue_id := q;
        staff_id := cand.staff_id;
        RETURN;
      END IF;
      excluded := excluded || cand.staff_id;
    END LOOP;
    -- Nobody here: overflow to the fallback queue, if any.
    SELECT qu.fallback_queue_id INTO q FROM referral_crm.queues qu WHERE qu.queue_id = q;
    hops := hops + 1;
    EXIT WHEN q IS NULL OR q = p_queue_id OR hops > 8;
    excluded := '{}';
  END LOOP;
  queue_id := p_queue_id;   -- no one can take it: stays unassigned in its queue
END
$$;
COMMENT ON FUNCTION referral_crm.assign_in_queue(bigint, text, text, timestamptz) IS
  'choose a person in a queue by strategy, capacity and working hours, overflowing to fallback queues; returns the queue used and the person (NULL: none)';

-- Assign an existing task within its queue (crm's generate_tasks calls it).
CREATE FUNCTION referral_crm.assign_task(task_id bigint) RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  t    referral_crm.tasks;
  lang text;
  a    record;
BEGIN
  SELECT * INTO t FROM referral_crm.tasks tk WHERE tk.task_id = assign_task.task_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'task % does not exist', assign_task.task_id
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF t.queue_id IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT p.preferred_language INTO lang
    FROM referral_crm.referrals r JOIN referral_crm.patients p ON p.patient_id = r.patient_id
   WHERE r.referral_id = t.referral_id;
  SELECT * INTO a FROM referral_crm.assign_in_queue(t.queue_id, 'queue', lang, now());
  UPDATE referral_crm.tasks tk
     SET assignee_staff_id = a.staff_id, queue_id = a.queue_id
   WHERE tk.task_id = t.task_id
     AND (tk.assignee_staff_id, tk.queue_id) IS DISTINCT FROM (a.staff_id, a.queue_id);
  INSERT INTO referral_crm.routing_decisions
         (referral_id, task_id, queue_id, requested_queue_id, assignee_staff_id, strategy, method)
  SELECT t.referral_id, t.task_id, a.queue_id, t.queue_id, a.staff_id,
         (SELECT qr.strategy FROM referral_crm.queue_routing qr WHERE qr.queue_id = t.queue_id),
         'assign_task';
  RETURN a.staff_id;
END
$$;
COMMENT ON FUNCTION referral_crm.assign_task(bigint) IS
  'assign an open task to a person of its queue by the queue''s strategy; returns the staff id or NULL';

------------------------------------------------------------------------
-- Routing
------------------------------------------------------------------------

-- Route a set of locked referrals: match, record, set queues, then assign
-- those whose strategy pushes work to a person, one by one.
-- JIT off: compiling the large statement below costs more (about a second)
-- than it saves even on a million referrals, most of whose cost is writes.
CREATE FUNCTION referral_crm.route_ids(p_ids bigint[], p_method text) RETURNS bigint
  LANGUAGE plpgsql VOLATILE SET jit = off AS
$$
DECLARE
  dq       text := NULLIF(pg_catalog.current_setting('referral_crm.default_queue', true), '');
  dq_id    bigint;
  n        bigint;
  a        record;
  p_ref    bigint[];
  p_rule   bigint[];
  p_name   text[];
  p_queue  bigint[];
  p_strat  text[];
  p_lang   text[];
BEGIN
  IF dq IS NOT NULL THEN
    SELECT q.queue_id INTO dq_id FROM referral_crm.queues q WHERE q.code = dq;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'default queue "%" does not exist', dq
        USING ERRCODE = 'undefined_object',
              HINT = 'Set referral_crm.default_queue to the code of a queue, or to an empty string.';
    END IF;
  END IF;
  WITH m AS (
    SELECT ri.referral_id, referral_crm.routing_match(ri) AS rule_id, ri.language
      FROM referral_crm.routing_input ri
      JOIN unnest(p_ids) AS u(id) ON u.id = ri.referral_id
  ), r AS (
    SELECT m.referral_id, m.rule_id, rr.name, m.language,
           COALESCE(q.queue_id, dq_id) AS queue_id,
           COALESCE(rr.strategy, 'queue') AS strategy,
           COALESCE(q.queue_id, dq_id) IS NOT NULL
             AND CASE WHEN COALESCE(rr.strategy, 'queue') = 'queue'
                      THEN COALESCE(qr.strategy, 'least_loaded')
                      ELSE rr.strategy END <> 'none' AS push
      FROM m
      LEFT JOIN referral_crm.routing_rules rr ON rr.rule_id = m.rule_id
      LEFT JOIN referral_crm.queues q ON q.code = rr.queue
      LEFT JOIN referral_crm.queue_routing qr ON qr.queue_id = COALESCE(q.queue_id, dq_id)
  ), upd AS (
    UPDATE referral_crm.referrals x SET queue_id = r.queue_id
      FROM r
     WHERE x.referral_id = r.referral_id AND NOT r.push AND r.queue_id IS NOT NULL
       AND x.queue_id IS DISTINCT FROM r.queue_id
  ), ins AS (
    INSERT INTO referral_crm.routing_decisions
           (referral_id, rule_id, rule_name, queue_id, requested_queue_id, strategy, method)
    SELECT r.referral_id, r.rule_id, r.name, r.queue_id, r.queue_id, r.strategy, p_method
      FROM r
     WHERE NOT r.push
     ORDER BY r.referral_id
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM ins),
         array_agg(r.referral_id ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.rule_id ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.name ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.queue_id ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.strategy ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.language ORDER BY r.referral_id) FILTER (WHERE r.push)
    INTO n, p_ref, p_rule, p_name, p_queue, p_strat, p_lang
    FROM r;

  -- Assign one by one, so that each choice sees the previous ones.
  FOR i IN 1 .. COALESCE(array_length(p_ref, 1), 0) LOOP
    SELECT * INTO a FROM referral_crm.assign_in_queue(p_queue[i], p_strat[i], p_lang[i], now());
    UPDATE referral_crm.referrals x
       SET queue_id = a.queue_id, assignee_staff_id = a.staff_id
     WHERE x.referral_id = p_ref[i]
       AND (x.queue_id, x.assignee_staff_id) IS DISTINCT FROM (a.queue_id, a.staff_id);
    INSERT INTO referral_crm.routing_decisions
           (referral_id, rule_id, rule_name, queue_id, requested_queue_id, assignee_staff_id, strategy, method)
    VALUES (p_ref[i], p_rule[i], p_name[i], a.queue_id, p_queue[i], a.staff_id, p_strat[i], p_method);
    n := n + 1;
  END LOOP;
  RETURN n;
END
$$;

COMMENT ON FUNCTION referral_crm.route_ids(bigint[], text) IS
  'route the given (locked) referrals: used by route_pending and the insert trigger';

-- Route one referral now (again, if it was routed before).  The same
-- steps as route_ids, with statements simple enough to keep cached plans.
CREATE FUNCTION referral_crm.route(referral_id bigint)
  RETURNS TABLE (rule_id bigint, queue text, assignee bigint)
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  dq       text := NULLIF(pg_catalog.current_setting('referral_crm.default_queue', true), '');
  v_rule   bigint;
  v_lang   text;
  v_name   text;
  v_queue  bigint;
  v_strat  text := 'queue';
  v_push   boolean;
  a_queue  bigint;
  a_staff  bigint;
BEGIN
  PERFORM 1 FROM referral_crm.referrals r WHERE r.referral_id = route.referral_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'referral % does not exist', route.referral_id
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT referral_crm.routing_match(ri), ri.language INTO v_rule, v_lang
    FROM referral_crm.routing_input ri WHERE ri.referral_id = route.referral_id;
  IF v_rule IS NOT NULL THEN
    SELECT rr.name, q.queue_id, rr.strategy INTO v_name, v_queue, v_strat
      FROM referral_crm.routing_rules rr JOIN referral_crm.queues q ON q.code = rr.queue
     WHERE rr.rule_id = v_rule;
  ELSIF dq IS NOT NULL THEN
    SELECT q.queue_id INTO v_queue FROM referral_crm.queues q WHERE q.code = dq;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'default queue "%" does not exist', dq
        USING ERRCODE = 'undefined_object',
              HINT = 'Set referral_crm.default_queue to the code of a queue, or to an empty string.';
    END IF;
  END IF;
  a_queue := v_queue;
  IF v_queue IS NOT NULL THEN
    v_push := CASE WHEN v_strat = 'queue'
                   THEN COALESCE((SELECT qr.strategy FROM referral_crm.queue_routing qr WHERE qr.queue_id = v_queue),
                                 'least_loaded')
                   ELSE v_strat END <> 'none';
    IF v_push THEN
      SELECT x.queue_id, x.staff_id INTO a_queue, a_staff
        FROM referral_crm.assign_in_queue(v_queue, v_strat, v_lang, now()) x;
    END IF;
    UPDATE referral_crm.referrals x
       SET queue_id = a_queue, assignee_staff_id = a_staff
     WHERE x.referral_id = route.referral_id
       AND (x.queue_id, x.assignee_staff_id) IS DISTINCT FROM (a_queue, a_staff);
  END IF;
  INSERT INTO referral_crm.routing_decisions
         (referral_id, rule_id, rule_name, queue_id, requested_queue_id, assignee_staff_id, strategy, method)
  VALUES (route.referral_id, v_rule, v_name, a_queue, v_queue, a_staff, v_strat, 'route');
  RETURN QUERY SELECT v_rule, (SELECT q.code FROM referral_crm.queues q WHERE q.queue_id = a_queue), a_staff;
END
$$;
COMMENT ON FUNCTION referral_crm.route(bigint) IS
  'route one referral by the first matching rule (or referral_crm.default_queue), assign it, record the decision';

-- Route every referral not routed yet, in one set-based pass.  Two
-- sessions may run it at once: each takes the rows the other has not
-- locked, and a row routed meanwhile is skipped.
CREATE FUNCTION referral_crm.route_pending() RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  ids bigint[];
BEGIN
  WITH locked AS (
    SELECT r.referral_id FROM referral_crm.referrals r
     WHERE r.queue_id IS NULL
       AND r.status IN ('draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold')
     ORDER BY r.referral_id
       FOR UPDATE SKIP LOCKED
  )
  SELECT array_agg(referral_id) INTO ids FROM locked;
  IF ids IS NULL THEN
    RETURN 0;
  END IF;
  -- A new statement, so a fresh snapshot: drop rows routed by a session
  -- that committed after our first look.
  SELECT array_agg(u.id) INTO ids
    FROM unnest(ids) AS u(id)
   WHERE NOT EXISTS (SELECT 1 FROM referral_crm.routing_decisions d
                      WHERE d.referral_id = u.id AND d.task_id IS NULL)
     AND EXISTS (SELECT 1 FROM referral_crm.referrals r WHERE r.referral_id = u.id AND r.queue_id IS NULL);
  IF ids IS NULL THEN
    RETURN 0;
  END IF;
  RETURN referral_crm.route_ids(ids, 'route_pending');
END
$$;
COMMENT ON FUNCTION referral_crm.route_pending() IS
  'route every active referral that has no queue and no routing decision yet; returns how many were routed';

-- Optional: route each new referral as it arrives, when
-- crm_config.route_on_insert is on (off by default).  The trigger stays
-- enabled and the switch is a column of a dumped table, so pg_dump keeps
-- it (the enabled state of an extension's trigger is not dumped).
CREATE FUNCTION referral_crm.route_on_insert() RETURNS trigger
  LANGUAGE plpgsql AS
$$
DECLARE
  ids bigint[];
BEGIN
  IF NOT coalesce((SELECT c.route_on_insert FROM referral_crm.crm_config c), false) THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(n.referral_id ORDER BY n.referral_id) INTO ids
    FROM new_referrals n
   WHERE n.queue_id IS NULL
     AND n.status IN ('draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold');
  IF ids IS NOT NULL THEN
    PERFORM referral_crm.route_ids(ids, 'trigger');
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER referrals_route_on_insert
  AFTER INSERT ON referral_crm.referrals
  REFERENCING NEW TABLE AS new_referrals
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.route_on_insert();
COMMENT ON FUNCTION referral_crm.route_on_insert() IS
  'statement trigger routing new referrals when crm_config.route_on_insert is on';
COMMENT ON FUNCTION referral_crm.staff_on_duty(bigint, timestamptz) IS
  'whether a person is within their working hours at a time (always, without staff_hours rows)';
COMMENT ON FUNCTION referral_crm.staff_open_load(bigint) IS
  'open tasks and active referrals assigned to a person';

-- Every rule considered for a referral, in order, up to the one that matched.
CREATE FUNCTION referral_crm.explain_route(referral_id bigint)
  RETURNS TABLE (rule_id bigint, rule_name text, matched boolean, failed_clause text)
  LANGUAGE plpgsql STABLE AS
$$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM referral_crm.referrals r WHERE r.referral_id = explain_route.referral_id) THEN
    RAISE EXCEPTION 'referral % does not exist', explain_route.referral_id
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  WITH ri AS (
    SELECT * FROM referral_crm.routing_input i WHERE i.referral_id = explain_route.referral_id
  ), chk AS (
    SELECT rr.rule_id, rr.name, rr.priority_order,
           CASE WHEN NOT rr.active OR rr.valid_from > now() OR rr.valid_to <= now() THEN false
                ELSE c.matched END AS matched,
           CASE WHEN NOT rr.active THEN 'rule is inactive'
                WHEN rr.valid_from > now() THEN 'rule is valid from ' || rr.valid_from
                WHEN rr.valid_to <= now() THEN 'rule expired at ' || rr.valid_to
                ELSE c.failed_clause END AS failed_clause
      FROM referral_crm.routing_rules rr
      CROSS JOIN ri
      CROSS JOIN LATERAL referral_crm.routing_check(rr.condition, ri) c
  ), ord AS (
    SELECT chk.*, count(*) FILTER (WHERE chk.matched)
             OVER (ORDER BY chk.priority_order, chk.rule_id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
      FROM chk
  )
  SELECT ord.rule_id, ord.name, ord.matched, ord.failed_clause
    FROM ord
   WHERE ord.before = 0
   ORDER BY ord.priority_order, ord.rule_id;
END
$$;
COMMENT ON FUNCTION referral_crm.explain_route(bigint) IS
  'every rule considered for a referral in order, whether it matched, and the first clause that failed (with missing attributes)';

------------------------------------------------------------------------
-- Lint
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.routing_lint()
  RETURNS TABLE (rule_id bigint, rule_name text, problem text, other_rule_id bigint, detail text)
  LANGUAGE sql STABLE AS
$$
  WITH r AS (
    SELECT rr.*, row_number() OVER (ORDER BY rr.priority_order, rr.rule_id) AS pos,
           referral_crm.routing_condition_satisfiable(rr.condition) AS sat,
           referral_crm.routing_condition_satisfiable(rr.condition)
             AND (rr.valid_to IS NULL OR rr.valid_to > now()) AS live
      FROM referral_crm.routing_rules rr
     WHERE rr.active
  ), never AS (
    SELECT r.rule_id, r.name, 'never_matches'::text AS problem, NULL::bigint AS other,
           CASE WHEN NOT r.sat THEN 'no referral can satisfy the condition'
                ELSE 'the rule expired at ' || r.valid_to END AS detail, r.pos
      FROM r
     WHERE NOT r.sat OR r.valid_to <= now()
  ), shadowed AS (
    SELECT DISTINCT ON (b.rule_id) b.rule_id, b.name, 'shadowed'::text AS problem, a.rule_id AS other,
           format('every referral it matches is taken first by rule "%s" (queue %s)', a.name, a.queue) AS detail,
           b.pos
      FROM r b
      JOIN r a ON a.pos < b.pos
     WHERE b.live AND a.live
       AND (a.valid_from IS NULL OR a.valid_from <= b.valid_from)
       AND (a.valid_to IS NULL OR a.valid_to >= b.valid_to)
       AND referral_crm.routing_condition_implies(b.condition, a.condition)
     ORDER BY b.rule_id, a.pos
  ), overlap AS (
    SELECT b.rule_id, b.name, 'overlaps'::text AS problem, a.rule_id AS other,
           format('a referral can match both; rule "%s" wins and sends it to queue %s, not %s',
                  a.name, a.queue, b.queue) AS detail,
           b.pos
      FROM r b
      JOIN r a ON a.pos < b.pos AND a.queue <> b.queue
     WHERE b.live AND a.live
       AND NOT EXISTS (SELECT 1 FROM shadowed s WHERE s.rule_id = b.rule_id)
       AND referral_crm.routing_condition_overlaps(a.condition, b.condition)
  ), unknown_specialty AS (
    SELECT r.rule_id, r.name, 'unknown_specialty'::text, NULL::bigint,
           format('specialty %L is not in referral_crm.specialties', v.value), r.pos
      FROM r
      CROSS JOIN LATERAL unnest(referral_crm.routing_condition_values(r.condition, 'specialty')) AS v(value)
     WHERE NOT EXISTS (SELECT 1 FROM referral_crm.specialties s WHERE s.specialty = v.value)
  ), unknown_payer AS (
    SELECT r.rule_id, r.name, 'unknown_payer'::text, NULL::bigint,
           format('payer %L is not in referral_crm.payers', v.value), r.pos
      FROM r
      CROSS JOIN LATERAL unnest(referral_crm.routing_condition_values(r.condition, 'payer')) AS v(value)
     WHERE NOT EXISTS (SELECT 1 FROM referral_crm.payers p WHERE p.payer_code = v.value)
  ), queue_problems AS (
    SELECT r.rule_id, r.name,
           CASE WHEN NOT q.active THEN 'inactive_queue' ELSE 'empty_queue' END,
           NULL::bigint,
           CASE WHEN NOT q.active THEN format('queue %s is inactive', q.code)
                ELSE format('queue %s has no active members to assign to', q.code) END,
           r.pos
      FROM r
      JOIN referral_crm.queues q ON q.code = r.queue
      LEFT JOIN referral_crm.queue_routing qr ON qr.queue_id = q.queue_id
     WHERE NOT q.active
        OR (CASE WHEN r.strategy = 'queue' THEN COALESCE(qr.strategy, 'least_loaded') ELSE r.strategy END <> 'none'
            AND NOT EXISTS (SELECT 1 FROM referral_crm.queue_members m
                              JOIN referral_crm.staff s ON s.staff_id = m.staff_id
                             WHERE m.queue_id = q.queue_id AND s.active))
  )
  SELECT x.rule_id, x.name, x.problem, x.other, x.detail
    FROM (SELECT * FROM never
          UNION ALL SELECT * FROM shadowed
          UNION ALL SELECT * FROM overlap
          UNION ALL SELECT * FROM unknown_specialty
          UNION ALL SELECT * FROM unknown_payer
          UNION ALL SELECT * FROM queue_problems) AS x (rule_id, name, problem, other, detail, pos)
   ORDER BY x.pos, x.problem, x.other
$$;
COMMENT ON FUNCTION referral_crm.routing_lint() IS
  'problems of the active rules: never_matches, shadowed, overlaps (different queues), unknown_specialty, unknown_payer, inactive_queue, empty_queue';
