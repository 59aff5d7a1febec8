-- notes: analysers, termvec, TF-IDF and BM25 checked against scikit-learn
-- and Lucene, live corpus statistics, search, similar referrals, key
-- terms, classifier, recurrent_pathways, bad input.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never

-- Analysers.
SELECT referral_crm.note_terms('Pt s/p CABG; f/u with cardiology. CHF and COPD, edema 2+. Referred for chest pains.');
SELECT referral_crm.note_terms('No fever, not dyspneic. H/O HTN, r/o MI, n/v x2 days, vitamin B12 low.');
SELECT referral_crm.note_terms('The patient''s knee-joint hurts: Größe ﬁnal ＡＢＣ café.');
SELECT referral_crm.note_terms('A 23-year-old white female presents with complaint of allergies.', 'sklearn');
SELECT referral_crm.note_terms('İstanbul ΣΟΦΙΑ x_y 2nd a ½ Ⅻ naïve', 'sklearn');
SELECT referral_crm.note_terms(''), referral_crm.note_terms('   .,;  '), referral_crm.note_terms(NULL);
SELECT referral_crm.note_vector('Chest pain. Chest pain again; pain.');
SELECT * FROM referral_crm.note_analysis('Chest pain. Chest pain again; pain.');
SELECT * FROM referral_crm.note_surfaces('Allergies and allergic rhinitis; allergies.') ORDER BY term;
SELECT referral_crm.note_terms('x', 'spacy');

-- termvec: text form, round trips, errors.
SELECT 'c:2 ''b a'':1.5 ''it''''s'':-0.25 ''back\\slash'':1e-3 solo'::referral_crm.termvec;
SELECT ''::referral_crm.termvec, referral_crm.termvec_size(''::referral_crm.termvec);
SELECT v OPERATOR(referral_crm.=) v::text::referral_crm.termvec AS text_round_trip,
       v::text = v::text::referral_crm.termvec::text AS stable_text
  FROM (SELECT referral_crm.note_vector('Größe café ''quoted'' and back\slash') AS v) s;
SELECT referral_crm.termvec_send('''a'':0.5 ''bc'':2'::referral_crm.termvec);
SELECT 'a:1 a:2'::referral_crm.termvec;
SELECT '''unterminated'::referral_crm.termvec;
SELECT 'a:nan'::referral_crm.termvec;
SELECT 'a:1e999'::referral_crm.termvec;
SELECT 'a:0x10'::referral_crm.termvec;
SELECT ''''':1'::referral_crm.termvec;
SELECT 'a:'::referral_crm.termvec;
SELECT 'a''b:1'::referral_crm.termvec;
SELECT referral_crm.termvec(ARRAY['b', 'a', 'b'], ARRAY[1, 2, 3]::float8[]);
SELECT referral_crm.termvec(ARRAY['a'], ARRAY[1, 2]::float8[]);
SELECT referral_crm.termvec(ARRAY[NULL], ARRAY[1]::float8[]);

-- Cosine, distance, top terms, sum, overlap.
SELECT referral_crm.cosine('a:1 b:1', 'a:1 c:1'), 'a:1 b:1'::referral_crm.termvec OPERATOR(referral_crm.<=>) 'a:1 b:1',
       referral_crm.cosine('a:1', ''), referral_crm.cosine('a:1', 'b:2');
-- Weights whose squares overflow or underflow a double: the cosine and the
-- l2/l1 norms are those of the scaled vectors (they were NaN, 0 and 0).
SELECT referral_crm.cosine('a:1e200', 'a:1e200') AS big, referral_crm.cosine('a:1e-200', 'a:1e-200') AS tiny,
       referral_crm.cosine('a:3e200 b:4e200', 'a:4e-200 b:3e-200') AS mixed,
       referral_crm.termvec_weight('a:3e200 b:4e200', 'a:1 b:1', false, 'l2') AS l2_big,
       referral_crm.termvec_weight('a:3e-200 b:4e-200', 'a:1 b:1', false, 'l2') AS l2_tiny,
       referral_crm.termvec_weight('a:1e308 b:1e308', 'a:1 b:1', false, 'l1') AS l1_big;
-- A BM25 score that overflows is an error (it was Infinity).
SELECT referral_crm.termvec_bm25('knee:1e300', 3, 'knee:1e300', 2);
SELECT referral_crm.termvec_bm25('knee:1e300 hip:1', 3, 'hip:1.5', 2) > 0 AS finite_ok;
SELECT * FROM referral_crm.top_terms('a:1 b:3 c:3 d:0.5', 3);
SELECT * FROM referral_crm.top_terms('a:1', 0);
SELECT referral_crm.termvec_sum(v) FROM (VALUES ('a:1 b:2'::referral_crm.termvec), ('b:1 c:1'), (NULL)) x(v);
SELECT 'a:1 ''b c'':1'::referral_crm.termvec OPERATOR(referral_crm.&&) ARRAY['b c'],
       'a:1'::referral_crm.termvec OPERATOR(referral_crm.&&) ARRAY['b', 'c'];

