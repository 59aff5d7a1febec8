# Live corpus statistics of referral notes: exact after 10,000 random
# single-row inserts, updates and deletes (equal to rebuild_corpus()),
# MVCC-correct (a snapshot sees the statistics of the notes it sees),
# writers never wait for each other, and concurrent writers plus
# compaction leave statistics equal to a rebuild.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Spec;

my $node = PostgreSQL::Test::Cluster->new('notes_corpus');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
  CREATE EXTENSION referral_crm;
  INSERT INTO referral_crm.patients (given_name, family_name, birth_date, zip, source_system, source_id)
  VALUES ('Tap', 'Notes', '1960-01-01', '04101', 'tap', 'P1');
  INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
  SELECT 1, now(), 'tap', 'R' || g FROM generate_series(1, 20) g;
  CREATE TABLE tap_words (w text);
  INSERT INTO tap_words SELECT unnest(string_to_array(
    'chest pain dyspnea exertion angina troponin echocardiogram murmur syncope palpitations '
    'knee hip fracture swelling osteoarthritis MRI fall orthopedics shoulder tendon '
    'allergic rhinitis asthma wheezing nasal sprays cough fever chills sepsis '
    'diabetes insulin HbA1c neuropathy retinopathy CHF COPD CABG f/u s/p r/o 2+ '
    'headache migraine seizure stroke weakness numbness tremor vertigo dizziness '
    'abdominal nausea vomiting diarrhea colonoscopy GERD ulcer bleeding anemia '
    'pregnancy pelvic bleeding ultrasound cyst biopsy mass lesion lymph node '
    'referred urgent routine evaluation follow-up consult patient history exam plan '
    'no not denies reports worsening improving chronic acute bilateral left right', ' '));
});

# The live statistics, search results and TF-IDF of a text, as text.
my $snapshot_sql = q{
  SELECT md5(string_agg(term || ':' || df, ',' ORDER BY term)) FROM referral_crm.corpus_terms()
  UNION ALL SELECT ndocs || ' ' || total_len || ' ' || avgdl FROM referral_crm.corpus_stats()
  UNION ALL SELECT md5(coalesce(string_agg(note_id || ':' || score, ',' ORDER BY score DESC, note_id), ''))
              FROM referral_crm.search_notes('chest pain knee fever f/u', 20)
  UNION ALL SELECT referral_crm.tfidf('Chest pain on exertion, r/o angina; knee swelling, f/u 2+')::text
  UNION ALL SELECT md5(string_agg(note_id || ':' || doclen || ':' || tf::text, ',' ORDER BY note_id))
              FROM referral_crm.note_vectors
};

# 1. 10,000 random single-row operations, committed in batches of 100,
# with a compaction now and then.
$node->safe_psql('postgres', q{
DO $$
DECLARE
  i int;
  op float8;
  nid bigint;
BEGIN
  PERFORM setseed(0.42);
  FOR i IN 1..10000 LOOP
    op := random();
    SELECT note_id INTO nid FROM referral_crm.referral_notes ORDER BY random() LIMIT 1;
    IF op < 0.45 OR nid IS NULL THEN
      INSERT INTO referral_crm.referral_notes (referral_id, body)
      SELECT 1 + floor(random() * 20)::int,
             (SELECT string_agg(w, CASE WHEN random() < 0.2 THEN '. ' ELSE ' ' END)
                FROM (SELECT w FROM tap_words ORDER BY random() LIMIT 3 + floor(random() * 12)::int) x);
    ELSIF op < 0.70 THEN
      UPDATE referral_crm.referral_notes
         SET body = body || ' ' || (SELECT w FROM tap_words ORDER BY random() LIMIT 1)
       WHERE note_id = nid;
    ELSIF op < 0.80 THEN
      UPDATE referral_crm.referral_notes
         SET body = (SELECT string_agg(w, ' ') FROM (SELECT w FROM tap_words ORDER BY random() LIMIT 5) x)
       WHERE note_id = nid;
    ELSIF op < 0.85 THEN
      UPDATE referral_crm.referral_notes SET author = 'dr ' || i WHERE note_id = nid;
    ELSE
      DELETE FROM referral_crm.referral_notes WHERE note_id = nid;
    END IF;
    IF i % 100 = 0 THEN
      COMMIT;
    END IF;
    IF i % 2500 = 0 THEN
      PERFORM referral_crm.compact_corpus();
    END IF;
  END LOOP;
END
$$;
});
my $notes = $node->safe_psql('postgres', 'SELECT count(*) FROM referral_crm.referral_notes');
cmp_ok($notes, '>', 500, "notes left after 10,000 random operations ($notes)");
is($node->safe_psql('postgres', 'SELECT ndocs FROM referral_crm.corpus_stats()'), $notes,
   'the live document count equals the number of notes');
