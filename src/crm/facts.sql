\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/crm/facts.sql
-- referral_facts: one row per referral with what the analytics need
-- (referrer, targets, payer class, visits, no-shows, claims in and out of
-- network), kept by refresh_referral_facts(), incrementally from the
-- updated_at of referrals, appointments and claims and from
-- referral_facts_queue (the referrals that an appointment or claim left,
-- by a move to another referral or a delete, deleted referrals, and those
-- whose referrer, target clinician or location, rendering clinician or
-- payer changed in a way the facts read).  The
-- analytics views read it so that they answer in well under a second on a
-- million referrals; the pipeline and work queue read the live tables.

CREATE TABLE referral_crm.referral_facts (
  referral_id               bigint PRIMARY KEY,
  authored_at               timestamptz NOT NULL,
  received_at               timestamptz NOT NULL,
  status                    text NOT NULL,
  stage                     text NOT NULL,
  priority                  text NOT NULL,
  channel                   text,
  counted                   boolean NOT NULL,
  referrer_key              text NOT NULL,
  referrer_label            text NOT NULL,
  referring_clinician_id    bigint,
  referring_organization_id bigint,
  target_specialty          text,
  target_clinician_id       bigint,
  target_organization_id    bigint,
  target_location_id        bigint,
  payer_class               text,
  sent_out_of_network       boolean NOT NULL,
  appointments              integer NOT NULL,
  visits                    integer NOT NULL,
  noshows                   integer NOT NULL,
  cancellations             integer NOT NULL,
  first_booked_at           timestamptz,
  first_visit_at            timestamptz,
  claims_in_network         integer NOT NULL,
  claims_out_of_network     integer NOT NULL,
  charges_in_network        numeric(14,2) NOT NULL,
  charges_out_of_network    numeric(14,2) NOT NULL,
  refreshed_at              timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.referral_facts IS
  'per-referral facts for analytics, maintained by refresh_referral_facts(); counted = not draft or entered-in-error';
CREATE INDEX referral_facts_authored_idx ON referral_crm.referral_facts (authored_at);
CREATE INDEX referral_facts_referrer_idx ON referral_crm.referral_facts (referrer_key, authored_at);

-- What an incremental refresh looks for: rows changed since the watermark
-- (BRIN: cheap to maintain on tables that mostly grow).
CREATE INDEX crm_referrals_updated_brin ON referral_crm.referrals USING brin (updated_at);
CREATE INDEX crm_appointments_updated_brin ON referral_crm.appointments USING brin (updated_at);
CREATE INDEX crm_claims_updated_brin ON referral_crm.claims USING brin (updated_at);

CREATE TABLE referral_crm.referral_facts_state (
  singleton      boolean PRIMARY KEY DEFAULT true CONSTRAINT referral_facts_state_one_row CHECK (singleton),
  refreshed_from timestamptz,
  refreshed_at   timestamptz,
  overlap        interval NOT NULL DEFAULT '1 hour'
                 CONSTRAINT referral_facts_state_overlap CHECK (overlap >= interval '0'),
  last_rows      bigint
);
COMMENT ON TABLE referral_crm.referral_facts_state IS
  'watermark of refresh_referral_facts(); rows changed after refreshed_from - overlap are recomputed';
COMMENT ON COLUMN referral_crm.referral_facts_state.overlap IS
  'how far before the watermark an incremental refresh looks again, to catch rows of transactions that were still running';
INSERT INTO referral_crm.referral_facts_state DEFAULT VALUES;

-- The referrals whose facts changed without a changed row of their own:
-- an appointment or claim moved to another referral or deleted (its old
-- referral), a referral deleted, a clinician, location or payer changed.  Written by statement triggers, read and
-- emptied by refresh_referral_facts(); rows of transactions still open
-- when a refresh runs stay for the next one.
CREATE TABLE referral_crm.referral_facts_queue (
  referral_id bigint NOT NULL,
  queued_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.referral_facts_queue IS
  'referrals to recompute at the next refresh_referral_facts(): those an appointment or claim was moved away from or deleted from, deleted referrals, and those whose clinicians, location or payer changed';

-- Statement trigger (AFTER UPDATE or DELETE, transition tables old_rows
-- and new_rows) on appointments, claims and referrals: queue the old
-- referral ids that the new rows no longer carry.  A referral id still
-- carried by an updated row is found by its updated_at.  With the owner's
-- rights (the queue is internal); it refuses other tables.
CREATE FUNCTION referral_crm.referral_facts_enqueue() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF TG_RELID NOT IN ('referral_crm.appointments'::regclass, 'referral_crm.claims'::regclass,
                      'referral_crm.referrals'::regclass) THEN
    RAISE EXCEPTION 'referral_facts_enqueue() fires only on referral_crm.appointments, claims and referrals, not on %',
                    TG_RELID::regclass
      USING ERRCODE = 'trigger_protocol_violated';
  END IF;
  IF TG_OP = 'DELETE' THEN
    INSERT INTO referral_crm.referral_facts_queue (referral_id)
    SELECT DISTINCT o.referral_id FROM old_rows o WHERE o.referral_id IS NOT NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO referral_crm.referral_facts_queue (referral_id)
    SELECT DISTINCT o.referral_id FROM old_rows o
     WHERE o.referral_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.referral_id = o.referral_id);
  ELSIF TG_OP = 'TRUNCATE' THEN
    -- No rows to name: the next refresh is a full one.
    UPDATE referral_crm.referral_facts_state SET refreshed_from = NULL;
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION referral_crm.referral_facts_enqueue() FROM PUBLIC;
COMMENT ON FUNCTION referral_crm.referral_facts_enqueue() IS
  'trigger: queue for refresh_referral_facts() the referrals that moved or deleted appointments and claims left, and deleted referrals';

CREATE TRIGGER appointments_facts_moved AFTER UPDATE ON referral_crm.appointments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_enqueue();
CREATE TRIGGER appointments_facts_deleted AFTER DELETE ON referral_crm.appointments
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_enqueue();
CREATE TRIGGER appointments_facts_truncated AFTER TRUNCATE ON referral_crm.appointments
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_enqueue();
CREATE TRIGGER claims_facts_moved AFTER UPDATE ON referral_crm.claims
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_enqueue();
CREATE TRIGGER claims_facts_deleted AFTER DELETE ON referral_crm.claims
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_enqueue();
CREATE TRIGGER claims_facts_truncated AFTER TRUNCATE ON referral_crm.claims
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_enqueue();
CREATE TRIGGER referrals_facts_deleted AFTER DELETE ON referral_crm.referrals
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_enqueue();
CREATE TRIGGER referrals_facts_truncated AFTER TRUNCATE ON referral_crm.referrals
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_enqueue();

-- Statement trigger (AFTER UPDATE, transition tables old_rows and
-- new_rows) on clinicians, locations and payers: queue the referrals whose
-- facts read a changed column (a referrer's name, NPI or organisation, a
-- clinician's network status, a location's organisation, a payer's class).
-- With the owner's rights; it refuses other tables.
CREATE FUNCTION referral_crm.referral_facts_directory_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  ids bigint[];
BEGIN
  IF TG_RELID = 'referral_crm.clinicians'::regclass THEN
    SELECT array_agg(n.clinician_id) INTO ids
      FROM old_rows o JOIN new_rows n USING (clinician_id)
     WHERE (o.given_name, o.family_name, o.npi, o.organization_id, o.in_network)
           IS DISTINCT FROM (n.given_name, n.family_name, n.npi, n.organization_id, n.in_network);
    IF ids IS NOT NULL THEN
      INSERT INTO referral_crm.referral_facts_queue (referral_id)
      SELECT r.referral_id FROM referral_crm.referrals r WHERE r.referring_clinician_id = ANY (ids)
      UNION SELECT r.referral_id FROM referral_crm.referrals r WHERE r.target_clinician_id = ANY (ids)
      UNION SELECT c.referral_id FROM referral_crm.claims c
             WHERE c.rendering_clinician_id = ANY (ids) AND c.referral_id IS NOT NULL;
    END IF;
  ELSIF TG_RELID = 'referral_crm.locations'::regclass THEN
    SELECT array_agg(n.location_id) INTO ids
      FROM old_rows o JOIN new_rows n USING (location_id)
     WHERE o.organization_id IS DISTINCT FROM n.organization_id;
    IF ids IS NOT NULL THEN
      INSERT INTO referral_crm.referral_facts_queue (referral_id)
      SELECT r.referral_id FROM referral_crm.referrals r WHERE r.target_location_id = ANY (ids);
    END IF;
  ELSIF TG_RELID = 'referral_crm.payers'::regclass THEN
    SELECT array_agg(n.payer_id) INTO ids
      FROM old_rows o JOIN new_rows n USING (payer_id)
     WHERE o.payer_class IS DISTINCT FROM n.payer_class;
    IF ids IS NOT NULL THEN
      INSERT INTO referral_crm.referral_facts_queue (referral_id)
      SELECT r.referral_id FROM referral_crm.referrals r WHERE r.payer_id = ANY (ids);
    END IF;
  ELSE
    RAISE EXCEPTION 'referral_facts_directory_changed() fires only on referral_crm.clinicians, locations and payers, not on %',
                    TG_RELID::regclass
      USING ERRCODE = 'trigger_protocol_violated';
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION referral_crm.referral_facts_directory_changed() FROM PUBLIC;
COMMENT ON FUNCTION referral_crm.referral_facts_directory_changed() IS
  'trigger: queue for refresh_referral_facts() the referrals whose facts read a changed clinician, location or payer column';

CREATE TRIGGER clinicians_facts_changed AFTER UPDATE ON referral_crm.clinicians
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_directory_changed();
CREATE TRIGGER locations_facts_changed AFTER UPDATE ON referral_crm.locations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_directory_changed();
CREATE TRIGGER payers_facts_changed AFTER UPDATE ON referral_crm.payers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_facts_directory_changed();

-- Recompute the facts of changed referrals (all of them with full_refresh
-- => true): those whose referral, appointments or claims changed since
-- the watermark, and those of referral_facts_queue (whose rows it takes;
-- a queued referral that no longer exists loses its facts).  The result
-- equals a full refresh.
CREATE FUNCTION referral_crm.refresh_referral_facts(full_refresh boolean DEFAULT false)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  since   timestamptz;
  started timestamptz := pg_catalog.statement_timestamp();
  n       bigint;
BEGIN
  -- One refresh at a time; readers are not blocked.
  PERFORM 1 FROM referral_crm.referral_facts_state FOR UPDATE;
  SELECT s.refreshed_from - s.overlap INTO since FROM referral_crm.referral_facts_state s;
  IF full_refresh OR since IS NULL THEN
    full_refresh := true;
  END IF;

  CREATE TEMP TABLE IF NOT EXISTS crm_changed (referral_id bigint PRIMARY KEY) ON COMMIT DROP;
  TRUNCATE crm_changed;
  IF full_refresh THEN
    DELETE FROM referral_crm.referral_facts_queue;
    INSERT INTO crm_changed SELECT r.referral_id FROM referral_crm.referrals r;
    DELETE FROM referral_crm.referral_facts;
  ELSE
    WITH queued AS (DELETE FROM referral_crm.referral_facts_queue q RETURNING q.referral_id)
    INSERT INTO crm_changed
    SELECT r.referral_id FROM referral_crm.referrals r WHERE r.updated_at >= since
    UNION SELECT a.referral_id FROM referral_crm.appointments a
           WHERE a.updated_at >= since AND a.referral_id IS NOT NULL
    UNION SELECT c.referral_id FROM referral_crm.claims c
           WHERE c.updated_at >= since AND c.referral_id IS NOT NULL
    UNION SELECT q.referral_id FROM queued q;
    DELETE FROM referral_crm.referral_facts f USING crm_changed c WHERE f.referral_id = c.referral_id;
  END IF;
  ANALYZE crm_changed;

  INSERT INTO referral_crm.referral_facts
  SELECT r.referral_id, r.authored_at, coalesce(r.received_at, r.authored_at), r.status, r.stage,
         r.priority, r.channel, r.status NOT IN ('draft', 'entered-in-error'),
         CASE WHEN r.referring_clinician_id IS NOT NULL THEN 'clinician:' || r.referring_clinician_id
              WHEN r.referring_npi IS NOT NULL THEN 'npi:' || r.referring_npi
              WHEN r.referring_name IS NOT NULL THEN 'name:' || lower(btrim(r.referring_name))
              ELSE 'unknown' END,
         CASE WHEN rc.clinician_id IS NOT NULL
              THEN concat_ws(' ', rc.given_name, rc.family_name) || coalesce(' (' || rc.npi || ')', '')
              WHEN r.referring_npi IS NOT NULL THEN 'NPI ' || r.referring_npi
              WHEN r.referring_name IS NOT NULL THEN btrim(r.referring_name)
              ELSE 'unknown referrer' END,
         r.referring_clinician_id, coalesce(r.referring_organization_id, rc.organization_id),
         r.target_specialty, r.target_clinician_id, coalesce(tc.organization_id, tl.organization_id),
         r.target_location_id, py.payer_class,
         coalesce(r.in_network = false OR tc.in_network = false, false),
         coalesce(a.appointments, 0), coalesce(a.visits, 0), coalesce(a.noshows, 0),
         coalesce(a.cancellations, 0), a.first_booked_at, a.first_visit_at,
         coalesce(cl.claims_in, 0), coalesce(cl.claims_oon, 0),
         coalesce(cl.charges_in, 0), coalesce(cl.charges_oon, 0), started
    FROM crm_changed ch
    JOIN referral_crm.referrals r ON r.referral_id = ch.referral_id
    LEFT JOIN referral_crm.clinicians rc ON rc.clinician_id = r.referring_clinician_id
    LEFT JOIN referral_crm.clinicians tc ON tc.clinician_id = r.target_clinician_id
    LEFT JOIN referral_crm.locations tl ON tl.location_id = r.target_location_id
    LEFT JOIN referral_crm.payers py ON py.payer_id = r.payer_id
    LEFT JOIN (SELECT ap.referral_id,
                      count(*) AS appointments,
                      count(*) FILTER (WHERE ap.status IN ('fulfilled', 'arrived', 'checked-in')) AS visits,
                      count(*) FILTER (WHERE ap.status = 'noshow') AS noshows,
                      count(*) FILTER (WHERE ap.status = 'cancelled') AS cancellations,
                      min(coalesce(ap.booked_at, ap.created_at)) AS first_booked_at,
                      min(ap.start_at) FILTER (WHERE ap.status IN ('fulfilled', 'arrived', 'checked-in')) AS first_visit_at
                 FROM referral_crm.appointments ap
                 JOIN crm_changed c2 ON c2.referral_id = ap.referral_id
                WHERE ap.status <> 'entered-in-error'
                GROUP BY ap.referral_id) a ON a.referral_id = r.referral_id
    LEFT JOIN (SELECT c.referral_id,
                      count(*) FILTER (WHERE NOT coalesce(rend.in_network = false, false)) AS claims_in,
                      count(*) FILTER (WHERE rend.in_network = false) AS claims_oon,
                      sum(c.total_charge) FILTER (WHERE NOT coalesce(rend.in_network = false, false)) AS charges_in,
                      sum(c.total_charge) FILTER (WHERE rend.in_network = false) AS charges_oon
                 FROM referral_crm.claims c
                 JOIN crm_changed c3 ON c3.referral_id = c.referral_id
                 LEFT JOIN referral_crm.clinicians rend ON rend.clinician_id = c.rendering_clinician_id
                WHERE c.frequency <> '8'
                GROUP BY c.referral_id) cl ON cl.referral_id = r.referral_id;
  GET DIAGNOSTICS n = ROW_COUNT;

  UPDATE referral_crm.referral_facts_state
     SET refreshed_from = started, refreshed_at = pg_catalog.clock_timestamp(), last_rows = n;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.refresh_referral_facts(boolean) IS
  'recompute referral_facts for referrals whose referral, appointments or claims changed since the last refresh or that referral_facts_queue names (all with full_refresh => true); returns the rows written';
