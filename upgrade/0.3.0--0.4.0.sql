-- referral_crm 0.3.0 -> 0.4.0: changes to objects that 0.3.0 already had.
-- Each room's changes are in a section of its own, in install order; the
-- same changes are in the room's fragments, so that a fresh install and an
-- upgrade give the same catalog (test/t/003_upgrade.pl compares them).

-- ==== calendar zone (first: routing_input below and the crm functions call calendar_zone())
-- Derived dates, weekdays, hours and months in the organisation's time zone
-- (crm_config.time_zone) instead of the session's TimeZone.  An existing
-- installation keeps what its sessions computed by default: the zone of
-- the session that runs the update.
CREATE FUNCTION referral_crm.calendar_zone() RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  tz text;
BEGIN
  SELECT c.time_zone INTO tz FROM referral_crm.crm_config c;
  RETURN coalesce(tz, 'UTC');
END
$$;
COMMENT ON FUNCTION referral_crm.calendar_zone() IS
  'the organisation''s time zone (crm_config.time_zone; UTC without a row), in which derived dates, weekdays, hours and months are taken';

-- Feeds' date-times without an offset are local time in that zone too.
CREATE FUNCTION referral_crm.parse_timestamptz(value text, zone text) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'parse_timestamptz_zone' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.parse_timestamptz(text, text) IS
  'ISO 8601, MM/DD/YYYY or CCYYMMDD date-time (offset optional; else local time in zone: the ingestion functions pass calendar_zone()), or NULL if invalid';

ALTER TABLE referral_crm.crm_config
  ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC'
             CONSTRAINT crm_config_time_zone CHECK (now() AT TIME ZONE time_zone IS NOT NULL);
UPDATE referral_crm.crm_config SET time_zone = current_setting('TimeZone');
COMMENT ON TABLE referral_crm.crm_config IS
  'one row: reporting period, SLA at-risk fraction, leakage grace, repeated-call rule, ROI and referrer-trend thresholds, calendar time zone';
COMMENT ON COLUMN referral_crm.crm_config.time_zone IS
  'the organisation''s time zone: dates, weekdays, hours and months of scoring features, routing attributes, analytics and message texts are taken in it, whatever the session''s TimeZone (calendar_zone())';

-- ==== names
-- match_clinician scores with bounds once the top candidates are known
-- (the name_score overload below), and reads the same candidates.
CREATE FUNCTION referral_crm.name_score(query referral_crm.clinician_name, given text, middle text,
                                        family text, suffix text, top integer, slack double precision)
  RETURNS double precision
  AS 'MODULE_PATHNAME', 'names_score_fields' LANGUAGE C VOLATILE PARALLEL SAFE;

-- match_clinician looks up ZIP evidence only for candidates that can still
-- reach the top, and is PL/pgSQL with a cached generic plan (no planning
-- per call); a query without both a given and a family name is never
-- linked automatically.
CREATE OR REPLACE FUNCTION referral_crm.match_clinician(query text, k integer DEFAULT 5,
    specialty text DEFAULT NULL, zip text DEFAULT NULL)
  RETURNS TABLE (clinician_id bigint, npi text, display_name text, score double precision, band text)
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET effective_io_concurrency = 0 AS
$$
DECLARE
  -- Evidence weights as float8 parameters of the cached plan (numeric
  -- constants under a CASE on the arguments were cast for every candidate).
  evidence boolean := $3 IS NOT NULL OR $4 IS NOT NULL;
  slack double precision := CASE WHEN $3 IS NULL AND $4 IS NULL THEN 0 ELSE 0.065 END;
  zip_reach double precision := CASE WHEN $4 IS NULL THEN 0 ELSE 0.0301 END;
