-- src/governance/audit.sql
-- The tamper-evident audit trail (schema referral_crm_audit), the role
-- tests used by row-level security, and the C functions of governance.
--
-- audit_log is written only by the C trigger referral_crm.audit_capture()
-- and by the audit functions; nobody holds INSERT, UPDATE or DELETE on it
-- and append-only triggers refuse changes.  Every entry links to its
-- predecessor in its chain by SHA-256 (see governance_fmgr.c), so that
-- audit_verify() finds entries changed, deleted or inserted, even by a
-- superuser who disabled the triggers.

\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit

CREATE SCHEMA referral_crm_audit;
COMMENT ON SCHEMA referral_crm_audit IS
  'referral_crm: the audit trail (append-only, hash-chained); readable by referral_crm_auditor and referral_crm_admin';
REVOKE ALL ON SCHEMA referral_crm_audit FROM PUBLIC;

-- Only the low byte of a value is used: chain ids are derived from the time.
CREATE SEQUENCE referral_crm_audit.audit_chain_seq CYCLE;

CREATE TABLE referral_crm_audit.audit_log (
  chain_id         bigint NOT NULL,
  seq              bigint NOT NULL,
  logged_at        timestamptz NOT NULL,
  xid              bigint NOT NULL,
  actor_session    text NOT NULL,
  actor_role       text NOT NULL,
  staff_id         bigint,
  application_name text,
  client_addr      text,
  table_name       text NOT NULL,
  operation        text NOT NULL,
  row_key          jsonb,
  old_values       jsonb,
  new_values       jsonb,
  details          jsonb,
  hash             bytea NOT NULL
);
-- No index: a key on (chain_id, seq) would cost 30 bytes and an index
-- insertion per entry, and even a BRIN index on logged_at reads two index
-- pages per entry written.  Chains are read whole and sorted by
-- audit_verify(); the head of every chain is kept in audit_chain_tips.
-- Entries lie in the heap in the order they were written.
COMMENT ON TABLE referral_crm_audit.audit_log IS
  'one entry per audited row change, read, disclosure, purge or key rotation; chain 0 holds the checkpoints of audit_head()';
COMMENT ON COLUMN referral_crm_audit.audit_log.chain_id IS
  'the chain of the writing backend (one per session); chain 0 is the checkpoint chain';
COMMENT ON COLUMN referral_crm_audit.audit_log.actor_session IS 'session_user: the login that connected';
COMMENT ON COLUMN referral_crm_audit.audit_log.actor_role IS 'current_user: the role whose privileges applied';
COMMENT ON COLUMN referral_crm_audit.audit_log.old_values IS
  'DELETE: the row; UPDATE: the changed columns before; sensitive columns as "sha256:<hex>"';
COMMENT ON COLUMN referral_crm_audit.audit_log.new_values IS
  'INSERT: the row (NULL columns left out); UPDATE: the changed columns after';
COMMENT ON COLUMN referral_crm_audit.audit_log.hash IS
  'SHA-256 of the previous entry''s hash and this entry''s columns';

-- The last entry of every chain, written by the writing backend in the same
-- transaction as its entries (one heap-only update per transaction).  Each
-- backend writes only its own chain's row: writers never wait for one
-- another here.  audit_head() seals these tips into a checkpoint.
CREATE TABLE referral_crm_audit.audit_chain_tips (
  chain_id bigint PRIMARY KEY,
  seq      bigint NOT NULL,
  hash     bytea NOT NULL
) WITH (fillfactor = 50);
COMMENT ON TABLE referral_crm_audit.audit_chain_tips IS
  'the last committed entry of each chain (sequence number and hash), kept by the audit writer; audit_verify() checks every tip';

CREATE TABLE referral_crm_audit.audit_chain_heads (
  chain_id bigint PRIMARY KEY,
  seq      bigint NOT NULL,
  hash     bytea NOT NULL
);
COMMENT ON TABLE referral_crm_audit.audit_chain_heads IS
  'the head of each chain as of the last checkpoint (a cache: audit_verify trusts only the checkpoints themselves)';

CREATE TABLE referral_crm_audit.audit_chain_floors (
  chain_id   bigint PRIMARY KEY,
  floor_seq  bigint NOT NULL,
  floor_hash bytea NOT NULL,
  purged_at  timestamptz NOT NULL
);
COMMENT ON TABLE referral_crm_audit.audit_chain_floors IS
  'where a chain starts after purge_audit() removed its oldest entries: the last purged seq and its hash';

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON referral_crm_audit.audit_log
  FOR EACH ROW EXECUTE FUNCTION referral_crm.append_only();
CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON referral_crm_audit.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.append_only();

SELECT pg_catalog.pg_extension_config_dump('referral_crm_audit.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm_audit.audit_chain_tips', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm_audit.audit_chain_heads', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm_audit.audit_chain_floors', '');

------------------------------------------------------------------------
-- Who is acting (used by the row-level security policies)
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.acting_as(role_name text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                  WHERE r.rolname = role_name AND pg_catalog.pg_has_role(r.oid, 'USAGE'));
COMMENT ON FUNCTION referral_crm.acting_as(text) IS
  'true if the current role has the privileges of the named role (false if that role does not exist)';

------------------------------------------------------------------------
-- C functions (src/governance/governance_fmgr.c)
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.audit_capture() RETURNS trigger
  AS 'MODULE_PATHNAME', 'audit_capture' LANGUAGE C;
COMMENT ON FUNCTION referral_crm.audit_capture() IS
  'AFTER ... FOR EACH STATEMENT audit trigger (transition tables); its arguments name the sensitive columns';

