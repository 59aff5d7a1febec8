-- referral_crm 0.3.0 -> 0.4.0: changes to objects that 0.3.0 already had.
-- Each room's changes are in a section of its own, in install order; the
-- same changes are in the room's fragments, so that a fresh install and an
-- upgrade give the same catalog (test/t/003_upgrade.pl compares them).

-- ==== notes
-- The GIN keys of termvec_ops now carry each term's impact cell (its count
-- and the note's length): the index is rebuilt with the new operator class
-- (a partial match per term, the cell query operator &@ for search_notes).
DROP INDEX referral_crm.note_vectors_tf_idx;
DROP OPERATOR CLASS referral_crm.termvec_ops USING gin;
DROP OPERATOR FAMILY referral_crm.termvec_ops USING gin;
-- An upgrade from 0.2.0 ran the notes fragments of this release already
-- (they are the room's 0.2.0--0.3.0 script): drop what they made first.
DROP OPERATOR IF EXISTS referral_crm.&@ (referral_crm.termvec, int4[]);
DROP FUNCTION IF EXISTS referral_crm.termvec_cells_any(referral_crm.termvec, int4[]);
DROP FUNCTION IF EXISTS referral_crm.termvec_gin_compare_partial(int4, int4, int2, internal);
DROP FUNCTION IF EXISTS referral_crm.termvec_search(referral_crm.termvec, referral_crm.termvec, float8, float8, int);
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
CREATE OPERATOR CLASS referral_crm.termvec_ops DEFAULT FOR TYPE referral_crm.termvec USING gin AS
  OPERATOR 1 referral_crm.&& (referral_crm.termvec, text[]),
  OPERATOR 2 referral_crm.&@ (referral_crm.termvec, int4[]),
  FUNCTION 1 btint4cmp(int4, int4),
  FUNCTION 2 referral_crm.termvec_gin_extract_value(referral_crm.termvec, internal, internal),
  FUNCTION 3 referral_crm.termvec_gin_extract_query(text[], internal, int2, internal, internal, internal, internal),
  FUNCTION 4 referral_crm.termvec_gin_consistent(internal, int2, text[], int4, internal, internal, internal, internal),
  FUNCTION 5 referral_crm.termvec_gin_compare_partial(int4, int4, int2, internal),
  STORAGE int4;

-- Compact postings in each row of note_vectors (search_notes bounds every
-- note it reads with them).  CREATE OR REPLACE and IF NOT EXISTS: an
-- upgrade from 0.2.0 made them already.
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