BEGIN
  IF $2 IS NULL OR $2 <= 0 THEN
    RAISE EXCEPTION 'k must be positive, not %', coalesce($2::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  WITH cand AS (
    SELECT c.clinician_id, c.base,
           CASE WHEN NOT evidence THEN c.base
                ELSE 0.94::float8 * c.base
                     + CASE WHEN $3 IS NULL OR c.specialty IS NULL THEN 0.015::float8
                            WHEN c.specialty = $3 THEN 0.03::float8 ELSE 0::float8 END
           END AS pre
      FROM (SELECT c.clinician_id, c.specialty,
                   referral_crm.name_score((SELECT referral_crm.try_clinician_name($1)),
                                           c.given_name, c.middle_name, c.family_name, c.name_suffix,
                                           greatest($2, 2), slack) AS base
              FROM referral_crm.clinicians c
             WHERE referral_crm.name_keys(c.given_name, c.family_name)
                   OPERATOR(pg_catalog.&&) referral_crm.name_query_keys($1)) c)
  SELECT t.clinician_id, d.npi, d.display_name, t.score, t.band
    FROM (
      SELECT r.clinician_id, r.score,
             CASE WHEN r.rn = 1 AND r.score >= referral_crm.name_setting('auto_threshold')
                       AND r.score - coalesce(r.next_score, 0) >= referral_crm.name_setting('auto_margin') - 1e-9
                       AND (SELECT referral_crm.given_name(n) IS NOT NULL AND referral_crm.family_name(n) IS NOT NULL
                              FROM referral_crm.try_clinician_name($1) n)
                  THEN 'auto'
                  WHEN r.score >= referral_crm.name_setting('review_threshold') THEN 'review'
                  ELSE 'reject' END AS band
        FROM (
          SELECT s.*, row_number() OVER w AS rn, lead(s.score) OVER w AS next_score
            FROM (
              SELECT c.clinician_id,
                     CASE WHEN NOT evidence THEN c.pre
                          ELSE c.pre
                               + CASE WHEN $4 IS NULL THEN 0.015::float8
                                      ELSE coalesce((SELECT max(CASE WHEN left(l.zip, 5) = left($4, 5) THEN 0.03::float8
                                                                     WHEN left(l.zip, 3) = left($4, 3) THEN 0.02::float8
                                                                     ELSE 0::float8 END)
                                                       FROM referral_crm.clinician_locations cl
                                                       JOIN referral_crm.locations l ON l.location_id = cl.location_id
                                                      WHERE cl.clinician_id = c.clinician_id), 0.015::float8) END
                     END AS score
                FROM cand c
               WHERE c.pre >= coalesce((SELECT x.pre FROM cand x ORDER BY x.pre DESC
                                         LIMIT 1 OFFSET greatest($2, 2) - 1), 0) - zip_reach
              OFFSET 0
            ) s
          WINDOW w AS (ORDER BY s.score DESC, s.clinician_id)
        ) r
       ORDER BY r.score DESC, r.clinician_id
       LIMIT greatest($2, 1)
    ) t
   CROSS JOIN LATERAL (
      SELECT c.npi,
             concat_ws(' ', c.given_name, c.middle_name, c.family_name, c.name_suffix)
               || CASE WHEN cardinality(c.credentials) > 0
                       THEN ', ' || array_to_string(c.credentials, ', ') ELSE '' END AS display_name
        FROM referral_crm.clinicians c
       WHERE c.clinician_id = t.clinician_id) d
   ORDER BY t.score DESC, t.clinician_id;
END
$$;

-- name_keys stores more keys in 0.4.0 (deletion keys of short words and of
-- each family word alone): rebuild the index that holds them.
REINDEX INDEX referral_crm.clinicians_name_keys_idx;

-- The directory is marked for CLUSTER in name order (README "Directory
-- order"): a plain CLUSTER of clinicians puts match_clinician's candidates
-- on shared heap pages.
ALTER TABLE referral_crm.clinicians CLUSTER ON clinicians_family_given_idx;

-- ==== notes
-- The GIN keys of termvec_ops now carry each term's impact cell (its count
-- and the note's length): the index is rebuilt with the new operator class
-- (a partial match per term, the cell query operator &@ for search_notes).
DROP INDEX referral_crm.note_vectors_tf_idx;
DROP OPERATOR CLASS referral_crm.termvec_ops USING gin;
DROP OPERATOR FAMILY referral_crm.termvec_ops USING gin;
CREATE FUNCTION referral_crm.termvec_cells_any(referral_crm.termvec, int4[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'termvec_cells_any' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR referral_crm.&@ (
  LEFTARG = referral_crm.termvec, RIGHTARG = int4[],
  FUNCTION = referral_crm.termvec_cells_any, RESTRICT = contsel, JOIN = contjoinsel
);
COMMENT ON OPERATOR referral_crm.&@ (referral_crm.termvec, int4[]) IS
  'does one of the vector''s index keys (term hash and impact cell) fall in the cell query? (search_notes reads the index with it)';
CREATE FUNCTION referral_crm.termvec_gin_compare_partial(int4, int4, int2, internal)
  RETURNS int4 AS 'MODULE_PATHNAME', 'termvec_gin_compare_partial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_gin_triconsistent(internal, int2, text[], int4, internal, internal, internal)
  RETURNS "char" AS 'MODULE_PATHNAME', 'termvec_gin_triconsistent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR CLASS referral_crm.termvec_ops DEFAULT FOR TYPE referral_crm.termvec USING gin AS
  OPERATOR 1 referral_crm.&& (referral_crm.termvec, text[]),
  OPERATOR 2 referral_crm.&@ (referral_crm.termvec, int4[]),
  FUNCTION 1 btint4cmp(int4, int4),
  FUNCTION 2 referral_crm.termvec_gin_extract_value(referral_crm.termvec, internal, internal),
  FUNCTION 3 referral_crm.termvec_gin_extract_query(text[], internal, int2, internal, internal, internal, internal),
  FUNCTION 4 referral_crm.termvec_gin_consistent(internal, int2, text[], int4, internal, internal, internal, internal),
  FUNCTION 5 referral_crm.termvec_gin_compare_partial(int4, int4, int2, internal),
  FUNCTION 6 referral_crm.termvec_gin_triconsistent(internal, int2, text[], int4, internal, internal, internal),
  STORAGE int4;

-- Compact postings in each row of note_vectors (search_notes bounds every
-- note it reads with them).
CREATE OR REPLACE FUNCTION referral_crm.termvec_postings(referral_crm.termvec) RETURNS bytea
  AS 'MODULE_PATHNAME', 'termvec_postings' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_postings(referral_crm.termvec) IS
  'compact postings of term counts: sorted 32-bit term hashes, then their counts capped at 255 (search_notes bounds scores with them)';
ALTER TABLE referral_crm.note_vectors
  ADD COLUMN IF NOT EXISTS postings bytea GENERATED ALWAYS AS (referral_crm.termvec_postings(tf)) STORED;
ALTER TABLE referral_crm.note_vectors ALTER COLUMN postings SET STORAGE MAIN;
COMMENT ON TABLE referral_crm.note_vectors IS
  'clinical analysis of every note of referral_notes (kept by triggers): length in words, term counts, their postings';

-- lz4, when the server has it: search scores notes from their vectors, and
-- lz4 decompresses them several times faster than pglz.
DO $$
BEGIN
  ALTER TABLE referral_crm.note_vectors ALTER COLUMN tf SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END
$$;
CREATE INDEX note_vectors_tf_idx ON referral_crm.note_vectors USING gin (tf referral_crm.termvec_ops);

CREATE FUNCTION referral_crm.termvec_search(query referral_crm.termvec, dfs referral_crm.termvec,
                                            ndocs float8, avgdl float8, k int,
                                            OUT note_id bigint, OUT score float8) RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'termvec_search' LANGUAGE C STABLE STRICT ROWS 10;
COMMENT ON FUNCTION referral_crm.termvec_search(referral_crm.termvec, referral_crm.termvec, float8, float8, int) IS
  'the k notes of note_vectors of highest BM25 score for query weights (termvec_bm25_query), best first: threshold algorithm over the index''s impact cells';

CREATE OR REPLACE FUNCTION referral_crm.search_notes(query text, k int DEFAULT 10)
  RETURNS TABLE (note_id bigint, referral_id bigint, score float8)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  st record;
  q referral_crm.termvec;
  qw referral_crm.termvec;
  dfs referral_crm.termvec;
BEGIN
  PERFORM referral_crm.notes_check_k(k);
  IF query IS NULL THEN
    RETURN;
  END IF;
  q := referral_crm.note_vector(query);
  SELECT * INTO st FROM referral_crm.corpus_stats();
  IF st.ndocs <= 0 OR referral_crm.termvec_size(q) = 0 THEN
    RETURN;
  END IF;
  dfs := referral_crm.corpus_dfs(referral_crm.termvec_terms(q));
  qw := referral_crm.termvec_bm25_query(q, dfs, st.ndocs);
  IF referral_crm.termvec_size(qw) = 0 THEN
    RETURN;
  END IF;
  -- Top k by the threshold algorithm over the index's impact cells: the
  -- notes where a query term weighs most are read first, and the search
  -- stops once no note left unread can enter the top k.
  RETURN QUERY
  SELECT r.note_id, n.referral_id, r.score
    FROM referral_crm.termvec_search(qw, dfs, st.ndocs, st.avgdl, k) WITH ORDINALITY r(note_id, score, ord)
    JOIN referral_crm.referral_notes n ON n.note_id = r.note_id
   ORDER BY r.ord;
END
$$;
COMMENT ON FUNCTION referral_crm.search_notes(text, int) IS
  'the k notes of highest BM25 score for a query against the live corpus (settings referral_crm.bm25_k1, _b)';

-- Statistics deltas of a statement that changes a few notes: one
-- corpus_totals row carrying its document frequencies as a term vector
-- (instead of one corpus_df row per term), folded into corpus_df by the
-- writers once 64 are visible and by compact_corpus().  Larger statements
-- and the folds write term vectors too, one per hash bucket of their terms
-- (1024 buckets): no row per term is ever written, so the statistics stay
-- near their compacted size after plain VACUUM.
CREATE FUNCTION referral_crm.termvec_presence(referral_crm.termvec, float8) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_presence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_presence(referral_crm.termvec, float8) IS
  'the terms of a vector, each with the given weight (a note''s share of the document frequencies)';
CREATE FUNCTION referral_crm.termvec_pick(referral_crm.termvec, text[]) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_pick' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_pick(referral_crm.termvec, text[]) IS
  'the entries of a vector whose term is one of the given terms';
CREATE FUNCTION referral_crm.termvec_nonzero(referral_crm.termvec) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_nonzero' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_nonzero(referral_crm.termvec) IS
  'the entries of a vector whose weight is not zero';

ALTER TABLE referral_crm.corpus_df ADD COLUMN dfs referral_crm.termvec;
ALTER TABLE referral_crm.corpus_df ADD COLUMN bucket int;
COMMENT ON TABLE referral_crm.corpus_df IS
  'document-frequency deltas (and compacted sums) as term vectors (dfs), one per hash bucket of their terms (bucket = notes_term_bucket(term); term: the first term, df 0); the document frequency of a term is the sum of its entries in the rows of its bucket and in corpus_totals.dfs';
DROP INDEX referral_crm.corpus_df_term_idx;
CREATE INDEX corpus_df_bucket_idx ON referral_crm.corpus_df (bucket);
DO $$
BEGIN
  ALTER TABLE referral_crm.corpus_df ALTER COLUMN dfs SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END
$$;

ALTER TABLE referral_crm.corpus_totals ADD COLUMN dfs referral_crm.termvec;
COMMENT ON TABLE referral_crm.corpus_totals IS
  'deltas of the number of notes and of their total length, and of a write statement''s document frequencies (dfs, a few notes); the statistics are the sums';
DO $$
BEGIN
  ALTER TABLE referral_crm.corpus_totals ALTER COLUMN dfs SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END
$$;

-- The hash bucket of a term in corpus_df (1,024 buckets), stored in
-- corpus_df.bucket; every writer and reader goes through this function.
CREATE FUNCTION referral_crm.notes_term_bucket(term text) RETURNS int
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.hashtext(term) & 1023;
COMMENT ON FUNCTION referral_crm.notes_term_bucket(text) IS
  'internal: the corpus_df hash bucket of a term';

CREATE OR REPLACE FUNCTION referral_crm.notes_corpus_put(dfs referral_crm.termvec) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  INSERT INTO referral_crm.corpus_df (term, df, dfs, bucket)
  SELECT min(e.term COLLATE "C"), 0, referral_crm.termvec(array_agg(e.term), array_agg(e.weight)),
         referral_crm.notes_term_bucket(e.term)
    FROM referral_crm.top_terms(dfs, referral_crm.termvec_size(dfs)) e
   WHERE e.weight <> 0
   GROUP BY referral_crm.notes_term_bucket(e.term)
$$;
COMMENT ON FUNCTION referral_crm.notes_corpus_put(referral_crm.termvec) IS
  'internal: write document-frequency deltas into corpus_df, one term vector per hash bucket';

CREATE OR REPLACE FUNCTION referral_crm.notes_corpus_record(ndocs bigint, total_len bigint, dfs referral_crm.termvec)
  RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n int := coalesce(referral_crm.termvec_size(dfs), 0);
BEGIN
  IF n > 4096 THEN
    PERFORM referral_crm.notes_corpus_put(dfs);
    dfs := NULL;
  ELSIF n = 0 THEN
    dfs := NULL;
  END IF;
  IF ndocs = 0 AND total_len = 0 AND dfs IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO referral_crm.corpus_totals (ndocs, total_len, dfs) VALUES (ndocs, total_len, dfs);
  -- Folding only under READ COMMITTED: under REPEATABLE READ or
  -- SERIALIZABLE, locking rows that a concurrent fold deleted would fail
  -- the writer's transaction, and reading corpus_totals would add
  -- serialization conflicts between concurrent writers.  Their vectors are
  -- folded by the next READ COMMITTED writer or by compact_corpus().
  IF dfs IS NOT NULL AND pg_catalog.current_setting('transaction_isolation') = 'read committed' THEN
    IF (SELECT count(*) FROM (SELECT FROM referral_crm.corpus_totals t
                               WHERE t.dfs IS NOT NULL LIMIT 64) x) >= 64 THEN
      PERFORM referral_crm.notes_corpus_fold();
    END IF;
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.notes_corpus_record(bigint, bigint, referral_crm.termvec) IS
  'internal: write the statistics deltas of one statement (called by the note triggers)';

CREATE OR REPLACE FUNCTION referral_crm.notes_corpus_fold() RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
  dv referral_crm.termvec;
BEGIN
  -- The rows of term vectors that no other transaction holds (a
  -- compaction or another fold): deleted and replaced by their sums.
  WITH f AS (
    DELETE FROM referral_crm.corpus_totals t
     WHERE t.ctid = ANY (ARRAY(SELECT x.ctid FROM referral_crm.corpus_totals x
                                WHERE x.dfs IS NOT NULL FOR UPDATE SKIP LOCKED))
    RETURNING t.ndocs, t.total_len, t.dfs
  ), t AS (
    INSERT INTO referral_crm.corpus_totals (ndocs, total_len)
    SELECT sum(f.ndocs), sum(f.total_len) FROM f
    HAVING count(*) > 0 AND (sum(f.ndocs) <> 0 OR sum(f.total_len) <> 0)
  ), s AS (
    SELECT e.term, sum(e.weight) AS weight
      FROM f, referral_crm.top_terms(f.dfs, referral_crm.termvec_size(f.dfs)) e
     GROUP BY e.term HAVING sum(e.weight) <> 0
  )
  SELECT (SELECT count(*) FROM f),
         referral_crm.termvec(coalesce(array_agg(s.term), '{}'), coalesce(array_agg(s.weight), '{}'))
    INTO n, dv FROM s;
  -- their sums as bucket rows, as any other writer writes them
  PERFORM referral_crm.notes_corpus_put(dv);
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.notes_corpus_fold() IS
  'internal: fold the term vectors of corpus_totals into corpus_df bucket rows, skipping rows another transaction holds; returns the rows folded';

CREATE OR REPLACE FUNCTION referral_crm.notes_corpus_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
  len bigint;
  dv referral_crm.termvec;
BEGIN
  -- Only on referral_notes: on any other table (a caller's own, with its
  -- own types and casts) this owner-rights function would run their code.
  IF TG_RELID <> 'referral_crm.referral_notes'::regclass THEN
    RAISE EXCEPTION 'notes_corpus_insert() fires only on referral_crm.referral_notes, not on %', TG_RELID::regclass
      USING ERRCODE = 'trigger_protocol_violated';
  END IF;
  IF (SELECT count(*) FROM (SELECT FROM new_notes LIMIT 17) x) <= 16 THEN
    WITH v AS (
      INSERT INTO referral_crm.note_vectors (note_id, doclen, tf)
      SELECT n.note_id, a.doclen, a.tf
        FROM new_notes n, referral_crm.note_analysis(n.body) a
      RETURNING doclen, tf
    )
    SELECT count(*), coalesce(sum(v.doclen), 0), referral_crm.termvec_sum(referral_crm.termvec_presence(v.tf, 1))
      INTO n, len, dv FROM v;
  ELSE
    WITH v AS (
      INSERT INTO referral_crm.note_vectors (note_id, doclen, tf)
      SELECT n.note_id, a.doclen, a.tf
        FROM new_notes n, referral_crm.note_analysis(n.body) a
      RETURNING doclen, tf
    ), d AS (
      SELECT referral_crm.termvec(coalesce(array_agg(x.t), '{}'), coalesce(array_agg(x.c), '{}')) AS dv
        FROM (SELECT t, count(*)::float8 AS c FROM v, unnest(referral_crm.termvec_terms(v.tf)) t GROUP BY t) x
    )
    SELECT (SELECT count(*) FROM v), (SELECT coalesce(sum(v.doclen), 0) FROM v), d.dv INTO n, len, dv FROM d;
  END IF;
  PERFORM referral_crm.notes_corpus_record(n, len, dv);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.notes_corpus_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
  len bigint;
  dv referral_crm.termvec;
BEGIN
  IF TG_RELID <> 'referral_crm.referral_notes'::regclass THEN
    RAISE EXCEPTION 'notes_corpus_delete() fires only on referral_crm.referral_notes, not on %', TG_RELID::regclass
      USING ERRCODE = 'trigger_protocol_violated';
  END IF;
  IF (SELECT count(*) FROM (SELECT FROM old_notes LIMIT 17) x) <= 16 THEN
    WITH v AS (
      DELETE FROM referral_crm.note_vectors v USING old_notes o
       WHERE v.note_id = o.note_id
      RETURNING v.doclen, v.tf
    )
    SELECT -count(*), -coalesce(sum(v.doclen), 0), referral_crm.termvec_sum(referral_crm.termvec_presence(v.tf, -1))
      INTO n, len, dv FROM v;
  ELSE
    WITH v AS (
      DELETE FROM referral_crm.note_vectors v USING old_notes o
       WHERE v.note_id = o.note_id
      RETURNING v.doclen, v.tf
    ), d AS (
      SELECT referral_crm.termvec(coalesce(array_agg(x.t), '{}'), coalesce(array_agg(x.c), '{}')) AS dv
        FROM (SELECT t, -count(*)::float8 AS c FROM v, unnest(referral_crm.termvec_terms(v.tf)) t GROUP BY t) x
    )
    SELECT -(SELECT count(*) FROM v), -(SELECT coalesce(sum(v.doclen), 0) FROM v), d.dv INTO n, len, dv FROM d;
  END IF;
  PERFORM referral_crm.notes_corpus_record(n, len, dv);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.notes_corpus_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
  len bigint;
  dv referral_crm.termvec;
  few boolean := (SELECT count(*) FROM (SELECT FROM new_notes LIMIT 17) x) <= 16
                 AND (SELECT count(*) FROM (SELECT FROM old_notes LIMIT 17) x) <= 16;
BEGIN
  IF TG_RELID <> 'referral_crm.referral_notes'::regclass THEN
    RAISE EXCEPTION 'notes_corpus_update() fires only on referral_crm.referral_notes, not on %', TG_RELID::regclass
      USING ERRCODE = 'trigger_protocol_violated';
  END IF;
  -- Only notes whose body changed.  The old analysis is read as stored in
  -- note_vectors (the statement's snapshot, before its own changes), so
  -- the deltas cancel exactly; the row locks the UPDATE holds on the notes
  -- keep other writers of the same notes out until commit.
  WITH c AS (
    SELECT o.note_id AS old_id, n.note_id AS new_id, n.body
      FROM old_notes o FULL JOIN new_notes n ON o.note_id = n.note_id
     WHERE o.body IS DISTINCT FROM n.body OR o.note_id IS NULL OR n.note_id IS NULL
  ), old AS (
    SELECT v.doclen, v.tf FROM referral_crm.note_vectors v JOIN c ON v.note_id = c.old_id
  ), del AS (
    DELETE FROM referral_crm.note_vectors v USING c
     WHERE v.note_id = c.old_id AND c.new_id IS NULL
  ), upd AS (
    UPDATE referral_crm.note_vectors v SET doclen = a.doclen, tf = a.tf
      FROM c, referral_crm.note_analysis(c.body) a
     WHERE v.note_id = c.new_id AND c.old_id = c.new_id
    RETURNING v.doclen, v.tf
  ), ins AS (
    INSERT INTO referral_crm.note_vectors (note_id, doclen, tf)
    SELECT c.new_id, a.doclen, a.tf
      FROM c, referral_crm.note_analysis(c.body) a WHERE c.old_id IS NULL
    RETURNING doclen, tf
  ), both_ AS (
    SELECT -1 AS sign, doclen, tf FROM old
    UNION ALL SELECT 1, doclen, tf FROM upd
    UNION ALL SELECT 1, doclen, tf FROM ins
  ), d AS (
    SELECT referral_crm.termvec(coalesce(array_agg(x.t), '{}'), coalesce(array_agg(x.c), '{}')) AS dv
      FROM (SELECT t, sum(sign)::float8 AS c FROM both_, unnest(referral_crm.termvec_terms(both_.tf)) t
             WHERE NOT few
             GROUP BY t HAVING sum(sign) <> 0) x
  )
  SELECT coalesce(sum(sign), 0), coalesce(sum(sign * doclen), 0),
         CASE WHEN few THEN referral_crm.termvec_nonzero(
                              referral_crm.termvec_sum(referral_crm.termvec_presence(tf, sign)))
              ELSE (SELECT d.dv FROM d) END
    INTO n, len, dv FROM both_;
  PERFORM referral_crm.notes_corpus_record(n, len, dv);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.corpus_dfs(terms text[]) RETURNS referral_crm.termvec
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v referral_crm.termvec;
  fl bigint;
BEGIN
  -- The entries of the terms in the corpus_df rows of their hash buckets
  -- (an index probe per bucket) and in the term vectors of corpus_totals.
  -- PL/pgSQL: the plan is kept for the session (a SQL function's is
  -- made anew at every call).
  v := referral_crm.termvec_nonzero(
           coalesce((SELECT referral_crm.termvec_sum(referral_crm.termvec_pick(b.dfs, terms))
                       FROM referral_crm.corpus_df b
                      WHERE b.bucket = ANY (ARRAY(SELECT DISTINCT referral_crm.notes_term_bucket(u) FROM unnest(terms) u))),
                    referral_crm.termvec('{}'::text[], '{}'::float8[]))
           OPERATOR(referral_crm.+)
           (SELECT referral_crm.termvec_sum(referral_crm.termvec_pick(t.dfs, terms))
              FROM referral_crm.corpus_totals t WHERE t.dfs IS NOT NULL));
  fl := referral_crm.corpus_df_floor();
  IF fl > 0 THEN
    fl := least(fl, (SELECT coalesce(sum(t.ndocs), 0) FROM referral_crm.corpus_totals t));
    IF fl > 0 THEN
      SELECT referral_crm.termvec(coalesce(array_agg(u.t), '{}'), coalesce(array_agg(greatest(coalesce(e.weight, 0), fl)), '{}'))
        INTO v
        FROM (SELECT DISTINCT x AS t FROM unnest(terms) x WHERE x IS NOT NULL) u
        LEFT JOIN referral_crm.top_terms(v, greatest(referral_crm.termvec_size(v), 1)) e ON e.term = u.t;
    END IF;
  END IF;
  RETURN v;
END
$$;
COMMENT ON FUNCTION referral_crm.corpus_dfs(text[]) IS
  'document frequency of each term in the live corpus, as a term vector (terms in no note are left out)';

CREATE OR REPLACE FUNCTION referral_crm.corpus_terms(OUT term text, OUT df bigint) RETURNS SETOF record
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT u.term, sum(u.df)::bigint
    FROM (SELECT e.term, e.weight::bigint AS df
            FROM referral_crm.corpus_df b, referral_crm.top_terms(b.dfs, referral_crm.termvec_size(b.dfs)) e
           WHERE b.dfs IS NOT NULL
          UNION ALL
          SELECT e.term, e.weight::bigint
            FROM referral_crm.corpus_totals t, referral_crm.top_terms(t.dfs, referral_crm.termvec_size(t.dfs)) e
           WHERE t.dfs IS NOT NULL) u
   GROUP BY u.term HAVING sum(u.df) <> 0
$$;
COMMENT ON FUNCTION referral_crm.corpus_terms() IS
  'every term of the live corpus with its document frequency';

CREATE OR REPLACE FUNCTION referral_crm.compact_corpus() RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  -- One compaction at a time (a second one waits, then sees the rows of
  -- the first, and has little left to do).
  PERFORM pg_advisory_xact_lock(hashtext('referral_crm.compact_corpus'));
  -- One statement deletes the rows it sees and inserts their sums, one
  -- term vector per hash bucket: the sums never change, and rows that
  -- writers add meanwhile stay as they are.  (Rows of one term each, dfs
  -- NULL, as 0.3.0 wrote them, are folded too.)
  WITH t AS (
    DELETE FROM referral_crm.corpus_totals RETURNING ndocs, total_len, dfs
  ), d AS (
    DELETE FROM referral_crm.corpus_df RETURNING term, df, dfs
  ), x AS (
    INSERT INTO referral_crm.corpus_totals (ndocs, total_len)
    SELECT sum(ndocs), sum(total_len) FROM t HAVING count(*) > 0
  ), s AS (
    SELECT u.term, sum(u.df) AS df
      FROM (SELECT d.term, d.df FROM d WHERE d.dfs IS NULL
            UNION ALL
            SELECT e.term, e.weight::bigint
              FROM d, referral_crm.top_terms(d.dfs, referral_crm.termvec_size(d.dfs)) e
             WHERE d.dfs IS NOT NULL
            UNION ALL
            SELECT e.term, e.weight::bigint
              FROM t, referral_crm.top_terms(t.dfs, referral_crm.termvec_size(t.dfs)) e
             WHERE t.dfs IS NOT NULL) u
     GROUP BY u.term HAVING sum(u.df) <> 0
  ), y AS (
    INSERT INTO referral_crm.corpus_df (term, df, dfs, bucket)
    SELECT min(s.term COLLATE "C"), 0, referral_crm.termvec(array_agg(s.term), array_agg(s.df::float8)),
           referral_crm.notes_term_bucket(s.term)
      FROM s GROUP BY referral_crm.notes_term_bucket(s.term)
  )
  SELECT (SELECT count(*) FROM t) + (SELECT count(*) FROM d) INTO n;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.compact_corpus() IS
  'fold the statistics deltas into one term vector per hash bucket (never blocks writers); returns the rows folded';

CREATE OR REPLACE FUNCTION referral_crm.rebuild_corpus() RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  -- Writers wait until the rebuild commits; readers keep their snapshot.
  LOCK TABLE referral_crm.referral_notes IN SHARE MODE;
  DELETE FROM referral_crm.note_vectors;
  DELETE FROM referral_crm.corpus_df;
  DELETE FROM referral_crm.corpus_totals;
  INSERT INTO referral_crm.note_vectors (note_id, doclen, tf)
  SELECT n.note_id, a.doclen, a.tf FROM referral_crm.referral_notes n, referral_crm.note_analysis(n.body) a;
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO referral_crm.corpus_df (term, df, dfs, bucket)
  SELECT min(x.t COLLATE "C"), 0, referral_crm.termvec(array_agg(x.t), array_agg(x.c)), referral_crm.notes_term_bucket(x.t)
    FROM (SELECT t, count(*)::float8 AS c
            FROM referral_crm.note_vectors v, unnest(referral_crm.termvec_terms(v.tf)) t GROUP BY t) x
   GROUP BY referral_crm.notes_term_bucket(x.t);
  INSERT INTO referral_crm.corpus_totals (ndocs, total_len)
  SELECT count(*), coalesce(sum(doclen), 0) FROM referral_crm.note_vectors HAVING count(*) > 0;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.rebuild_corpus() IS
  'recompute every note''s analysis and the corpus statistics from referral_notes; returns the number of notes';

REVOKE ALL ON FUNCTION referral_crm.notes_corpus_put(referral_crm.termvec) FROM PUBLIC;
REVOKE ALL ON FUNCTION referral_crm.notes_corpus_record(bigint, bigint, referral_crm.termvec) FROM PUBLIC;
REVOKE ALL ON FUNCTION referral_crm.notes_corpus_fold() FROM PUBLIC;
-- The statistics of 0.3.0 (one row per term) become bucket rows.
SELECT referral_crm.compact_corpus();

-- ==== routing
-- routing_match(row) planned as routing_match_attrs(column, ...).
CREATE OR REPLACE FUNCTION referral_crm.routing_match_attrs(VARIADIC "any") RETURNS bigint
  AS 'MODULE_PATHNAME', 'routing_match_attrs' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION referral_crm.routing_match_attrs("any") IS
  'routing_match on the attributes passed one by one (the planner''s form of routing_match(row)); call routing_match instead';
CREATE OR REPLACE FUNCTION referral_crm.routing_match_support(internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'routing_match_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_match_support(internal) IS
  'planner support for routing_match: passes the row''s columns instead of the composite';
ALTER FUNCTION referral_crm.routing_match(record) SUPPORT referral_crm.routing_match_support;
-- route_ids: no JIT for its one large statement.
ALTER FUNCTION referral_crm.route_ids(bigint[], text) SET jit = off;

-- ==== governance
-- The audit trail drops its (chain_id, seq) b-tree: the head of every chain
-- is kept in audit_chain_tips instead, filled here from the entries so far.
CREATE TABLE referral_crm_audit.audit_chain_tips (
  chain_id bigint PRIMARY KEY,
  seq      bigint NOT NULL,
  hash     bytea NOT NULL
) WITH (fillfactor = 50);
COMMENT ON TABLE referral_crm_audit.audit_chain_tips IS
  'the last committed entry of each chain (sequence number and hash), kept by the audit writer; audit_verify() checks every tip';
INSERT INTO referral_crm_audit.audit_chain_tips (chain_id, seq, hash)
SELECT DISTINCT ON (l.chain_id) l.chain_id, l.seq, l.hash
  FROM referral_crm_audit.audit_log l
 ORDER BY l.chain_id, l.seq DESC;
SELECT pg_catalog.pg_extension_config_dump('referral_crm_audit.audit_chain_tips', '');
ALTER TABLE referral_crm_audit.audit_log DROP CONSTRAINT audit_log_pkey;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'referral_crm_auditor') THEN
    GRANT SELECT ON referral_crm_audit.audit_chain_tips TO referral_crm_auditor, referral_crm_admin;
  END IF;
END
$$;

CREATE FUNCTION referral_crm.staff_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'staff_changed' LANGUAGE C;
COMMENT ON FUNCTION referral_crm.staff_changed() IS
  'internal: statement trigger on referral_crm.staff; tells every backend to forget the staff ids it cached for the audit trail';
CREATE TRIGGER staff_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referral_crm.staff
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.staff_changed();

CREATE OR REPLACE FUNCTION referral_crm.setup_roles() RETURNS TABLE (role_name text, action text)
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  r text;
  t regclass;
  v text;
  patient_tables text;
BEGIN
  FOREACH r IN ARRAY referral_crm.governance_roles() LOOP
    role_name := r;
    IF NOT EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', r);
      action := 'created';
    ELSIF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = r
                     AND (x.rolsuper OR x.rolbypassrls OR x.rolcanlogin OR x.rolcreaterole OR x.rolcreatedb)) THEN
      EXECUTE format('ALTER ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', r);
      action := 'fixed: NOLOGIN NOSUPERUSER NOBYPASSRLS';
    ELSE
      action := 'exists';
    END IF;
    RETURN NEXT;
  END LOOP;

  FOR t IN SELECT g.table_name FROM referral_crm.governed_tables g
            WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = g.table_name) ORDER BY g.table_name::text LOOP
    PERFORM referral_crm.apply_policies(t);
    PERFORM referral_crm.apply_grants(t);
  END LOOP;

  -- auditor: the trail and the accounting of disclosures, nothing else
  GRANT USAGE ON SCHEMA referral_crm_audit TO referral_crm_auditor, referral_crm_admin;
  GRANT SELECT ON referral_crm_audit.audit_log, referral_crm_audit.audit_trail,
                  referral_crm_audit.audit_chain_tips, referral_crm_audit.audit_chain_heads,
                  referral_crm_audit.audit_chain_floors
     TO referral_crm_auditor, referral_crm_admin;
  GRANT SELECT ON referral_crm.disclosures TO referral_crm_auditor;
  GRANT EXECUTE ON FUNCTION referral_crm.audit_verify(), referral_crm.audit_verify(text), referral_crm.audit_head()
     TO referral_crm_auditor, referral_crm_admin;

  -- admin: keys, retention, holds, partners, review
  GRANT EXECUTE ON FUNCTION referral_crm.pseudonym(text, text), referral_crm.rotate_pseudonym_key(),
                            referral_crm.purge_expired(boolean), referral_crm.purge_audit(interval)
     TO referral_crm_admin;
  GRANT SELECT ON referral_crm.staff_access TO referral_crm_admin, referral_crm_intake;

  -- notes: the statistics' readers and classification for the roles that
  -- search notes; every term with its count for the admin role
  GRANT EXECUTE ON FUNCTION referral_crm.corpus_stats(), referral_crm.corpus_dfs(text[]),
                            referral_crm.corpus_df_floor(), referral_crm.classify_note(text, text),
                            referral_crm.note_classifier_exists(text)
     TO referral_crm_intake, referral_crm_admin, referral_crm_ingest;
  GRANT EXECUTE ON FUNCTION referral_crm.corpus_terms() TO referral_crm_admin;

  -- names: the rarity view over the name tables, for the roles that read
  -- them (name_similarity and match_clinician read it)
  GRANT SELECT ON referral_crm.name_rarity TO referral_crm_admin, referral_crm_intake, referral_crm_liaison;

  -- intake (and admin): open records with read tracing, disclose to partners
  GRANT EXECUTE ON FUNCTION referral_crm.patient_attachable(bigint) TO referral_crm_intake, referral_crm_admin;
  GRANT EXECUTE ON FUNCTION referral_crm.open_referral(bigint), referral_crm.open_patient(bigint),
                            referral_crm.audit_read(regclass, jsonb, jsonb),
                            referral_crm.export_for_partner(text, text, bigint[]),
                            referral_crm.partner_columns(text, text),
                            referral_crm.record_disclosure(text, text, text[], bigint[], bigint[])
     TO referral_crm_intake, referral_crm_admin;

  -- analyst: the suppressed views only
  GRANT SELECT ON referral_crm.analytics_referral_flow TO referral_crm_analyst, referral_crm_admin;
  GRANT EXECUTE ON FUNCTION referral_crm.analytics_referral_flow_rows() TO referral_crm_analyst, referral_crm_admin;

  -- The dashboards (security_invoker views: each reads the base tables
  -- under the caller's own policies).  Schedulers and intake: the pipeline
  -- and their work; liaison: referrers and the contact graph; the admin
  -- role is the manager's.
  GRANT SELECT ON referral_crm.pipeline, referral_crm.work_queue, referral_crm.sla_breaches,
                  referral_crm.pipeline_summary, referral_crm.overdue_tasks, referral_crm.communication_log
     TO referral_crm_intake, referral_crm_admin;
  GRANT SELECT ON referral_crm.referral_edges, referral_crm.referrers, referral_crm.top_referrers,
                  referral_crm.referrer_scorecards
     TO referral_crm_liaison, referral_crm_admin;
  GRANT SELECT ON referral_crm.referral_metrics, referral_crm.cohorts, referral_crm.performance_filters,
                  referral_crm.leakage, referral_crm.roi, referral_crm.manager_overview
     TO referral_crm_admin;

  -- ingest: stage (COPY into the staging views, stage_csv) and ingest
  FOR v IN SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind = 'v' AND c.relname LIKE 'staging\_%' ORDER BY 1 LOOP
    EXECUTE format('GRANT INSERT ON %s TO referral_crm_ingest, referral_crm_admin', v);
  END LOOP;
  GRANT USAGE ON SEQUENCE referral_crm.staging_load_seq TO referral_crm_ingest, referral_crm_admin;
  GRANT EXECUTE ON FUNCTION referral_crm.ingest(text), referral_crm.ingest_fhir(jsonb), referral_crm.stage_csv(text, text)
     TO referral_crm_ingest, referral_crm_admin;

  -- a first pseudonym key
  IF NOT EXISTS (SELECT 1 FROM referral_crm.pseudonym_keys k WHERE k.retired_at IS NULL) THEN
    INSERT INTO referral_crm.pseudonym_keys (key) VALUES (referral_crm.random_key());
    role_name := 'referral_crm_admin'; action := 'pseudonym key created';
    RETURN NEXT;
  END IF;

  -- pgaudit, when loaded: object audit of the patient tables
  IF current_setting('shared_preload_libraries') ~ '(^|[, ])pgaudit($|[, ])' THEN
    IF NOT EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_pgaudit') THEN
      CREATE ROLE referral_crm_pgaudit NOLOGIN;
    END IF;
    SELECT string_agg(g.table_name::text, ', ' ORDER BY g.table_name::text) INTO patient_tables
      FROM referral_crm.governed_tables g WHERE g.patient_data;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO referral_crm_pgaudit', patient_tables);
    EXECUTE format('ALTER DATABASE %I SET pgaudit.role = %L', current_database(), 'referral_crm_pgaudit');
    role_name := 'referral_crm_pgaudit'; action := 'pgaudit object audit of the patient tables';
    RETURN NEXT;
  END IF;
  PERFORM referral_crm.audit_event('SETUP_ROLES', 'referral_crm', NULL, NULL);
END
$$;

-- ==== security fixes (found by review)

CREATE OR REPLACE FUNCTION referral_crm.notes_corpus_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_RELID <> 'referral_crm.referral_notes'::regclass THEN
    RAISE EXCEPTION 'notes_corpus_truncate() fires only on referral_crm.referral_notes, not on %', TG_RELID::regclass
      USING ERRCODE = 'trigger_protocol_violated';
  END IF;
  DELETE FROM referral_crm.note_vectors;
  DELETE FROM referral_crm.corpus_df;
  DELETE FROM referral_crm.corpus_totals;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION referral_crm.notes_corpus_insert(), referral_crm.notes_corpus_delete(),
  referral_crm.notes_corpus_update(), referral_crm.notes_corpus_truncate() FROM PUBLIC;

-- model: the status history is written by its trigger only, with the owner's rights
CREATE OR REPLACE FUNCTION referral_crm.referral_events_record() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF TG_RELID <> 'referral_crm.referrals'::regclass THEN
    RAISE EXCEPTION 'referral_events_record() fires only on referral_crm.referrals, not on %', TG_RELID::regclass
      USING ERRCODE = 'trigger_protocol_violated';
  END IF;
  INSERT INTO referral_crm.referral_events
         (referral_id, occurred_at, dimension, from_value, to_value, reason, staff_id, batch_id)
  SELECT n.referral_id, n.updated_at, d.dimension, d.from_value, d.to_value, d.reason,
         (SELECT s.staff_id FROM referral_crm.staff s WHERE s.login_role = referral_crm.acting_user()),
         n.batch_id
    FROM new_rows n
    JOIN old_rows o USING (referral_id)
   CROSS JOIN LATERAL (VALUES ('status', o.status, n.status, n.status_reason),
                              ('stage',  o.stage,  n.stage,  n.stage_reason))
                      AS d (dimension, from_value, to_value, reason)
   WHERE d.from_value IS DISTINCT FROM d.to_value
   ORDER BY n.referral_id, d.dimension DESC;
  RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION referral_crm.referral_events_record() FROM PUBLIC;

-- notes: the statistics and classifiers are the admin role's; readers with the owner's rights
CREATE FUNCTION referral_crm.corpus_df_floor() RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                            WHERE r.rolname = referral_crm.acting_user()
                              AND (r.rolsuper
                                   OR (EXISTS (SELECT 1 FROM pg_catalog.pg_roles a WHERE a.rolname = 'referral_crm_admin')
                                       AND pg_catalog.pg_has_role(r.oid, 'referral_crm_admin', 'USAGE'))))
              THEN 0 ELSE 11 END
$$;
COMMENT ON FUNCTION referral_crm.corpus_df_floor() IS
  'the least document frequency the statistics report to the acting role: 0 for the admin role and superusers, 11 for the others';

CREATE OR REPLACE FUNCTION referral_crm.corpus_stats(OUT ndocs bigint, OUT total_len bigint, OUT avgdl float8)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce(sum(ndocs), 0)::bigint, coalesce(sum(total_len), 0)::bigint,
         CASE WHEN coalesce(sum(ndocs), 0) > 0 THEN sum(total_len)::float8 / sum(ndocs) ELSE 0 END
    FROM referral_crm.corpus_totals
$$;

COMMENT ON FUNCTION referral_crm.corpus_dfs(text[]) IS
  'document frequency of each term in the live corpus, as a term vector (terms in no note are left out; roles that do not see every note get at least corpus_df_floor())';
-- classify_note is replaced in the section "review 3 (names and notes)" below.

REVOKE ALL ON FUNCTION referral_crm.classify_note(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION referral_crm.corpus_stats(), referral_crm.corpus_dfs(text[]),
  referral_crm.corpus_df_floor(), referral_crm.corpus_terms() FROM PUBLIC;

-- governance: dropped tables leave the registry; referrals attach only to patients the role sees;
-- the registry is read-only for the admin role; purge_expired purges only the owner's tables
CREATE FUNCTION referral_crm.governed_table_dropped() RETURNS event_trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF to_regclass('referral_crm.governed_tables') IS NULL THEN
    RETURN;
  END IF;
  DELETE FROM referral_crm.governed_tables g
   USING pg_event_trigger_dropped_objects() d
   WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND g.table_name::oid = d.objid;
END
$$;
COMMENT ON FUNCTION referral_crm.governed_table_dropped() IS
  'event trigger: remove dropped tables from governed_tables';
REVOKE ALL ON FUNCTION referral_crm.governed_table_dropped() FROM PUBLIC;
CREATE EVENT TRIGGER referral_crm_governed_table_dropped ON sql_drop
  EXECUTE FUNCTION referral_crm.governed_table_dropped();

CREATE FUNCTION referral_crm.patient_attachable(pid bigint) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    SELECT NOT EXISTS (SELECT 1 FROM referral_crm.referrals r WHERE r.patient_id = pid)
        OR EXISTS (SELECT 1 FROM referral_crm.referrals r
                    WHERE r.patient_id = pid
                      AND (referral_crm.id_in(r.queue_id, referral_crm.my_queue_ids())
                           OR referral_crm.id_in(r.target_location_id, referral_crm.my_location_ids())));
  END;
COMMENT ON FUNCTION referral_crm.patient_attachable(bigint) IS
  'may the acting role attach a referral to this patient (one it already sees through its queues or locations, or one with no referral yet)?';
REVOKE ALL ON FUNCTION referral_crm.patient_attachable(bigint) FROM PUBLIC;

CREATE OR REPLACE FUNCTION referral_crm.apply_grants(tbl regclass) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g referral_crm.governed_tables;
  r text;
BEGIN
  SELECT * INTO g FROM referral_crm.governed_tables t WHERE t.table_name = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not governed', tbl
      USING ERRCODE = 'undefined_object', HINT = 'Enrol it with referral_crm.govern_table().';
  END IF;
  FOREACH r IN ARRAY referral_crm.governance_roles() LOOP
    IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = r) THEN
      EXECUTE format('REVOKE ALL ON %s FROM %I', tbl, r);
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_admin') THEN
    -- The registry steers purge_expired() and the policies: the admin role
    -- reads it; only the owner changes it (govern_table, set_retention).
    IF tbl = 'referral_crm.governed_tables'::regclass THEN
      EXECUTE format('GRANT SELECT ON %s TO referral_crm_admin', tbl);
    ELSE
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO referral_crm_admin', tbl);
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_intake') THEN
    -- The status history is written by its trigger only (with the
    -- owner's rights): intake reads it.
    IF g.policy_family = 'reference' OR tbl = 'referral_crm.referral_events'::regclass THEN
      EXECUTE format('GRANT SELECT ON %s TO referral_crm_intake', tbl);
    ELSIF g.policy_family <> 'admin_only' THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %s TO referral_crm_intake', tbl);
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_liaison') THEN
    IF g.policy_family = 'reference' THEN
      EXECUTE format('GRANT SELECT ON %s TO referral_crm_liaison', tbl);
    ELSIF g.liaison_columns IS NOT NULL AND g.policy_family <> 'admin_only' THEN
      EXECUTE format('GRANT SELECT (%s) ON %s TO referral_crm_liaison',
                     (SELECT string_agg(quote_ident(c), ', ') FROM unnest(g.liaison_columns) c), tbl);
      IF g.policy_family = 'communication' THEN
        EXECUTE format('GRANT INSERT (%s) ON %s TO referral_crm_liaison',
                       (SELECT string_agg(quote_ident(c), ', ') FROM unnest(g.liaison_columns) c
                         WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl
                                             AND a.attname = c AND a.attidentity <> '')), tbl);
      END IF;
    END IF;
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.apply_policies(tbl regclass) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g referral_crm.governed_tables;
  scope text;
  p record;
BEGIN
  SELECT * INTO g FROM referral_crm.governed_tables t WHERE t.table_name = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not governed', tbl
      USING ERRCODE = 'undefined_object', HINT = 'Enrol it with referral_crm.govern_table().';
  END IF;
  scope := referral_crm.governance_policy_scope(g.policy_family);
  FOR p IN SELECT pol.polname FROM pg_policy pol WHERE pol.polrelid = tbl AND pol.polname LIKE 'governance\_%' LOOP
    EXECUTE format('DROP POLICY %I ON %s', p.polname, tbl);
  END LOOP;
  IF g.policy_family = 'reference' THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_admin') THEN
    EXECUTE format('CREATE POLICY governance_admin ON %s TO referral_crm_admin USING (true) WITH CHECK (true)', tbl);
  END IF;
  IF scope IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_intake') THEN
    EXECUTE format('CREATE POLICY governance_intake_read ON %s FOR SELECT TO referral_crm_intake USING %s', tbl, scope);
    EXECUTE format('CREATE POLICY governance_intake_insert ON %s FOR INSERT TO referral_crm_intake WITH CHECK %s', tbl,
                   CASE WHEN g.policy_family = 'patient' THEN '(true)'
                        WHEN g.policy_family = 'referral' THEN '(' || scope || ' AND referral_crm.patient_attachable(patient_id))'
                        ELSE scope END);
    EXECUTE format('CREATE POLICY governance_intake_update ON %s FOR UPDATE TO referral_crm_intake USING %s WITH CHECK %s',
                   tbl, scope, CASE WHEN g.policy_family = 'referral'
                                    THEN '(' || scope || ' AND referral_crm.patient_attachable(patient_id))' ELSE scope END);
  END IF;
  IF g.liaison_columns IS NOT NULL AND g.policy_family <> 'admin_only'
     AND EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_liaison') THEN
    IF g.policy_family = 'communication' THEN
      EXECUTE format('CREATE POLICY governance_liaison_read ON %s FOR SELECT TO referral_crm_liaison '
                     'USING (party <> ''patient'' AND patient_id IS NULL)', tbl);
      EXECUTE format('CREATE POLICY governance_liaison_insert ON %s FOR INSERT TO referral_crm_liaison '
                     'WITH CHECK (party <> ''patient'' AND patient_id IS NULL)', tbl);
    ELSE
      EXECUTE format('CREATE POLICY governance_liaison_read ON %s FOR SELECT TO referral_crm_liaison USING (true)', tbl);
    END IF;
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.govern_table(
    tbl regclass,
    family text,
    sensitive_columns name[] DEFAULT '{}',
    liaison_columns name[] DEFAULT NULL,
    retention interval DEFAULT NULL,
    retention_column name DEFAULT NULL,
    purge_order integer DEFAULT 100,
    patient_data boolean DEFAULT NULL,
    audited boolean DEFAULT true)
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  is_patient boolean := coalesce(patient_data, family NOT IN ('reference'));
  c name;
  args text;
  is_builtin boolean;
BEGIN
  IF tbl IS NULL OR family IS NULL THEN
    RAISE EXCEPTION 'govern_table needs a table and a policy family'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF family NOT IN ('reference', 'referral', 'referral_child', 'patient', 'patient_child', 'note_child', 'communication', 'admin_only') THEN
    RAISE EXCEPTION 'unknown policy family "%"', family
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The families are reference, referral, referral_child, patient, patient_child, note_child, communication and admin_only.';
  END IF;
  IF (SELECT k.relkind FROM pg_class k WHERE k.oid = tbl) NOT IN ('r', 'p') THEN
    RAISE EXCEPTION '% is not a table', tbl USING ERRCODE = 'wrong_object_type';
  END IF;
  IF (SELECT k.relpersistence FROM pg_class k WHERE k.oid = tbl) = 't' THEN
    RAISE EXCEPTION 'a temporary table cannot be governed' USING ERRCODE = 'wrong_object_type',
      DETAIL = format('%s lives only as long as its session.', tbl);
  END IF;
  IF (SELECT n.nspname FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = tbl)
       IN ('referral_crm_audit', 'pg_catalog', 'information_schema') THEN
    RAISE EXCEPTION 'table % cannot be governed', tbl USING ERRCODE = 'wrong_object_type',
      DETAIL = 'The audit trail and the system catalogs keep their own rules.';
  END IF;
  IF family = 'reference' AND is_patient THEN
    RAISE EXCEPTION 'a table with patient data cannot be in the reference family'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use referral_child, patient_child or admin_only.';
  END IF;
  FOREACH c IN ARRAY coalesce(sensitive_columns, '{}') || coalesce(liaison_columns, '{}')
                     || CASE WHEN retention_column IS NULL THEN '{}'::name[] ELSE ARRAY[retention_column] END
                     || CASE family WHEN 'referral' THEN ARRAY['queue_id', 'target_location_id']::name[]
                                    WHEN 'referral_child' THEN ARRAY['referral_id']::name[]
                                    WHEN 'patient' THEN ARRAY['patient_id']::name[]
                                    WHEN 'patient_child' THEN ARRAY['patient_id']::name[]
                                    WHEN 'note_child' THEN ARRAY['note_id']::name[]
                                    WHEN 'communication' THEN ARRAY['referral_id', 'patient_id', 'party']::name[]
                                    ELSE '{}'::name[] END LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = c
                      AND a.attnum > 0 AND NOT a.attisdropped) THEN
      RAISE EXCEPTION 'table % has no column "%"', tbl, c
        USING ERRCODE = 'undefined_column',
              HINT = 'Sensitive, liaison and retention columns must exist; family ' || family || ' needs its key columns.';
    END IF;
  END LOOP;
  IF retention IS NOT NULL AND retention_column IS NULL THEN
    RAISE EXCEPTION 'a retention window needs a retention column'
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Name the timestamp column that ages the row, e.g. updated_at.';
  END IF;
  IF retention_column IS NOT NULL AND (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = retention_column)
       NOT IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) THEN
    RAISE EXCEPTION 'retention column "%" of % is not a date or timestamp', retention_column, tbl
      USING ERRCODE = 'datatype_mismatch';
  END IF;
  is_builtin := EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = tbl AND d.deptype = 'e'
                           AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'referral_crm'));

  INSERT INTO referral_crm.governed_tables AS g
         (table_name, policy_family, patient_data, audited, sensitive_columns, liaison_columns,
          retention, retention_column, purge_order, builtin)
  VALUES (tbl, family, is_patient, audited, coalesce(sensitive_columns, '{}'), liaison_columns,
          retention, retention_column, purge_order, is_builtin)
  ON CONFLICT (table_name) DO UPDATE
     SET policy_family = EXCLUDED.policy_family, patient_data = EXCLUDED.patient_data,
         audited = EXCLUDED.audited, sensitive_columns = EXCLUDED.sensitive_columns,
         liaison_columns = EXCLUDED.liaison_columns, retention = EXCLUDED.retention,
         retention_column = EXCLUDED.retention_column, purge_order = EXCLUDED.purge_order,
         by_default = false;

  -- Row-level security and the family's policies.
  IF family = 'reference' THEN
    EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', tbl);
  ELSE
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  END IF;
  PERFORM referral_crm.apply_policies(tbl);

  -- The audit trigger: one per event, statement level, with transition tables.
  EXECUTE format('DROP TRIGGER IF EXISTS audit_insert ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_update ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_delete ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_truncate ON %s', tbl);
  IF audited THEN
    args := (SELECT string_agg(quote_literal(s), ', ' ORDER BY s) FROM unnest(coalesce(sensitive_columns, '{}')) s);
    EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS audit_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture(%s)', tbl, coalesce(args, ''));
    EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS audit_old NEW TABLE AS audit_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture(%s)', tbl, coalesce(args, ''));
    EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS audit_old '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture(%s)', tbl, coalesce(args, ''));
    EXECUTE format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture()', tbl);
  END IF;
  PERFORM referral_crm.apply_grants(tbl);
