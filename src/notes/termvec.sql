\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/notes/termvec.sql
-- The termvec type (sparse vector of term weights), its operators, GIN
-- operator class and aggregate; the analysers; TF-IDF and BM25 over
-- explicit document sets.

CREATE TYPE referral_crm.termvec;

CREATE FUNCTION referral_crm.termvec_in(cstring) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_out(referral_crm.termvec) RETURNS cstring
  AS 'MODULE_PATHNAME', 'termvec_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_recv(internal) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_send(referral_crm.termvec) RETURNS bytea
  AS 'MODULE_PATHNAME', 'termvec_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE referral_crm.termvec (
  INPUT = referral_crm.termvec_in, OUTPUT = referral_crm.termvec_out,
  RECEIVE = referral_crm.termvec_recv, SEND = referral_crm.termvec_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended
);
COMMENT ON TYPE referral_crm.termvec IS
  'sparse vector of term weights: ''term'':weight pairs, terms sorted and distinct';

CREATE FUNCTION referral_crm.termvec_eq(referral_crm.termvec, referral_crm.termvec) RETURNS boolean
  AS 'MODULE_PATHNAME', 'termvec_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_ne(referral_crm.termvec, referral_crm.termvec) RETURNS boolean
  AS 'MODULE_PATHNAME', 'termvec_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR referral_crm.= (
  LEFTARG = referral_crm.termvec, RIGHTARG = referral_crm.termvec, FUNCTION = referral_crm.termvec_eq,
  COMMUTATOR = OPERATOR(referral_crm.=), NEGATOR = OPERATOR(referral_crm.<>), RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR referral_crm.<> (
  LEFTARG = referral_crm.termvec, RIGHTARG = referral_crm.termvec, FUNCTION = referral_crm.termvec_ne,
  COMMUTATOR = OPERATOR(referral_crm.<>), NEGATOR = OPERATOR(referral_crm.=), RESTRICT = neqsel, JOIN = neqjoinsel
);

CREATE FUNCTION referral_crm.cosine(referral_crm.termvec, referral_crm.termvec) RETURNS float8
  AS 'MODULE_PATHNAME', 'termvec_cosine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.cosine(referral_crm.termvec, referral_crm.termvec) IS
  'cosine similarity of two term vectors (0 when either has no weight)';
CREATE FUNCTION referral_crm.termvec_distance(referral_crm.termvec, referral_crm.termvec) RETURNS float8
  AS 'MODULE_PATHNAME', 'termvec_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR referral_crm.<=> (
  LEFTARG = referral_crm.termvec, RIGHTARG = referral_crm.termvec,
  FUNCTION = referral_crm.termvec_distance, COMMUTATOR = OPERATOR(referral_crm.<=>)
);

CREATE FUNCTION referral_crm.top_terms(v referral_crm.termvec, k int)
  RETURNS TABLE (term text, weight float8)
  AS 'MODULE_PATHNAME', 'termvec_top_terms' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION referral_crm.top_terms(referral_crm.termvec, int) IS
  'the k terms of largest weight, ties broken by term';
CREATE FUNCTION referral_crm.termvec_terms(referral_crm.termvec) RETURNS text[]
  AS 'MODULE_PATHNAME', 'termvec_terms' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_size(referral_crm.termvec) RETURNS int
  AS 'MODULE_PATHNAME', 'termvec_size' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_words(referral_crm.termvec) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_words' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_words(referral_crm.termvec) IS
  'the single-word terms of a term vector (word bigrams left out)';
CREATE FUNCTION referral_crm.termvec(terms text[], weights float8[]) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_from_arrays' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec(text[], float8[]) IS
  'term vector from parallel arrays of terms and weights (weights of repeated terms are added)';
CREATE FUNCTION referral_crm.termvec_add(referral_crm.termvec, referral_crm.termvec) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OPERATOR referral_crm.+ (
  LEFTARG = referral_crm.termvec, RIGHTARG = referral_crm.termvec,
  FUNCTION = referral_crm.termvec_add, COMMUTATOR = OPERATOR(referral_crm.+)
);
CREATE AGGREGATE referral_crm.termvec_sum(referral_crm.termvec) (
  SFUNC = referral_crm.termvec_add, STYPE = referral_crm.termvec,
  COMBINEFUNC = referral_crm.termvec_add, PARALLEL = SAFE
);
COMMENT ON AGGREGATE referral_crm.termvec_sum(referral_crm.termvec) IS
  'term-wise sum of term vectors';

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

