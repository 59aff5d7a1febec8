#!/bin/bash
# test/bench/notes.sh: referral-note text analytics against PostgreSQL's
# own text search (to_tsvector, GIN + ts_rank) and the RUM index, on
# MTSamples, in one run on one throwaway cluster.  Prints:
#   - quality (classification macro-F1, similar-note precision@1, key-term
#     precision@10) against the scikit-learn baselines of issue 5;
#   - analysis throughput (notes/s on one core) against to_tsvector;
#   - bulk load with statistics upkeep, single-note insert cost;
#   - top-10 BM25 queries of 4 terms (OR) against GIN + ts_rank and RUM;
#   - index and table sizes.
#
#   sudo test/bench/notes.sh [SCALES] [SIMILAR_SAMPLE]
#     SCALES          corpus sizes for the speed part (default "5000 50000")
#     SIMILAR_SAMPLE  every n-th note is a similar-note query (default 4)
#
# Data: ../shared/data/notes (mtsamples.csv, mtsamples_dedup.csv), resolved
# from the repository root, falling back to /work/shared/data.
source "$(dirname "$0")/../../bin/lib.sh"
rcrm_need_root "$@"
SCALES=${1:-"5000 50000"}
SAMPLE=${2:-4}
root=$(cd "$(dirname "$0")/../.." && pwd)
data="$root/../shared/data/notes"
[ -f "$data/mtsamples.csv" ] || data=/work/shared/data/notes
[ -f "$data/mtsamples.csv" ] || rcrm_die "MTSamples not found under ../shared/data/notes or /work/shared/data/notes"
rcrm_deps
rcrm_stage
trap rcrm_cleanup EXIT
rcrm_build_install