my $live = $node->safe_psql('postgres', $snapshot_sql);
$node->safe_psql('postgres', 'SELECT referral_crm.rebuild_corpus()');
my $rebuilt = $node->safe_psql('postgres', $snapshot_sql);
is($live, $rebuilt, 'after 10,000 random operations live statistics, scores and vectors equal a rebuild exactly');
isnt((split /\n/, $live)[2], (split /\n/, $live)[0], 'the snapshot is not trivial');

# search_notes gives exactly the top k of a full scan with termvec_bm25
# (ties by note_id): common and rare words, bigrams (left to the last
# query when their words are in the query), small k and a k above the
# number of notes (every word read whole, no last query).
is($node->safe_psql('postgres', q{
  WITH st AS (SELECT * FROM referral_crm.corpus_stats()),
  qs(q, k) AS (VALUES ('chest pain', 10), ('chest pain dyspnea exertion', 20), ('patient history exam plan', 10),
                      ('no not denies', 5), ('f/u s/p CABG', 10), ('knee swelling fracture', 1), ('bleeding', 50),
                      ('referred urgent routine evaluation', 100), ('tremor vertigo', 7), ('pain', 3),
                      ('shortness of breath chest pain', 10), ('chest pain', 100000)),
  w AS (SELECT q, k, st.avgdl,
               referral_crm.termvec_bm25_query(referral_crm.note_vector(q),
                 referral_crm.corpus_dfs(referral_crm.termvec_terms(referral_crm.note_vector(q))), st.ndocs) AS qw
          FROM qs, st)
  SELECT string_agg(q, ', ') FILTER (WHERE a IS DISTINCT FROM b) || '' FROM (
    SELECT w.q,
           (SELECT array_agg(s.note_id || ':' || s.score ORDER BY s.ord)
              FROM referral_crm.search_notes(w.q, w.k) WITH ORDINALITY s(note_id, referral_id, score, ord)) AS a,
           (SELECT array_agg(x.note_id || ':' || x.s ORDER BY x.s DESC, x.note_id)
              FROM (SELECT v.note_id, referral_crm.termvec_bm25(v.tf, v.doclen, w.qw, w.avgdl, NULL, NULL) AS s
                      FROM referral_crm.note_vectors v ORDER BY 2 DESC, 1 LIMIT w.k) x WHERE x.s > 0) AS b
      FROM w) z
}), '', 'search_notes equals the top k of a full scan for every query');