-- Exactness: scikit-learn TfidfVectorizer (8 settings) and Lucene BM25
-- (both variants) on 12 MTSamples descriptions, within 1e-9 relative.
\set ECHO none
\i data/notes/reference_values.sql
\set ECHO all
WITH settings AS (SELECT DISTINCT smooth, sublinear, norm FROM ref_tfidf),
     ours AS (
  SELECT s.smooth, s.sublinear, s.norm, w.*
    FROM settings s,
         referral_crm.tfidf_weights((SELECT array_agg(body ORDER BY doc) FROM ref_docs), 'sklearn',
                                    s.smooth, s.sublinear, s.norm) w)
SELECT r.smooth, r.sublinear, r.norm, count(*) AS weights,
       count(o.weight) AS matched,
       max(abs(o.weight - r.weight) / abs(r.weight)) < 1e-9 AS within_1e9,
       (SELECT count(*) FROM ours o2 WHERE (o2.smooth, o2.sublinear, o2.norm) = (r.smooth, r.sublinear, r.norm)) AS ours_total
  FROM ref_tfidf r
  LEFT JOIN ours o ON (o.smooth, o.sublinear, o.norm, o.doc, o.term) = (r.smooth, r.sublinear, r.norm, r.doc, r.term)
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT r.query, count(*) AS docs,
       bool_and(CASE WHEN r.lucene8 = 0 THEN b.score = 0 ELSE abs(b.score - r.lucene8) / r.lucene8 < 1e-9 END) AS lucene8,
       bool_and(CASE WHEN r.lucene_classic = 0 THEN b.score = 0
                     ELSE abs(b.score * 2.2 - r.lucene_classic) / r.lucene_classic < 1e-9 END) AS lucene_classic
  FROM ref_bm25 r
  JOIN LATERAL referral_crm.bm25_scores((SELECT array_agg(body ORDER BY doc) FROM ref_docs), r.query,
                                        1.2, 0.75, 'sklearn') b ON b.doc = r.doc
 GROUP BY 1 ORDER BY 1;
SELECT * FROM referral_crm.tfidf_weights(ARRAY['chest pain', 'knee pain', NULL, ''], 'clinical', true, true, 'l1');
SELECT * FROM referral_crm.bm25_scores(ARRAY['chest pain', 'knee pain', ''], 'pain pain knee');
SELECT * FROM referral_crm.bm25_scores('{}', 'pain');
SELECT * FROM referral_crm.tfidf_weights(ARRAY['a'], 'sklearn', true, false, 'l3');
SELECT * FROM referral_crm.bm25_scores(ARRAY['a'], 'a', -1);
SELECT * FROM referral_crm.tfidf_weights(ARRAY['a'], 'bert');

-- Live corpus statistics: other tests may have left notes, so everything
-- below is measured as a change or uses words only these notes hold.
CREATE TEMP TABLE s0 AS SELECT * FROM referral_crm.corpus_stats();
INSERT INTO referral_crm.patients (given_name, family_name, birth_date, zip, source_system, source_id)
VALUES ('Nora', 'Notes', '1970-05-05', '04101', 'notes_test', 'NP1');
INSERT INTO referral_crm.referrals (patient_id, authored_at, referring_npi, target_specialty, source_system, source_id)
SELECT p.patient_id, '2026-09-01 10:00+00', '1900005145', spec, 'notes_test', 'NR' || i
  FROM referral_crm.patients p,
       (VALUES (1, 'cardiology'), (2, 'cardiology'), (3, 'orthopedic-surgery'), (4, 'orthopedic-surgery'),
               (5, 'cardiology'), (6, 'allergy-immunology')) v(i, spec)
 WHERE p.source_system = 'notes_test';
CREATE TEMP VIEW nref AS
SELECT referral_id, substr(source_id, 3)::int AS i FROM referral_crm.referrals WHERE source_system = 'notes_test';
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT referral_id, body, 'notes_test', 'N' || i FROM nref JOIN (VALUES
  (1, 'Zorblax angina with exertional chest pain, r/o CAD. Zorblax stress test.'),
  (2, 'Zorblax palpitations and chest pain at rest; troponin normal.'),
  (3, 'Quixotal knee pain after a fall, swelling of the knee, MRI requested.'),
  (4, 'Quixotal hip pain, osteoarthritis suspected, f/u with orthopedics.'),
  (5, 'Zorblax syncope, murmur heard, echocardiogram requested.')) v(i, body) USING (i);
SELECT s.ndocs - s0.ndocs AS new_notes, s.total_len - s0.total_len AS new_words
  FROM referral_crm.corpus_stats() s, s0;
