\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/notes/search.sql
-- Search, similar referrals, key terms and recurrent pathways over the
-- live corpus.

CREATE FUNCTION referral_crm.notes_check_k(k int) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF k IS NULL OR k <= 0 THEN
    RAISE EXCEPTION 'k must be positive, not %', coalesce(k::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
END
$$;

CREATE FUNCTION referral_crm.termvec_search(query referral_crm.termvec, dfs referral_crm.termvec,
                                            ndocs float8, avgdl float8, k int,
                                            OUT note_id bigint, OUT score float8) RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'termvec_search' LANGUAGE C STABLE STRICT ROWS 10;
COMMENT ON FUNCTION referral_crm.termvec_search(referral_crm.termvec, referral_crm.termvec, float8, float8, int) IS
  'the k notes of note_vectors of highest BM25 score for query weights (termvec_bm25_query), best first: threshold algorithm over the index''s impact cells';

CREATE FUNCTION referral_crm.search_notes(query text, k int DEFAULT 10)
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

CREATE FUNCTION referral_crm.similar_referrals(ref_id bigint, k int DEFAULT 10)
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
COMMENT ON FUNCTION referral_crm.similar_referrals(bigint, int) IS
  'the k referrals whose notes are most similar (cosine of sublinear TF-IDF vectors of their words) to a referral''s notes';

CREATE FUNCTION referral_crm.key_terms(note text, k int DEFAULT 10)
  RETURNS TABLE (term text, weight float8)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  st record;
  tf referral_crm.termvec;
  dfs referral_crm.termvec;
  w referral_crm.termvec;
  n int;
BEGIN
  PERFORM referral_crm.notes_check_k(k);
  IF note IS NULL THEN
    RETURN;
  END IF;
  SELECT referral_crm.termvec(coalesce(array_agg(s.term), '{}'), coalesce(array_agg(s.count::float8), '{}'))
    INTO tf FROM referral_crm.note_surfaces(note) s WHERE s.surface ~ '^[[:alpha:]]+$';
  n := referral_crm.termvec_size(tf);
  IF n = 0 THEN
    RETURN;
  END IF;
  SELECT * INTO st FROM referral_crm.corpus_stats();
  -- Document frequencies as if the note were one more document.
  dfs := referral_crm.corpus_dfs(referral_crm.termvec_terms(tf))
         OPERATOR(referral_crm.+) referral_crm.termvec(referral_crm.termvec_terms(tf), array_fill(1::float8, ARRAY[n]));
  w := referral_crm.termvec_weight(tf, referral_crm.termvec_idf(dfs, st.ndocs + 1, true), false, 'l2');
  RETURN QUERY
  SELECT s.surface, t.weight
    FROM referral_crm.top_terms(w, k) t JOIN referral_crm.note_surfaces(note) s ON s.term = t.term
   ORDER BY t.weight DESC, s.surface;
END
$$;
COMMENT ON FUNCTION referral_crm.key_terms(text, int) IS
  'the k words (letters only) of a note of highest TF-IDF weight against the live corpus, as written (case folded)';

CREATE FUNCTION referral_crm.distinctive_terms(tf referral_crm.termvec, k int DEFAULT 5) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT array_agg(t.term ORDER BY t.weight DESC, t.term)
    FROM referral_crm.corpus_stats() s,
         referral_crm.top_terms(referral_crm.termvec_weight(tf, referral_crm.termvec_idf(
           referral_crm.corpus_dfs(referral_crm.termvec_terms(tf)), s.ndocs, true), true, 'l2'), k) t
$$;
COMMENT ON FUNCTION referral_crm.distinctive_terms(referral_crm.termvec, int) IS
  'the k terms of summed term counts that weigh most against the live corpus (sublinear TF-IDF)';

CREATE VIEW referral_crm.recurrent_pathways WITH (security_invoker = true) AS
SELECT r.referring_npi,
       min(r.referring_name) AS referring_name,
       r.target_specialty AS specialty,
       count(DISTINCT r.referral_id) AS referrals,
       count(v.note_id) AS notes,
       referral_crm.distinctive_terms(referral_crm.termvec_sum(v.tf), 5) AS distinctive_terms
  FROM referral_crm.referrals r
  LEFT JOIN referral_crm.referral_notes n ON n.referral_id = r.referral_id
  LEFT JOIN referral_crm.note_vectors v ON v.note_id = n.note_id
 WHERE r.referring_npi IS NOT NULL AND r.target_specialty IS NOT NULL
 GROUP BY r.referring_npi, r.target_specialty
HAVING count(DISTINCT r.referral_id) >= 2;
COMMENT ON VIEW referral_crm.recurrent_pathways IS
  'referrer to specialty pairs with two or more referrals: volumes and the terms that set their notes apart';
