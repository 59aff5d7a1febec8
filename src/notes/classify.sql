\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/notes/classify.sql
-- Note classifiers: nearest centroid and k nearest neighbours over
-- sublinear TF-IDF vectors with the model's own idf.

CREATE TABLE referral_crm.note_classifiers (
  name       text PRIMARY KEY,
  method     text NOT NULL CHECK (method IN ('knn', 'centroid')),
  k          int NOT NULL CHECK (k > 0),
  n_docs     int NOT NULL,
  labels     text[] NOT NULL,
  idf        referral_crm.termvec NOT NULL,
  trained_at timestamptz NOT NULL DEFAULT now(),
  trained_by text NOT NULL DEFAULT current_user
);
COMMENT ON TABLE referral_crm.note_classifiers IS 'trained note classifiers (train_note_classifier)';

CREATE TABLE referral_crm.note_classifier_vectors (
  name  text NOT NULL REFERENCES referral_crm.note_classifiers ON DELETE CASCADE ON UPDATE CASCADE,
  kind  text NOT NULL CHECK (kind IN ('example', 'centroid')),
  label text NOT NULL,
  vec   referral_crm.termvec NOT NULL
);
CREATE INDEX note_classifier_vectors_name_idx ON referral_crm.note_classifier_vectors (name, kind);
COMMENT ON TABLE referral_crm.note_classifier_vectors IS
  'training examples (TF-IDF vectors) and label centroids of each classifier';

SELECT pg_catalog.pg_extension_config_dump('referral_crm.note_classifiers', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.note_classifier_vectors', '');

CREATE FUNCTION referral_crm.train_note_classifier(name text, labelled_query text,
                                                   method text DEFAULT 'knn', k int DEFAULT 10)
  RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  labels text[];
  notes text[];
  tfs referral_crm.termvec[];
  n int;
  min_df int;
  idf referral_crm.termvec;
BEGIN
  IF name IS NULL OR labelled_query IS NULL THEN
    RAISE EXCEPTION 'name and labelled_query must not be NULL' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF method IS NULL OR method NOT IN ('knn', 'centroid') THEN
    RAISE EXCEPTION 'unknown classification method "%"', method USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'The methods are "knn" and "centroid".';
  END IF;
  PERFORM referral_crm.notes_check_k(k);
  EXECUTE format('SELECT array_agg(l::text ORDER BY ord), array_agg(n::text ORDER BY ord)
                    FROM (SELECT q.*, row_number() OVER () AS ord FROM (%s) q) q2(l, n)
                   WHERE l IS NOT NULL AND n IS NOT NULL', labelled_query)
    INTO labels, notes;
  n := coalesce(array_length(labels, 1), 0);
  IF n = 0 THEN
    RAISE EXCEPTION 'the labelled query returned no rows with a label and a note'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The query returns the label first and the note text second.';
  END IF;
  tfs := ARRAY(SELECT referral_crm.note_vector(x) FROM unnest(notes) WITH ORDINALITY u(x, i) ORDER BY i);
  -- Terms in a single training note are noise for a larger set.
  min_df := CASE WHEN n >= 50 THEN 2 ELSE 1 END;
  SELECT referral_crm.termvec_idf(referral_crm.termvec(coalesce(array_agg(t), '{}'), coalesce(array_agg(c), '{}')), n, true)
    INTO idf
    FROM (SELECT t, count(*)::float8 AS c FROM unnest(tfs) v, unnest(referral_crm.termvec_terms(v)) t
           GROUP BY t HAVING count(*) >= min_df) s;
  DELETE FROM referral_crm.note_classifiers c WHERE c.name = train_note_classifier.name;
  INSERT INTO referral_crm.note_classifiers (name, method, k, n_docs, labels, idf)
  VALUES (train_note_classifier.name, method, k, n,
          ARRAY(SELECT DISTINCT x FROM unnest(labels) x ORDER BY 1), idf);
  INSERT INTO referral_crm.note_classifier_vectors (name, kind, label, vec)
  SELECT train_note_classifier.name, 'example', labels[i], referral_crm.termvec_weight(tfs[i], idf, true, 'l2')
    FROM generate_series(1, n) i;
  INSERT INTO referral_crm.note_classifier_vectors (name, kind, label, vec)
  SELECT train_note_classifier.name, 'centroid', v.label, referral_crm.termvec_sum(v.vec)
    FROM referral_crm.note_classifier_vectors v
   WHERE v.name = train_note_classifier.name AND v.kind = 'example'
   GROUP BY v.label;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.train_note_classifier(text, text, text, int) IS
  'train (or retrain) a note classifier from a query returning (label, note text); method knn or centroid';

-- With the owner's rights: the classifiers' training vectors are the
-- admin role's (they are the term weights of real notes); a caller gets
-- labels and scores only.
CREATE FUNCTION referral_crm.classify_note(name text, note text)
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
REVOKE ALL ON FUNCTION referral_crm.classify_note(text, text) FROM PUBLIC;

-- Is there a classifier of this name?  (The classifiers are the admin
-- role's; routing asks this before classifying.)
CREATE FUNCTION referral_crm.note_classifier_exists(name text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  RETURN EXISTS (SELECT 1 FROM referral_crm.note_classifiers c WHERE c.name = note_classifier_exists.name);
COMMENT ON FUNCTION referral_crm.note_classifier_exists(text) IS
  'is there a trained note classifier of this name?';
REVOKE ALL ON FUNCTION referral_crm.note_classifier_exists(text) FROM PUBLIC;

CREATE FUNCTION referral_crm.train_specialty_classifier(name text DEFAULT 'specialty', method text DEFAULT 'knn')
  RETURNS int
LANGUAGE sql VOLATILE AS $$
  SELECT referral_crm.train_note_classifier(name,
    'SELECT r.target_specialty, n.body FROM referral_crm.referrals r
       JOIN referral_crm.referral_notes n ON n.referral_id = r.referral_id
      WHERE r.target_specialty IS NOT NULL', method)
$$;
COMMENT ON FUNCTION referral_crm.train_specialty_classifier(text, text) IS
  'train the classifier that routing uses (default name ''specialty'') from referrals that name their specialty';