END
$$;

CREATE FUNCTION referral_crm.purgeable(tbl regclass, retention_column name) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  RETURN EXISTS (
    SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = retention_column AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.oid = tbl AND c.relkind IN ('r', 'p') AND c.relpersistence = 'p'
       AND n.nspname NOT IN ('referral_crm_audit', 'pg_catalog', 'information_schema')
       AND c.relowner = (SELECT p.proowner FROM pg_proc p
                          WHERE p.proname = 'purge_expired' AND p.pronamespace = 'referral_crm'::regnamespace)
       AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype));
COMMENT ON FUNCTION referral_crm.purgeable(regclass, name) IS
  'may purge_expired() purge this table by this column (a permanent table of the extension''s owner, outside the audit schema, a date or timestamp column)?';

CREATE OR REPLACE FUNCTION referral_crm.purge_expired(dry_run boolean DEFAULT false)
  RETURNS TABLE (table_name text, cutoff timestamptz, purged bigint, held bigint, still_referenced bigint)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g record;
  expired text;
  hold text;
  unref text;
  n bigint;
  trg record;
  disabled text[];
BEGIN
  PERFORM referral_crm.audit_suppress_values(true);
  -- Only tables this function's owner owns, outside the audit schema, with
  -- a date or timestamp retention column: the DELETE runs with the owner's
  -- rights, and another owner's triggers on its table would run with them.
  FOR g IN SELECT * FROM referral_crm.governed_tables x
            WHERE x.retention IS NOT NULL ORDER BY x.purge_order, x.table_name::text LOOP
    IF NOT referral_crm.purgeable(g.table_name, g.retention_column) THEN
      RAISE WARNING 'purge_expired skips %', g.table_name
        USING DETAIL = 'Only tables that the extension''s owner owns, outside referral_crm_audit, with a date or timestamp retention column are purged.',
              HINT = 'governance_check() lists such tables as retention_not_purgeable.';
      CONTINUE;
    END IF;
    table_name := g.table_name::text;
    cutoff := now() - g.retention;
    expired := format('t.%I < %L', g.retention_column, cutoff);
    hold := referral_crm.hold_predicate(g.table_name);
    unref := referral_crm.unreferenced_predicate(g.table_name);
    EXECUTE format('SELECT count(*) FILTER (WHERE %s), count(*) FILTER (WHERE NOT %s AND NOT (%s)) FROM %s t WHERE %s',
                   hold, hold, unref, g.table_name, expired)
       INTO held, still_referenced;
    purged := 0;
    IF NOT dry_run THEN
      -- append-only tables (event histories) give way to retention only
      disabled := '{}';
      FOR trg IN SELECT t.tgname FROM pg_trigger t
                  WHERE t.tgrelid = g.table_name AND t.tgenabled <> 'D'
                    AND t.tgfoid = 'referral_crm.append_only()'::regprocedure LOOP
        EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', g.table_name, trg.tgname);
        disabled := disabled || trg.tgname::text;
      END LOOP;
      EXECUTE format('DELETE FROM %s t WHERE %s AND NOT %s AND %s', g.table_name, expired, hold, unref);
      GET DIAGNOSTICS n = ROW_COUNT;
      purged := n;
      FOR i IN 1 .. coalesce(array_length(disabled, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s ENABLE TRIGGER %I', g.table_name, disabled[i]);
      END LOOP;
      IF n > 0 THEN
        PERFORM referral_crm.audit_event('PURGE', g.table_name::text, NULL,
                  jsonb_build_object('rows', n, 'cutoff', cutoff, 'retention', g.retention::text, 'held', held));
      END IF;
    ELSE
      EXECUTE format('SELECT count(*) FROM %s t WHERE %s AND NOT %s AND %s', g.table_name, expired, hold, unref)
         INTO purged;
    END IF;
    RETURN NEXT;
  END LOOP;
  PERFORM referral_crm.audit_suppress_values(false);
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.governance_check()
  RETURNS TABLE (severity text, finding text, object text, detail text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  r record;
BEGIN
  IF current_setting('ssl') <> 'on' THEN
    severity := 'high'; finding := 'ssl_off'; object := 'ssl';
    detail := 'The server accepts no TLS connections: patient data crosses the network in clear text (45 CFR 164.312(e)).';
    RETURN NEXT;
  END IF;
  IF current_setting('password_encryption') <> 'scram-sha-256' THEN
    severity := 'high'; finding := 'weak_password_encryption'; object := 'password_encryption';
    detail := format('password_encryption is %s, not scram-sha-256.', current_setting('password_encryption'));
    RETURN NEXT;
  END IF;
  FOR r IN SELECT g.table_name::text AS t, c.relrowsecurity, c.relforcerowsecurity
             FROM referral_crm.governed_tables g JOIN pg_class c ON c.oid = g.table_name
            WHERE g.patient_data AND NOT (c.relrowsecurity AND c.relforcerowsecurity) ORDER BY 1 LOOP
    severity := 'critical'; finding := 'patient_table_without_rls'; object := r.t;
    detail := format('Row-level security is %s and %s.', CASE WHEN r.relrowsecurity THEN 'enabled' ELSE 'disabled' END,
                     CASE WHEN r.relforcerowsecurity THEN 'forced' ELSE 'not forced' END);
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::text AS t FROM referral_crm.governed_tables g
            WHERE g.audited AND (SELECT count(*) FROM pg_trigger t
                                  WHERE t.tgrelid = g.table_name AND t.tgenabled <> 'D'
                                    AND t.tgfoid = 'referral_crm.audit_capture()'::regprocedure) < 4
            ORDER BY 1 LOOP
    severity := 'high'; finding := 'table_not_audited'; object := r.t;
    detail := 'The audit triggers are missing or disabled; run referral_crm.govern_table() again.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::text AS t FROM referral_crm.governed_tables g WHERE g.by_default ORDER BY 1 LOOP
    severity := 'medium'; finding := 'table_enrolled_by_default'; object := r.t;
    detail := 'Nobody classified this table: it is admin_only until referral_crm.govern_table() gives it its family.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT format('%I.%I', n.nspname, c.relname) AS t
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT 1 FROM referral_crm.governed_tables g WHERE g.table_name = c.oid)
            ORDER BY 1 LOOP
    severity := 'high'; finding := 'table_not_governed'; object := r.t;
    detail := 'The table is in the extension''s schema but not enrolled: no policies, no audit.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT DISTINCT format('%I.%I', n.nspname, v.relname) AS v
             FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace
             JOIN pg_rewrite w ON w.ev_class = v.oid
             JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                             AND d.refclassid = 'pg_class'::regclass
             JOIN referral_crm.governed_tables g ON g.table_name = d.refobjid AND g.patient_data
            WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND v.relkind = 'v'
              AND NOT coalesce('security_invoker=true' = ANY (v.reloptions), false)
            ORDER BY 1 LOOP
    severity := 'high'; finding := 'view_not_security_invoker'; object := r.v;
    detail := 'A view over patient data runs with its owner''s rights and bypasses row-level security; ALTER VIEW ... SET (security_invoker = true).';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure::text AS f,
                  coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false) AS pinned,
                  has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND p.prosecdef
            ORDER BY 1 LOOP
    IF NOT r.pinned THEN
      severity := 'critical'; finding := 'security_definer_without_search_path'; object := r.f;
      detail := 'A SECURITY DEFINER function must pin search_path = pg_catalog, pg_temp.';
      RETURN NEXT;
    END IF;
    IF r.public_execute THEN
      severity := 'critical'; finding := 'security_definer_public'; object := r.f;
      detail := 'Every role may run this SECURITY DEFINER function with its owner''s rights (or attach it as a trigger); REVOKE EXECUTE ... FROM PUBLIC.';
      RETURN NEXT;
    END IF;
  END LOOP;
  FOR r IN SELECT a.rolname, a.rolsuper, a.rolbypassrls,
                  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND c.relowner = a.oid) AS owned
             FROM pg_roles a
            WHERE a.rolname = ANY (referral_crm.governance_roles())
               OR EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = ANY (referral_crm.governance_roles())
                           AND pg_has_role(a.oid, g.oid, 'MEMBER') AND NOT a.rolsuper)
            ORDER BY 1 LOOP
    IF r.rolsuper OR r.rolbypassrls THEN
      severity := 'critical'; finding := 'application_role_bypasses_rls'; object := r.rolname;
      detail := CASE WHEN r.rolsuper THEN 'An application role is a superuser.' ELSE 'An application role has BYPASSRLS.' END;
      RETURN NEXT;
    END IF;
    IF r.owned > 0 THEN
      severity := 'critical'; finding := 'application_role_owns_objects'; object := r.rolname;
      detail := format('It owns %s relations of the extension; owners can disable row-level security.', r.owned);
      RETURN NEXT;
    END IF;
  END LOOP;
  FOR r IN SELECT n.nspname FROM pg_namespace n
            WHERE (n.nspname IN ('referral_crm', 'referral_crm_audit', 'public')
                   OR n.oid IN (SELECT e.extnamespace FROM pg_extension e WHERE e.extname = 'referral_crm'))
              AND has_schema_privilege('public', n.oid, 'CREATE') ORDER BY 1 LOOP
    severity := CASE WHEN r.nspname = 'public' THEN 'medium' ELSE 'critical' END;
    finding := 'public_can_create'; object := r.nspname;
    detail := 'PUBLIC may create objects in this schema, which can shadow functions and operators.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::oid::text AS t FROM referral_crm.governed_tables g
            WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = g.table_name) ORDER BY 1 LOOP
    severity := 'medium'; finding := 'governed_table_missing'; object := r.t;
    detail := 'The registry names a table (by OID) that no longer exists; delete its governed_tables row.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::text AS t FROM referral_crm.governed_tables g
            WHERE g.retention IS NOT NULL AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = g.table_name)
              AND NOT referral_crm.purgeable(g.table_name, g.retention_column)
            ORDER BY 1 LOOP
    severity := 'medium'; finding := 'retention_not_purgeable'; object := r.t;
    detail := 'The table has a retention window that purge_expired() will not apply: it is not a permanent table of the extension''s owner with a date or timestamp retention column.';
    RETURN NEXT;
  END LOOP;
  IF (SELECT count(*) FROM pg_roles a WHERE a.rolname = ANY (referral_crm.governance_roles())) < 6 THEN
    severity := 'medium'; finding := 'roles_not_set_up'; object := 'referral_crm.setup_roles()';
    detail := 'The group roles do not all exist; a DBA runs SELECT referral_crm.setup_roles().';
    RETURN NEXT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM referral_crm.pseudonym_keys k WHERE k.retired_at IS NULL) THEN
    severity := 'low'; finding := 'no_pseudonym_key'; object := 'referral_crm.pseudonym_keys';
    detail := 'There is no current pseudonym key; setup_roles() or rotate_pseudonym_key() makes one.';
    RETURN NEXT;
  END IF;
END
$$;

-- routing asks whether the specialty classifier exists through a function
CREATE FUNCTION referral_crm.note_classifier_exists(name text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  RETURN EXISTS (SELECT 1 FROM referral_crm.note_classifiers c WHERE c.name = note_classifier_exists.name);
COMMENT ON FUNCTION referral_crm.note_classifier_exists(text) IS
  'is there a trained note classifier of this name?';
REVOKE ALL ON FUNCTION referral_crm.note_classifier_exists(text) FROM PUBLIC;
CREATE OR REPLACE VIEW referral_crm.routing_input WITH (security_invoker = true) AS
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

-- crm, scoring: out-of-range inputs give NULL, not an arithmetic error or NaN
CREATE OR REPLACE FUNCTION referral_crm.wilson_interval(successes bigint, n bigint,
    z float8 DEFAULT 1.959963984540054, OUT lower float8, OUT upper float8)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
  SELECT CASE WHEN ok THEN (p + z2 / (2 * n) - z * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n) END,
         CASE WHEN ok THEN (p + z2 / (2 * n) + z * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n) END
    FROM (SELECT CASE WHEN n > 0 THEN successes::float8 / n END AS p, z * z AS z2,
                 coalesce(n > 0 AND successes BETWEEN 0 AND n AND z >= 0 AND z < 'Infinity', false) AS ok) s
$$;
COMMENT ON FUNCTION referral_crm.wilson_interval(bigint, bigint, float8) IS
  'Wilson score confidence interval of successes/n (z = 1.96 for 95%); NULL bounds unless 0 <= successes <= n, n > 0 and z finite and >= 0';
CREATE OR REPLACE FUNCTION referral_crm.distance_km(lat1 double precision, lon1 double precision,
                                         lat2 double precision, lon2 double precision)
  RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN lat1 BETWEEN -90 AND 90 AND lat2 BETWEEN -90 AND 90
                   AND lon1 BETWEEN -360 AND 360 AND lon2 BETWEEN -360 AND 360
              THEN 2 * 6371.0088 * asin(least(1.0, sqrt(power(sin(radians(lat2 - lat1) / 2), 2)
                                                        + cos(radians(lat1)) * cos(radians(lat2))
                                                          * power(sin(radians(lon2 - lon1) / 2), 2)))) END;
COMMENT ON FUNCTION referral_crm.distance_km(double precision, double precision, double precision, double precision) IS
  'great-circle (haversine) distance in km on the mean Earth radius; NULL unless latitudes are within [-90, 90] and longitudes within [-360, 360]';

-- The tables whose family changes.
SELECT referral_crm.govern_table(t::regclass, 'admin_only', patient_data => false, audited => false)
  FROM unnest(ARRAY['referral_crm.corpus_df', 'referral_crm.corpus_totals']) AS t;
SELECT referral_crm.govern_table(t::regclass, 'admin_only', patient_data => false)
  FROM unnest(ARRAY['referral_crm.note_classifiers', 'referral_crm.note_classifier_vectors']) AS t;
SELECT referral_crm.govern_table(t::regclass, 'admin_only', patient_data => false)
  FROM unnest(ARRAY['referral_crm.referral_metrics_snapshot', 'referral_crm.cohorts_snapshot',
                    'referral_crm.performance_filters_snapshot', 'referral_crm.leakage_snapshot',
                    'referral_crm.roi_snapshot', 'referral_crm.manager_overview_snapshot']) AS t;
-- Where the roles are set up: the new policies and grants.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'referral_crm_admin') THEN
    PERFORM referral_crm.setup_roles();
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.similar_referrals(ref_id bigint, k int DEFAULT 10)
  RETURNS TABLE (referral_id bigint, similarity float8)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  st record;
  q referral_crm.termvec;
  qw referral_crm.termvec;
  probe text[];
  cand_ids bigint[];
  cand_tfs referral_crm.termvec[];
  idf referral_crm.termvec;
BEGIN
  PERFORM referral_crm.notes_check_k(k);
  IF NOT EXISTS (SELECT 1 FROM referral_crm.referrals r WHERE r.referral_id = ref_id) THEN
    RAISE EXCEPTION 'referral % does not exist', ref_id USING ERRCODE = 'undefined_object';
  END IF;
  -- Single words only: word bigrams make these vectors sparser and the
  -- neighbours worse (precision@1 on MTSamples 0.818 against 0.808).
  SELECT referral_crm.termvec_words(referral_crm.termvec_sum(v.tf)) INTO q
    FROM referral_crm.note_vectors v JOIN referral_crm.referral_notes n ON n.note_id = v.note_id
   WHERE n.referral_id = ref_id;
  IF q IS NULL OR referral_crm.termvec_size(q) = 0 THEN
    RETURN;
  END IF;
  SELECT * INTO st FROM referral_crm.corpus_stats();
  qw := referral_crm.termvec_weight(q, referral_crm.termvec_idf(
          referral_crm.corpus_dfs(referral_crm.termvec_terms(q)), st.ndocs, true), true, 'l2');
  -- Candidates share at least one of the 20 heaviest terms (GIN index).
  probe := ARRAY(SELECT t.term FROM referral_crm.top_terms(qw, 20) t);
  SELECT array_agg(c.rid), array_agg(c.tf) INTO cand_ids, cand_tfs
    FROM (SELECT n.referral_id AS rid, referral_crm.termvec_words(referral_crm.termvec_sum(v.tf)) AS tf
            FROM referral_crm.note_vectors v JOIN referral_crm.referral_notes n ON n.note_id = v.note_id
           WHERE v.tf OPERATOR(referral_crm.&&) probe AND n.referral_id <> ref_id
           GROUP BY n.referral_id) c;
  IF cand_ids IS NULL THEN
    RETURN;
  END IF;
  IF array_length(cand_ids, 1) * 10 > st.ndocs AND referral_crm.corpus_df_floor() = 0 THEN
    -- Many candidates: the idf of the whole vocabulary in one pass (for
    -- the roles that see every note: others get floored frequencies).
    SELECT referral_crm.termvec_idf(referral_crm.termvec(array_agg(c.term), array_agg(c.df::float8)), st.ndocs, true)
      INTO idf FROM referral_crm.corpus_terms() c WHERE c.df > 0;
  ELSE
    idf := referral_crm.termvec_idf(referral_crm.corpus_dfs(
             ARRAY(SELECT DISTINCT t FROM unnest(cand_tfs) v, unnest(referral_crm.termvec_terms(v)) t)), st.ndocs, true);
  END IF;
  RETURN QUERY
  SELECT c.rid, referral_crm.cosine(qw, referral_crm.termvec_weight(c.tf, idf, true, 'l2')) AS sim
    FROM unnest(cand_ids, cand_tfs) c(rid, tf)
   ORDER BY 2 DESC, 1
   LIMIT k;
