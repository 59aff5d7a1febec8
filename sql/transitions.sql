-- Referral status and stage transitions: every pair, legal and illegal,
-- attempted through UPDATE on a real row; reasons; the event history.
\set VERBOSITY default
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET client_min_messages = warning;

INSERT INTO referral_crm.patients (given_name, family_name, source_system, source_id)
VALUES ('Test', 'Transitions', 'tr', 'P1');

-- Try every (from, to) pair of one dimension.  Each attempt starts from a
-- fresh referral inserted directly in the "from" state (inserts may start
-- anywhere: late feeds) and runs in its own subtransaction.
CREATE TEMP TABLE attempts (dimension text, from_code text, to_code text, outcome text);

CREATE FUNCTION pg_temp.try_all(dim text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  f record; t record; rid bigint; n int := 0;
  k text := 'referral_' || dim;
BEGIN
  FOR f IN SELECT c.code FROM referral_crm.code_values() c WHERE c.kind = k LOOP
    FOR t IN SELECT c.code FROM referral_crm.code_values() c WHERE c.kind = k LOOP
      CONTINUE WHEN f.code = t.code;
      n := n + 1;
      BEGIN
        IF dim = 'status' THEN
          INSERT INTO referral_crm.referrals (patient_id, authored_at, status, status_reason, source_system, source_id)
          SELECT patient_id, '2026-01-01', f.code, 'initial', 'tr', dim || n FROM referral_crm.patients WHERE source_system = 'tr'
          RETURNING referral_id INTO rid;
          UPDATE referral_crm.referrals SET status = t.code, status_reason = 'moved' WHERE referral_id = rid;
        ELSE
          INSERT INTO referral_crm.referrals (patient_id, authored_at, stage, stage_reason, source_system, source_id)
          SELECT patient_id, '2026-01-01', f.code, 'initial', 'tr', dim || n FROM referral_crm.patients WHERE source_system = 'tr'
          RETURNING referral_id INTO rid;
          UPDATE referral_crm.referrals SET stage = t.code, stage_reason = 'moved' WHERE referral_id = rid;
        END IF;
        INSERT INTO attempts VALUES (dim, f.code, t.code, 'ok');
      EXCEPTION WHEN check_violation THEN
        INSERT INTO attempts VALUES (dim, f.code, t.code, 'refused');
      END;
    END LOOP;
  END LOOP;
END $$;

SELECT pg_temp.try_all('status');
SELECT pg_temp.try_all('stage');

-- The matrix as observed: for each state, where it could go.
SELECT dimension, from_code,
       string_agg(to_code, ', ' ORDER BY to_code) FILTER (WHERE outcome = 'ok') AS allowed,
       count(*) FILTER (WHERE outcome = 'refused') AS refused
  FROM attempts
 GROUP BY dimension, from_code
 ORDER BY dimension DESC, referral_crm.code_rank('referral_' || dimension, from_code);

SELECT dimension, count(*) FILTER (WHERE outcome = 'ok') AS legal,
       count(*) FILTER (WHERE outcome = 'refused') AS illegal
  FROM attempts GROUP BY dimension ORDER BY dimension DESC;

-- What was observed is exactly what the published matrix says.
SELECT count(*) AS disagreements
  FROM attempts a
 WHERE (a.outcome = 'ok') <> referral_crm.transition_allowed('referral_' || a.dimension, a.from_code, a.to_code);
SELECT count(*) AS matrix_rows FROM referral_crm.status_transitions;

-- The errors themselves.
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
SELECT patient_id, '2026-02-01 10:00+00', 'tr', 'E1' FROM referral_crm.patients WHERE source_system = 'tr';
UPDATE referral_crm.referrals SET status = 'completed' WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET status = 'rejected' WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET status = 'rejected', status_reason = '   ' WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET stage = 'closed-lost' WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET stage = 'bogus' WHERE source_id = 'E1';
\set VERBOSITY terse
UPDATE referral_crm.referrals SET status = NULL WHERE source_id = 'E1';
\set VERBOSITY default
INSERT INTO referral_crm.referrals (patient_id, authored_at, status, source_system, source_id)
SELECT patient_id, '2026-02-01', 'cancelled', 'tr', 'E2' FROM referral_crm.patients WHERE source_system = 'tr';

-- A legal walk, with reasons; a stale reason is cleared on the next move.
UPDATE referral_crm.referrals SET status = 'received' WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET status = 'on-hold', status_reason = 'awaiting prior authorization' WHERE source_id = 'E1';
-- While on hold, the reason may change but not go away.
UPDATE referral_crm.referrals SET status_reason = NULL WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET status_reason = '  ' WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET status_reason = 'awaiting prior authorization (payer called)' WHERE source_id = 'E1';
SELECT status, status_reason FROM referral_crm.referrals WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET status = 'accepted' WHERE source_id = 'E1';
SELECT status, status_reason FROM referral_crm.referrals WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET status = 'completed', stage = 'visit-completed' WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET priority = 'urgent' WHERE source_id = 'E1';  -- no event
UPDATE referral_crm.referrals SET status = 'entered-in-error', status_reason = 'duplicate of REF-9' WHERE source_id = 'E1';
UPDATE referral_crm.referrals SET status = 'completed', status_reason = 'undo' WHERE source_id = 'E1';

SELECT e.dimension, e.from_value, e.to_value, e.reason, e.actor = current_user AS by_me,
       e.session_actor = session_user AS session_ok
  FROM referral_crm.referral_events e JOIN referral_crm.referrals r USING (referral_id)
 WHERE r.source_id = 'E1'
 ORDER BY e.event_id;

-- A multi-row update records one event per changed row and dimension.
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
SELECT p.patient_id, '2026-03-01', 'tr', 'M' || g
  FROM referral_crm.patients p, generate_series(1, 3) g WHERE p.source_system = 'tr';
UPDATE referral_crm.referrals SET stage = 'contacted', status = 'accepted'
 WHERE source_system = 'tr' AND source_id LIKE 'M_';
SELECT r.source_id, e.dimension, e.from_value, e.to_value
  FROM referral_crm.referral_events e JOIN referral_crm.referrals r USING (referral_id)
 WHERE r.source_id LIKE 'M_'
 ORDER BY r.source_id, e.dimension;

-- The history is append-only for every role, the owner included.
UPDATE referral_crm.referral_events SET reason = 'rewritten';
DELETE FROM referral_crm.referral_events;
TRUNCATE referral_crm.referral_events;
-- A referral with history cannot be deleted: mark it entered-in-error.
DELETE FROM referral_crm.referrals WHERE source_id = 'E1';
-- The id of a referral cannot change: SET referral_id = DEFAULT (the one
-- UPDATE an identity column allows) would move a status change away from
-- the history, which joins old and new rows by id.
-- (the identity sequence is put back afterwards: later files print ids)
SELECT last_value AS referral_seq FROM referral_crm.referrals_referral_id_seq \gset
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
SELECT p.patient_id, '2026-03-01', 'tr', 'ID1' FROM referral_crm.patients p WHERE p.source_system = 'tr';
UPDATE referral_crm.referrals SET referral_id = DEFAULT, status = 'cancelled', status_reason = 'duplicate'
 WHERE source_id = 'ID1';
SELECT r.status, count(e.event_id) AS events
  FROM referral_crm.referrals r LEFT JOIN referral_crm.referral_events e USING (referral_id)
 WHERE r.source_id = 'ID1' GROUP BY r.status;
DELETE FROM referral_crm.referrals WHERE source_id = 'ID1';
SELECT setval('referral_crm.referrals_referral_id_seq', :referral_seq) > 0 AS sequence_restored;
