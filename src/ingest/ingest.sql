-- src/ingest/ingest.sql
-- Staging views, code mapping and the ingest(feed) functions.  Everything
-- is set-based: each staged row is parsed and validated in one pass, gets
-- at most one reject reason, and valid rows are merged with INSERT ... ON
-- CONFLICT DO UPDATE ... WHERE IS DISTINCT FROM, so that a repeated load
-- changes nothing.

CREATE FUNCTION referral_crm.stage_row() RETURNS trigger
  AS 'MODULE_PATHNAME', 'stage_row' LANGUAGE C;

CREATE FUNCTION referral_crm.stage_csv(feed text, csv text,
                                       OUT load_id bigint, OUT staged bigint, OUT malformed bigint)
  RETURNS record
  AS 'MODULE_PATHNAME', 'stage_csv' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION referral_crm.stage_csv(text, text) IS
  'stage a whole CSV file (header first); records with a wrong number of fields or broken quoting are staged too, and ingest() rejects them';

CREATE FUNCTION referral_crm.parse_timestamptz(value text) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'parse_timestamptz' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.parse_timestamptz(text) IS
  'ISO 8601, MM/DD/YYYY or CCYYMMDD date-time (offset optional; else the session time zone), or NULL if invalid';

CREATE FUNCTION referral_crm.parse_date(value text) RETURNS date
  AS 'MODULE_PATHNAME', 'parse_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.parse_date(text) IS
  'YYYY-MM-DD, MM/DD/YYYY or CCYYMMDD date, or NULL if invalid';

-- Canonical code for a value as feeds write it: any case, FHIR and HL7 v2
-- synonyms, X12 SBR09 payer classes.  NULL for blank input, and also NULL
-- when the value cannot be mapped (the caller rejects the row).
CREATE FUNCTION referral_crm.map_code(kind text, value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (
    WITH v (x) AS (SELECT lower(btrim(value)))
    SELECT CASE
      WHEN x IS NULL OR x = '' THEN NULL
      WHEN referral_crm.is_valid_code(kind, x) THEN x
      WHEN kind = 'priority' THEN
        CASE x WHEN 's' THEN 'stat' WHEN 'a' THEN 'asap' WHEN 'r' THEN 'routine'
               WHEN 'u' THEN 'urgent' WHEN 'emergent' THEN 'stat' END
      WHEN kind = 'referral_status' THEN
        -- FHIR ServiceRequest.status, then HL7 v2 table 0283 (RF1-1).
        CASE x WHEN 'active' THEN 'requested' WHEN 'revoked' THEN 'cancelled'
               WHEN 'unknown' THEN NULL
               WHEN 'a' THEN 'accepted' WHEN 'p' THEN 'requested' WHEN 'r' THEN 'rejected'
               WHEN 'e' THEN 'cancelled' END
      WHEN kind = 'appointment_status' THEN
        CASE x WHEN 'no-show' THEN 'noshow' WHEN 'no show' THEN 'noshow' WHEN 'canceled' THEN 'cancelled'
               WHEN 'checked in' THEN 'checked-in' WHEN 'completed' THEN 'fulfilled' END
      WHEN kind = 'sex' THEN
        CASE x WHEN 'm' THEN 'male' WHEN 'f' THEN 'female' WHEN 'u' THEN 'unknown' WHEN 'o' THEN 'other' END
      WHEN kind = 'payer_class' THEN
        -- X12 SBR09 claim filing indicator codes.
        CASE x WHEN 'mb' THEN 'medicare' WHEN 'ma' THEN 'medicare' WHEN '16' THEN 'medicare-advantage'
               WHEN 'mc' THEN 'medicaid' WHEN 'ci' THEN 'commercial' WHEN 'bl' THEN 'commercial'
               WHEN 'hm' THEN 'commercial' WHEN '12' THEN 'commercial' WHEN '13' THEN 'commercial'
               WHEN '14' THEN 'commercial' WHEN 'ch' THEN 'tricare' WHEN 'va' THEN 'va'
               WHEN 'wc' THEN 'workers-comp' WHEN '09' THEN 'self-pay' WHEN 'zz' THEN 'other'
               WHEN 'ot' THEN 'other' END
      WHEN kind = 'referral_channel' THEN
        CASE x WHEN 'e-referral' THEN 'ehr' WHEN 'efax' THEN 'fax' WHEN 'telephone' THEN 'phone'
               WHEN 'mail' THEN 'paper' END
      WHEN kind = 'us_state' THEN CASE WHEN referral_crm.is_valid_code(kind, upper(x)) THEN upper(x) END
      ELSE NULL
    END
    FROM v);
COMMENT ON FUNCTION referral_crm.map_code(text, text) IS
  'canonical code of a feed value (any case, FHIR, HL7 v2 RF1 and X12 SBR09 synonyms), or NULL';

-- One staging view per feed, with exactly the feed's text columns.  COPY
-- into it (FORMAT csv, HEADER) goes through the INSTEAD OF trigger into
-- staged_rows, numbering the rows of each COPY; SELECT shows what is
-- staged and not yet ingested.
DO $$
DECLARE
  f record;
BEGIN
  FOR f IN SELECT feed, columns FROM referral_crm.ingest_feeds ORDER BY feed LOOP
    EXECUTE format(
      'CREATE VIEW referral_crm.%I AS SELECT %s FROM referral_crm.staged_rows s WHERE s.feed = %L',
      'staging_' || f.feed,
      (SELECT string_agg(format('s.fields[%s] AS %I', o, c), ', ' ORDER BY o)
         FROM unnest(f.columns) WITH ORDINALITY AS u (c, o)),
      f.feed);
    EXECUTE format(
      'CREATE TRIGGER stage INSTEAD OF INSERT ON referral_crm.%I FOR EACH ROW EXECUTE FUNCTION referral_crm.stage_row(%L)',
      'staging_' || f.feed, f.feed);
    EXECUTE format('COMMENT ON VIEW referral_crm.%I IS %L', 'staging_' || f.feed,
                   'staging for feed ' || f.feed || ': COPY ... FROM ... (FORMAT csv, HEADER), then referral_crm.ingest(' || quote_literal(f.feed) || ')');
  END LOOP;
END
$$;