# termvec_search called with a query vector that the analyser would not
# make (bigrams without their words, a bigram beside a word): bigrams have
# no index keys, so these are read through their first words.
is($node->safe_psql('postgres', q{
  WITH st AS (SELECT * FROM referral_crm.corpus_stats()),
  qs(terms, k) AS (VALUES (ARRAY['chest pain'], 10), (ARRAY['chest pain', 'knee'], 5),
                          (ARRAY['short breath', 'pain'], 20), (ARRAY['chest pain', 'pain'], 100000)),
  w AS (SELECT terms, k, st.avgdl, st.ndocs,
               referral_crm.termvec_bm25_query(referral_crm.termvec(terms, array_fill(1::float8, ARRAY[cardinality(terms)])),
                 referral_crm.corpus_dfs(terms), st.ndocs) AS qw
          FROM qs, st)
  SELECT string_agg(array_to_string(terms, '+'), ', ') FILTER (WHERE a IS DISTINCT FROM b) || '' FROM (
    SELECT w.terms,
           (SELECT array_agg(s.note_id || ':' || s.score ORDER BY s.ord)
              FROM referral_crm.termvec_search(w.qw, referral_crm.corpus_dfs(w.terms), w.ndocs, w.avgdl, w.k)
                   WITH ORDINALITY s(note_id, score, ord)) AS a,
           (SELECT array_agg(x.note_id || ':' || x.s ORDER BY x.s DESC, x.note_id)
              FROM (SELECT v.note_id, referral_crm.termvec_bm25(v.tf, v.doclen, w.qw, w.avgdl, NULL, NULL) AS s
                      FROM referral_crm.note_vectors v ORDER BY 2 DESC, 1 LIMIT w.k) x WHERE x.s > 0) AS b
      FROM w) z
}), '', 'termvec_search equals the top k of a full scan for bigrams without their words');

# The cell query (&@) through the index and evaluated row by row agree:
# thresholds, bands of cells, a bigram requiring its words with ratios.
my $cellq = q{ARRAY[%d,
  hashtext('chest') & ~255, -1, -1, -1, -1, 0, 0, 0, 0, 0, 5, -1, -1, 0, 0,
  hashtext('chest') & ~255, 0, 0, 0, 0, -1, -1, -1, -1, 0, 2, -1, -1, 0, 0,
  hashtext('pain') & ~255, -1, -1, -1, -1, -1, -1, -1, -1, 1, 3, -1, -1, 0, 0,
  hashtext('chest') & ~255, -1, -1, -1, -1, -1, -1, -1, -1, 2, 4, 0, 1, 131072, 32768]};
for my $theta (1, 3, 4, 6, 9, 11)
{
	my $sql = sprintf(q{SELECT count(*) || ' ' || coalesce(md5(string_agg(note_id::text, ',' ORDER BY note_id)), '')
	  FROM referral_crm.note_vectors WHERE tf OPERATOR(referral_crm.&@) %s}, sprintf($cellq, $theta));
	my $by_index = $node->safe_psql('postgres', "SET enable_seqscan = off; $sql");
	my $by_row = $node->safe_psql('postgres', "SET enable_bitmapscan = off; SET enable_indexscan = off; $sql");
	is($by_index, $by_row, "cell query with threshold $theta: the index and the operator agree");
}

# 2. MVCC: a repeatable-read snapshot keeps its statistics; uncommitted
# notes are not counted by others; a rolled-back insert leaves no trace.
my $a = $node->background_psql('postgres');
my $b = $node->background_psql('postgres');
my $stats = 'SELECT ndocs || \' \' || total_len FROM referral_crm.corpus_stats()';
my $before = $node->safe_psql('postgres', $stats);
$a->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
is($a->query_safe($stats), $before, 'A takes its snapshot');
$b->query_safe('BEGIN');
$b->query_safe(q{INSERT INTO referral_crm.referral_notes (referral_id, body) VALUES (1, 'Zorblax chest pain')});
is($node->safe_psql('postgres', $stats), $before, 'an uncommitted note is not counted by others');
is($node->safe_psql('postgres', q{SELECT count(*) FROM referral_crm.corpus_terms() WHERE term = 'zorblax'}), '0',
   'nor are its terms');
like($b->query_safe($stats), qr/^\d+ \d+$/, 'B sees its own note');
isnt($b->query_safe($stats), $before, 'B counts its own note');
$b->query_safe('COMMIT');
isnt($node->safe_psql('postgres', $stats), $before, 'the committed note is counted');
is($a->query_safe($stats), $before, 'the repeatable-read snapshot still sees the old statistics');
is($a->query_safe(q{SELECT count(*) FROM referral_crm.search_notes('zorblax')}), '0',
   'and does not find the new note');