SELECT * FROM referral_crm.corpus_terms() WHERE term LIKE 'zorblax%' OR term LIKE 'quixot%' ORDER BY term;
SELECT n.source_system, n.source_id, s.score > 0 AS scored
  FROM referral_crm.search_notes('zorblax syncope palpitations', 3) s JOIN referral_crm.referral_notes n USING (note_id)
 ORDER BY n.source_id;
SELECT n.source_system, n.source_id FROM referral_crm.search_notes('zorblax stress', 1) s JOIN referral_crm.referral_notes n USING (note_id);
SELECT count(*) FROM referral_crm.search_notes('quixotal knee', 1);
SELECT * FROM referral_crm.search_notes('xyzzy-never-seen');
SELECT * FROM referral_crm.search_notes('', 5);
SELECT * FROM referral_crm.search_notes('pain', 0);
-- A word longer than a term may be, with a non-ASCII letter: cut to 256 bytes, not an error.
SELECT cardinality(t) AS terms, octet_length(t[2]) AS long_word_bytes
  FROM referral_crm.note_terms('chest ' || repeat('1', 200) || 'é' || repeat('1', 100) || 'x pain') t;
SELECT 'a:1'::referral_crm.termvec OPERATOR(referral_crm.&@) ARRAY[1, 2, 3];
SELECT 'a:1'::referral_crm.termvec OPERATOR(referral_crm.&@) ARRAY[1, 0, -1, -1, -1, -1, -1, -1, -1, -1, 5000, 1, -1, -1, 0, 0];
SELECT 'a:1'::referral_crm.termvec OPERATOR(referral_crm.&@) ARRAY[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -1, -1, 0, 0];
-- One statement, many notes; then updates and deletes.
UPDATE referral_crm.referral_notes SET body = body || ' Zorblax again.' WHERE source_system = 'notes_test' AND source_id IN ('N1', 'N2');
UPDATE referral_crm.referral_notes SET author = 'dr who' WHERE source_system = 'notes_test';
SELECT * FROM referral_crm.corpus_terms() WHERE term = 'zorblax';
SELECT referral_crm.note_vector(body) OPERATOR(referral_crm.=) v.tf AS stored_analysis_current
  FROM referral_crm.referral_notes n JOIN referral_crm.note_vectors v USING (note_id)
 WHERE n.source_system = 'notes_test' AND n.source_id = 'N1';
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT referral_id, 'Quixotal temporary note.', 'notes_test', 'N9' FROM nref WHERE i = 4;
DELETE FROM referral_crm.referral_notes WHERE source_system = 'notes_test' AND source_id = 'N9';
SELECT * FROM referral_crm.corpus_terms() WHERE term = 'quixot';
SELECT s.ndocs - s0.ndocs AS new_notes FROM referral_crm.corpus_stats() s, s0;
-- Compaction and rebuild change no statistic.
CREATE TEMP TABLE live AS SELECT * FROM referral_crm.corpus_terms();
CREATE TEMP TABLE live_stats AS SELECT * FROM referral_crm.corpus_stats();
CREATE TEMP TABLE live_vec AS SELECT note_id, doclen, tf::text AS tf FROM referral_crm.note_vectors;
SELECT referral_crm.compact_corpus() > 0 AS compacted;
SELECT (SELECT count(*) FROM (SELECT * FROM live EXCEPT SELECT * FROM referral_crm.corpus_terms()) a) +
       (SELECT count(*) FROM (SELECT * FROM referral_crm.corpus_terms() EXCEPT SELECT * FROM live) b) AS diff_after_compact;
SELECT referral_crm.rebuild_corpus() = (SELECT count(*) FROM referral_crm.referral_notes) AS rebuilt_all;
SELECT (SELECT count(*) FROM (SELECT * FROM live EXCEPT SELECT * FROM referral_crm.corpus_terms()) a) +
       (SELECT count(*) FROM (SELECT * FROM referral_crm.corpus_terms() EXCEPT SELECT * FROM live) b) AS diff_after_rebuild,
       (SELECT count(*) FROM (SELECT * FROM live_vec EXCEPT SELECT note_id, doclen, tf::text FROM referral_crm.note_vectors) c) AS vector_diff,
       (SELECT row(s.*) = row(l.*) FROM referral_crm.corpus_stats() s, live_stats l) AS same_totals;
-- TF-IDF against the live corpus follows the settings.
SELECT referral_crm.termvec_terms(referral_crm.tfidf('Zorblax zorblax murmur unseen-word'));
SET referral_crm.tfidf_norm = 'none';
SET referral_crm.tfidf_sublinear_tf = on;
SELECT t.term, abs(t.weight - (1 + ln(2)) * (ln((s.ndocs + 1.0) / (3 + 1)) + 1)) < 1e-12 AS sklearn_formula
  FROM referral_crm.top_terms(referral_crm.tfidf('Zorblax zorblax'), 1) t, referral_crm.corpus_stats() s;
