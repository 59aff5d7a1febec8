-- referral_crm 0.3.0 -> 0.4.0: changes to objects that 0.3.0 already had.
-- Each room's changes are in a section of its own, in install order; the
-- same changes are in the room's fragments, so that a fresh install and an
-- upgrade give the same catalog (test/t/003_upgrade.pl compares them).

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
BEGIN
  RETURN QUERY
  WITH cand AS (
    SELECT c.clinician_id, c.base,
           CASE WHEN $3 IS NULL AND $4 IS NULL THEN c.base
                ELSE 0.94 * c.base
                     + CASE WHEN $3 IS NULL OR c.specialty IS NULL THEN 0.015
                            WHEN c.specialty = $3 THEN 0.03 ELSE 0 END
           END AS pre
      FROM (SELECT c.clinician_id, c.specialty,
                   referral_crm.name_score((SELECT referral_crm.try_clinician_name($1)),
                                           c.given_name, c.middle_name, c.family_name, c.name_suffix,
                                           greatest($2, 2),
                                           CASE WHEN $3 IS NULL AND $4 IS NULL THEN 0 ELSE 0.065 END) AS base
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
                     CASE WHEN $3 IS NULL AND $4 IS NULL THEN c.pre
                          ELSE c.pre
                               + CASE WHEN $4 IS NULL THEN 0.015
                                      ELSE coalesce((SELECT max(CASE WHEN left(l.zip, 5) = left($4, 5) THEN 0.03
                                                                     WHEN left(l.zip, 3) = left($4, 3) THEN 0.02
                                                                     ELSE 0 END)
                                                       FROM referral_crm.clinician_locations cl
                                                       JOIN referral_crm.locations l ON l.location_id = cl.location_id
                                                      WHERE cl.clinician_id = c.clinician_id), 0.015) END
                     END AS score
                FROM cand c
               WHERE c.pre >= coalesce((SELECT x.pre FROM cand x ORDER BY x.pre DESC
                                         LIMIT 1 OFFSET greatest($2, 2) - 1), 0)
                              - CASE WHEN $4 IS NULL THEN 0 ELSE 0.0301 END
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
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
BEGIN
  -- The entries of the terms in the corpus_df rows of their hash buckets
  -- (an index probe per bucket) and in the term vectors of corpus_totals.
  -- PL/pgSQL: the plan is kept for the session (a SQL function's is
  -- made anew at every call).
  RETURN referral_crm.termvec_nonzero(
           coalesce((SELECT referral_crm.termvec_sum(referral_crm.termvec_pick(b.dfs, terms))
                       FROM referral_crm.corpus_df b
                      WHERE b.bucket = ANY (ARRAY(SELECT DISTINCT referral_crm.notes_term_bucket(u) FROM unnest(terms) u))),
                    referral_crm.termvec('{}'::text[], '{}'::float8[]))
           OPERATOR(referral_crm.+)
           (SELECT referral_crm.termvec_sum(referral_crm.termvec_pick(t.dfs, terms))
              FROM referral_crm.corpus_totals t WHERE t.dfs IS NOT NULL));
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

  FOR t IN SELECT g.table_name FROM referral_crm.governed_tables g ORDER BY g.table_name::text LOOP
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

  -- intake (and admin): open records with read tracing, disclose to partners
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