$a->query_safe('COMMIT');
is($a->query_safe(q{SELECT count(*) FROM referral_crm.search_notes('zorblax')}), '1', 'a new snapshot finds it');
my $mid = $node->safe_psql('postgres', $stats);
$b->query_safe('BEGIN');
$b->query_safe(q{INSERT INTO referral_crm.referral_notes (referral_id, body) VALUES (2, 'Quixotal rollback')});
$b->query_safe('ROLLBACK');
is($node->safe_psql('postgres', $stats), $mid, 'a rolled-back insert leaves the statistics unchanged');

# 3. Writers do not wait for each other: A and B insert, update and delete
# different notes in overlapping transactions without blocking.
$a->query_safe('BEGIN');
$b->query_safe('BEGIN');
$a->query_safe(q{INSERT INTO referral_crm.referral_notes (referral_id, body) VALUES (3, 'chest pain again, f/u')});
$b->query_safe(q{INSERT INTO referral_crm.referral_notes (referral_id, body) VALUES (4, 'chest pain and knee pain')});
$b->query_safe(q{UPDATE referral_crm.referral_notes SET body = 'knee MRI' WHERE note_id = (SELECT min(note_id) FROM referral_crm.referral_notes)});
$a->query_safe(q{DELETE FROM referral_crm.referral_notes WHERE note_id = (SELECT max(note_id) FROM referral_crm.referral_notes WHERE body NOT LIKE '%again%' AND note_id < (SELECT max(note_id) - 5 FROM referral_crm.referral_notes))});
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_locks WHERE NOT granted}), '0', 'nobody waits');
$a->query_safe('COMMIT');
$b->query_safe('COMMIT');