# The peer: RUM (Debian package), copied into PG_CONFIG's tree when that is
# a private copy of the server.
if ! [ -f "$("$PG_CONFIG" --sharedir)/extension/rum.control" ]; then
  if ! [ -f /usr/share/postgresql/15/extension/rum.control ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15-rum >/dev/null 2>&1 || true
  fi
  if [ -f /usr/share/postgresql/15/extension/rum.control ]; then
    cp /usr/share/postgresql/15/extension/rum* "$("$PG_CONFIG" --sharedir)/extension/"
    cp /usr/lib/postgresql/15/lib/rum.so "$("$PG_CONFIG" --pkglibdir)/"
  fi
fi
have_rum=0
[ -f "$("$PG_CONFIG" --sharedir)/extension/rum.control" ] && have_rum=1

rcrm_cluster_start
rcrm_cluster_configure <<CONF
shared_buffers = 512MB
max_wal_size = 4GB
work_mem = 64MB
maintenance_work_mem = 512MB
CONF
export PGDATABASE=notes_bench
rcrm_as_runner psql -X -q -d postgres -c "DROP DATABASE IF EXISTS notes_bench" -c "CREATE DATABASE notes_bench"
psql_run() { rcrm_as_runner psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_run -c "CREATE EXTENSION referral_crm"
[ $have_rum = 1 ] && psql_run -c "CREATE EXTENSION rum"

work="$RCRM_WORK/notes-bench"
mkdir -p "$work"; cp "$data/mtsamples.csv" "$data/mtsamples_dedup.csv" "$work/"; chown -R "$(rcrm_runner)" "$work"
psql_run <<SQL
CREATE TABLE mt_raw (note_id int, description text, medical_specialty text, sample_name text, transcription text, keywords text);
\copy mt_raw FROM '$work/mtsamples.csv' CSV HEADER
CREATE TABLE mt (doc_id int, note_ids text, specialties text, doc_types text, primary_specialty text,
                 description text, sample_name text, keywords text, transcription text);
\copy mt FROM '$work/mtsamples_dedup.csv' CSV HEADER
SQL

# ---------------------------------------------------------------- quality
if [ -z "${NOTES_BENCH_SKIP_QUALITY:-}" ]; then
rcrm_say "quality on MTSamples (deduplicated, 1,708 notes, 5 folds; every ${SAMPLE}th note a similar-note query)"
t0=$(date +%s)
psql_run -v sample="$SAMPLE" -f "$root/test/bench/notes_quality.sql" | grep -v '^$' | sed -n '/Quality/,$p'
echo "quality part: $(( $(date +%s) - t0 )) s"
fi

# ---------------------------------------------------------------- speed
psql_run <<'SQL'
TRUNCATE referral_crm.referral_notes;
SELECT referral_crm.compact_corpus();
CREATE TABLE src AS SELECT row_number() OVER (ORDER BY note_id) AS i, transcription AS body
  FROM mt_raw WHERE btrim(transcription) <> '';
SQL
for scale in $SCALES; do
  rcrm_say "speed at $scale notes"
  psql_run <<SQL
-- The notes: MTSamples transcriptions; beyond them, the first half of note
-- a = g mod N joined to the second half of note a + 1 + 7 (g div N) mod N,
-- so that every pair (a, b) is used once.  (Until 0.4.0, b depended on a
-- only: beyond N notes the same N texts came back again and again.)
DROP TABLE IF EXISTS corpus, bench_plain, bench_gin, bench_rum;
CREATE TABLE corpus AS
SELECT g AS id,
       CASE WHEN g <= (SELECT count(*) FROM src) THEN a.body
            ELSE left(a.body, length(a.body) / 2) || ' ' || right(b.body, length(b.body) / 2) END AS body
  FROM generate_series(1, $scale) g
  JOIN src a ON a.i = 1 + (g - 1) % (SELECT count(*) FROM src)
  JOIN src b ON b.i = 1 + ((g - 1) % (SELECT count(*) FROM src) + 1 + 7 * ((g - 1) / (SELECT count(*) FROM src))) % (SELECT count(*) FROM src);
TRUNCATE referral_crm.referral_notes;
SELECT referral_crm.compact_corpus();
INSERT INTO referral_crm.patients (given_name, family_name, birth_date, zip, source_system, source_id)
VALUES ('Bench', 'Speed', '1960-01-01', '04101', 'speed', 'p') ON CONFLICT DO NOTHING;
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
SELECT (SELECT patient_id FROM referral_crm.patients WHERE source_system = 'speed'), now(), 'speed', g::text
  FROM generate_series(1, ($scale + 99) / 100) g ON CONFLICT DO NOTHING;
CREATE TABLE bench_results (what text, ms float8, n int);
SQL
  # Analysis only, one backend: ours vs to_tsvector.
  psql_run <<'SQL'
\set QUIET on
DO $$
DECLARE t0 timestamptz; x bigint;
BEGIN
  PERFORM count(*) FROM corpus;
  t0 := clock_timestamp();
  SELECT sum(referral_crm.termvec_size(referral_crm.note_vector(body))) INTO x FROM corpus;
  INSERT INTO bench_results VALUES ('analyse ours', extract(epoch FROM clock_timestamp() - t0) * 1000, (SELECT count(*) FROM corpus));
  t0 := clock_timestamp();
  SELECT sum(length(to_tsvector('english', body))) INTO x FROM corpus;
  INSERT INTO bench_results VALUES ('analyse to_tsvector', extract(epoch FROM clock_timestamp() - t0) * 1000, (SELECT count(*) FROM corpus));
END
$$;
SQL
  # Bulk loads: ours (triggers keep vectors and statistics), plain table,
  # tsvector + GIN, tsvector + RUM; batches of 5,000 notes.
  psql_run <<SQL
CREATE TABLE bench_plain (id bigint PRIMARY KEY, body text);
CREATE TABLE bench_gin (id bigint PRIMARY KEY, body text, tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED);
CREATE INDEX ON bench_gin USING gin (tsv);
SQL
  [ $have_rum = 1 ] && psql_run <<SQL
CREATE TABLE bench_rum (id bigint PRIMARY KEY, body text, tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED);
CREATE INDEX ON bench_rum USING rum (tsv rum_tsvector_ops);
SQL
  psql_run <<SQL
DO \$\$
DECLARE t0 timestamptz; b int;
BEGIN
  CREATE TEMP TABLE refmap AS
  SELECT source_id::int AS g, referral_id FROM referral_crm.referrals WHERE source_system = 'speed';
  CREATE INDEX ON refmap (g);
  ANALYZE refmap;
  t0 := clock_timestamp();
  FOR b IN 0..($scale - 1) / 5000 LOOP
    INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
    SELECT m.referral_id, c.body, 'speed', c.id::text
      FROM corpus c JOIN refmap m ON m.g = (c.id - 1) / 100 + 1
     WHERE c.id > b * 5000 AND c.id <= (b + 1) * 5000;
  END LOOP;
  INSERT INTO bench_results VALUES ('load ours', extract(epoch FROM clock_timestamp() - t0) * 1000, $scale);
  t0 := clock_timestamp();
  FOR b IN 0..($scale - 1) / 5000 LOOP
    INSERT INTO bench_plain SELECT id, body FROM corpus WHERE id > b * 5000 AND id <= (b + 1) * 5000;
  END LOOP;
  INSERT INTO bench_results VALUES ('load plain', extract(epoch FROM clock_timestamp() - t0) * 1000, $scale);
  t0 := clock_timestamp();
  FOR b IN 0..($scale - 1) / 5000 LOOP
    INSERT INTO bench_gin (id, body) SELECT id, body FROM corpus WHERE id > b * 5000 AND id <= (b + 1) * 5000;
  END LOOP;
  INSERT INTO bench_results VALUES ('load gin', extract(epoch FROM clock_timestamp() - t0) * 1000, $scale);
  IF to_regclass('bench_rum') IS NOT NULL THEN
    t0 := clock_timestamp();
    FOR b IN 0..($scale - 1) / 5000 LOOP
      EXECUTE format('INSERT INTO bench_rum (id, body) SELECT id, body FROM corpus WHERE id > %s AND id <= %s', b * 5000, (b + 1) * 5000);
    END LOOP;
    INSERT INTO bench_results VALUES ('load rum', extract(epoch FROM clock_timestamp() - t0) * 1000, $scale);
  END IF;
END
\$\$;
VACUUM ANALYZE referral_crm.note_vectors, referral_crm.corpus_df, referral_crm.corpus_totals, referral_crm.referral_notes, bench_plain, bench_gin;
SQL
  [ $have_rum = 1 ] && psql_run -c "VACUUM ANALYZE bench_rum"
  # Single 3 KB note inserts (one statement, one transaction each).
  note3k=$(psql_run -tA -c "SELECT body FROM corpus WHERE length(body) BETWEEN 2900 AND 3100 ORDER BY id LIMIT 1")
  printf '%s' "$note3k" > "$work/note3k.txt"; chown "$(rcrm_runner)" "$work/note3k.txt"
  cat > "$work/ins_ours.sql" <<PGB
\\set r random(1, 10)
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system) VALUES ((SELECT min(referral_id) FROM referral_crm.referrals WHERE source_system = 'speed') + :r, :note, 'single');
PGB
  cat > "$work/ins_plain.sql" <<PGB
INSERT INTO bench_plain (id, body) VALUES (nextval('bench_seq'), :note);
PGB
  cat > "$work/ins_gin.sql" <<PGB
INSERT INTO bench_gin (id, body) VALUES (nextval('bench_seq'), :note);
PGB
  # The same, 300 different notes (random notes of the corpus).
  cat > "$work/ins_oursd.sql" <<PGB
\\set r random(1, $scale)
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system) SELECT (SELECT min(referral_id) FROM referral_crm.referrals WHERE source_system = 'speed') + 1, body, 'single' FROM corpus WHERE id = :r;
PGB
  cat > "$work/ins_plaind.sql" <<PGB
