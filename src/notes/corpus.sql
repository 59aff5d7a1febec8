\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/notes/corpus.sql
-- Live corpus statistics over referral_crm.referral_notes.
--
-- note_vectors holds each note's clinical analysis (length, term counts).
-- The statistics are kept as delta rows: every statement that changes
-- notes inserts, in its own transaction, one corpus_totals row (its change
-- of the number of notes and of their total length) and its changes of
-- document frequencies: a statement of a few notes as a term vector in
-- that same row, a larger one as term vectors in corpus_df, one per hash
-- bucket of its terms (1024 buckets).  No row per term is ever written.
-- Readers add the rows up.  Writers only ever insert (and fold, with SKIP
-- LOCKED, the term vectors of corpus_totals into bucket rows), so
-- concurrent writers never wait for each other or deadlock, and every
-- snapshot sees exactly the statistics of the notes it sees (MVCC).
-- compact_corpus() folds the rows into one per bucket without changing any
-- sum; rebuild_corpus() recomputes everything from the notes.

CREATE TABLE referral_crm.note_vectors (
  note_id bigint PRIMARY KEY,
  doclen  int NOT NULL CHECK (doclen >= 0),
  tf      referral_crm.termvec NOT NULL,
  postings bytea GENERATED ALWAYS AS (referral_crm.termvec_postings(tf)) STORED
);
-- Kept in the row (uncompressed unless the row would not fit a page):
-- search_notes reads the postings of every note it considers.
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

CREATE TABLE referral_crm.corpus_df (
  term   text NOT NULL,
  df     bigint NOT NULL,
  dfs    referral_crm.termvec,
  bucket int
);
COMMENT ON TABLE referral_crm.corpus_df IS
  'document-frequency deltas (and compacted sums) as term vectors (dfs), one per hash bucket of their terms (bucket = notes_term_bucket(term); term: the first term, df 0); the document frequency of a term is the sum of its entries in the rows of its bucket and in corpus_totals.dfs';
-- The rows of a term: those of its bucket.
CREATE INDEX corpus_df_bucket_idx ON referral_crm.corpus_df (bucket);
DO $$
BEGIN
  ALTER TABLE referral_crm.corpus_df ALTER COLUMN dfs SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END
$$;

CREATE TABLE referral_crm.corpus_totals (
  ndocs     bigint NOT NULL,
  total_len bigint NOT NULL,
  dfs       referral_crm.termvec
);
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

-- Writing document-frequency deltas (or sums) into corpus_df: one term
-- vector per hash bucket of their terms.
CREATE FUNCTION referral_crm.notes_corpus_put(dfs referral_crm.termvec) RETURNS void
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

-- Writing the deltas of one statement.  A statement that changes a few
-- notes (a single insert, update or delete) writes one corpus_totals row
-- that carries its document-frequency deltas as a term vector; readers
-- add them to the corpus_df rows of the terms they need.  Larger ones
-- write one corpus_df row per hash bucket.  Once 64 rows of term vectors
-- are visible, the writer folds those nobody else is folding into bucket
-- rows (SKIP LOCKED: it never waits), in its own transaction, so every
-- sum is unchanged at every commit.
CREATE FUNCTION referral_crm.notes_corpus_record(ndocs bigint, total_len bigint, dfs referral_crm.termvec)
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

CREATE FUNCTION referral_crm.notes_corpus_fold() RETURNS bigint
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

-- Statement triggers: transition tables give every row changed at once.
-- A few notes: their document frequencies summed as term vectors; more:
-- grouped by term into one term vector.
CREATE FUNCTION referral_crm.notes_corpus_insert() RETURNS trigger
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

CREATE FUNCTION referral_crm.notes_corpus_delete() RETURNS trigger
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

CREATE FUNCTION referral_crm.notes_corpus_update() RETURNS trigger
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

CREATE FUNCTION referral_crm.notes_corpus_truncate() RETURNS trigger
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

CREATE TRIGGER referral_notes_corpus_insert AFTER INSERT ON referral_crm.referral_notes
  REFERENCING NEW TABLE AS new_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_insert();
CREATE TRIGGER referral_notes_corpus_update AFTER UPDATE ON referral_crm.referral_notes
  REFERENCING OLD TABLE AS old_notes NEW TABLE AS new_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_update();
