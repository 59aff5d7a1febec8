-- test/bench/notes_quality.sql: quality of the notes room on MTSamples
-- (deduplicated), as in ../shared/data/reference/text/baseline_*.py.
-- Expects table mt (mtsamples_dedup.csv) and variable :sample (every
-- :sample-th note is a query of the similar-note test).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- 24 specialties with at least 10 single-specialty notes: 1,708 notes, 5
-- folds stratified by label (each distinct text is one row, so grouped by text).
DROP TABLE IF EXISTS q_sub, q_pred, q_sim, q_kt;
CREATE TABLE q_sub AS
SELECT doc_id, primary_specialty AS label, transcription AS body,
       (row_number() OVER (PARTITION BY primary_specialty ORDER BY md5(doc_id::text)) - 1) % 5 AS fold
  FROM mt
 WHERE primary_specialty NOT LIKE '%|%' AND specialties <> ''
   AND primary_specialty IN (SELECT primary_specialty FROM mt
                              WHERE primary_specialty NOT LIKE '%|%' AND specialties <> ''
                              GROUP BY 1 HAVING count(*) >= 10);

-- The corpus: these notes, one referral each.
TRUNCATE referral_crm.referral_notes;
INSERT INTO referral_crm.patients (given_name, family_name, birth_date, zip, source_system, source_id)
VALUES ('Bench', 'Patient', '1960-01-01', '04101', 'bench', 'p1') ON CONFLICT DO NOTHING;
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
SELECT (SELECT patient_id FROM referral_crm.patients WHERE source_system = 'bench'), now(), 'bench', doc_id::text
  FROM q_sub ON CONFLICT DO NOTHING;
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, s.body, 'bench', s.doc_id::text
  FROM q_sub s JOIN referral_crm.referrals r ON r.source_system = 'bench' AND r.source_id = s.doc_id::text;
VACUUM ANALYZE referral_crm.note_vectors;

CREATE TABLE q_pred (doc_id int, fold int, method text, label text, pred text);
DO $$
DECLARE
  f int;
  m text;
BEGIN
  FOREACH m IN ARRAY ARRAY['knn', 'centroid'] LOOP
    FOR f IN 0..4 LOOP
      PERFORM referral_crm.train_note_classifier('bench_cv',
        format('SELECT label, body FROM q_sub WHERE fold <> %s ORDER BY doc_id', f), m, 10);
      INSERT INTO q_pred
      SELECT s.doc_id, f, m, s.label, (SELECT c.label FROM referral_crm.classify_note('bench_cv', s.body) c LIMIT 1)
        FROM q_sub s WHERE s.fold = f;
    END LOOP;
  END LOOP;
END
$$;

-- Macro-F1 per fold over the labels seen in truth or prediction, averaged.
CREATE TEMP VIEW q_f1 AS
WITH labels AS (
  SELECT DISTINCT method, fold, label AS l FROM q_pred
  UNION SELECT DISTINCT method, fold, pred FROM q_pred WHERE pred IS NOT NULL
), per AS (
  SELECT b.method, b.fold, b.l,
         count(*) FILTER (WHERE p.label = b.l AND p.pred = b.l) AS tp,
         count(*) FILTER (WHERE p.label <> b.l AND p.pred = b.l) AS fp,
         count(*) FILTER (WHERE p.label = b.l AND p.pred IS DISTINCT FROM b.l) AS fn
    FROM labels b JOIN q_pred p ON p.method = b.method AND p.fold = b.fold
   GROUP BY 1, 2, 3
), fold_f1 AS (
  SELECT method, fold, avg(CASE WHEN 2 * tp + fp + fn = 0 THEN 0 ELSE 2.0 * tp / (2 * tp + fp + fn) END) AS f1
    FROM per GROUP BY 1, 2
)
SELECT method, round(avg(f1), 3) AS macro_f1,
       (SELECT round(avg((p.label = p.pred)::int), 3) FROM q_pred p WHERE p.method = fold_f1.method) AS accuracy
  FROM fold_f1 GROUP BY method;

-- Similar notes: is the most similar other note of the same specialty?
CREATE TABLE q_sim AS
SELECT s.doc_id, s.label,
       (SELECT q2.label FROM referral_crm.similar_referrals(r.referral_id, 1) x
          JOIN referral_crm.referrals r2 ON r2.referral_id = x.referral_id
          JOIN q_sub q2 ON q2.doc_id::text = r2.source_id) AS nearest
  FROM q_sub s JOIN referral_crm.referrals r ON r.source_system = 'bench' AND r.source_id = s.doc_id::text
 WHERE s.doc_id % :sample = 0;

-- Key terms: the corpus is every note with keywords; precision@10 of the
-- top-10 key terms against the words of the human keywords field (the
-- words of the note's specialty and document-type labels left out).
TRUNCATE referral_crm.referral_notes;
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
SELECT (SELECT patient_id FROM referral_crm.patients WHERE source_system = 'bench'), now(), 'bench', doc_id::text
  FROM mt WHERE btrim(keywords) <> '' ON CONFLICT DO NOTHING;
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, m.transcription, 'bench', m.doc_id::text
  FROM mt m JOIN referral_crm.referrals r ON r.source_system = 'bench' AND r.source_id = m.doc_id::text
 WHERE btrim(m.keywords) <> '';
CREATE TABLE q_kt AS
WITH kw AS (
  SELECT m.doc_id, m.transcription,
         ARRAY(SELECT w[1] FROM regexp_matches(lower(m.keywords), '[a-z][a-z]+', 'g') w
               EXCEPT SELECT w[1] FROM regexp_matches(lower(m.specialties || ' ' || m.doc_types), '[a-z][a-z]+', 'g') w) AS kws
    FROM mt m WHERE btrim(m.keywords) <> ''
)
SELECT kw.doc_id,
       (SELECT avg((k.term = ANY (kw.kws))::int) FROM referral_crm.key_terms(kw.transcription, 10) k) AS p10
  FROM kw WHERE cardinality(kw.kws) > 0;

\echo
\echo Quality on MTSamples (deduplicated), ours vs the scikit-learn baselines of the issue
SELECT 'kNN (k=10) macro-F1' AS measure, (SELECT macro_f1 FROM q_f1 WHERE method = 'knn') AS ours,
       0.735 AS sklearn, 0.75 AS goal
UNION ALL
SELECT 'nearest centroid macro-F1', (SELECT macro_f1 FROM q_f1 WHERE method = 'centroid'), 0.666, 0.68
UNION ALL
SELECT 'similar note precision@1', (SELECT round(avg((label = nearest)::int), 3) FROM q_sim), 0.813, 0.82
UNION ALL
SELECT 'key-term precision@10', (SELECT round(avg(p10), 3) FROM q_kt WHERE p10 IS NOT NULL), 0.485, 0.50;
SELECT (SELECT count(*) FROM q_sub) AS classified_notes, (SELECT count(*) FROM q_sim) AS similar_queries,
       (SELECT count(*) FROM q_kt) AS key_term_notes;