\\set r random(1, $scale)
INSERT INTO bench_plain (id, body) SELECT nextval('bench_seq'), body FROM corpus WHERE id = :r;
PGB
  cat > "$work/ins_gind.sql" <<PGB
\\set r random(1, $scale)
INSERT INTO bench_gin (id, body) SELECT nextval('bench_seq'), body FROM corpus WHERE id = :r;
PGB
  psql_run -c "CREATE INDEX IF NOT EXISTS corpus_id_idx ON corpus (id)"
  psql_run -c "CREATE SEQUENCE IF NOT EXISTS bench_seq START 100000000"
  chown "$(rcrm_runner)" "$work"/*.sql
  for k in ours plain gin oursd plaind gind base; do
    if [ $k = base ]; then
      # The notes table itself (its indexes, foreign keys and audit
      # trigger) without the text upkeep triggers.
      psql_run -c "ALTER TABLE referral_crm.referral_notes DISABLE TRIGGER referral_notes_corpus_insert"
      cp "$work/ins_ours.sql" "$work/ins_base.sql"
    fi
    lat=$(rcrm_as_runner "$("$PG_CONFIG" --bindir)/pgbench" -n -M extended -t 300 -c 1 -D note="$note3k" -f "$work/ins_$k.sql" notes_bench 2>"$work/pgbench.err" \
          | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' || true)
    [ -n "$lat" ] || { cat "$work/pgbench.err"; lat=NULL; }
    psql_run -c "INSERT INTO bench_results VALUES ('insert1 $k', $lat, 1)"
  done
  psql_run -c "ALTER TABLE referral_crm.referral_notes ENABLE TRIGGER referral_notes_corpus_insert"
  psql_run -c "DELETE FROM referral_crm.referral_notes WHERE source_system = 'single' AND note_id NOT IN (SELECT note_id FROM referral_crm.note_vectors)"
  psql_run -c "DELETE FROM referral_crm.referral_notes WHERE source_system = 'single'" \
           -c "SELECT referral_crm.compact_corpus()" -c "VACUUM ANALYZE referral_crm.note_vectors, referral_crm.corpus_df"
  # Top-10 queries of 4 terms (OR).
  psql_run <<'SQL'
CREATE TABLE queries (q text);
INSERT INTO queries VALUES
  ('chest pain shortness breath'), ('knee pain swelling effusion'), ('abdominal pain nausea vomiting'),
  ('headache seizure weakness numbness'), ('diabetes insulin neuropathy retinopathy'), ('cough fever pneumonia antibiotics'),
  ('pregnancy pelvic ultrasound bleeding'), ('hypertension atrial fibrillation coumadin'), ('colonoscopy polyp biopsy bleeding'),
  ('cataract lens vision glaucoma'), ('prostate urinary retention catheter'), ('fracture cast orthopedic reduction'),
  ('depression anxiety insomnia medication'), ('rash itching allergy eczema'), ('kidney stone hematuria flank'),
  ('thyroid nodule biopsy goiter'), ('asthma wheezing inhaler albuterol'), ('stroke aphasia hemiparesis thrombolysis'),
  ('anemia transfusion hemoglobin iron'), ('sleep apnea snoring cpap');
CREATE TABLE qtimes (system text, q text, ms float8);
DO $$
DECLARE t0 timestamptz; r record; rep int;
BEGIN
  FOR rep IN 1..3 LOOP
    FOR r IN SELECT q FROM queries LOOP
      t0 := clock_timestamp();
      PERFORM * FROM referral_crm.search_notes(r.q, 10);
      IF rep > 1 THEN INSERT INTO qtimes VALUES ('ours (BM25, GIN over term keys)', r.q, extract(epoch FROM clock_timestamp() - t0) * 1000); END IF;
      t0 := clock_timestamp();
      EXECUTE 'SELECT id FROM bench_gin WHERE tsv @@ to_tsquery(''english'', $1) ORDER BY ts_rank(tsv, to_tsquery(''english'', $1)) DESC LIMIT 10'
        USING replace(r.q, ' ', ' | ');
      IF rep > 1 THEN INSERT INTO qtimes VALUES ('GIN + ts_rank', r.q, extract(epoch FROM clock_timestamp() - t0) * 1000); END IF;
      IF to_regclass('bench_rum') IS NOT NULL THEN
        t0 := clock_timestamp();
        EXECUTE 'SELECT id FROM bench_rum WHERE tsv @@ to_tsquery(''english'', $1) ORDER BY tsv <=> to_tsquery(''english'', $1) LIMIT 10'
          USING replace(r.q, ' ', ' | ');
        IF rep > 1 THEN INSERT INTO qtimes VALUES ('RUM <=>', r.q, extract(epoch FROM clock_timestamp() - t0) * 1000); END IF;
      END IF;
    END LOOP;
  END LOOP;
END
$$;
SQL
  psql_run -P footer=off <<SQL
\echo
\echo Speed at $scale notes (one backend)
SELECT 'analysis: notes/s' AS measure,
       round((SELECT n / ms * 1000 FROM bench_results WHERE what = 'analyse ours')) AS ours,
       round((SELECT n / ms * 1000 FROM bench_results WHERE what = 'analyse to_tsvector')) AS peer,
       'to_tsvector' AS peer_is,
       round(((SELECT n / ms FROM bench_results WHERE what = 'analyse ours') / (SELECT n / ms FROM bench_results WHERE what = 'analyse to_tsvector'))::numeric, 2) AS ratio
UNION ALL
SELECT 'bulk load with upkeep: notes/s',
       round((SELECT n / ms * 1000 FROM bench_results WHERE what = 'load ours')),
       round((SELECT n / ms * 1000 FROM bench_results WHERE what = 'load gin')), 'tsvector + GIN',
       round(((SELECT n / ms FROM bench_results WHERE what = 'load ours') / (SELECT n / ms FROM bench_results WHERE what = 'load gin'))::numeric, 2)
UNION ALL
SELECT 'bulk load: notes/s vs plain table',
       round((SELECT n / ms * 1000 FROM bench_results WHERE what = 'load ours')),
       round((SELECT n / ms * 1000 FROM bench_results WHERE what = 'load plain')), 'no text index',
       round(((SELECT n / ms FROM bench_results WHERE what = 'load ours') / (SELECT n / ms FROM bench_results WHERE what = 'load plain'))::numeric, 2)
UNION ALL
SELECT 'bulk load: notes/s vs RUM',
       round((SELECT n / ms * 1000 FROM bench_results WHERE what = 'load ours')),
       round((SELECT n / ms * 1000 FROM bench_results WHERE what = 'load rum')), 'tsvector + RUM',
       round(((SELECT n / ms FROM bench_results WHERE what = 'load ours') / nullif((SELECT n / ms FROM bench_results WHERE what = 'load rum'), 0))::numeric, 2)
UNION ALL
SELECT 'insert one 3 KB note: ms',
       round((SELECT ms FROM bench_results WHERE what = 'insert1 ours')::numeric, 3),
       round((SELECT ms FROM bench_results WHERE what = 'insert1 plain')::numeric, 3), 'no text index',
       round(((SELECT ms FROM bench_results WHERE what = 'insert1 ours') / (SELECT ms FROM bench_results WHERE what = 'insert1 plain'))::numeric, 2)
UNION ALL
SELECT 'insert one 3 KB note: ms vs GIN',
       round((SELECT ms FROM bench_results WHERE what = 'insert1 ours')::numeric, 3),
       round((SELECT ms FROM bench_results WHERE what = 'insert1 gin')::numeric, 3), 'tsvector + GIN',
       round(((SELECT ms FROM bench_results WHERE what = 'insert1 ours') / (SELECT ms FROM bench_results WHERE what = 'insert1 gin'))::numeric, 2)
UNION ALL
SELECT 'insert one 3 KB note: ms vs notes table',
       round((SELECT ms FROM bench_results WHERE what = 'insert1 ours')::numeric, 3),
       round((SELECT ms FROM bench_results WHERE what = 'insert1 base')::numeric, 3), 'no text upkeep',
       round(((SELECT ms FROM bench_results WHERE what = 'insert1 ours') / (SELECT ms FROM bench_results WHERE what = 'insert1 base'))::numeric, 2)
UNION ALL
SELECT 'insert one note, 300 different: ms',
       round((SELECT ms FROM bench_results WHERE what = 'insert1 oursd')::numeric, 3),
       round((SELECT ms FROM bench_results WHERE what = 'insert1 plaind')::numeric, 3), 'no text index',
       round(((SELECT ms FROM bench_results WHERE what = 'insert1 oursd') / (SELECT ms FROM bench_results WHERE what = 'insert1 plaind'))::numeric, 2)
UNION ALL
SELECT 'insert one note, 300 different: ms vs GIN',
       round((SELECT ms FROM bench_results WHERE what = 'insert1 oursd')::numeric, 3),
       round((SELECT ms FROM bench_results WHERE what = 'insert1 gind')::numeric, 3), 'tsvector + GIN',
       round(((SELECT ms FROM bench_results WHERE what = 'insert1 oursd') / (SELECT ms FROM bench_results WHERE what = 'insert1 gind'))::numeric, 2);
\echo
\echo Top-10 query of 4 terms (OR), 20 queries x 2 runs, ms
SELECT system, round(avg(ms)::numeric, 2) AS mean_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p95_ms
  FROM qtimes GROUP BY system ORDER BY mean_ms;
\echo
\echo Sizes
SELECT 'our term index (GIN, note_vectors)' AS relation, pg_size_pretty(pg_relation_size('referral_crm.note_vectors_tf_idx')) AS size
UNION ALL SELECT 'note vectors (heap + TOAST)', pg_size_pretty(pg_table_size('referral_crm.note_vectors'))
UNION ALL SELECT 'corpus statistics, compacted (corpus_df + corpus_totals + indexes)',
                 pg_size_pretty(pg_total_relation_size('referral_crm.corpus_df') + pg_total_relation_size('referral_crm.corpus_totals'))
UNION ALL SELECT 'notes heap (referral_notes + TOAST)', pg_size_pretty(pg_table_size('referral_crm.referral_notes'))
UNION ALL SELECT 'peer: GIN on tsvector', pg_size_pretty((SELECT pg_relation_size(indexrelid) FROM pg_index WHERE indrelid = 'bench_gin'::regclass AND NOT indisprimary))
UNION ALL SELECT 'peer: RUM on tsvector', pg_size_pretty((SELECT pg_relation_size(indexrelid) FROM pg_index WHERE indrelid = to_regclass('bench_rum') AND NOT indisprimary))
UNION ALL SELECT 'peer: tsvector table (heap + TOAST)', pg_size_pretty(pg_table_size('bench_gin'));
-- The files above keep the space of the delta rows the compaction
-- deleted (VACUUM reuses it, it does not give it back); without it:
VACUUM FULL referral_crm.corpus_df, referral_crm.corpus_totals;
SELECT 'corpus statistics, compacted, after VACUUM FULL' AS relation,
       pg_size_pretty(pg_total_relation_size('referral_crm.corpus_df') + pg_total_relation_size('referral_crm.corpus_totals')) AS size;
\echo
\echo The term query (&&, similar_referrals) reads the index:
EXPLAIN (COSTS OFF) SELECT note_id FROM referral_crm.note_vectors WHERE tf OPERATOR(referral_crm.&&) ARRAY['dyspnea', 'effusion'];
\echo The cell query of search_notes (termvec_search) reads the index too:
EXPLAIN (COSTS OFF) SELECT note_id, doclen, tf FROM referral_crm.note_vectors WHERE tf OPERATOR(referral_crm.&@) ARRAY[1, 0, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1, 0, 0];
SQL
  psql_run -q -c "DROP TABLE queries, qtimes, bench_results"
done