CREATE FUNCTION referral_crm.termvec_overlaps(referral_crm.termvec, text[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'termvec_overlaps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR referral_crm.&& (
  LEFTARG = referral_crm.termvec, RIGHTARG = text[],
  FUNCTION = referral_crm.termvec_overlaps, RESTRICT = arraycontsel, JOIN = arraycontjoinsel
);
COMMENT ON OPERATOR referral_crm.&& (referral_crm.termvec, text[]) IS
  'does the term vector hold any of the terms?';

CREATE FUNCTION referral_crm.termvec_postings(referral_crm.termvec) RETURNS bytea
  AS 'MODULE_PATHNAME', 'termvec_postings' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_postings(referral_crm.termvec) IS
  'compact postings of term counts: sorted 32-bit term hashes, then their counts capped at 255 (search_notes bounds scores with them)';

CREATE FUNCTION referral_crm.termvec_cells_any(referral_crm.termvec, int4[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'termvec_cells_any' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR referral_crm.&@ (
  LEFTARG = referral_crm.termvec, RIGHTARG = int4[],
  FUNCTION = referral_crm.termvec_cells_any, RESTRICT = contsel, JOIN = contjoinsel
);
COMMENT ON OPERATOR referral_crm.&@ (referral_crm.termvec, int4[]) IS
  'does one of the vector''s index keys (term hash and impact cell) fall in the cell query? (search_notes reads the index with it)';

CREATE FUNCTION referral_crm.termvec_gin_extract_value(referral_crm.termvec, internal, internal)
  RETURNS internal AS 'MODULE_PATHNAME', 'termvec_gin_extract_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_gin_extract_query(text[], internal, int2, internal, internal, internal, internal)
  RETURNS internal AS 'MODULE_PATHNAME', 'termvec_gin_extract_query' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_gin_consistent(internal, int2, text[], int4, internal, internal, internal, internal)
  RETURNS boolean AS 'MODULE_PATHNAME', 'termvec_gin_consistent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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

-- Analysers.
CREATE FUNCTION referral_crm.note_terms(note text, analyzer text DEFAULT 'clinical') RETURNS text[]
  AS 'MODULE_PATHNAME', 'note_terms' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.note_terms(text, text) IS
  'the terms of a note in reading order (clinical: stemmed words and word bigrams; sklearn: scikit-learn tokens)';
CREATE FUNCTION referral_crm.note_vector(note text, analyzer text DEFAULT 'clinical') RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'note_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.note_vector(text, text) IS
  'the term counts of a note';
CREATE FUNCTION referral_crm.note_analysis(note text, OUT doclen int, OUT tf referral_crm.termvec)
  AS 'MODULE_PATHNAME', 'note_analysis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.note_analysis(text) IS
  'clinical analysis of a note as the corpus keeps it: length in words and term counts';
CREATE FUNCTION referral_crm.note_surfaces(note text, OUT term text, OUT surface text, OUT count int)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'note_surfaces' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION referral_crm.note_surfaces(text) IS
  'each stemmed word of a note with its most frequent written form and its count';

-- Weighting.
CREATE FUNCTION referral_crm.termvec_idf(dfs referral_crm.termvec, n float8, smooth_idf boolean DEFAULT NULL)
  RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_idf' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_idf(referral_crm.termvec, float8, boolean) IS
  'idf of each term from its document frequency among n documents (NULL smooth_idf: referral_crm.tfidf_smooth_idf)';
CREATE FUNCTION referral_crm.termvec_weight(tf referral_crm.termvec, idf referral_crm.termvec,
                                            sublinear_tf boolean DEFAULT NULL, norm text DEFAULT NULL)
  RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_weight' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_weight(referral_crm.termvec, referral_crm.termvec, boolean, text) IS
  'TF-IDF weights of term counts given idf; terms without idf are left out (NULL settings: referral_crm.tfidf_*)';
CREATE FUNCTION referral_crm.termvec_bm25(tf referral_crm.termvec, doclen float8, query referral_crm.termvec,
                                          avgdl float8, k1 float8 DEFAULT NULL, b float8 DEFAULT NULL)
  RETURNS float8
  AS 'MODULE_PATHNAME', 'termvec_bm25' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_bm25(referral_crm.termvec, float8, referral_crm.termvec, float8, float8, float8) IS
  'BM25 score of a document (term counts, length) for query idf weights';

CREATE FUNCTION referral_crm.tfidf_weights(docs text[], analyzer text DEFAULT 'clinical',
                                           smooth_idf boolean DEFAULT true, sublinear_tf boolean DEFAULT false,
                                           norm text DEFAULT 'l2')
  RETURNS TABLE (doc int, term text, weight float8)
  AS 'MODULE_PATHNAME', 'tfidf_weights' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.tfidf_weights(text[], text, boolean, boolean, text) IS
  'TF-IDF weights fitted on an explicit document set, as scikit-learn''s TfidfVectorizer';
CREATE FUNCTION referral_crm.bm25_scores(docs text[], query text, k1 float8 DEFAULT 1.2, b float8 DEFAULT 0.75,
                                         analyzer text DEFAULT 'clinical')
  RETURNS TABLE (doc int, score float8)
  AS 'MODULE_PATHNAME', 'bm25_scores' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.bm25_scores(text[], text, float8, float8, text) IS
  'BM25 (Lucene 8+) score of every document of an explicit set for a query';
CREATE FUNCTION referral_crm.termvec_bm25_query(query referral_crm.termvec, dfs referral_crm.termvec, n float8)
  RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_bm25_query' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_bm25_query(referral_crm.termvec, referral_crm.termvec, float8) IS
  'BM25 query weights: Lucene idf of each query term times its count in the query';