END
$$;

-- ingest: keys too long for an index entry are rejected (value_too_long); a blank status or
-- stage keeps the stored one; a claim never links another patient's referral; the referrer link
-- follows a changed NPI; one organisation per NPI; ZIPs normalised in location keys; language tags in any case
CREATE FUNCTION referral_crm.ingest_field_too_long(fields text[], free_text int[]) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN EXISTS (SELECT 1 FROM unnest(fields) WITH ORDINALITY AS f (v, i)
                  WHERE octet_length(f.v) > 1000 AND f.i <> ALL (coalesce(free_text, '{}')));
COMMENT ON FUNCTION referral_crm.ingest_field_too_long(text[], int[]) IS
  'internal: does a field that is not free text exceed 1,000 bytes?';

CREATE OR REPLACE FUNCTION referral_crm.ingest_referrals(batch bigint,
    OUT inserted bigint, OUT updated bigint, OUT unchanged bigint, OUT rejected bigint)
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
BEGIN
  PERFORM referral_crm.ingest_prepare_lookups();
  DROP TABLE IF EXISTS pg_temp.rc_rows CASCADE;
  CREATE TEMP TABLE rc_rows ON COMMIT DROP AS
  SELECT s.load_id, s.row_no, s.fields, s.raw, s.problem, v.*,
         referral_crm.parse_date(v.t_birth) AS birth,
         referral_crm.map_code('sex', v.t_sex) AS sex,
         referral_crm.norm_zip(v.t_zip) AS zip,
         referral_crm.parse_timestamptz(v.t_authored, (SELECT referral_crm.calendar_zone())) AS authored,
         referral_crm.parse_timestamptz(v.t_received, (SELECT referral_crm.calendar_zone())) AS received,
         referral_crm.map_code('priority', v.t_priority) AS priority,
         referral_crm.norm_icd10_list(v.t_dx) AS dx,
         referral_crm.map_code('payer_class', v.t_payer_class) AS payer_class,
         referral_crm.map_code('referral_channel', v.t_channel) AS channel,
         referral_crm.map_code('auth_status', v.t_auth) AS auth,
         referral_crm.map_code('referral_status', v.t_status) AS status,
         referral_crm.map_code('referral_stage', v.t_stage) AS stage,
         referral_crm.parse_date(v.t_needed) AS needed,
         sp.specialty, loc.location_id, NULL::text AS reason, NULL::text AS message
    FROM pg_temp.rc_staged s
   CROSS JOIN LATERAL referral_crm.unpack_fields(s.fields) AS v (
         ss text, sid text, mrn text, given text, family text, t_birth text, t_sex text, t_zip text,
         phone text, lang text, t_authored text, t_received text, ref_npi text, ref_name text, ref_org text,
         t_specialty text, target_npi text, loc_code text, t_priority text, reason_text text, t_dx text,
         payer_code text, payer_name text, t_payer_class text, plan_code text, t_channel text, refnum text,
         t_auth text, pa_num text, t_status text, status_reason text, t_stage text, stage_reason text,
         t_needed text, note text)
    LEFT JOIN pg_temp.rc_spec sp ON sp.key = lower(v.t_specialty)
    LEFT JOIN (SELECT l.source_id, min(l.location_id) AS location_id
                 FROM referral_crm.locations l GROUP BY l.source_id) loc ON loc.source_id = v.loc_code;
  ANALYZE pg_temp.rc_rows;
  -- A language tag in any case: its language subtag in lower case.
  UPDATE pg_temp.rc_rows r SET lang = referral_crm.norm_language(r.lang) WHERE r.lang ~ '^[A-Za-z]*[A-Z]';

  -- The first problem of each row, in a fixed order.
  UPDATE pg_temp.rc_rows r SET reason = x.reason
    FROM (SELECT q.load_id, q.row_no, CASE
            WHEN q.problem IS NOT NULL THEN 'malformed_csv'
            WHEN cardinality(q.fields) <> 35 THEN 'column_count'
            WHEN referral_crm.ingest_field_too_long(q.fields, '{20,31,33,35}') THEN 'value_too_long'
            WHEN q.ss IS NULL OR q.sid IS NULL OR q.mrn IS NULL THEN 'missing_key'
            WHEN q.t_authored IS NULL THEN 'missing_value'
            WHEN q.authored IS NULL OR (q.t_received IS NOT NULL AND q.received IS NULL)
              OR (q.t_birth IS NOT NULL AND q.birth IS NULL) OR (q.t_needed IS NOT NULL AND q.needed IS NULL) THEN 'bad_date'
            WHEN q.received < q.authored THEN 'bad_order'
            WHEN (q.t_priority IS NOT NULL AND q.priority IS NULL) OR (q.t_status IS NOT NULL AND q.status IS NULL)
              OR (q.t_stage IS NOT NULL AND q.stage IS NULL) OR (q.t_channel IS NOT NULL AND q.channel IS NULL)
              OR (q.t_auth IS NOT NULL AND q.auth IS NULL) OR (q.t_sex IS NOT NULL AND q.sex IS NULL)
              OR (q.t_payer_class IS NOT NULL AND q.payer_class IS NULL) OR q.dx IS NULL
              OR (q.lang IS NOT NULL AND q.lang !~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$') THEN 'invalid_code'
            WHEN (q.ref_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(q.ref_npi))
              OR (q.target_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(q.target_npi)) THEN 'invalid_npi'
            WHEN q.t_zip IS NOT NULL AND q.zip IS NULL THEN 'invalid_zip'
            WHEN q.t_specialty IS NOT NULL AND q.specialty IS NULL THEN 'unknown_specialty'
            WHEN q.loc_code IS NOT NULL AND q.location_id IS NULL THEN 'unknown_location'
            WHEN q.plan_code IS NOT NULL AND q.payer_code IS NULL THEN 'missing_value'
          END AS reason
          FROM pg_temp.rc_rows q) x
   WHERE r.load_id = x.load_id AND r.row_no = x.row_no AND x.reason IS NOT NULL;
  PERFORM referral_crm.ingest_mark_duplicates();

  -- Checks against what is already stored.
  UPDATE pg_temp.rc_rows r SET reason = CASE
           WHEN (p.source_system, p.source_id) IS DISTINCT FROM (r.ss, r.mrn) THEN 'patient_mismatch'
           WHEN x.status <> coalesce(r.status, x.status)
                AND NOT referral_crm.transition_allowed('referral_status', x.status, r.status) THEN 'illegal_transition'
           WHEN x.stage <> coalesce(r.stage, x.stage)
                AND NOT referral_crm.transition_allowed('referral_stage', x.stage, r.stage) THEN 'illegal_transition'
           WHEN x.status <> coalesce(r.status, x.status) AND r.status_reason IS NOT NULL
                AND r.status_reason = x.status_reason AND r.status IN ('rejected', 'cancelled', 'failed', 'on-hold')
                THEN 'missing_reason'
           WHEN r.authored > x.authored_at
                AND (SELECT min(a.start_at) FROM referral_crm.appointments a WHERE a.referral_id = x.referral_id) < r.authored
                THEN 'before_referral'
         END
    FROM referral_crm.referrals x JOIN referral_crm.patients p ON p.patient_id = x.patient_id
   WHERE r.reason IS NULL AND x.source_system = r.ss AND x.source_id = r.sid
     AND (CASE
           WHEN (p.source_system, p.source_id) IS DISTINCT FROM (r.ss, r.mrn) THEN 'patient_mismatch'
           WHEN x.status <> coalesce(r.status, x.status)
                AND NOT referral_crm.transition_allowed('referral_status', x.status, r.status) THEN 'illegal_transition'
           WHEN x.stage <> coalesce(r.stage, x.stage)
                AND NOT referral_crm.transition_allowed('referral_stage', x.stage, r.stage) THEN 'illegal_transition'
           WHEN x.status <> coalesce(r.status, x.status) AND r.status_reason IS NOT NULL
                AND r.status_reason = x.status_reason AND r.status IN ('rejected', 'cancelled', 'failed', 'on-hold')
                THEN 'missing_reason'
           WHEN r.authored > x.authored_at
                AND (SELECT min(a.start_at) FROM referral_crm.appointments a WHERE a.referral_id = x.referral_id) < r.authored
                THEN 'before_referral'
         END) IS NOT NULL;

  -- A blank status or stage keeps the stored one (and its reason).
  UPDATE pg_temp.rc_rows r SET status = coalesce(r.status, x.status), stage = coalesce(r.stage, x.stage)
    FROM referral_crm.referrals x
   WHERE r.reason IS NULL AND x.source_system = r.ss AND x.source_id = r.sid
     AND (r.status IS NULL OR r.stage IS NULL);

  UPDATE pg_temp.rc_rows r SET message = CASE r.reason
           WHEN 'malformed_csv' THEN 'the record is not valid CSV: ' || r.problem
           WHEN 'column_count' THEN format('the record has %s fields, the referrals feed has 35', cardinality(r.fields))
           WHEN 'value_too_long' THEN 'a key or code field is longer than 1,000 bytes (only reason, status_reason, stage_reason and note may be)'
           WHEN 'missing_key' THEN 'source_system, referral_id and patient_mrn are required'
           WHEN 'missing_value' THEN CASE WHEN r.t_authored IS NULL THEN 'authored_at is required' ELSE 'plan_code needs a payer_code' END
           WHEN 'bad_date' THEN format('a date is not valid: authored_at %L, received_at %L, patient_birth_date %L, needed_by %L',
                                       r.t_authored, r.t_received, r.t_birth, r.t_needed)
           WHEN 'bad_order' THEN format('received_at %s is before authored_at %s', r.t_received, r.t_authored)
           WHEN 'invalid_code' THEN format('a code is not valid: priority %L, status %L, stage %L, channel %L, auth_status %L, sex %L, payer_class %L, diagnosis_codes %L, language %L',
                                           r.t_priority, r.t_status, r.t_stage, r.t_channel, r.t_auth, r.t_sex, r.t_payer_class, r.t_dx, r.lang)
           WHEN 'invalid_npi' THEN format('an NPI is not valid: referring_npi %L, target_npi %L', r.ref_npi, r.target_npi)
           WHEN 'invalid_zip' THEN format('patient_zip %L is not a ZIP code', r.t_zip)
           WHEN 'unknown_specialty' THEN format('target_specialty %L is not a known specialty', r.t_specialty)
           WHEN 'unknown_location' THEN format('target_location_code %L is not in the directory', r.loc_code)
           WHEN 'duplicate_key' THEN format('referral %s/%s appears earlier in the same load', r.ss, r.sid)
           WHEN 'patient_mismatch' THEN format('referral %s/%s belongs to another patient', r.ss, r.sid)
           WHEN 'illegal_transition' THEN format('status %L / stage %L is not a legal move from the stored state', r.t_status, r.t_stage)
           WHEN 'missing_reason' THEN format('status %s needs a new status_reason', r.status)
           WHEN 'before_referral' THEN format('authored_at %s would follow the referral''s first appointment', r.t_authored)
         END
   WHERE r.reason IS NOT NULL;

  rejected := referral_crm.ingest_record_rejects('referrals', batch);

  -- Patients, payers, referring organisations.
  DROP VIEW IF EXISTS pg_temp.rc_pat;
  CREATE TEMP VIEW rc_pat AS
  SELECT ss, mrn, given, family, birth, sex, zip, phone, lang, row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL;
  PERFORM referral_crm.ingest_upsert_patients(batch);
  DROP VIEW IF EXISTS pg_temp.rc_pay;
  CREATE TEMP VIEW rc_pay AS
  SELECT payer_code, payer_name, payer_class, plan_code, row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL AND payer_code IS NOT NULL;
  PERFORM referral_crm.ingest_upsert_payers(batch);
  INSERT INTO referral_crm.organizations (name, source_system, source_id, batch_id)
  SELECT DISTINCT ON (lower(ref_org)) ref_org, 'feed', 'name:' || lower(ref_org), batch
    FROM pg_temp.rc_rows WHERE reason IS NULL AND ref_org IS NOT NULL
   ORDER BY lower(ref_org), load_id, row_no
  ON CONFLICT (source_system, source_id) DO NOTHING;

  -- The referrals themselves.
  WITH src AS (
    SELECT r.*, p.patient_id, rc.clinician_id AS ref_clinician_id, rc.in_network AS ref_in_network,
           tc.clinician_id AS target_clinician_id, tc.in_network AS target_in_network,
           o.organization_id, py.payer_id, pl.plan_id
      FROM pg_temp.rc_rows r
      JOIN referral_crm.patients p ON p.source_system = r.ss AND p.source_id = r.mrn
      LEFT JOIN referral_crm.clinicians rc ON rc.npi = r.ref_npi
      LEFT JOIN referral_crm.clinicians tc ON tc.npi = r.target_npi
      LEFT JOIN referral_crm.organizations o ON o.source_system = 'feed' AND o.source_id = 'name:' || lower(r.ref_org)
      LEFT JOIN referral_crm.payers py ON py.payer_code = r.payer_code
      LEFT JOIN referral_crm.payer_plans pl ON pl.payer_id = py.payer_id AND pl.plan_code = r.plan_code
     WHERE r.reason IS NULL),
  up AS (
    INSERT INTO referral_crm.referrals AS t
           (source_system, source_id, patient_id, authored_at, received_at, needed_by,
            referring_clinician_id, referring_npi, referring_name, referring_organization_id,
            target_specialty, target_clinician_id, target_npi, target_location_id, priority, reason,
            diagnosis_codes, payer_id, plan_id, in_network, channel, referral_number, auth_status,
            prior_auth_number, status, status_reason, stage, stage_reason, batch_id, source_row)
    SELECT ss, sid, patient_id, authored, received, needed,
           ref_clinician_id, ref_npi, ref_name, organization_id,
           specialty, target_clinician_id, target_npi, location_id, coalesce(priority, 'routine'), reason_text,
           dx, payer_id, plan_id, target_in_network, channel, refnum, coalesce(auth, 'not-required'),
           pa_num, coalesce(status, 'requested'),
           CASE WHEN status_reason IS NULL AND status IN ('rejected', 'cancelled', 'failed', 'on-hold')
                THEN format('%s reported by %s', status, ss) ELSE status_reason END,
           coalesce(stage, 'new'),
           CASE WHEN stage_reason IS NULL AND stage = 'closed-lost'
                THEN format('%s reported by %s', stage, ss) ELSE stage_reason END,
           batch, row_no
      FROM src
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET authored_at = EXCLUDED.authored_at, received_at = EXCLUDED.received_at, needed_by = EXCLUDED.needed_by,
           -- the link follows the referrer the row names: kept (it may come
           -- from name resolution) only while NPI and name are unchanged
           referring_clinician_id = CASE WHEN (EXCLUDED.referring_npi, EXCLUDED.referring_name)
                                               IS NOT DISTINCT FROM (t.referring_npi, t.referring_name)
                                          THEN coalesce(EXCLUDED.referring_clinician_id, t.referring_clinician_id)
                                          ELSE EXCLUDED.referring_clinician_id END,
           referring_npi = EXCLUDED.referring_npi, referring_name = EXCLUDED.referring_name,
           referring_organization_id = EXCLUDED.referring_organization_id,
           target_specialty = EXCLUDED.target_specialty, target_clinician_id = EXCLUDED.target_clinician_id,
           target_npi = EXCLUDED.target_npi, target_location_id = EXCLUDED.target_location_id,
           priority = EXCLUDED.priority, reason = EXCLUDED.reason, diagnosis_codes = EXCLUDED.diagnosis_codes,
           payer_id = EXCLUDED.payer_id, plan_id = EXCLUDED.plan_id, in_network = EXCLUDED.in_network,
           channel = EXCLUDED.channel, referral_number = EXCLUDED.referral_number,
           auth_status = EXCLUDED.auth_status, prior_auth_number = EXCLUDED.prior_auth_number,
           status = EXCLUDED.status,
           status_reason = CASE WHEN EXCLUDED.status = t.status THEN t.status_reason ELSE EXCLUDED.status_reason END,
           stage = EXCLUDED.stage,
           stage_reason = CASE WHEN EXCLUDED.stage = t.stage THEN t.stage_reason ELSE EXCLUDED.stage_reason END,
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (t.authored_at, t.received_at, t.needed_by, t.referring_npi, t.referring_name,
            t.referring_organization_id, t.target_specialty, t.target_clinician_id, t.target_npi,
            t.target_location_id, t.priority, t.reason, t.diagnosis_codes, t.payer_id, t.plan_id,
            t.in_network, t.channel, t.referral_number, t.auth_status, t.prior_auth_number, t.status, t.stage)
           IS DISTINCT FROM
           (EXCLUDED.authored_at, EXCLUDED.received_at, EXCLUDED.needed_by, EXCLUDED.referring_npi,
            EXCLUDED.referring_name, EXCLUDED.referring_organization_id, EXCLUDED.target_specialty,
            EXCLUDED.target_clinician_id, EXCLUDED.target_npi, EXCLUDED.target_location_id, EXCLUDED.priority,
            EXCLUDED.reason, EXCLUDED.diagnosis_codes, EXCLUDED.payer_id, EXCLUDED.plan_id, EXCLUDED.in_network,
            EXCLUDED.channel, EXCLUDED.referral_number, EXCLUDED.auth_status, EXCLUDED.prior_auth_number,
            EXCLUDED.status, EXCLUDED.stage)
    RETURNING (xmax = 0) AS is_insert)
  SELECT count(*) FILTER (WHERE is_insert), count(*) FILTER (WHERE NOT is_insert)
    INTO inserted, updated FROM up;

  unchanged := (SELECT count(*) FROM pg_temp.rc_rows WHERE reason IS NULL) - inserted - updated;
  PERFORM referral_crm.ingest_assert_stored('referral_crm.referrals', 'referrals');

  -- The note that came with each referral.
  INSERT INTO referral_crm.referral_notes AS n (referral_id, note_type, authored_at, body, source_system, source_id, batch_id, source_row)
  SELECT x.referral_id, 'referral', r.authored, r.note, r.ss, r.sid, batch, r.row_no
    FROM pg_temp.rc_rows r JOIN referral_crm.referrals x ON x.source_system = r.ss AND x.source_id = r.sid
   WHERE r.reason IS NULL AND r.note IS NOT NULL
  ON CONFLICT (source_system, source_id) DO UPDATE
     SET body = EXCLUDED.body, authored_at = EXCLUDED.authored_at, batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
   WHERE (n.body, n.authored_at) IS DISTINCT FROM (EXCLUDED.body, EXCLUDED.authored_at);
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.ingest_appointments(batch bigint,
    OUT inserted bigint, OUT updated bigint, OUT unchanged bigint, OUT rejected bigint)
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
BEGIN
  DROP TABLE IF EXISTS pg_temp.rc_rows CASCADE;
  CREATE TEMP TABLE rc_rows ON COMMIT DROP AS
  SELECT s.load_id, s.row_no, s.fields, s.raw, s.problem, v.*,
         referral_crm.parse_date(v.t_birth) AS birth,
         referral_crm.map_code('sex', v.t_sex) AS sex,
         referral_crm.norm_zip(v.t_zip) AS zip,
         referral_crm.map_code('appointment_status', v.t_status) AS status,
         referral_crm.parse_timestamptz(v.t_start, (SELECT referral_crm.calendar_zone())) AS start_at,
         referral_crm.parse_timestamptz(v.t_end, (SELECT referral_crm.calendar_zone())) AS end_at,
         referral_crm.parse_timestamptz(v.t_booked, (SELECT referral_crm.calendar_zone())) AS booked_at,
         referral_crm.parse_timestamptz(v.t_cancelled, (SELECT referral_crm.calendar_zone())) AS cancelled_at,
         referral_crm.parse_bool(v.t_reminder) AS reminder,
         c.clinician_id, loc.location_id, ref.referral_id, ref.authored_at, ref.patient_system, ref.patient_mrn,
         NULL::text AS reason, NULL::text AS message
    FROM pg_temp.rc_staged s
   CROSS JOIN LATERAL referral_crm.unpack_fields(s.fields) AS v (
         ss text, sid text, ref_sid text, mrn text, t_birth text, t_sex text, t_zip text, npi text,
         loc_code text, t_status text, t_start text, t_end text, t_booked text, t_cancelled text,
         cancel_reason text, t_reminder text)
    LEFT JOIN referral_crm.clinicians c ON c.npi = v.npi
    LEFT JOIN (SELECT l.source_id, min(l.location_id) AS location_id
                 FROM referral_crm.locations l GROUP BY l.source_id) loc ON loc.source_id = v.loc_code
    LEFT JOIN LATERAL (SELECT x.referral_id, x.authored_at, p.source_system AS patient_system, p.source_id AS patient_mrn
                         FROM referral_crm.referrals x JOIN referral_crm.patients p USING (patient_id)
                        WHERE x.source_system = v.ss AND x.source_id = v.ref_sid) ref ON v.ref_sid IS NOT NULL;
  ANALYZE pg_temp.rc_rows;

  UPDATE pg_temp.rc_rows r SET reason = CASE
           WHEN r.problem IS NOT NULL THEN 'malformed_csv'
           WHEN cardinality(r.fields) <> 16 THEN 'column_count'
           WHEN referral_crm.ingest_field_too_long(r.fields, '{15}') THEN 'value_too_long'
           WHEN r.ss IS NULL OR r.sid IS NULL OR r.mrn IS NULL THEN 'missing_key'
           WHEN r.t_start IS NULL THEN 'missing_value'
           WHEN r.start_at IS NULL OR (r.t_end IS NOT NULL AND r.end_at IS NULL)
             OR (r.t_booked IS NOT NULL AND r.booked_at IS NULL) OR (r.t_cancelled IS NOT NULL AND r.cancelled_at IS NULL)
             OR (r.t_birth IS NOT NULL AND r.birth IS NULL) THEN 'bad_date'
           WHEN r.end_at < r.start_at THEN 'bad_order'
           WHEN (r.t_status IS NOT NULL AND r.status IS NULL) OR (r.t_sex IS NOT NULL AND r.sex IS NULL) THEN 'invalid_code'
           WHEN r.t_reminder IS NOT NULL AND r.reminder IS NULL THEN 'bad_boolean'
           WHEN r.t_zip IS NOT NULL AND r.zip IS NULL THEN 'invalid_zip'
           WHEN r.npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.npi) THEN 'invalid_npi'
           WHEN r.npi IS NOT NULL AND r.clinician_id IS NULL THEN 'unknown_clinician'
           WHEN r.loc_code IS NOT NULL AND r.location_id IS NULL THEN 'unknown_location'
           WHEN r.ref_sid IS NOT NULL AND r.referral_id IS NULL THEN 'unknown_referral'
           WHEN r.referral_id IS NOT NULL AND (r.patient_system, r.patient_mrn) IS DISTINCT FROM (r.ss, r.mrn) THEN 'patient_mismatch'
           WHEN r.start_at < r.authored_at THEN 'before_referral'
         END;
  PERFORM referral_crm.ingest_mark_duplicates();

  UPDATE pg_temp.rc_rows r SET message = CASE r.reason
           WHEN 'malformed_csv' THEN 'the record is not valid CSV: ' || r.problem
           WHEN 'column_count' THEN format('the record has %s fields, the appointments feed has 16', cardinality(r.fields))
           WHEN 'value_too_long' THEN 'a key or code field is longer than 1,000 bytes (only cancel_reason may be)'
           WHEN 'missing_key' THEN 'source_system, appointment_id and patient_mrn are required'
           WHEN 'missing_value' THEN 'start_at is required'
           WHEN 'bad_date' THEN format('a date is not valid: start_at %L, end_at %L, booked_at %L, cancelled_at %L, patient_birth_date %L',
                                       r.t_start, r.t_end, r.t_booked, r.t_cancelled, r.t_birth)
           WHEN 'bad_order' THEN format('end_at %s is before start_at %s', r.t_end, r.t_start)
           WHEN 'invalid_code' THEN format('a code is not valid: status %L, patient_sex %L', r.t_status, r.t_sex)
           WHEN 'bad_boolean' THEN format('reminder_sent %L is not a boolean', r.t_reminder)
           WHEN 'invalid_zip' THEN format('patient_zip %L is not a ZIP code', r.t_zip)
           WHEN 'invalid_npi' THEN format('clinician_npi %L is not a valid NPI', r.npi)
           WHEN 'unknown_clinician' THEN format('clinician_npi %s is not in the directory', r.npi)
           WHEN 'unknown_location' THEN format('location_code %L is not in the directory', r.loc_code)
           WHEN 'unknown_referral' THEN format('referral %s/%s is not known', r.ss, r.ref_sid)
           WHEN 'patient_mismatch' THEN format('referral %s/%s is for another patient', r.ss, r.ref_sid)
           WHEN 'before_referral' THEN format('start_at %s is before referral %s/%s was authored', r.t_start, r.ss, r.ref_sid)
           WHEN 'duplicate_key' THEN format('appointment %s/%s appears earlier in the same load', r.ss, r.sid)
         END
   WHERE r.reason IS NOT NULL;
  rejected := referral_crm.ingest_record_rejects('appointments', batch);

  DROP VIEW IF EXISTS pg_temp.rc_pat;
  CREATE TEMP VIEW rc_pat AS
  SELECT ss, mrn, NULL::text AS given, NULL::text AS family, birth, sex, zip, NULL::text AS phone,
         NULL::text AS lang, row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL;
  PERFORM referral_crm.ingest_upsert_patients(batch);

  WITH up AS (
    INSERT INTO referral_crm.appointments AS t
           (source_system, source_id, referral_id, patient_id, clinician_id, location_id, status, start_at, end_at,
            booked_at, cancelled_at, cancel_reason, reminder_sent, batch_id, source_row)
    SELECT r.ss, r.sid, r.referral_id, p.patient_id, r.clinician_id, r.location_id, coalesce(r.status, 'booked'),
           r.start_at, r.end_at, r.booked_at, r.cancelled_at, r.cancel_reason, coalesce(r.reminder, false),
           batch, r.row_no
      FROM pg_temp.rc_rows r JOIN referral_crm.patients p ON p.source_system = r.ss AND p.source_id = r.mrn
     WHERE r.reason IS NULL
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET referral_id = EXCLUDED.referral_id, patient_id = EXCLUDED.patient_id, clinician_id = EXCLUDED.clinician_id,
           location_id = EXCLUDED.location_id, status = EXCLUDED.status, start_at = EXCLUDED.start_at,
           end_at = EXCLUDED.end_at, booked_at = EXCLUDED.booked_at, cancelled_at = EXCLUDED.cancelled_at,
           cancel_reason = EXCLUDED.cancel_reason, reminder_sent = EXCLUDED.reminder_sent,
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (t.referral_id, t.patient_id, t.clinician_id, t.location_id, t.status, t.start_at, t.end_at,
            t.booked_at, t.cancelled_at, t.cancel_reason, t.reminder_sent)
           IS DISTINCT FROM
           (EXCLUDED.referral_id, EXCLUDED.patient_id, EXCLUDED.clinician_id, EXCLUDED.location_id, EXCLUDED.status,
            EXCLUDED.start_at, EXCLUDED.end_at, EXCLUDED.booked_at, EXCLUDED.cancelled_at, EXCLUDED.cancel_reason,
            EXCLUDED.reminder_sent)
    RETURNING (xmax = 0) AS is_insert)
  SELECT count(*) FILTER (WHERE is_insert), count(*) FILTER (WHERE NOT is_insert) INTO inserted, updated FROM up;
  unchanged := (SELECT count(*) FROM pg_temp.rc_rows WHERE reason IS NULL) - inserted - updated;
  PERFORM referral_crm.ingest_assert_stored('referral_crm.appointments', 'appointments');
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.ingest_claims(batch bigint,
    OUT inserted bigint, OUT updated bigint, OUT unchanged bigint, OUT rejected bigint)
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
BEGIN
  DROP TABLE IF EXISTS pg_temp.rc_rows CASCADE;
  CREATE TEMP TABLE rc_rows ON COMMIT DROP AS
  SELECT s.load_id, s.row_no, s.fields, s.raw, s.problem, v.*,
         coalesce(v.t_freq, '1') AS freq, lower(coalesce(v.t_type, 'professional')) AS claim_type,
         referral_crm.parse_date(v.t_birth) AS birth,
         referral_crm.map_code('sex', v.t_sex) AS sex,
         referral_crm.norm_zip(v.t_zip) AS zip,
         referral_crm.map_code('payer_class', v.t_payer_class) AS payer_class,
         referral_crm.parse_date(v.t_from) AS service_from,
         referral_crm.parse_date(v.t_to) AS service_to,
         referral_crm.parse_amount(v.t_charge) AS charge,
         referral_crm.parse_amount(v.t_paid) AS paid,
         referral_crm.norm_icd10_list(v.t_dx) AS dx,
         NULL::text AS reason, NULL::text AS message
    FROM pg_temp.rc_staged s
   CROSS JOIN LATERAL referral_crm.unpack_fields(s.fields) AS v (
         ss text, sid text, t_freq text, t_type text, mrn text, t_birth text, t_sex text, t_zip text,
         billing_npi text, rendering_npi text, referring_npi text, referring_name text, payer_code text,
         t_payer_class text, t_from text, t_to text, pos text, t_charge text, t_paid text, t_dx text,
         refnum text, pa_num text);
  ANALYZE pg_temp.rc_rows;

  UPDATE pg_temp.rc_rows r SET reason = CASE
           WHEN r.problem IS NOT NULL THEN 'malformed_csv'
           WHEN cardinality(r.fields) <> 22 THEN 'column_count'
           WHEN referral_crm.ingest_field_too_long(r.fields, '{}') THEN 'value_too_long'
           WHEN r.ss IS NULL OR r.sid IS NULL OR r.mrn IS NULL THEN 'missing_key'
           WHEN r.t_from IS NULL OR r.t_charge IS NULL THEN 'missing_value'
           WHEN r.service_from IS NULL OR (r.t_to IS NOT NULL AND r.service_to IS NULL)
             OR (r.t_birth IS NOT NULL AND r.birth IS NULL) THEN 'bad_date'
           WHEN r.service_to < r.service_from THEN 'bad_order'
           WHEN r.charge IS NULL OR (r.t_paid IS NOT NULL AND r.paid IS NULL) THEN 'bad_number'
           WHEN r.charge < 0 OR r.paid < 0 THEN 'negative_amount'
           WHEN NOT referral_crm.is_valid_code('claim_frequency', r.freq)
             OR NOT referral_crm.is_valid_code('claim_type', r.claim_type)
             OR (r.pos IS NOT NULL AND NOT referral_crm.is_valid_code('place_of_service', r.pos))
             OR (r.t_sex IS NOT NULL AND r.sex IS NULL) OR (r.t_payer_class IS NOT NULL AND r.payer_class IS NULL)
             OR r.dx IS NULL THEN 'invalid_code'
           WHEN (r.billing_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.billing_npi))
             OR (r.rendering_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.rendering_npi))
             OR (r.referring_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.referring_npi)) THEN 'invalid_npi'
           WHEN r.t_zip IS NOT NULL AND r.zip IS NULL THEN 'invalid_zip'
         END;
  PERFORM referral_crm.ingest_mark_duplicates();

  UPDATE pg_temp.rc_rows r SET message = CASE r.reason
           WHEN 'malformed_csv' THEN 'the record is not valid CSV: ' || r.problem
           WHEN 'column_count' THEN format('the record has %s fields, the claims feed has 22', cardinality(r.fields))
           WHEN 'value_too_long' THEN 'a field is longer than 1,000 bytes'
           WHEN 'missing_key' THEN 'source_system, claim_number and patient_mrn are required'
           WHEN 'missing_value' THEN 'service_from and total_charge are required'
           WHEN 'bad_date' THEN format('a date is not valid: service_from %L, service_to %L, patient_birth_date %L',
                                       r.t_from, r.t_to, r.t_birth)
           WHEN 'bad_order' THEN format('service_to %s is before service_from %s', r.t_to, r.t_from)
           WHEN 'bad_number' THEN format('an amount is not valid: total_charge %L, paid_amount %L', r.t_charge, r.t_paid)
           WHEN 'negative_amount' THEN format('amounts must not be negative: total_charge %L, paid_amount %L', r.t_charge, r.t_paid)
           WHEN 'invalid_code' THEN format('a code is not valid: frequency %L, claim_type %L, place_of_service %L, patient_sex %L, payer_class %L, diagnosis_codes %L',
                                           r.t_freq, r.t_type, r.pos, r.t_sex, r.t_payer_class, r.t_dx)
           WHEN 'invalid_npi' THEN format('an NPI is not valid: billing %L, rendering %L, referring %L',
                                          r.billing_npi, r.rendering_npi, r.referring_npi)
           WHEN 'invalid_zip' THEN format('patient_zip %L is not a ZIP code', r.t_zip)
           WHEN 'duplicate_key' THEN format('claim %s/%s appears earlier in the same load', r.ss, r.sid)
         END
   WHERE r.reason IS NOT NULL;
  rejected := referral_crm.ingest_record_rejects('claims', batch);

  DROP VIEW IF EXISTS pg_temp.rc_pat;
  CREATE TEMP VIEW rc_pat AS
  SELECT ss, mrn, NULL::text AS given, NULL::text AS family, birth, sex, zip, NULL::text AS phone,
         NULL::text AS lang, row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL;
  PERFORM referral_crm.ingest_upsert_patients(batch);
  DROP VIEW IF EXISTS pg_temp.rc_pay;
  CREATE TEMP VIEW rc_pay AS
  SELECT payer_code, NULL::text AS payer_name, payer_class, NULL::text AS plan_code,
         row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL AND payer_code IS NOT NULL;
  PERFORM referral_crm.ingest_upsert_payers(batch);

  WITH src AS (
    SELECT r.*, p.patient_id, py.payer_id, rc.clinician_id AS rendering_id, fc.clinician_id AS referring_id,
           -- the referral it names: this patient's first; else one of a
           -- patient of another source system (patients are keyed per
           -- system) whose birth date, sex and ZIP do not contradict the
           -- claim's; never one of another patient of the same system
           (SELECT x.referral_id FROM referral_crm.referrals x JOIN referral_crm.patients xp ON xp.patient_id = x.patient_id
             WHERE x.referral_number = r.refnum
               AND (x.patient_id = p.patient_id
                    OR (xp.source_system <> p.source_system
                        AND (p.birth_date IS NULL OR xp.birth_date IS NULL OR p.birth_date = xp.birth_date)
                        AND (p.sex IS NULL OR xp.sex IS NULL OR p.sex = xp.sex)
                        AND (p.zip IS NULL OR xp.zip IS NULL OR left(p.zip, 5) = left(xp.zip, 5))))
             ORDER BY x.patient_id = p.patient_id DESC, x.referral_id LIMIT 1) AS referral_id
      FROM pg_temp.rc_rows r
      JOIN referral_crm.patients p ON p.source_system = r.ss AND p.source_id = r.mrn
      LEFT JOIN referral_crm.payers py ON py.payer_code = r.payer_code
      LEFT JOIN referral_crm.clinicians rc ON rc.npi = r.rendering_npi
      LEFT JOIN referral_crm.clinicians fc ON fc.npi = r.referring_npi
     WHERE r.reason IS NULL),
  up AS (
    INSERT INTO referral_crm.claims AS t
           (source_system, source_id, claim_number, frequency, claim_type, patient_id, billing_npi, rendering_npi,
            referring_npi, referring_name, rendering_clinician_id, referring_clinician_id, payer_id, payer_class,
            service_from, service_to, place_of_service, total_charge, paid_amount, diagnosis_codes,
            referral_number, prior_auth_number, referral_id, batch_id, source_row)
    SELECT ss, sid, sid, freq, claim_type, patient_id, billing_npi, rendering_npi,
           referring_npi, referring_name, rendering_id, referring_id, payer_id, payer_class,
           service_from, service_to, pos, charge, paid, dx, refnum, pa_num, referral_id, batch, row_no
      FROM src
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET frequency = EXCLUDED.frequency, claim_type = EXCLUDED.claim_type, patient_id = EXCLUDED.patient_id,
           billing_npi = EXCLUDED.billing_npi, rendering_npi = EXCLUDED.rendering_npi,
           referring_npi = EXCLUDED.referring_npi, referring_name = EXCLUDED.referring_name,
           rendering_clinician_id = EXCLUDED.rendering_clinician_id,
           referring_clinician_id = CASE WHEN (EXCLUDED.referring_npi, EXCLUDED.referring_name)
                                               IS NOT DISTINCT FROM (t.referring_npi, t.referring_name)
                                          THEN coalesce(EXCLUDED.referring_clinician_id, t.referring_clinician_id)
                                          ELSE EXCLUDED.referring_clinician_id END,
           payer_id = EXCLUDED.payer_id, payer_class = EXCLUDED.payer_class, service_from = EXCLUDED.service_from,
           service_to = EXCLUDED.service_to, place_of_service = EXCLUDED.place_of_service,
           total_charge = EXCLUDED.total_charge, paid_amount = EXCLUDED.paid_amount,
           diagnosis_codes = EXCLUDED.diagnosis_codes, referral_number = EXCLUDED.referral_number,
           prior_auth_number = EXCLUDED.prior_auth_number, referral_id = EXCLUDED.referral_id,
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (t.frequency, t.claim_type, t.patient_id, t.billing_npi, t.rendering_npi, t.referring_npi,
            t.referring_name, t.rendering_clinician_id, t.payer_id, t.payer_class, t.service_from, t.service_to,
            t.place_of_service, t.total_charge, t.paid_amount, t.diagnosis_codes, t.referral_number,
            t.prior_auth_number, t.referral_id)
           IS DISTINCT FROM
           (EXCLUDED.frequency, EXCLUDED.claim_type, EXCLUDED.patient_id, EXCLUDED.billing_npi, EXCLUDED.rendering_npi,
            EXCLUDED.referring_npi, EXCLUDED.referring_name, EXCLUDED.rendering_clinician_id, EXCLUDED.payer_id,
            EXCLUDED.payer_class, EXCLUDED.service_from, EXCLUDED.service_to, EXCLUDED.place_of_service,
            EXCLUDED.total_charge, EXCLUDED.paid_amount, EXCLUDED.diagnosis_codes, EXCLUDED.referral_number,
            EXCLUDED.prior_auth_number, EXCLUDED.referral_id)
    RETURNING (xmax = 0) AS is_insert)
  SELECT count(*) FILTER (WHERE is_insert), count(*) FILTER (WHERE NOT is_insert) INTO inserted, updated FROM up;
  unchanged := (SELECT count(*) FROM pg_temp.rc_rows WHERE reason IS NULL) - inserted - updated;
  PERFORM referral_crm.ingest_assert_stored('referral_crm.claims', 'claims');
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.ingest_directory(p_feed text, batch bigint,
    OUT inserted bigint, OUT updated bigint, OUT unchanged bigint, OUT rejected bigint)
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
DECLARE
  ncols int := CASE p_feed WHEN 'directory_cms' THEN 40 ELSE 28 END;