CREATE TRIGGER referral_notes_corpus_delete AFTER DELETE ON referral_crm.referral_notes
  REFERENCING OLD TABLE AS old_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_delete();
CREATE TRIGGER referral_notes_corpus_truncate AFTER TRUNCATE ON referral_crm.referral_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_truncate();

-- Reading the statistics.  The statistics count the terms of every note,
-- also those a role may not read: the tables are the admin role's, and the
-- readers below run with the owner's rights.  A role that does not see
-- every note (not the admin role, not a superuser) gets each document
-- frequency it asks for raised to at least corpus_df_floor() (11, or the
-- number of notes if smaller), for every term it names, present or not:
-- a count from 1 to 10 could reveal that some note it may not read names
-- a person or a diagnosis.
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

CREATE FUNCTION referral_crm.corpus_stats(OUT ndocs bigint, OUT total_len bigint, OUT avgdl float8)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce(sum(ndocs), 0)::bigint, coalesce(sum(total_len), 0)::bigint,
         CASE WHEN coalesce(sum(ndocs), 0) > 0 THEN sum(total_len)::float8 / sum(ndocs) ELSE 0 END
    FROM referral_crm.corpus_totals
$$;
COMMENT ON FUNCTION referral_crm.corpus_stats() IS
  'number of notes, their total length in words and the average length, as of the current snapshot';

CREATE FUNCTION referral_crm.corpus_dfs(terms text[]) RETURNS referral_crm.termvec
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
  'document frequency of each term in the live corpus, as a term vector (terms in no note are left out; roles that do not see every note get at least corpus_df_floor())';

CREATE FUNCTION referral_crm.corpus_terms(OUT term text, OUT df bigint) RETURNS SETOF record
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

CREATE FUNCTION referral_crm.tfidf(note text) RETURNS referral_crm.termvec
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT referral_crm.termvec_weight(v,
           referral_crm.termvec_idf(referral_crm.corpus_dfs(referral_crm.termvec_terms(v)), s.ndocs))
    FROM referral_crm.note_vector(note) v, referral_crm.corpus_stats() s
$$;
COMMENT ON FUNCTION referral_crm.tfidf(text) IS
  'TF-IDF vector of a text against the live corpus (settings referral_crm.tfidf_smooth_idf, _sublinear_tf, _norm)';

-- Upkeep.
CREATE FUNCTION referral_crm.compact_corpus() RETURNS bigint
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

CREATE FUNCTION referral_crm.rebuild_corpus() RETURNS bigint
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

-- The trigger functions run with the owner's rights: nobody else may
-- attach them to a table (EXECUTE is checked by CREATE TRIGGER).
REVOKE ALL ON FUNCTION referral_crm.notes_corpus_insert(), referral_crm.notes_corpus_delete(),
  referral_crm.notes_corpus_update(), referral_crm.notes_corpus_truncate() FROM PUBLIC;
-- Rebuilding and compacting need write access to the statistics: not for
-- everybody (a rebuild blocks note writers until it commits).
REVOKE ALL ON FUNCTION referral_crm.compact_corpus() FROM PUBLIC;
-- The statistics' readers (setup_roles grants them to the roles that
-- search notes) and the list of every term (the admin role's).
REVOKE ALL ON FUNCTION referral_crm.corpus_stats(), referral_crm.corpus_dfs(text[]),
  referral_crm.corpus_df_floor(), referral_crm.corpus_terms() FROM PUBLIC;
REVOKE ALL ON FUNCTION referral_crm.rebuild_corpus() FROM PUBLIC;
REVOKE ALL ON FUNCTION referral_crm.notes_corpus_record(bigint, bigint, referral_crm.termvec) FROM PUBLIC;
REVOKE ALL ON FUNCTION referral_crm.notes_corpus_fold() FROM PUBLIC;
REVOKE ALL ON FUNCTION referral_crm.notes_corpus_put(referral_crm.termvec) FROM PUBLIC;

-- Notes that existed before this room was installed (upgrade from 0.2.0).
SELECT referral_crm.rebuild_corpus();

-- The derived tables are registered for pg_dump with a condition that
-- keeps their rows out of the dump: restoring referral_notes fires the
-- triggers, which rebuild them.
SELECT pg_catalog.pg_extension_config_dump('referral_crm.note_vectors', 'WHERE false');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.corpus_df', 'WHERE false');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.corpus_totals', 'WHERE false');