SET referral_crm.tfidf_norm = 'l3';
RESET referral_crm.tfidf_norm;
RESET referral_crm.tfidf_sublinear_tf;
-- The search reads the GIN index.
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT note_id FROM referral_crm.note_vectors WHERE tf OPERATOR(referral_crm.&&) ARRAY['zorblax'];
RESET enable_seqscan;

-- Similar referrals and key terms.
SELECT ARRAY[2, 5] <@ array_agg(r.i) AS zorblax_notes_among_ten_most_similar, bool_and(s.similarity > 0 AND s.similarity <= 1) AS in_range
  FROM referral_crm.similar_referrals((SELECT referral_id FROM nref WHERE i = 1), 10) s JOIN nref r ON r.referral_id = s.referral_id;
SELECT count(*) FROM referral_crm.similar_referrals((SELECT referral_id FROM nref WHERE i = 1), 3);
SELECT * FROM referral_crm.similar_referrals((SELECT referral_id FROM nref WHERE i = 6));
SELECT * FROM referral_crm.similar_referrals(-1);
SELECT * FROM referral_crm.similar_referrals((SELECT referral_id FROM nref WHERE i = 1), -3);
SELECT term FROM referral_crm.key_terms('Zorblax zorblax zorblaxes and the knee; 2+ edema, f/u B12.', 1);
SELECT count(*) FROM referral_crm.key_terms('Zorblax zorblax zorblaxes and the knee; 2+ edema, f/u B12.', 10);
SELECT * FROM referral_crm.key_terms('', 3);
SELECT * FROM referral_crm.key_terms('pain', 0);

-- Classifier.
SELECT referral_crm.train_note_classifier('notes_test', $q$
  SELECT label, body FROM (VALUES
    ('cardiology', 'chest pain angina troponin'), ('cardiology', 'palpitations chest pain murmur'),
    ('orthopedic-surgery', 'knee pain fall swelling'), ('orthopedic-surgery', 'hip pain osteoarthritis'),
    ('allergy-immunology', 'allergic rhinitis sneezing'), (NULL, 'skipped'), ('x', NULL)) v(label, body)$q$);
SELECT label, round(score::numeric, 3) FROM referral_crm.classify_note('notes_test', 'Chest pain on exertion, angina.');
SELECT referral_crm.train_note_classifier('notes_test_c', $q$SELECT s, b FROM (VALUES ('a', 'knee pain'), ('b', 'chest pain')) v(s, b)$q$, 'centroid');
SELECT label, round(score::numeric, 3) FROM referral_crm.classify_note('notes_test_c', 'knee knee');
SELECT * FROM referral_crm.classify_note('notes_test', 'nothing known here');
SELECT * FROM referral_crm.classify_note('notes_test', NULL);
SELECT * FROM referral_crm.classify_note('no_such_model', 'chest pain');
SELECT referral_crm.train_note_classifier('bad', 'SELECT 1, 2 WHERE false');
SELECT referral_crm.train_note_classifier('bad', 'SELECT ''a'', ''b''', 'svm');
SELECT name, method, k, n_docs, labels FROM referral_crm.note_classifiers WHERE name LIKE 'notes_test%' ORDER BY name;
DELETE FROM referral_crm.note_classifiers WHERE name LIKE 'notes_test%';

-- Recurrent pathways: referrer to specialty pairs with two or more referrals.
SELECT specialty, referrals, notes, CASE WHEN specialty = 'cardiology' THEN distinctive_terms[1] END AS top_term,
       cardinality(distinctive_terms) AS terms
  FROM referral_crm.recurrent_pathways WHERE referring_npi = '1900005145' AND specialty IN ('cardiology', 'orthopedic-surgery')
 ORDER BY specialty;

-- Bad input: a 10 MB note, invalid UTF-8 cannot reach a UTF-8 database.
SELECT referral_crm.termvec_size(referral_crm.note_vector(repeat('Chest pain radiating to arm. ', 350000))) AS terms,
       (referral_crm.note_analysis(repeat('Chest pain radiating to arm. ', 350000))).doclen;
SELECT array_length(referral_crm.note_terms(repeat('x', 100000), 'sklearn'), 1) AS one_long_token,
       length((referral_crm.note_terms(repeat('x', 100000), 'sklearn'))[1]) AS cut_to;
SELECT referral_crm.note_terms(convert_from('\xc3'::bytea, 'UTF8'));

DELETE FROM referral_crm.referral_notes WHERE source_system = 'notes_test';
SELECT s.ndocs - s0.ndocs AS notes_left FROM referral_crm.corpus_stats() s, s0;