BEGIN
  PERFORM referral_crm.ingest_prepare_lookups();
  DROP TABLE IF EXISTS pg_temp.rc_rows CASCADE;
  CREATE TEMP TABLE rc_rows ON COMMIT DROP AS
  WITH native AS (
    SELECT s.load_id, s.row_no, s.fields, s.raw, s.problem,
           CASE WHEN p_feed = 'directory_cms' AND cardinality(s.fields) = 40 THEN
             ARRAY['cms-dac', s.fields[1], s.fields[5], s.fields[6], s.fields[4], s.fields[7], s.fields[9],
                   s.fields[8], s.fields[12], NULL, s.fields[18], NULL, s.fields[40],
                   coalesce(nullif(s.fields[18], ''), s.fields[21]), s.fields[21], s.fields[22], s.fields[24],
                   s.fields[25], s.fields[26], NULL, NULL, s.fields[27], NULL, NULL, NULL, NULL, NULL, NULL]
             ELSE s.fields END AS f
      FROM pg_temp.rc_staged s)
  SELECT n.load_id, n.row_no, n.fields, n.raw, n.problem, v.*,
         referral_crm.map_code('sex', v.t_sex) AS sex,
         referral_crm.map_code('us_state', v.t_state) AS state,
         referral_crm.norm_zip(v.t_zip) AS zip,
         referral_crm.parse_float(v.t_lat) AS lat, referral_crm.parse_float(v.t_lon) AS lon,
         referral_crm.parse_bool(v.t_in_network) AS in_network,
         referral_crm.parse_bool(v.t_accepting) AS accepting,
         referral_crm.parse_date(v.t_from) AS active_from, referral_crm.parse_date(v.t_to) AS active_to,
         coalesce(v.loc_code, CASE WHEN v.address1 IS NOT NULL
                                   THEN 'addr:' || md5(lower(concat_ws('|', v.address1, v.address2,
                                                                      coalesce(referral_crm.norm_zip(v.t_zip), v.t_zip)))) END) AS loc_key,
         CASE WHEN v.org_name IS NOT NULL OR v.org_npi IS NOT NULL
              THEN coalesce('npi:' || v.org_npi, 'name:' || lower(v.org_name)) END AS org_key,
         CASE WHEN v.t_credentials IS NULL THEN '{}'::text[]
              ELSE array_remove(regexp_split_to_array(upper(v.t_credentials), '\s*[;,]\s*|\s+'), '') END AS credentials,
         sp.specialty, NULL::text AS reason, NULL::text AS message
    FROM native n
   CROSS JOIN LATERAL referral_crm.unpack_fields(n.f) AS v (
         ss text, sid text, given text, middle text, family text, suffix text, t_credentials text,
         t_sex text, t_specialty text, taxonomy text, org_name text, org_npi text, loc_code text,
         loc_name text, address1 text, address2 text, city text, t_state text, t_zip text, t_lat text,
         t_lon text, phone text, fax text, email text, t_in_network text, t_accepting text, t_from text,
         t_to text)
    LEFT JOIN pg_temp.rc_spec sp ON sp.key = lower(v.t_specialty);
  ANALYZE pg_temp.rc_rows;

  UPDATE pg_temp.rc_rows r SET reason = CASE
           WHEN r.problem IS NOT NULL THEN 'malformed_csv'
           WHEN cardinality(r.fields) <> ncols THEN 'column_count'
           WHEN referral_crm.ingest_field_too_long(r.fields, '{}') THEN 'value_too_long'
           WHEN r.ss IS NULL OR r.sid IS NULL THEN 'missing_key'
           WHEN r.family IS NULL THEN 'missing_value'
           WHEN NOT referral_crm.npi_is_valid(r.sid) OR (r.org_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.org_npi)) THEN 'invalid_npi'
           WHEN (r.t_from IS NOT NULL AND r.active_from IS NULL) OR (r.t_to IS NOT NULL AND r.active_to IS NULL) THEN 'bad_date'
           WHEN r.active_to < r.active_from THEN 'bad_order'
           WHEN (r.t_sex IS NOT NULL AND r.sex IS NULL) OR (r.t_state IS NOT NULL AND r.state IS NULL)
             OR (r.taxonomy IS NOT NULL AND NOT referral_crm.is_valid_code('taxonomy', r.taxonomy)) THEN 'invalid_code'
           WHEN r.t_zip IS NOT NULL AND r.zip IS NULL THEN 'invalid_zip'
           WHEN (r.t_lat IS NOT NULL AND (r.lat IS NULL OR abs(r.lat) > 90))
             OR (r.t_lon IS NOT NULL AND (r.lon IS NULL OR abs(r.lon) > 180))
             OR ((r.lat IS NULL) <> (r.lon IS NULL)) THEN 'bad_number'
           WHEN (r.t_in_network IS NOT NULL AND r.in_network IS NULL)
             OR (r.t_accepting IS NOT NULL AND r.accepting IS NULL) THEN 'bad_boolean'
           WHEN r.t_specialty IS NOT NULL AND r.specialty IS NULL THEN 'unknown_specialty'
         END;
  -- The key of a directory row is the clinician and the location.
  UPDATE pg_temp.rc_rows r SET reason = 'duplicate_key'
    FROM (SELECT load_id, row_no,
                 row_number() OVER (PARTITION BY sid, loc_key ORDER BY load_id, row_no) AS n
            FROM pg_temp.rc_rows WHERE reason IS NULL) d
   WHERE d.n > 1 AND r.load_id = d.load_id AND r.row_no = d.row_no;

  UPDATE pg_temp.rc_rows r SET message = CASE r.reason
           WHEN 'malformed_csv' THEN 'the record is not valid CSV: ' || r.problem
           WHEN 'column_count' THEN format('the record has %s fields, the %s feed has %s', cardinality(r.fields), p_feed, ncols)
           WHEN 'value_too_long' THEN 'a field is longer than 1,000 bytes'
           WHEN 'missing_key' THEN 'the NPI is required'
           WHEN 'missing_value' THEN 'the family name is required'
           WHEN 'invalid_npi' THEN format('an NPI is not valid: npi %L, organization_npi %L', r.sid, r.org_npi)
           WHEN 'bad_date' THEN format('a date is not valid: active_from %L, active_to %L', r.t_from, r.t_to)
           WHEN 'bad_order' THEN format('active_to %s is before active_from %s', r.t_to, r.t_from)
           WHEN 'invalid_code' THEN format('a code is not valid: sex %L, state %L, taxonomy_code %L', r.t_sex, r.t_state, r.taxonomy)
           WHEN 'invalid_zip' THEN format('zip %L is not a ZIP code', r.t_zip)
           WHEN 'bad_number' THEN format('coordinates are not valid: latitude %L, longitude %L', r.t_lat, r.t_lon)
           WHEN 'bad_boolean' THEN format('a flag is not a boolean: in_network %L, accepting_referrals %L', r.t_in_network, r.t_accepting)
           WHEN 'unknown_specialty' THEN format('specialty %L is not a known specialty', r.t_specialty)
           WHEN 'duplicate_key' THEN format('clinician %s at this location appears earlier in the same load', r.sid)
         END
   WHERE r.reason IS NOT NULL;
  rejected := referral_crm.ingest_record_rejects(p_feed, batch);

  -- Organisations and locations (first row per key wins).
  INSERT INTO referral_crm.organizations AS o (name, npi, source_system, source_id, batch_id, source_row)
  -- An organisation NPI is one organisation: its first row in the load
  -- makes it (rows of other source systems then find it by its NPI).
  SELECT DISTINCT ON (ss, org_key) coalesce(org_name, org_npi), org_npi, ss, org_key, batch, row_no
    FROM (SELECT x.*, row_number() OVER (PARTITION BY x.org_npi ORDER BY x.load_id, x.row_no) AS npi_n
            FROM pg_temp.rc_rows x WHERE x.reason IS NULL AND x.org_key IS NOT NULL) r
   WHERE (org_npi IS NULL OR (npi_n = 1 AND NOT EXISTS (SELECT 1 FROM referral_crm.organizations x
                                          WHERE x.npi = r.org_npi AND (x.source_system, x.source_id) <> (r.ss, r.org_key))))
   ORDER BY ss, org_key, load_id, row_no
  ON CONFLICT (source_system, source_id) DO UPDATE SET name = EXCLUDED.name, batch_id = EXCLUDED.batch_id
   WHERE o.name IS DISTINCT FROM EXCLUDED.name;

  -- Each row's organisation: the one with its NPI, else its own key.
  DROP TABLE IF EXISTS pg_temp.rc_org CASCADE;
  CREATE TEMP TABLE rc_org ON COMMIT DROP AS
  SELECT DISTINCT ON (k.ss, k.org_key) k.ss, k.org_key, o.organization_id
    FROM (SELECT DISTINCT ss, org_key, org_npi FROM pg_temp.rc_rows WHERE reason IS NULL AND org_key IS NOT NULL) k
    JOIN referral_crm.organizations o
      ON (o.source_system = k.ss AND o.source_id = k.org_key) OR (k.org_npi IS NOT NULL AND o.npi = k.org_npi)
   ORDER BY k.ss, k.org_key, (o.npi IS NOT DISTINCT FROM k.org_npi) DESC, o.organization_id;

  DROP TABLE IF EXISTS pg_temp.rc_loc CASCADE;
  CREATE TEMP TABLE rc_loc ON COMMIT DROP AS
  WITH up AS (
    INSERT INTO referral_crm.locations AS l
           (organization_id, name, address_line1, address_line2, city, state, zip, latitude, longitude,
            phone, fax, source_system, source_id, batch_id, source_row)
    SELECT DISTINCT ON (r.ss, r.loc_key) o.organization_id, coalesce(r.loc_name, r.address1), r.address1, r.address2,
           r.city, r.state, r.zip, r.lat, r.lon, r.phone, r.fax, r.ss, r.loc_key, batch, r.row_no
      FROM pg_temp.rc_rows r
      LEFT JOIN pg_temp.rc_org o ON o.ss = r.ss AND o.org_key = r.org_key
     WHERE r.reason IS NULL AND r.loc_key IS NOT NULL
     ORDER BY r.ss, r.loc_key, r.load_id, r.row_no
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET organization_id = EXCLUDED.organization_id, name = EXCLUDED.name, address_line1 = EXCLUDED.address_line1,
           address_line2 = EXCLUDED.address_line2, city = EXCLUDED.city, state = EXCLUDED.state, zip = EXCLUDED.zip,
           latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, phone = EXCLUDED.phone, fax = EXCLUDED.fax,
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (l.organization_id, l.name, l.address_line1, l.address_line2, l.city, l.state, l.zip, l.latitude,
            l.longitude, l.phone, l.fax)
           IS DISTINCT FROM
           (EXCLUDED.organization_id, EXCLUDED.name, EXCLUDED.address_line1, EXCLUDED.address_line2, EXCLUDED.city,
            EXCLUDED.state, EXCLUDED.zip, EXCLUDED.latitude, EXCLUDED.longitude, EXCLUDED.phone, EXCLUDED.fax)
    RETURNING l.source_system, l.source_id, (xmax = 0) AS is_insert)
  SELECT * FROM up;

  -- Clinicians, by NPI.
  DROP TABLE IF EXISTS pg_temp.rc_clin CASCADE;
  CREATE TEMP TABLE rc_clin ON COMMIT DROP AS
  WITH up AS (
    INSERT INTO referral_crm.clinicians AS c
           (npi, name_as_given, given_name, middle_name, family_name, name_suffix, credentials, sex, specialty,
            taxonomy_code, organization_id, phone, fax, email, in_network, accepting_referrals, active_from,
            active_to, source_system, source_id, batch_id, source_row)
    SELECT DISTINCT ON (r.sid) r.sid, concat_ws(' ', r.given, r.middle, r.family, r.suffix), r.given, r.middle,
           r.family, r.suffix, r.credentials, r.sex, r.specialty, r.taxonomy, o.organization_id, r.phone, r.fax,
           r.email, coalesce(r.in_network, false), coalesce(r.accepting, true), r.active_from, r.active_to,
           r.ss, r.sid, batch, r.row_no
      FROM pg_temp.rc_rows r
      LEFT JOIN pg_temp.rc_org o ON o.ss = r.ss AND o.org_key = r.org_key
     WHERE r.reason IS NULL
     ORDER BY r.sid, r.load_id, r.row_no
    ON CONFLICT (npi) DO UPDATE
       SET name_as_given = EXCLUDED.name_as_given, given_name = EXCLUDED.given_name,
           middle_name = EXCLUDED.middle_name, family_name = EXCLUDED.family_name,
           name_suffix = EXCLUDED.name_suffix, credentials = EXCLUDED.credentials, sex = EXCLUDED.sex,
           specialty = EXCLUDED.specialty, taxonomy_code = EXCLUDED.taxonomy_code,
           organization_id = EXCLUDED.organization_id, phone = EXCLUDED.phone, fax = EXCLUDED.fax,
           email = EXCLUDED.email, in_network = EXCLUDED.in_network,
           accepting_referrals = EXCLUDED.accepting_referrals, active_from = EXCLUDED.active_from,
           active_to = EXCLUDED.active_to, batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (c.name_as_given, c.given_name, c.middle_name, c.family_name, c.name_suffix, c.credentials, c.sex,
            c.specialty, c.taxonomy_code, c.organization_id, c.phone, c.fax, c.email, c.in_network,
            c.accepting_referrals, c.active_from, c.active_to)
           IS DISTINCT FROM
           (EXCLUDED.name_as_given, EXCLUDED.given_name, EXCLUDED.middle_name, EXCLUDED.family_name,
            EXCLUDED.name_suffix, EXCLUDED.credentials, EXCLUDED.sex, EXCLUDED.specialty, EXCLUDED.taxonomy_code,
            EXCLUDED.organization_id, EXCLUDED.phone, EXCLUDED.fax, EXCLUDED.email, EXCLUDED.in_network,
            EXCLUDED.accepting_referrals, EXCLUDED.active_from, EXCLUDED.active_to)
    RETURNING c.npi, c.clinician_id, (xmax = 0) AS is_insert)
  SELECT * FROM up;

  -- Links; the first location of a clinician without one becomes primary.
  DROP TABLE IF EXISTS pg_temp.rc_link CASCADE;
  CREATE TEMP TABLE rc_link ON COMMIT DROP AS
  WITH up AS (
    INSERT INTO referral_crm.clinician_locations AS cl (clinician_id, location_id, is_primary)
    SELECT c.clinician_id, l.location_id,
           NOT EXISTS (SELECT 1 FROM referral_crm.clinician_locations x WHERE x.clinician_id = c.clinician_id AND x.is_primary)
           AND row_number() OVER (PARTITION BY c.clinician_id ORDER BY r.load_id, r.row_no) = 1
      FROM pg_temp.rc_rows r
      JOIN referral_crm.clinicians c ON c.npi = r.sid
      JOIN referral_crm.locations l ON l.source_system = r.ss AND l.source_id = r.loc_key
     WHERE r.reason IS NULL
    ON CONFLICT (clinician_id, location_id) DO NOTHING
    RETURNING cl.clinician_id, cl.location_id)
  SELECT * FROM up;

  -- Outcome per row: inserted if it created the clinician, the location or
  -- the link; updated if it changed the clinician or the location.
  SELECT count(*) FILTER (WHERE o = 'i'), count(*) FILTER (WHERE o = 'u'), count(*) FILTER (WHERE o = 'n')
    INTO inserted, updated, unchanged
    FROM (SELECT CASE
                   WHEN (first_of_npi AND c.is_insert) OR l.is_insert OR k.clinician_id IS NOT NULL THEN 'i'
                   WHEN (first_of_npi AND c.npi IS NOT NULL) OR l.source_id IS NOT NULL THEN 'u'
                   ELSE 'n' END AS o
            FROM (SELECT r.*, row_number() OVER (PARTITION BY r.sid ORDER BY r.load_id, r.row_no) = 1 AS first_of_npi
                    FROM pg_temp.rc_rows r WHERE r.reason IS NULL) r
            LEFT JOIN pg_temp.rc_clin c ON c.npi = r.sid
            LEFT JOIN pg_temp.rc_loc l ON l.source_system = r.ss AND l.source_id = r.loc_key
            LEFT JOIN referral_crm.locations ll ON ll.source_system = r.ss AND ll.source_id = r.loc_key
            LEFT JOIN pg_temp.rc_link k ON k.clinician_id = (SELECT clinician_id FROM referral_crm.clinicians WHERE npi = r.sid)
                                        AND k.location_id = ll.location_id) x;
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.fhir_load_patient(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_ss text; v_sid text;
  nm jsonb := coalesce((SELECT a.elem FROM referral_crm.fhir_array(res->'name') a
                         ORDER BY a.elem->>'use' = 'official' DESC, a.ord LIMIT 1), '{}');
  v_given text := referral_crm.fhir_str(nm, '{given,0}');
  v_family text := referral_crm.fhir_str(nm, '{family}');
  t_birth text := referral_crm.fhir_str(res, '{birthDate}');
  v_birth date := referral_crm.parse_date(t_birth);
  t_sex text := referral_crm.fhir_str(res, '{gender}');
  v_sex text := referral_crm.map_code('sex', t_sex);
  t_zip text := (SELECT referral_crm.fhir_str(a.elem, '{postalCode}') FROM referral_crm.fhir_array(res->'address') a
                  WHERE referral_crm.fhir_str(a.elem, '{postalCode}') IS NOT NULL
                  ORDER BY a.elem->>'use' = 'home' DESC, a.ord LIMIT 1);
  v_zip text := referral_crm.norm_zip(t_zip);
  v_phone text := referral_crm.fhir_telecom(res->'telecom', 'phone');
  v_email text := referral_crm.fhir_telecom(res->'telecom', 'email');
  v_lang text := (SELECT coalesce(referral_crm.fhir_str(a.elem, '{language,coding,0,code}'),
                                  referral_crm.fhir_str(a.elem, '{language,text}'))
                    FROM referral_crm.fhir_array(res->'communication') a
                   ORDER BY (a.elem->>'preferred') = 'true' DESC, a.ord LIMIT 1);
  n bigint;
BEGIN
  v_lang := referral_crm.norm_language(v_lang);
  o_outcome := 'rejected';
  SELECT k.source_system, k.source_id INTO v_ss, v_sid FROM referral_crm.fhir_key(res) k;
  IF v_sid IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the Patient has neither an identifier nor an id'; RETURN;
  ELSIF t_birth IS NOT NULL AND v_birth IS NULL THEN
    o_reason := 'bad_date'; o_message := format('birthDate %L is not a valid date', t_birth); RETURN;
  ELSIF t_sex IS NOT NULL AND v_sex IS NULL THEN
    o_reason := 'invalid_code'; o_message := format('gender %L is not an administrative sex', t_sex); RETURN;
  ELSIF t_zip IS NOT NULL AND v_zip IS NULL THEN
    o_reason := 'invalid_zip'; o_message := format('address.postalCode %L is not a ZIP code', t_zip); RETURN;
  ELSIF v_lang !~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' THEN
    o_reason := 'invalid_code'; o_message := format('communication.language %L is not a BCP 47 language tag', v_lang); RETURN;
  END IF;
  SELECT p.patient_id INTO o_id FROM referral_crm.patients p WHERE p.source_system = v_ss AND p.source_id = v_sid;
  IF o_id IS NULL THEN
    INSERT INTO referral_crm.patients AS p
           (given_name, family_name, birth_date, sex, zip, phone, email, preferred_language,
            source_system, source_id, batch_id, source_row)
    VALUES (v_given, v_family, v_birth, v_sex, v_zip, v_phone, v_email, v_lang, v_ss, v_sid, batch, pos)
    RETURNING p.patient_id INTO o_id;
    o_outcome := 'inserted';
    RETURN;
  END IF;
  UPDATE referral_crm.patients p
     SET given_name = coalesce(v_given, p.given_name), family_name = coalesce(v_family, p.family_name),
         birth_date = coalesce(v_birth, p.birth_date), sex = coalesce(v_sex, p.sex), zip = coalesce(v_zip, p.zip),
         phone = coalesce(v_phone, p.phone), email = coalesce(v_email, p.email),
         preferred_language = coalesce(v_lang, p.preferred_language), batch_id = batch, source_row = pos
   WHERE p.patient_id = o_id
     AND (p.given_name, p.family_name, p.birth_date, p.sex, p.zip, p.phone, p.email, p.preferred_language)
         IS DISTINCT FROM
         (coalesce(v_given, p.given_name), coalesce(v_family, p.family_name), coalesce(v_birth, p.birth_date),
          coalesce(v_sex, p.sex), coalesce(v_zip, p.zip), coalesce(v_phone, p.phone), coalesce(v_email, p.email),
          coalesce(v_lang, p.preferred_language));
  GET DIAGNOSTICS n = ROW_COUNT;
  o_outcome := CASE WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.ingest_fhir(bundle jsonb)
  RETURNS TABLE (batch_id bigint, inserted bigint, updated bigint, unchanged bigint, rejected bigint)
  LANGUAGE plpgsql VOLATILE SET client_min_messages = warning AS
$$
DECLARE
  order_of_load CONSTANT text[] := ARRAY['Organization', 'Location', 'Practitioner', 'PractitionerRole', 'Patient',
                                         'Coverage', 'ServiceRequest', 'Task', 'Appointment'];
  b bigint;
  n_entries bigint;
  idx jsonb; types jsonb; tasks jsonb := '{}'; task_sr jsonb := '{}'; done jsonb := '{}'; ctx jsonb;
  e record; tk record;
  sr_pos bigint;
  v_outcome text; v_id bigint; v_id2 bigint; v_reason text; v_message text; v_state text;
  n_ins bigint := 0; n_upd bigint := 0; n_unc bigint := 0; n_rej bigint := 0;
BEGIN
  IF bundle IS NULL OR jsonb_typeof(bundle) <> 'object' OR bundle->>'resourceType' IS DISTINCT FROM 'Bundle' THEN
    RAISE EXCEPTION 'not a FHIR Bundle: %',
                    CASE WHEN bundle IS NULL THEN 'the input is NULL'
                         WHEN jsonb_typeof(bundle) <> 'object' THEN 'the input is a JSON ' || jsonb_typeof(bundle)
                         ELSE 'resourceType is ' || coalesce(quote_literal(bundle->>'resourceType'), 'missing') END
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass a FHIR R4 Bundle resource: an object with "resourceType": "Bundle" and an "entry" array.';
  ELSIF jsonb_typeof(bundle->'entry') IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'bundle % has no entry array', coalesce(quote_literal(bundle->>'id'), '(without id)')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Put the resources in "entry": [{"fullUrl": ..., "resource": {...}}, ...].';
  ELSIF coalesce(bundle->>'type', '') NOT IN ('collection', 'transaction', 'batch', 'searchset') THEN
    RAISE EXCEPTION 'bundle type % is not supported', coalesce(quote_literal(bundle->>'type'), 'missing')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Send a Bundle of type collection, transaction, batch or searchset.';
  END IF;
  n_entries := jsonb_array_length(bundle->'entry');

  INSERT INTO referral_crm.ingest_batches AS ib (feed, details)
  VALUES ('fhir', jsonb_strip_nulls(jsonb_build_object('bundle_id', bundle->>'id', 'bundle_type', bundle->>'type',
                                                       'entries', n_entries)))
  RETURNING ib.batch_id INTO b;

  -- fullUrl and Type/id -> position (the first entry wins); position -> type.
  SELECT coalesce(jsonb_object_agg(k.key, k.pos), '{}') INTO idx
    FROM (SELECT DISTINCT ON (key) key, pos
            FROM (SELECT x.ordinality AS pos,
                         unnest(ARRAY[referral_crm.fhir_str(x.value, '{fullUrl}'),
                                      (x.value #>> '{resource,resourceType}') || '/' || referral_crm.fhir_str(x.value, '{resource,id}')]) AS key
                    FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS x) u
           WHERE key IS NOT NULL
           ORDER BY key, pos) k;
  SELECT coalesce(jsonb_object_agg(x.ordinality::text, x.value #>> '{resource,resourceType}'), '{}') INTO types
    FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS x
   WHERE x.value #>> '{resource,resourceType}' IS NOT NULL;
  -- The ServiceRequest entry each Task names (by reference, or by an
  -- identifier that is the key of a ServiceRequest in the bundle), and the
  -- first Task of each ServiceRequest.
  FOR tk IN SELECT x.ordinality AS pos, x.value->'resource' AS res,
                   CASE WHEN jsonb_typeof(x.value #> '{resource,focus}') = 'object' THEN x.value #> '{resource,focus}'
                        ELSE x.value #> '{resource,basedOn,0}' END AS target
              FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS x
             WHERE x.value #>> '{resource,resourceType}' = 'Task' ORDER BY x.ordinality LOOP
    sr_pos := coalesce(
      referral_crm.fhir_ref_pos(idx, tk.target->>'reference'),
      (SELECT s.ordinality FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS s, referral_crm.fhir_key(s.value->'resource') k
        WHERE tk.target->'reference' IS NULL AND s.value #>> '{resource,resourceType}' = 'ServiceRequest'
          AND k.source_id = referral_crm.fhir_str(tk.target, '{identifier,value}')
          AND k.source_system = coalesce(nullif(regexp_replace(tk.target #>> '{identifier,system}', '^urn:referral_crm:source:', ''), ''), 'fhir')
        ORDER BY s.ordinality LIMIT 1));
    IF types->>(sr_pos::text) = 'ServiceRequest' THEN
      task_sr := task_sr || jsonb_build_object(tk.pos::text, sr_pos);
      IF NOT tasks ? sr_pos::text THEN
        tasks := tasks || jsonb_build_object(sr_pos::text, jsonb_build_object('pos', tk.pos, 'resource', tk.res));
      END IF;
    END IF;
  END LOOP;

  FOR e IN SELECT x.ordinality AS pos, x.value AS entry, x.value->'resource' AS res,
                  x.value #>> '{resource,resourceType}' AS rtype
             FROM jsonb_array_elements(bundle->'entry') WITH ORDINALITY AS x
            ORDER BY array_position(order_of_load, x.value #>> '{resource,resourceType}') NULLS FIRST, x.ordinality LOOP
    v_outcome := 'rejected'; v_id := NULL; v_id2 := NULL; v_reason := NULL; v_message := NULL;
    IF jsonb_typeof(e.res) IS DISTINCT FROM 'object' THEN
      v_reason := 'unsupported_resource';
      v_message := format('entry %s has no resource', e.pos);
    ELSIF e.rtype IS NULL OR NOT e.rtype = ANY (order_of_load) THEN
      v_reason := 'unsupported_resource';
      v_message := format('resourceType %s is not loaded; ingest_fhir loads %s', coalesce(quote_literal(e.rtype), 'missing'),
                          array_to_string(order_of_load, ', '));
    ELSE
      ctx := jsonb_build_object('idx', idx, 'types', types, 'tasks', tasks, 'task_sr', task_sr, 'done', done);
      BEGIN
        CASE e.rtype
          WHEN 'Organization' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_organization(e.res, b, e.pos, ctx);
          WHEN 'Location' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_location(e.res, b, e.pos, ctx);
          WHEN 'Practitioner' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_practitioner(e.res, b, e.pos, ctx);
          WHEN 'PractitionerRole' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_practitioner_role(e.res, b, e.pos, ctx);
          WHEN 'Patient' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_patient(e.res, b, e.pos, ctx);
          WHEN 'Coverage' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_coverage(e.res, b, e.pos, ctx);
          WHEN 'ServiceRequest' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_service_request(e.res, b, e.pos, ctx);
          WHEN 'Task' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_task(e.res, b, e.pos, ctx);
          WHEN 'Appointment' THEN
            SELECT * INTO v_outcome, v_id, v_id2, v_reason, v_message FROM referral_crm.fhir_load_appointment(e.res, b, e.pos, ctx);
        END CASE;
      EXCEPTION WHEN integrity_constraint_violation OR data_exception OR program_limit_exceeded THEN
        -- Only what the checks above did not foresee gets here (an
        -- identifier too long for an index entry: value_too_long).
        v_outcome := 'rejected'; v_id := NULL; v_id2 := NULL;
        GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
        v_reason := coalesce(v_reason, CASE WHEN v_state LIKE '54%' THEN 'value_too_long' ELSE 'constraint_violation' END);
      END;
    END IF;

    IF v_outcome = 'rejected' THEN
      INSERT INTO referral_crm.ingest_rejects AS ir (feed, batch_id, source_row, raw, reason, message)
      VALUES ('fhir', b, e.pos, CASE WHEN jsonb_typeof(e.res) = 'object' THEN e.res ELSE e.entry END, v_reason, v_message);
      done := done || jsonb_build_object(e.pos::text, jsonb_build_object('rejected', true));
      n_rej := n_rej + 1;
    ELSE
      done := done || jsonb_build_object(e.pos::text, jsonb_build_object('type', e.rtype, 'id', v_id, 'id2', v_id2,
                                                                        'outcome', v_outcome));
      CASE v_outcome
        WHEN 'inserted' THEN n_ins := n_ins + 1;
        WHEN 'updated' THEN n_upd := n_upd + 1;
        ELSE n_unc := n_unc + 1;
      END CASE;
    END IF;
  END LOOP;

  IF n_ins + n_upd + n_unc + n_rej <> n_entries THEN
    RAISE EXCEPTION 'ingest_fhir accounted for % of % entries', n_ins + n_upd + n_unc + n_rej, n_entries
      USING ERRCODE = 'internal_error';
  END IF;
  UPDATE referral_crm.ingest_batches AS ib
     SET finished_at = clock_timestamp(), inserted = n_ins, updated = n_upd, unchanged = n_unc, rejected = n_rej
   WHERE ib.batch_id = b;
  RETURN QUERY SELECT b, n_ins, n_upd, n_unc, n_rej;
END
$$;
-- (as enrol.sql makes it: the ingest role writes only through it)
ALTER FUNCTION referral_crm.ingest_fhir(jsonb) SECURITY DEFINER;
ALTER FUNCTION referral_crm.ingest_fhir(jsonb) SET search_path = pg_catalog, pg_temp;

-- ==== fixes (crm)

-- Replays with referral_crm.as_of see nothing after crm_now(): the
-- pipeline (and work_queue, sla_breaches), overdue_tasks, the overview's
-- live rows, communication_log, the scorecards' last contact,
-- template_values and generate_tasks limit communications, bookings,
-- status events, notes, tasks and referrals to crm_now().  An incremental
-- refresh_referral_facts() equals a full one: moved or deleted
-- appointments and claims, deleted referrals and directory changes that
-- the facts read queue their referrals (referral_facts_queue).

CREATE INDEX crm_tasks_completed_idx ON referral_crm.tasks (completed_at)
  WHERE completed_at IS NOT NULL;

CREATE OR REPLACE VIEW referral_crm.pipeline WITH (security_invoker = true) AS
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

CREATE OR REPLACE FUNCTION referral_crm.generate_tasks(OUT rule_code text, OUT created bigint)
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

CREATE OR REPLACE VIEW referral_crm.overdue_tasks WITH (security_invoker = true) AS
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

CREATE OR REPLACE FUNCTION referral_crm.template_values(referral_id bigint, OUT names text[], OUT vals text[])
  LANGUAGE plpgsql STABLE AS
$$
DECLARE
  r record;
BEGIN
  SELECT p.given_name, p.family_name, p.phone AS patient_phone, rf.referral_number, rf.reason,
         rf.priority, sp.display_name AS specialty,
         coalesce(CASE WHEN rc.clinician_id IS NOT NULL
                       THEN concat_ws(' ', CASE WHEN rc.credentials && ARRAY['MD', 'DO'] THEN 'Dr.' END,
                                      rc.given_name, rc.family_name) END,
                  rf.referring_name) AS referrer_name,
         coalesce(rc.phone, ro.phone) AS referrer_phone, coalesce(rc.fax, ro.fax) AS referrer_fax,
         CASE WHEN tc.clinician_id IS NOT NULL THEN concat_ws(' ', tc.given_name, tc.family_name) END AS clinician_name,
         ap.start_at, coalesce(al.name, tl.name) AS location_name,
         CASE WHEN coalesce(al.location_id, tl.location_id) IS NOT NULL THEN
           concat_ws(', ', coalesce(al.address_line1, tl.address_line1), coalesce(al.city, tl.city),
                     concat_ws(' ', coalesce(al.state, tl.state), coalesce(al.zip, tl.zip))) END AS location_address,
         coalesce(al.phone, tl.phone) AS location_phone,
         (SELECT s.display_name FROM referral_crm.staff s WHERE s.login_role = current_user) AS staff_name
    INTO r
    FROM referral_crm.referrals rf
    JOIN referral_crm.patients p ON p.patient_id = rf.patient_id
    LEFT JOIN referral_crm.specialties sp ON sp.specialty = rf.target_specialty
    LEFT JOIN referral_crm.clinicians rc ON rc.clinician_id = rf.referring_clinician_id
    LEFT JOIN referral_crm.organizations ro ON ro.organization_id = coalesce(rf.referring_organization_id, rc.organization_id)
    LEFT JOIN referral_crm.clinicians tc ON tc.clinician_id = rf.target_clinician_id
    LEFT JOIN referral_crm.locations tl ON tl.location_id = rf.target_location_id
    LEFT JOIN LATERAL (
      SELECT a.start_at, a.location_id FROM referral_crm.appointments a
       WHERE a.referral_id = rf.referral_id AND a.status IN ('booked', 'pending', 'proposed')
         AND a.start_at >= referral_crm.crm_now() AND coalesce(a.booked_at, a.created_at) <= referral_crm.crm_now()
       ORDER BY a.start_at LIMIT 1) ap ON true
    LEFT JOIN referral_crm.locations al ON al.location_id = ap.location_id
   WHERE rf.referral_id = template_values.referral_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'referral % does not exist', template_values.referral_id
      USING ERRCODE = 'undefined_object';
  END IF;
  names := ARRAY['patient_first_name', 'patient_last_name', 'patient_full_name', 'patient_phone',
                 'referral_number', 'referral_reason', 'priority', 'specialty', 'referrer_name',
                 'referrer_phone', 'referrer_fax', 'clinician_name', 'location_name', 'location_address',
                 'location_phone', 'appointment_time', 'appointment_date', 'staff_name'];
  vals := ARRAY[r.given_name, r.family_name, nullif(concat_ws(' ', r.given_name, r.family_name), ''),
                r.patient_phone, r.referral_number, r.reason, r.priority, r.specialty, r.referrer_name,
                r.referrer_phone, r.referrer_fax, r.clinician_name, r.location_name, r.location_address,
                r.location_phone,
                -- the appointment's wall-clock time in the organisation's zone
                to_char(r.start_at AT TIME ZONE referral_crm.calendar_zone(), 'YYYY-MM-DD HH24:MI'),
                to_char(r.start_at AT TIME ZONE referral_crm.calendar_zone(), 'YYYY-MM-DD'),
                r.staff_name];
END
$$;
COMMENT ON FUNCTION referral_crm.template_values(bigint) IS
  'the values of every template placeholder for one referral (NULL where unknown)';

CREATE OR REPLACE VIEW referral_crm.communication_log WITH (security_invoker = true) AS
SELECT c.communication_id, c.occurred_at, c.referral_id, r.referral_number, c.channel, c.direction, c.party,
       c.outcome, c.template_code, c.organization_id, o.name AS organization_name, c.clinician_id,
       c.staff_id, s.display_name AS staff_name, c.summary,
       rep.calls_in_window,
       coalesce(rep.calls_in_window >= cfg.repeat_call_threshold, false) AS repeated_call
  FROM referral_crm.communications c
  CROSS JOIN referral_crm.crm_config cfg
  LEFT JOIN referral_crm.referrals r ON r.referral_id = c.referral_id
  LEFT JOIN referral_crm.organizations o ON o.organization_id = c.organization_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = c.staff_id
  LEFT JOIN LATERAL (
    SELECT count(*) AS calls_in_window
      FROM referral_crm.communications p
     WHERE p.channel = 'call' AND p.direction = 'outbound'
       AND p.referral_id = c.referral_id AND p.organization_id = c.organization_id
       AND p.occurred_at > c.occurred_at - cfg.repeat_call_window
       AND (p.occurred_at, p.communication_id) <= (c.occurred_at, c.communication_id)) rep
    ON c.channel = 'call' AND c.direction = 'outbound' AND c.referral_id IS NOT NULL
       AND c.organization_id IS NOT NULL AND c.party IN ('referring-office', 'receiving-office')
 WHERE c.occurred_at <= referral_crm.crm_now();
COMMENT ON VIEW referral_crm.communication_log IS
  'calls, faxes, messages and portal notes up to crm_now() with outcome; repeated_call marks the nth outbound call to the same office about the same referral within the window';

CREATE OR REPLACE VIEW referral_crm.referrer_scorecards WITH (security_invoker = true) AS
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

CREATE OR REPLACE VIEW referral_crm.manager_overview WITH (security_invoker = true) AS
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


CREATE OR REPLACE FUNCTION referral_crm.refresh_referral_facts(full_refresh boolean DEFAULT false)
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

SELECT pg_catalog.pg_extension_config_dump('referral_crm.referral_facts_queue', '');
SELECT referral_crm.govern_table('referral_crm.referral_facts_queue', 'admin_only', patient_data => false, audited => false);

-- ==== review of the change: the acting role's queues and locations (patient_attachable
-- uses them); ingest helpers for the stored-rows check and language tags
CREATE OR REPLACE FUNCTION referral_crm.my_staff_id() RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (SELECT s.staff_id FROM referral_crm.staff s WHERE s.login_role = referral_crm.acting_user() AND s.active);
COMMENT ON FUNCTION referral_crm.my_staff_id() IS 'the active staff member whose login_role is the acting role (the current role outside SECURITY DEFINER functions)';

CREATE OR REPLACE FUNCTION referral_crm.my_queue_ids() RETURNS bigint[]
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce((
    SELECT pg_catalog.array_agg(DISTINCT q.queue_id ORDER BY q.queue_id)
      FROM (SELECT qm.queue_id
              FROM referral_crm.staff s JOIN referral_crm.queue_members qm ON qm.staff_id = s.staff_id
             WHERE s.login_role = referral_crm.acting_user() AND s.active
            UNION
            SELECT ts.queue_id
              FROM referral_crm.staff s
              JOIN referral_crm.staff_teams st ON st.staff_id = s.staff_id
              JOIN referral_crm.team_scopes ts ON ts.team = st.team
             WHERE s.login_role = referral_crm.acting_user() AND s.active AND ts.queue_id IS NOT NULL) q), '{}');
COMMENT ON FUNCTION referral_crm.my_queue_ids() IS
  'the queues of the acting role''s staff member (the current role outside SECURITY DEFINER functions): its queue memberships and its teams'' queues';

CREATE OR REPLACE FUNCTION referral_crm.my_location_ids() RETURNS bigint[]
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce((
    SELECT pg_catalog.array_agg(DISTINCT l.location_id ORDER BY l.location_id)
      FROM (SELECT s.location_id FROM referral_crm.staff s
             WHERE s.login_role = referral_crm.acting_user() AND s.active AND s.location_id IS NOT NULL
            UNION
            SELECT ts.location_id
              FROM referral_crm.staff s
              JOIN referral_crm.staff_teams st ON st.staff_id = s.staff_id
              JOIN referral_crm.team_scopes ts ON ts.team = st.team
             WHERE s.login_role = referral_crm.acting_user() AND s.active AND ts.location_id IS NOT NULL) l), '{}');
COMMENT ON FUNCTION referral_crm.my_location_ids() IS
  'the locations of the acting role''s staff member (the current role outside SECURITY DEFINER functions): its own location and its teams'' locations';

CREATE FUNCTION referral_crm.ingest_assert_stored(tbl regclass, feed text) RETURNS void
  LANGUAGE plpgsql AS
$$
DECLARE
  lost bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM pg_temp.rc_rows r WHERE r.reason IS NULL
                     AND NOT EXISTS (SELECT 1 FROM %s x WHERE x.source_system = r.ss AND x.source_id = r.sid)', tbl)
     INTO lost;
  IF lost > 0 THEN
    RAISE EXCEPTION 'ingest of % would lose rows', feed
      USING ERRCODE = 'internal_error',
            DETAIL = format('%s valid rows reached neither %s nor ingest_rejects; the batch is rolled back.', lost, tbl);
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.ingest_assert_stored(regclass, text) IS
  'internal: fail the load if a valid staged row is not in its table';

-- A language tag in any case: its language subtag in lower case (BCP 47
-- tags are case-insensitive; patients.preferred_language keeps them so).
CREATE FUNCTION referral_crm.norm_language(tag text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(substring(tag FROM '^[A-Za-z]*')) || substring(tag FROM '^[A-Za-z]*(.*)$');
COMMENT ON FUNCTION referral_crm.norm_language(text) IS
  'a language tag with its language subtag in lower case (EN-us -> en-us)';

-- ==== review 3 (names and notes)

-- classify_note: roles that do not see every note use only the terms of at
-- least corpus_df_floor() training notes.
CREATE OR REPLACE FUNCTION referral_crm.classify_note(name text, note text)
  RETURNS TABLE (label text, score float8)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
  m record;
  q referral_crm.termvec;
  idf referral_crm.termvec;
  fl int;
BEGIN
  SELECT * INTO m FROM referral_crm.note_classifiers c WHERE c.name = classify_note.name;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'note classifier "%" does not exist', classify_note.name
      USING ERRCODE = 'undefined_object', HINT = 'Train it with referral_crm.train_note_classifier.';
  END IF;
  IF note IS NULL THEN
    RETURN;
  END IF;
  q := referral_crm.note_vector(note);
  idf := referral_crm.termvec_pick(m.idf, referral_crm.termvec_terms(q));
  -- A role that does not see every note uses only the terms of at least
  -- corpus_df_floor() training notes (or all of them, if fewer), as the
  -- corpus statistics do: a term of one to ten training notes would tell
  -- it that a note it may not read names it, and with which label.  The
  -- training document frequency is read back from the smoothed idf,
  -- ln((1 + n) / (1 + df)) + 1.
  fl := least(referral_crm.corpus_df_floor(), m.n_docs);
  IF fl > 0 THEN
    idf := referral_crm.termvec_pick(idf, ARRAY(
             SELECT e.term FROM referral_crm.top_terms(idf, greatest(referral_crm.termvec_size(idf), 1)) e
              WHERE round((1 + m.n_docs) * exp(1 - e.weight) - 1) >= fl));
  END IF;
  q := referral_crm.termvec_weight(q, idf, true, 'l2');
  IF referral_crm.termvec_size(q) = 0 THEN
    RETURN;
  END IF;
  IF m.method = 'centroid' THEN
    RETURN QUERY
    SELECT v.label, referral_crm.cosine(q, v.vec) AS s
      FROM referral_crm.note_classifier_vectors v
     WHERE v.name = m.name AND v.kind = 'centroid'
     ORDER BY 2 DESC, 1;
  ELSE
    RETURN QUERY
    WITH nn AS (
      SELECT v.label, referral_crm.cosine(q, v.vec) AS s
        FROM referral_crm.note_classifier_vectors v
       WHERE v.name = m.name AND v.kind = 'example'
       ORDER BY 2 DESC, 1 LIMIT m.k
    ), tot AS (SELECT sum(s) AS t FROM nn)
    SELECT nn.label, sum(nn.s) / tot.t
      FROM nn, tot WHERE tot.t > 0
     GROUP BY nn.label, tot.t
     ORDER BY 2 DESC, 1;
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.classify_note(text, text) IS
  'labels for a note by a trained classifier, best first (knn: share of neighbour similarity; centroid: cosine)';

-- ==== review 3 (scoring, model, lifecycle)
-- train(): the holdout skips rows with a NULL feature, as training does
-- (a held-out appointment of a patient without a birth date made the
-- whole call fail).
CREATE OR REPLACE FUNCTION referral_crm.train(purpose text, l2 double precision DEFAULT 0,
                                   test_fraction double precision DEFAULT 0.2,
                                   seed integer DEFAULT 0, max_iter integer DEFAULT 50)
  RETURNS referral_crm.models
  LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  d record;
  src text;
  test_src text;
  keep text[] := '{}';
  dropped text[] := '{}';
  varies boolean[];
  n_rows bigint;
  xs text;
  m referral_crm.models;
  ev record;
  i integer;
BEGIN
  d := referral_crm.scoring_purpose(purpose);
  IF test_fraction IS NULL OR test_fraction < 0 OR test_fraction >= 1 THEN
    RAISE EXCEPTION 'test_fraction must be at least 0 and below 1, not %', test_fraction
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  src := format('SELECT * FROM referral_crm.%I WHERE %I IS NOT NULL AND NOT referral_crm.in_test_set(%I, %s, %s)',
                d.view_name, d.label, d.id_column, test_fraction, coalesce(seed, 0));
  test_src := format('SELECT * FROM referral_crm.%I WHERE %I IS NOT NULL AND referral_crm.in_test_set(%I, %s, %s)',
                     d.view_name, d.label, d.id_column, test_fraction, coalesce(seed, 0));
  -- Leave out features that are constant in the rows trained on: those
  -- with every feature known (train_logit skips the others).
  EXECUTE format('SELECT count(*), ARRAY[%s] FROM (%s) AS s WHERE %s',
                 (SELECT string_agg(format('min(referral_crm.feature_value(s.%1$I)) IS DISTINCT FROM max(referral_crm.feature_value(s.%1$I))', f), ', ' ORDER BY o)
                    FROM unnest(d.features) WITH ORDINALITY AS u (f, o)),
                 src,
                 (SELECT string_agg(format('referral_crm.feature_value(s.%I) IS NOT NULL', f), ' AND ' ORDER BY o)
                    FROM unnest(d.features) WITH ORDINALITY AS u (f, o)))
    INTO n_rows, varies;
  IF n_rows = 0 THEN
    RAISE EXCEPTION 'no labelled rows to train the % model on', purpose
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('referral_crm.%s has no row with %s set and every feature known outside the holdout.',
                            d.view_name, d.label),
            HINT = 'Scores need history: referrals closed as visit-completed or closed-lost, appointments attended or missed.';
  END IF;
  FOR i IN 1 .. cardinality(d.features) LOOP
    IF varies[i] THEN keep := keep || d.features[i]; ELSE dropped := dropped || d.features[i]; END IF;
  END LOOP;
  IF cardinality(dropped) > 0 THEN
    RAISE NOTICE 'features left out of model "%" because they are constant in its training rows: %',
                 purpose, array_to_string(dropped, ', ');
  END IF;
  m := referral_crm.train_logit(purpose, src, d.label, keep, l2, max_iter);
  -- Holdout evaluation, skipping rows with a NULL feature as training does.
  SELECT string_agg(format('referral_crm.feature_value(s.%I)', f), ', ' ORDER BY o)
    INTO xs FROM unnest(m.features) WITH ORDINALITY AS u (f, o);
  EXECUTE format('SELECT count(p) AS n, referral_crm.auc(p, y) AS auc, referral_crm.log_loss(p, y) AS log_loss,
                         referral_crm.brier(p, y) AS brier
                    FROM (SELECT referral_crm.logit_predict($1, t0.x) AS p, t0.y
                            FROM (SELECT ARRAY[%s]::float8[] AS x, s.%I AS y FROM (%s) AS s) AS t0
                           WHERE pg_catalog.array_position(t0.x, NULL) IS NULL) AS t',
                 xs, d.label, test_src)
    USING m.coefficients INTO ev;
  UPDATE referral_crm.models AS mm
     SET purpose = train.purpose,
         metrics = mm.metrics || jsonb_build_object(
           'test_fraction', test_fraction, 'seed', coalesce(seed, 0), 'holdout_rows', ev.n,
           'holdout_auc', ev.auc, 'holdout_log_loss', ev.log_loss, 'holdout_brier', ev.brier,
           'left_out_constant_features', to_jsonb(dropped))
   WHERE mm.model_id = m.model_id
  RETURNING * INTO m;
  RETURN m;
END
$$;
COMMENT ON FUNCTION referral_crm.train(text, double precision, double precision, integer, integer) IS
  'train the model of a purpose (conversion or noshow) on its feature view, minus a hash-split holdout whose AUC, log-loss and Brier score go into metrics';

-- ==== review of the change: models are the admin role's
-- The statistics of two model versions (rows used, feature means, metrics)
-- can tell one training row apart: models is admin_only now, and predict()
-- reads a model's coefficients with the owner's rights.
SELECT referral_crm.govern_table('referral_crm.models', 'admin_only');

-- ==== review of the change: the name_rarity view for the roles that read the name tables
-- name_similarity and match_clinician read the view; setup_roles() grants
-- it now, and here to the roles that exist already.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['referral_crm_admin', 'referral_crm_intake', 'referral_crm_liaison'] LOOP
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles x WHERE x.rolname = r) THEN
      EXECUTE pg_catalog.format('GRANT SELECT ON referral_crm.name_rarity TO %I', r);
    END IF;
  END LOOP;
END
$$;

-- ==== calendar zone: the scoring features and the cohorts in the organisation's time zone
CREATE OR REPLACE VIEW referral_crm.conversion_features WITH (security_invoker = true) AS
WITH waits AS (
  SELECT r.target_specialty AS specialty,
         date_trunc('week', a.booked_at AT TIME ZONE (SELECT referral_crm.calendar_zone())) AS week,
         avg(extract(epoch FROM a.start_at - a.booked_at) / 86400.0)::double precision AS days
    FROM referral_crm.appointments a
    JOIN referral_crm.referrals r ON r.referral_id = a.referral_id
   WHERE a.booked_at IS NOT NULL AND a.start_at >= a.booked_at AND r.target_specialty IS NOT NULL
   GROUP BY 1, 2
), specialty_waits AS (
  SELECT specialty, avg(days) AS days FROM waits GROUP BY 1
), zip_positions AS (
  SELECT l.zip, avg(l.latitude) AS latitude, avg(l.longitude) AS longitude
    FROM referral_crm.locations l
   WHERE l.latitude IS NOT NULL AND l.zip IS NOT NULL
   GROUP BY l.zip
)
SELECT r.referral_id,
       r.patient_id,
       r.authored_at,
       r.stage,
       CASE r.stage WHEN 'visit-completed' THEN true WHEN 'closed-lost' THEN false END AS converted,
       referral_crm.code_rank('priority', r.priority) AS priority_rank,
       coalesce(pp.prior_auth_required
                AND (cardinality(pp.prior_auth_specialties) = 0
                     OR r.target_specialty = ANY (pp.prior_auth_specialties)), false) AS prior_auth_required,
       coalesce(dist.km, 0) AS distance_km,
       dist.km IS NULL AS distance_unknown,
       (coalesce(rr.converted, 0) + 1.0)::double precision / (coalesce(rr.closed, 0) + 2) AS referrer_conversion_rate,
       coalesce(w.days, sw.days, 0) AS days_to_first_slot,
       CASE WHEN pn.seen > 0 THEN pn.noshows::double precision / pn.seen ELSE 0 END AS patient_noshow_rate
  FROM referral_crm.referrals r
  JOIN referral_crm.patients pt ON pt.patient_id = r.patient_id
  LEFT JOIN referral_crm.payer_plans pp ON pp.plan_id = r.plan_id
  LEFT JOIN referral_crm.zip_centroids zc ON zc.zip = pt.zip
  LEFT JOIN zip_positions zp ON zp.zip = pt.zip
  LEFT JOIN LATERAL (
    SELECT l.latitude, l.longitude
      FROM referral_crm.locations l
     WHERE l.location_id = coalesce(r.target_location_id,
                                    (SELECT cl.location_id FROM referral_crm.clinician_locations cl
                                      WHERE cl.clinician_id = r.target_clinician_id AND cl.is_primary))
  ) tl ON true
  LEFT JOIN LATERAL (
    SELECT referral_crm.distance_km(coalesce(zc.latitude, zp.latitude), coalesce(zc.longitude, zp.longitude),
                                    tl.latitude, tl.longitude) AS km
  ) dist ON true
  LEFT JOIN LATERAL (
    SELECT count(*) AS closed, count(*) FILTER (WHERE r2.stage = 'visit-completed') AS converted
      FROM referral_crm.referrals r2
     WHERE r2.referring_clinician_id = r.referring_clinician_id
       AND r2.authored_at < r.authored_at
       AND r2.stage IN ('visit-completed', 'closed-lost')
  ) rr ON true
  LEFT JOIN waits w ON w.specialty = r.target_specialty
                   AND w.week = date_trunc('week', r.authored_at AT TIME ZONE (SELECT referral_crm.calendar_zone()))
                                - interval '1 week'
  LEFT JOIN specialty_waits sw ON sw.specialty = r.target_specialty
  LEFT JOIN LATERAL (
    SELECT count(*) AS seen, count(*) FILTER (WHERE a.status = 'noshow') AS noshows
      FROM referral_crm.appointments a
     WHERE a.patient_id = r.patient_id
       AND a.start_at < r.authored_at
       AND a.status IN ('noshow', 'fulfilled', 'arrived', 'checked-in')
  ) pn ON true
 WHERE r.status <> 'entered-in-error';

CREATE OR REPLACE VIEW referral_crm.noshow_features WITH (security_invoker = true) AS
SELECT a.appointment_id,
       a.referral_id,
       a.patient_id,
       a.start_at,
       a.status,
       CASE WHEN a.status = 'noshow' THEN true
            WHEN a.status IN ('fulfilled', 'arrived', 'checked-in') THEN false END AS noshow,
       greatest(cal.start_day - cal.booked_day, 0) AS lead_days,
       cal.start_day <= cal.booked_day AS same_day,
       extract(isodow FROM cal.start_local)::integer AS weekday,
       extract(isodow FROM cal.start_local) = 2 AS wd_tue,
       extract(isodow FROM cal.start_local) = 3 AS wd_wed,
       extract(isodow FROM cal.start_local) = 4 AS wd_thu,
       extract(isodow FROM cal.start_local) = 5 AS wd_fri,
       extract(isodow FROM cal.start_local) >= 6 AS wd_weekend,
       prior.appointments AS prior_appointments,
       prior.noshows AS prior_noshows,
       a.reminder_sent,
       extract(year FROM age(cal.start_day, p.birth_date))::integer AS age
  FROM referral_crm.appointments a
  JOIN referral_crm.patients p ON p.patient_id = a.patient_id
  -- dates and weekdays in the organisation's zone, not the session's
  -- (each (SELECT calendar_zone()) is an init plan: one call per query)
  CROSS JOIN LATERAL (
    SELECT a.start_at AT TIME ZONE (SELECT referral_crm.calendar_zone()) AS start_local,
           (a.start_at AT TIME ZONE (SELECT referral_crm.calendar_zone()))::date AS start_day,
           (coalesce(a.booked_at, a.created_at) AT TIME ZONE (SELECT referral_crm.calendar_zone()))::date AS booked_day
  ) cal
  LEFT JOIN LATERAL (
    SELECT count(*) AS appointments, count(*) FILTER (WHERE a2.status = 'noshow') AS noshows
      FROM referral_crm.appointments a2
     WHERE a2.patient_id = a.patient_id
       AND a2.start_at < coalesce(a.booked_at, a.created_at)
       AND a2.status IN ('noshow', 'fulfilled', 'arrived', 'checked-in')
  ) prior ON true
 WHERE a.status <> 'entered-in-error';

CREATE OR REPLACE FUNCTION referral_crm.cohorts_between(period_start timestamptz, period_end timestamptz)
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

CREATE OR REPLACE FUNCTION referral_crm.fhir_load_service_request(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_ss text; v_sid text;
  cur referral_crm.referrals%ROWTYPE;
  nw referral_crm.referrals%ROWTYPE;
  task jsonb := ctx #> ARRAY['tasks', pos::text, 'resource'];
  ts record; rr record; x record;
  t text; t2 text;
  v_authored timestamptz; v_needed date; v_priority text; v_patient bigint;
  v_ref_clin bigint; v_ref_org bigint; v_ref_npi text; v_ref_name text; v_display text;
  v_target_clin bigint; v_target_npi text; v_specialty text; v_location bigint;
  v_dx text[]; v_reason text; has_insurance boolean := false; v_payer bigint; v_plan bigint;
  v_refnum text := referral_crm.fhir_identifier(res->'identifier', 'urn:referral_crm:referral-number');
  first_visit timestamptz;
  n bigint; notes_changed bigint := 0;
BEGIN
  o_outcome := 'rejected';
  SELECT k.source_system, k.source_id INTO v_ss, v_sid FROM referral_crm.fhir_key(res) k;
  IF v_sid IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the ServiceRequest has neither an identifier nor an id'; RETURN;
  END IF;
  SELECT * INTO cur FROM referral_crm.referrals r WHERE r.source_system = v_ss AND r.source_id = v_sid FOR UPDATE;

  -- Dates and codes.
  t := referral_crm.fhir_str(res, '{authoredOn}');
  v_authored := referral_crm.parse_timestamptz(t, referral_crm.calendar_zone());
  IF t IS NOT NULL AND v_authored IS NULL THEN
    o_reason := 'bad_date'; o_message := format('authoredOn %L is not a valid date-time', t); RETURN;
  ELSIF t IS NULL AND cur.referral_id IS NULL THEN
    o_reason := 'missing_value'; o_message := format('referral %s/%s has no authoredOn', v_ss, v_sid); RETURN;
  END IF;
  t := coalesce(referral_crm.fhir_str(res, '{occurrencePeriod,end}'), referral_crm.fhir_str(res, '{occurrenceDateTime}'));
  IF t IS NOT NULL THEN
    v_needed := CASE WHEN t ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN referral_crm.parse_date(left(t, 10)) END;
    IF v_needed IS NULL OR (length(t) > 10 AND referral_crm.parse_timestamptz(t, referral_crm.calendar_zone()) IS NULL) THEN
      o_reason := 'bad_date'; o_message := format('occurrence %L is not a valid date', t); RETURN;
    END IF;
  END IF;
  FOR x IN SELECT a.elem, a.ord FROM referral_crm.fhir_array(res->'note') a LOOP
    t := referral_crm.fhir_str(x.elem, '{time}');
    IF t IS NOT NULL AND referral_crm.parse_timestamptz(t, referral_crm.calendar_zone()) IS NULL THEN
      o_reason := 'bad_date'; o_message := format('note %s time %L is not a valid date-time', x.ord, t); RETURN;
    END IF;
  END LOOP;
  t := referral_crm.fhir_str(res, '{priority}');
  v_priority := referral_crm.map_code('priority', t);
  IF t IS NOT NULL AND v_priority IS NULL THEN
    o_reason := 'invalid_code'; o_message := format('priority %L is not a priority', t); RETURN;
  END IF;
  t := (SELECT c.elem->>'code' FROM referral_crm.fhir_array(res #> '{performerType,coding}') c
         WHERE c.elem->>'system' = 'urn:referral_crm:specialty' ORDER BY c.ord LIMIT 1);
  IF t IS NOT NULL AND NOT EXISTS (SELECT 1 FROM referral_crm.specialties s WHERE s.specialty = t) THEN
    o_reason := 'unknown_specialty'; o_message := format('performerType %L is not a known specialty', t); RETURN;
  END IF;
  v_specialty := referral_crm.fhir_specialty(res->'performerType');
  SELECT string_agg(c.elem->>'code', ';' ORDER BY rc.ord, c.ord),
         string_agg(referral_crm.fhir_str(c.elem, '{display}'), '; ' ORDER BY rc.ord, c.ord)
    INTO t, t2
    FROM referral_crm.fhir_array(res->'reasonCode') rc, referral_crm.fhir_array(rc.elem->'coding') c
   WHERE c.elem->>'system' IN ('http://hl7.org/fhir/sid/icd-10-cm', 'http://hl7.org/fhir/sid/icd-10');
  IF t IS NOT NULL THEN
    v_dx := (SELECT array_agg(d ORDER BY o) FROM (SELECT d, min(o) AS o FROM unnest(referral_crm.norm_icd10_list(t)) WITH ORDINALITY AS u (d, o) GROUP BY d) z);
    IF v_dx IS NULL THEN
      o_reason := 'invalid_code'; o_message := format('reasonCode %L is not an ICD-10-CM code list', t); RETURN;
    END IF;
  END IF;
  v_reason := coalesce((SELECT string_agg(referral_crm.fhir_str(rc.elem, '{text}'), '; ' ORDER BY rc.ord)
                          FROM referral_crm.fhir_array(res->'reasonCode') rc), t2);

  -- References.
  SELECT * INTO rr FROM referral_crm.fhir_resolve(res->'subject', '{Patient}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'subject: ' || rr.problem; RETURN;
  END IF;
  v_patient := rr.id;
  IF v_patient IS NULL AND cur.referral_id IS NULL THEN
    o_reason := 'missing_value'; o_message := format('referral %s/%s names no patient (subject)', v_ss, v_sid); RETURN;
  ELSIF v_patient <> cur.patient_id THEN
    o_reason := 'patient_mismatch';
    o_message := format('referral %s/%s is stored for another patient than its subject', v_ss, v_sid);
    RETURN;
  END IF;

  IF res->'requester' ? 'reference' THEN
    SELECT * INTO rr FROM referral_crm.fhir_resolve(res->'requester', '{PractitionerRole,Practitioner,Organization}', ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'requester: ' || rr.problem; RETURN;
    ELSIF rr.rtype = 'Organization' THEN
      v_ref_org := rr.id;
    ELSE
      v_ref_clin := rr.id;
      v_ref_org := rr.id2;
      v_ref_npi := (SELECT c.npi FROM referral_crm.clinicians c WHERE c.clinician_id = v_ref_clin);
    END IF;
  END IF;
  v_display := referral_crm.fhir_str(res, '{requester,display}');
  IF v_ref_npi IS NULL THEN
    -- An NPI from the requester's identifier or display ("... (NPI 1234567893)").
    t := coalesce(CASE WHEN res #>> '{requester,identifier,system}' = 'http://hl7.org/fhir/sid/us-npi'
                       THEN referral_crm.fhir_str(res, '{requester,identifier,value}') END,
                  (regexp_match(v_display, 'NPI[:#]?\s*([0-9]{10})\M', 'i'))[1]);
    IF t IS NOT NULL AND NOT referral_crm.npi_is_valid(t) THEN
      o_reason := 'invalid_npi'; o_message := format('requester NPI %L is not valid', t); RETURN;
    END IF;
    v_ref_npi := t;
    IF v_ref_clin IS NULL THEN
      v_ref_clin := (SELECT c.clinician_id FROM referral_crm.clinicians c WHERE c.npi = t);
    END IF;
  END IF;
  v_ref_name := nullif(btrim(regexp_replace(regexp_replace(v_display, '[(\[]?\s*NPI[:#]?\s*[0-9]{10}\M\s*[)\]]?', ' ', 'gi'),
                                            '\s+', ' ', 'g')), '');
  SELECT e.elem->'valueReference' AS ref INTO x FROM referral_crm.fhir_array(res->'extension') e
   WHERE e.elem->>'url' = 'urn:referral_crm:extension:referring-organization' ORDER BY e.ord LIMIT 1;
  IF x.ref IS NOT NULL THEN
    SELECT * INTO rr FROM referral_crm.fhir_resolve(x.ref, '{Organization}', ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'referring organization: ' || rr.problem; RETURN;
    END IF;
    v_ref_org := coalesce(rr.id, v_ref_org);
  END IF;

  -- The target: the first performer that is a practitioner.
  FOR x IN SELECT a.elem FROM referral_crm.fhir_array(res->'performer') a ORDER BY a.ord LOOP
    CONTINUE WHEN referral_crm.fhir_ref_type(x.elem, ctx) IS DISTINCT FROM 'Practitioner'
              AND referral_crm.fhir_ref_type(x.elem, ctx) IS DISTINCT FROM 'PractitionerRole';
    IF x.elem ? 'reference' THEN
      SELECT * INTO rr FROM referral_crm.fhir_resolve(x.elem, '{PractitionerRole,Practitioner}', ctx);
      IF rr.problem IS NOT NULL THEN
        o_reason := 'unknown_reference'; o_message := 'performer: ' || rr.problem; RETURN;
      END IF;
      v_target_clin := rr.id;
      v_target_npi := (SELECT c.npi FROM referral_crm.clinicians c WHERE c.clinician_id = v_target_clin);
    ELSE
      t := CASE WHEN x.elem #>> '{identifier,system}' = 'http://hl7.org/fhir/sid/us-npi'
                THEN referral_crm.fhir_str(x.elem, '{identifier,value}') END;
      IF t IS NOT NULL AND NOT referral_crm.npi_is_valid(t) THEN
        o_reason := 'invalid_npi'; o_message := format('performer NPI %L is not valid', t); RETURN;
      END IF;
      v_target_npi := t;
      v_target_clin := (SELECT c.clinician_id FROM referral_crm.clinicians c WHERE c.npi = t);
    END IF;
    EXIT;
  END LOOP;

  SELECT * INTO rr FROM referral_crm.fhir_resolve(res #> '{locationReference,0}', '{Location}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'locationReference: ' || rr.problem; RETURN;
  END IF;
  v_location := rr.id;
  IF jsonb_typeof(res #> '{insurance,0}') = 'object' THEN
    SELECT * INTO rr FROM referral_crm.fhir_resolve(res #> '{insurance,0}', '{Coverage}', ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'insurance: ' || rr.problem; RETURN;
    END IF;
    has_insurance := rr.id IS NOT NULL;
    v_payer := rr.id;
    v_plan := rr.id2;
  END IF;

  -- The referral row as it should be.
  nw := cur;
  nw.patient_id := coalesce(v_patient, cur.patient_id);
  nw.authored_at := coalesce(v_authored, cur.authored_at);
  nw.needed_by := coalesce(v_needed, cur.needed_by);
  nw.priority := coalesce(v_priority, cur.priority, 'routine');
  nw.referring_clinician_id := coalesce(v_ref_clin, cur.referring_clinician_id);
  nw.referring_npi := coalesce(v_ref_npi, cur.referring_npi);
  nw.referring_name := coalesce(v_ref_name, cur.referring_name);
  nw.referring_organization_id := coalesce(v_ref_org, cur.referring_organization_id);
  nw.target_specialty := coalesce(v_specialty, cur.target_specialty);
  nw.target_clinician_id := coalesce(v_target_clin, cur.target_clinician_id);
  nw.target_npi := coalesce(v_target_npi, cur.target_npi);
  nw.target_location_id := coalesce(v_location, cur.target_location_id);
  nw.reason := coalesce(v_reason, cur.reason);
  nw.diagnosis_codes := coalesce(v_dx, cur.diagnosis_codes, '{}');
  nw.referral_number := coalesce(v_refnum, cur.referral_number);
  IF has_insurance THEN
    nw.payer_id := v_payer;
    nw.plan_id := v_plan;
  END IF;

  IF cur.referral_id IS NULL THEN
    -- A new referral starts in the state its Task (else its status) reports.
    SELECT * INTO ts FROM referral_crm.fhir_task_state(task);
    IF task IS NOT NULL AND ts.problem IS NULL THEN
      nw.status := ts.status;
      nw.status_reason := coalesce(ts.status_reason,
                                   CASE WHEN referral_crm.fhir_needs_reason('referral_status', ts.status)
                                        THEN format('%s reported by FHIR', ts.status) END);
      nw.stage := coalesce(ts.stage, 'new');
    ELSE
      t := referral_crm.fhir_str(res, '{status}');
      nw.status := CASE WHEN t IS NULL OR t = 'unknown' THEN 'requested' ELSE referral_crm.map_code('referral_status', t) END;
      IF nw.status IS NULL THEN
        o_reason := 'invalid_code'; o_message := format('status %L is not a request or referral status', t); RETURN;
      END IF;
      nw.status_reason := CASE WHEN referral_crm.fhir_needs_reason('referral_status', nw.status)
                               THEN format('%s reported by FHIR', nw.status) END;
      nw.stage := 'new';
    END IF;
    nw.stage_reason := CASE WHEN referral_crm.fhir_needs_reason('referral_stage', nw.stage)
                            THEN format('%s reported by FHIR', nw.stage) END;
    INSERT INTO referral_crm.referrals AS r
           (patient_id, authored_at, needed_by, referring_clinician_id, referring_npi, referring_name,
            referring_organization_id, target_specialty, target_clinician_id, target_npi, target_location_id,
            priority, reason, diagnosis_codes, payer_id, plan_id, referral_number, status, status_reason,
            stage, stage_reason, source_system, source_id, batch_id, source_row)
    VALUES (nw.patient_id, nw.authored_at, nw.needed_by, nw.referring_clinician_id, nw.referring_npi,
            nw.referring_name, nw.referring_organization_id, nw.target_specialty, nw.target_clinician_id,
            nw.target_npi, nw.target_location_id, nw.priority, nw.reason, nw.diagnosis_codes, nw.payer_id,
            nw.plan_id, nw.referral_number, nw.status, nw.status_reason, nw.stage, nw.stage_reason,
            v_ss, v_sid, batch, pos)
    RETURNING r.referral_id INTO o_id;
    o_outcome := 'inserted';
  ELSE
    o_id := cur.referral_id;
    t := referral_crm.fhir_str(res, '{status}');
    IF task IS NULL AND t IS NOT NULL AND t <> 'unknown' AND t IS DISTINCT FROM referral_crm.fhir_request_status(cur.status) THEN
      nw.status := referral_crm.map_code('referral_status', t);
      IF nw.status IS NULL THEN
        o_reason := 'invalid_code'; o_message := format('status %L is not a request or referral status', t); RETURN;
      ELSIF nw.status <> cur.status AND NOT referral_crm.transition_allowed('referral_status', cur.status, nw.status) THEN
        o_reason := 'illegal_transition';
        o_message := format('status %s: referral %s/%s cannot move from %s to %s', t, v_ss, v_sid, cur.status, nw.status);
        RETURN;
      ELSIF nw.status <> cur.status THEN
        nw.status_reason := CASE WHEN referral_crm.fhir_needs_reason('referral_status', nw.status)
                                 THEN format('%s reported by FHIR', nw.status) END;
        IF nw.status_reason = cur.status_reason THEN
          o_reason := 'missing_reason';
          o_message := format('status %s needs a new reason, %L was the reason for %s', nw.status, cur.status_reason, cur.status);
          RETURN;
        END IF;
      END IF;
    END IF;
    IF nw.authored_at > cur.authored_at THEN
      first_visit := (SELECT min(a.start_at) FROM referral_crm.appointments a WHERE a.referral_id = cur.referral_id);
      IF first_visit < nw.authored_at THEN
        o_reason := 'before_referral';
        o_message := format('authoredOn %s would follow the referral''s first appointment at %s', res->>'authoredOn', first_visit);
        RETURN;
      END IF;
    END IF;
    IF cur.received_at < nw.authored_at THEN
      o_reason := 'bad_order';
      o_message := format('authoredOn %s would follow the time the referral was received, %s', res->>'authoredOn', cur.received_at);
      RETURN;
    END IF;
    UPDATE referral_crm.referrals r
       SET patient_id = nw.patient_id, authored_at = nw.authored_at, needed_by = nw.needed_by,
           referring_clinician_id = nw.referring_clinician_id, referring_npi = nw.referring_npi,
           referring_name = nw.referring_name, referring_organization_id = nw.referring_organization_id,
           target_specialty = nw.target_specialty, target_clinician_id = nw.target_clinician_id,
           target_npi = nw.target_npi, target_location_id = nw.target_location_id, priority = nw.priority,
           reason = nw.reason, diagnosis_codes = nw.diagnosis_codes, payer_id = nw.payer_id, plan_id = nw.plan_id,
           referral_number = nw.referral_number, status = nw.status, status_reason = nw.status_reason,
           batch_id = batch, source_row = pos
     WHERE r.referral_id = cur.referral_id
       AND (r.patient_id, r.authored_at, r.needed_by, r.referring_clinician_id, r.referring_npi, r.referring_name,
            r.referring_organization_id, r.target_specialty, r.target_clinician_id, r.target_npi,
            r.target_location_id, r.priority, r.reason, r.diagnosis_codes, r.payer_id, r.plan_id,
            r.referral_number, r.status, r.status_reason)
           IS DISTINCT FROM
           (nw.patient_id, nw.authored_at, nw.needed_by, nw.referring_clinician_id, nw.referring_npi,
            nw.referring_name, nw.referring_organization_id, nw.target_specialty, nw.target_clinician_id,
            nw.target_npi, nw.target_location_id, nw.priority, nw.reason, nw.diagnosis_codes, nw.payer_id,
            nw.plan_id, nw.referral_number, nw.status, nw.status_reason);
    GET DIAGNOSTICS n = ROW_COUNT;
    o_outcome := CASE WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
  END IF;

  -- Notes: a note whose text the referral already has is kept as it is;
  -- otherwise the n-th note of the request is (source_system, source_id#note-n).
  FOR x IN SELECT a.elem, a.ord, referral_crm.fhir_str(a.elem, '{text}') AS body
             FROM referral_crm.fhir_array(res->'note') a ORDER BY a.ord LOOP
    CONTINUE WHEN x.body IS NULL
               OR EXISTS (SELECT 1 FROM referral_crm.referral_notes rn WHERE rn.referral_id = o_id AND rn.body = x.body);
    INSERT INTO referral_crm.referral_notes AS rn
           (referral_id, note_type, authored_at, author, body, source_system, source_id, batch_id, source_row)
    VALUES (o_id, 'referral',
            coalesce(referral_crm.parse_timestamptz(referral_crm.fhir_str(x.elem, '{time}'), referral_crm.calendar_zone()), nw.authored_at),
            coalesce(referral_crm.fhir_str(x.elem, '{authorString}'), referral_crm.fhir_str(x.elem, '{authorReference,display}')),
            x.body, v_ss, v_sid || '#note-' || x.ord, batch, pos)
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET body = EXCLUDED.body, authored_at = EXCLUDED.authored_at, author = coalesce(EXCLUDED.author, rn.author),
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE rn.referral_id = EXCLUDED.referral_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    notes_changed := notes_changed + n;
  END LOOP;
  IF notes_changed > 0 AND o_outcome = 'unchanged' THEN
    o_outcome := 'updated';
  END IF;
  o_id2 := nw.patient_id;
END
$$;

CREATE OR REPLACE FUNCTION referral_crm.fhir_load_appointment(res jsonb, batch bigint, pos bigint, ctx jsonb,
    OUT o_outcome text, OUT o_id bigint, OUT o_id2 bigint, OUT o_reason text, OUT o_message text)
  LANGUAGE plpgsql AS
$$
DECLARE
  v_ss text; v_sid text;
  cur referral_crm.appointments%ROWTYPE;
  t_start text := referral_crm.fhir_str(res, '{start}');
  t_end text := referral_crm.fhir_str(res, '{end}');
  t_created text := referral_crm.fhir_str(res, '{created}');
  t_status text := referral_crm.fhir_str(res, '{status}');
  v_start timestamptz := referral_crm.parse_timestamptz(t_start, referral_crm.calendar_zone());
  v_end timestamptz := referral_crm.parse_timestamptz(t_end, referral_crm.calendar_zone());
  v_booked timestamptz := referral_crm.parse_timestamptz(t_created, referral_crm.calendar_zone());
  v_status text := referral_crm.map_code('appointment_status', t_status);
  v_cancel text := coalesce(referral_crm.fhir_str(res, '{cancelationReason,text}'),
                            referral_crm.fhir_str(res, '{cancelationReason,coding,0,display}'));
  v_referral bigint; v_patient bigint; v_clinician bigint; v_location bigint;
  ref_patient bigint; ref_authored timestamptz; ref_key text;
  x record; rr record; ty text; n bigint;
BEGIN
  o_outcome := 'rejected';
  SELECT k.source_system, k.source_id INTO v_ss, v_sid FROM referral_crm.fhir_key(res) k;
  IF v_sid IS NULL THEN
    o_reason := 'missing_key'; o_message := 'the Appointment has neither an identifier nor an id'; RETURN;
  END IF;
  SELECT * INTO cur FROM referral_crm.appointments a WHERE a.source_system = v_ss AND a.source_id = v_sid FOR UPDATE;
  IF t_start IS NOT NULL AND v_start IS NULL THEN
    o_reason := 'bad_date'; o_message := format('start %L is not a valid date-time', t_start); RETURN;
  ELSIF t_end IS NOT NULL AND v_end IS NULL THEN
    o_reason := 'bad_date'; o_message := format('end %L is not a valid date-time', t_end); RETURN;
  ELSIF t_created IS NOT NULL AND v_booked IS NULL THEN
    o_reason := 'bad_date'; o_message := format('created %L is not a valid date-time', t_created); RETURN;
  ELSIF v_start IS NULL AND cur.appointment_id IS NULL THEN
    o_reason := 'missing_value'; o_message := format('appointment %s/%s has no start', v_ss, v_sid); RETURN;
  ELSIF coalesce(v_end, cur.end_at) < coalesce(v_start, cur.start_at) THEN
    o_reason := 'bad_order'; o_message := format('end %s is before start %s', t_end, coalesce(t_start, cur.start_at::text)); RETURN;
  ELSIF t_status IS NOT NULL AND v_status IS NULL THEN
    o_reason := 'invalid_code'; o_message := format('status %L is not an appointment status', t_status); RETURN;
  END IF;

  SELECT * INTO rr FROM referral_crm.fhir_resolve(res #> '{basedOn,0}', '{ServiceRequest}', ctx);
  IF rr.problem IS NOT NULL THEN
    o_reason := 'unknown_reference'; o_message := 'basedOn: ' || rr.problem; RETURN;
  END IF;
  v_referral := coalesce(rr.id, cur.referral_id);
  FOR x IN SELECT a.elem->'actor' AS actor FROM referral_crm.fhir_array(res->'participant') a ORDER BY a.ord LOOP
    ty := referral_crm.fhir_ref_type(x.actor, ctx);
    CONTINUE WHEN ty IS NULL OR ty NOT IN ('Patient', 'Practitioner', 'PractitionerRole', 'Location');
    CONTINUE WHEN (ty = 'Patient' AND v_patient IS NOT NULL) OR (ty = 'Location' AND v_location IS NOT NULL)
               OR (ty IN ('Practitioner', 'PractitionerRole') AND v_clinician IS NOT NULL);
    SELECT * INTO rr FROM referral_crm.fhir_resolve(x.actor,
                            CASE ty WHEN 'Patient' THEN '{Patient}' WHEN 'Location' THEN '{Location}'
                                    ELSE '{PractitionerRole,Practitioner}' END::text[], ctx);
    IF rr.problem IS NOT NULL THEN
      o_reason := 'unknown_reference'; o_message := 'participant: ' || rr.problem; RETURN;
    END IF;
    CASE ty
      WHEN 'Patient' THEN v_patient := rr.id;
      WHEN 'Location' THEN v_location := rr.id;
      ELSE v_clinician := rr.id;
    END CASE;
  END LOOP;

  SELECT r.patient_id, r.authored_at, r.source_system || '/' || r.source_id
    INTO ref_patient, ref_authored, ref_key
    FROM referral_crm.referrals r WHERE r.referral_id = v_referral;
  v_patient := coalesce(v_patient, cur.patient_id, ref_patient);
  IF v_patient IS NULL THEN
    o_reason := 'missing_value';
    o_message := format('appointment %s/%s names no patient and no referral', v_ss, v_sid);
    RETURN;
  ELSIF v_referral IS NOT NULL AND v_patient <> ref_patient THEN
    o_reason := 'patient_mismatch';
    o_message := format('appointment %s/%s is for another patient than referral %s', v_ss, v_sid, ref_key);
    RETURN;
  ELSIF coalesce(v_start, cur.start_at) < ref_authored THEN
    o_reason := 'before_referral';
    o_message := format('appointment %s/%s starts at %s, before referral %s was authored at %s',
                        v_ss, v_sid, coalesce(t_start, cur.start_at::text), ref_key, ref_authored);
    RETURN;
  END IF;

  IF cur.appointment_id IS NULL THEN
    INSERT INTO referral_crm.appointments AS a
           (referral_id, patient_id, clinician_id, location_id, status, start_at, end_at, booked_at,
            cancel_reason, source_system, source_id, batch_id, source_row)
    VALUES (v_referral, v_patient, v_clinician, v_location, coalesce(v_status, 'booked'), v_start, v_end,
            v_booked, v_cancel, v_ss, v_sid, batch, pos)
    RETURNING a.appointment_id INTO o_id;
    o_outcome := 'inserted';
    RETURN;
  END IF;
  o_id := cur.appointment_id;
  UPDATE referral_crm.appointments a
     SET referral_id = v_referral, patient_id = v_patient, clinician_id = coalesce(v_clinician, a.clinician_id),
         location_id = coalesce(v_location, a.location_id), status = coalesce(v_status, a.status),
         start_at = coalesce(v_start, a.start_at), end_at = coalesce(v_end, a.end_at),
         booked_at = coalesce(v_booked, a.booked_at), cancel_reason = coalesce(v_cancel, a.cancel_reason),
         batch_id = batch, source_row = pos
   WHERE a.appointment_id = cur.appointment_id
     AND (a.referral_id, a.patient_id, a.clinician_id, a.location_id, a.status, a.start_at, a.end_at,
          a.booked_at, a.cancel_reason) IS DISTINCT FROM
         (v_referral, v_patient, coalesce(v_clinician, a.clinician_id), coalesce(v_location, a.location_id),
          coalesce(v_status, a.status), coalesce(v_start, a.start_at), coalesce(v_end, a.end_at),
          coalesce(v_booked, a.booked_at), coalesce(v_cancel, a.cancel_reason));
  GET DIAGNOSTICS n = ROW_COUNT;
  o_outcome := CASE WHEN n > 0 THEN 'updated' ELSE 'unchanged' END;
END
$$;

-- ==== routing on insert: a setting that pg_dump keeps
-- The trigger referrals_route_on_insert was switched with ALTER TABLE
-- ENABLE TRIGGER, a state pg_dump does not keep for an extension's trigger.
-- The switch is now crm_config.route_on_insert, carried over from the
-- trigger's state, and the trigger stays enabled.
ALTER TABLE referral_crm.crm_config
  ADD COLUMN route_on_insert boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN referral_crm.crm_config.route_on_insert IS
  'route each new active referral without a queue as it is inserted (trigger referrals_route_on_insert); kept by pg_dump with the row';
UPDATE referral_crm.crm_config
   SET route_on_insert = EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t
                                  WHERE t.tgrelid = 'referral_crm.referrals'::regclass
                                    AND t.tgname = 'referrals_route_on_insert' AND t.tgenabled <> 'D');
CREATE OR REPLACE FUNCTION referral_crm.route_on_insert() RETURNS trigger
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
COMMENT ON FUNCTION referral_crm.route_on_insert() IS
  'statement trigger routing new referrals when crm_config.route_on_insert is on';
ALTER TABLE referral_crm.referrals ENABLE TRIGGER referrals_route_on_insert;