# 4. Two updates of the same note: the second waits for the first and then
# applies on top of it; the statistics follow.
$a->query_safe('BEGIN');
$a->query_safe(q{UPDATE referral_crm.referral_notes SET body = 'first version syncope' WHERE note_id = (SELECT min(note_id) FROM referral_crm.referral_notes)});
$b->query_until(qr/started/, "\\echo started\nUPDATE referral_crm.referral_notes SET body = body || ' second murmur' WHERE note_id = (SELECT min(note_id) FROM referral_crm.referral_notes);\n");
ok($node->poll_query_until('postgres',
	q{SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%second murmur%'}),
   'the second update of the same note waits');
$a->query_safe('COMMIT');
$b->query_safe('SELECT 1');
is($node->safe_psql('postgres', q{SELECT body FROM referral_crm.referral_notes ORDER BY note_id LIMIT 1}),
   'first version syncope second murmur', 'the second update applied on top of the first');
$live = $node->safe_psql('postgres', $snapshot_sql);
$node->safe_psql('postgres', 'SELECT referral_crm.rebuild_corpus()');
is($node->safe_psql('postgres', $snapshot_sql), $live, 'after overlapping writers the statistics equal a rebuild');
$a->quit;
$b->quit;

# 5. Four clients of random single-row writes and transactions, with
# compactions running alongside.
$node->pgbench(
	'--no-vacuum --client=4 --transactions=150',
	0,
	[qr{processed: 600/600}],
	[qr{^$}],
	'concurrent writers and compactions',
	{
		'110_notes_ops' => q{
\set op random(1, 20)
\set r random(1, 20)
\if :op <= 8
INSERT INTO referral_crm.referral_notes (referral_id, body) SELECT :r, (SELECT string_agg(w, ' ') FROM (SELECT w FROM tap_words ORDER BY random() LIMIT 6) x);
\elif :op <= 12
UPDATE referral_crm.referral_notes SET body = body || ' ' || (SELECT w FROM tap_words ORDER BY random() LIMIT 1) WHERE note_id = (SELECT note_id FROM referral_crm.referral_notes WHERE referral_id = :r ORDER BY random() LIMIT 1);
\elif :op <= 15
DELETE FROM referral_crm.referral_notes WHERE note_id = (SELECT note_id FROM referral_crm.referral_notes WHERE referral_id = :r ORDER BY random() LIMIT 1);
\elif :op <= 19
BEGIN;
INSERT INTO referral_crm.referral_notes (referral_id, body) SELECT :r, (SELECT string_agg(w, ' ') FROM (SELECT w FROM tap_words ORDER BY random() LIMIT 4) x);
UPDATE referral_crm.referral_notes SET body = 'replaced ' || body WHERE note_id = (SELECT max(note_id) FROM referral_crm.referral_notes WHERE referral_id = :r);
END;
\else
SELECT referral_crm.compact_corpus();
\endif
}
	});
$live = $node->safe_psql('postgres', $snapshot_sql);
is($node->safe_psql('postgres', 'SELECT ndocs FROM referral_crm.corpus_stats()'),
   $node->safe_psql('postgres', 'SELECT count(*) FROM referral_crm.referral_notes'), 'document count exact under concurrency');
$node->safe_psql('postgres', 'SELECT referral_crm.rebuild_corpus()');
is($node->safe_psql('postgres', $snapshot_sql), $live, 'after concurrent writers the statistics equal a rebuild');

# 6. TRUNCATE empties the statistics; binary COPY of termvec round-trips.
my $path = File::Spec->rel2abs($node->basedir . '/tv.bin');
$node->safe_psql('postgres', qq{
  CREATE TABLE tv (v referral_crm.termvec);
  INSERT INTO tv SELECT tf FROM referral_crm.note_vectors;
  INSERT INTO tv VALUES (''), (\$\$'it''s':-1.5 'b a':1e-300 'Größe':2\$\$);
  COPY tv TO '$path' (FORMAT binary);
  CREATE TABLE tv2 (v referral_crm.termvec);
  COPY tv2 FROM '$path' (FORMAT binary);
});
is($node->safe_psql('postgres', q{SELECT count(*) FROM (SELECT v::text FROM tv EXCEPT ALL SELECT v::text FROM tv2) x}),
   '0', 'termvec send/recv round trip');
$node->safe_psql('postgres', 'TRUNCATE referral_crm.referral_notes');
is($node->safe_psql('postgres', q{SELECT ndocs || ' ' || (SELECT count(*) FROM referral_crm.corpus_terms()) || ' ' || (SELECT count(*) FROM referral_crm.note_vectors) FROM referral_crm.corpus_stats()}),
   '0 0 0', 'TRUNCATE empties the statistics');

# 7. A LATIN1 database: terms are UTF-8 inside termvecs and converted at
# the boundary, so text in and out reads as written (it came out as the
# UTF-8 bytes, 'cafÃ©', and a LATIN1 term never matched).
$node->safe_psql('postgres',
  q{CREATE DATABASE notes_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0});
$node->safe_psql('notes_latin1', 'CREATE EXTENSION referral_crm');
is($node->safe_psql('notes_latin1', q{
  SET client_encoding = 'UTF8';
  SELECT referral_crm.note_terms('Café crème: Größe', 'sklearn')::text;
  SELECT string_agg(term, ',' ORDER BY term) FROM referral_crm.tfidf_weights(ARRAY['café au lait'], 'sklearn', norm => 'none');
  SELECT $$'café':2 'größe':1$$::referral_crm.termvec::text;
  SELECT referral_crm.termvec_terms($$'café':2 'größe':1$$)::text;
  SELECT $$'café':2$$::referral_crm.termvec OPERATOR(referral_crm.&&) ARRAY['café'];
  SELECT string_agg(term, ',' ORDER BY term) FROM referral_crm.top_terms($$'café':2 'größe':1$$, 5);}),
   join("\n", '{café,crème,größe}', 'au,café,lait', q{'café':2 'größe':1}, '{café,größe}', 't', 'café,größe'),
   'termvec and the analysers read and write text in a LATIN1 database');
is($node->safe_psql('notes_latin1', q{
  SET client_encoding = 'UTF8';
  SELECT count(*) FROM (SELECT (v::text)::referral_crm.termvec OPERATOR(referral_crm.=) v AS same
                          FROM (VALUES ($$'café':2 'größe':1$$::referral_crm.termvec)) x(v)) y WHERE same}),
   '1', 'and termvec text round-trips there');

$node->stop;
done_testing();