CREATE FUNCTION referral_crm.audit_read(tbl regclass, row_key jsonb, details jsonb DEFAULT NULL)
  RETURNS void AS 'MODULE_PATHNAME', 'audit_read' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.audit_read(regclass, jsonb, jsonb) IS
  'record that the current user viewed a row (read tracing)';

CREATE FUNCTION referral_crm.audit_event(operation text, object text, row_key jsonb, details jsonb)
  RETURNS void AS 'MODULE_PATHNAME', 'audit_event' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.audit_event(text, text, jsonb, jsonb) IS
  'internal: an audit entry for a governance action (DISCLOSE, PURGE, KEY_ROTATE, ...)';

CREATE FUNCTION referral_crm.audit_suppress_values(enable boolean)
  RETURNS void AS 'MODULE_PATHNAME', 'audit_suppress_values' LANGUAGE C VOLATILE STRICT;
CREATE FUNCTION referral_crm.staff_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'staff_changed' LANGUAGE C;
COMMENT ON FUNCTION referral_crm.staff_changed() IS
  'internal: statement trigger on referral_crm.staff; tells every backend to forget the staff ids it cached for the audit trail';

CREATE TRIGGER staff_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referral_crm.staff
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.staff_changed();

COMMENT ON FUNCTION referral_crm.audit_suppress_values(boolean) IS
  'internal: until the transaction ends, DELETE entries keep only the row key (used by purge_expired)';

CREATE FUNCTION referral_crm.audit_verify(
    OUT ok boolean, OUT entries bigint, OUT chains bigint, OUT checkpoints bigint,
    OUT broken_chain bigint, OUT broken_seq bigint, OUT problem text)
  RETURNS record AS 'MODULE_PATHNAME', 'audit_verify' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.audit_verify() IS
  'recompute every hash link and checkpoint claim of the audit trail; reports the first broken link';

CREATE FUNCTION referral_crm.audit_checkpoint(OUT checkpoint bigint, OUT sealed_at timestamptz, OUT digest text)
  RETURNS record AS 'MODULE_PATHNAME', 'audit_checkpoint' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.audit_checkpoint() IS
  'internal: seal the chain heads into a checkpoint (use audit_head())';

CREATE FUNCTION referral_crm.acting_user() RETURNS name
  AS 'MODULE_PATHNAME', 'acting_user' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.acting_user() IS
  'the role the session acts as (its login, or the role of SET ROLE), also inside SECURITY DEFINER functions';

CREATE FUNCTION referral_crm.pseudonym(value text, domain text) RETURNS text
  AS 'MODULE_PATHNAME', 'pseudonym' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION referral_crm.pseudonym(text, text) IS
  'HMAC-SHA256 token (32 hex digits) of a value in a domain, under the current key; admin only';

CREATE FUNCTION referral_crm.random_key() RETURNS bytea
  AS 'MODULE_PATHNAME', 'random_key' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.random_key() IS 'internal: 32 bytes from the strong random source';

-- The last digest, to be stored outside the database.
CREATE FUNCTION referral_crm.audit_head(OUT checkpoint bigint, OUT sealed_at timestamptz, OUT digest text)
  RETURNS record
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    SELECT c.checkpoint, c.sealed_at, c.digest FROM referral_crm.audit_checkpoint() c;
  END;
COMMENT ON FUNCTION referral_crm.audit_head() IS
  'seal the head of every audit chain into a new checkpoint and return its digest; keep the digest outside the database';

-- Verify, and check that a digest kept outside is one of our checkpoints.
CREATE FUNCTION referral_crm.audit_verify(digest text,
    OUT ok boolean, OUT entries bigint, OUT chains bigint, OUT checkpoints bigint,
    OUT broken_chain bigint, OUT broken_seq bigint, OUT problem text)
  RETURNS record
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  v record;
BEGIN
  IF digest IS NULL OR digest !~ '^[0-9a-f]{64}$' THEN
    RAISE EXCEPTION 'a digest is 64 lower-case hex digits'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass the digest column of a row that referral_crm.audit_head() returned.';
  END IF;
  SELECT * INTO v FROM referral_crm.audit_verify();
  ok := v.ok; entries := v.entries; chains := v.chains; checkpoints := v.checkpoints;
  broken_chain := v.broken_chain; broken_seq := v.broken_seq; problem := v.problem;
  IF ok AND NOT EXISTS (SELECT 1 FROM referral_crm_audit.audit_log l
                         WHERE l.chain_id = 0 AND l.operation = 'CHECKPOINT'
                           AND l.hash = decode(digest, 'hex')) THEN
    ok := false;
    broken_chain := 0;
    problem := 'the digest is not a checkpoint of this audit trail: the checkpoint chain was rewritten or cut';
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.audit_verify(text) IS
  'audit_verify(), and check that a digest returned earlier by audit_head() is still in the checkpoint chain';

-- Readable form of the trail, with the link as hex.
CREATE VIEW referral_crm_audit.audit_trail WITH (security_invoker = true) AS
  SELECT l.logged_at, l.chain_id, l.seq, l.xid, l.actor_session, l.actor_role, l.staff_id,
         l.application_name, l.client_addr, l.table_name, l.operation, l.row_key,
         l.old_values, l.new_values, l.details, encode(l.hash, 'hex') AS hash
    FROM referral_crm_audit.audit_log l;
COMMENT ON VIEW referral_crm_audit.audit_trail IS 'the audit log with the hash in hex';

ALTER TABLE referral_crm_audit.audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE referral_crm_audit.audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY governance_audit_read ON referral_crm_audit.audit_log FOR SELECT
  USING ((SELECT referral_crm.acting_as('referral_crm_auditor')) OR (SELECT referral_crm.acting_as('referral_crm_admin')));
