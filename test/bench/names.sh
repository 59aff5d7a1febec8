#!/bin/bash
# test/bench/names.sh: accuracy and speed of clinician name matching, ours
# against pg_trgm, fuzzystrmatch and pg_similarity on the same data in the
# same run.
#
#   sudo test/bench/names.sh [SCALE]   SCALE rows of the generated directory (default 1000000)
#
# Prints: jellyfish conformance vectors (ours and the peers), Febrl4 name
# linkage (top-1, recall@10, auto-band precision and coverage), component F1
# on person_labeled.xml, generated clinician variants against a SCALE-row
# directory with realistic name frequencies (with specialty and ZIP
# evidence), pairs/s of the similarity functions, names/s of the parser, and
# match_clinician latency (p50, p95) beside pg_trgm KNN.  Reads the full data
# sets from ../shared/data (relative to the repository root).
source "$(dirname "$0")/../../bin/lib.sh"
rcrm_need_root "$@"
SCALE=${1:-1000000}
QUERIES=${RCRM_NAME_QUERIES:-2000}
# RCRM_NAME_SECTIONS: which sections to run (default all: 123456; 5 and 6 need 4)
SECTIONS=${RCRM_NAME_SECTIONS:-123456}
want() { case "$SECTIONS" in *"$1"*) return 0 ;; esac; return 1; }
SHARED=$(cd "$RCRM_TOP" && git rev-parse --show-toplevel 2>/dev/null || echo "$RCRM_TOP")/../shared/data
[ -d "$SHARED/names" ] || SHARED=/work/shared/data
[ -d "$SHARED/names" ] || rcrm_die "cannot find the shared data sets (../shared/data)"
SHARED=$(cd "$SHARED" && pwd)
rcrm_deps
rcrm_stage
trap rcrm_cleanup EXIT
rcrm_build_install

# Peers: contrib (pg_trgm, fuzzystrmatch) and pg_similarity (Debian package),
# copied into the PostgreSQL that PG_CONFIG names if that is not the system's.
if ! dpkg-query -W -f='${Status}' postgresql-15-similarity 2>/dev/null | grep -q "install ok installed"; then
  rcrm_say "installing postgresql-15-similarity"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-similarity >/dev/null
fi
pkglib=$("$PG_CONFIG" --pkglibdir); share=$("$PG_CONFIG" --sharedir)/extension
for f in /usr/lib/postgresql/15/lib/pg_similarity.so; do [ -f "$pkglib/$(basename "$f")" ] || cp "$f" "$pkglib/"; done
for f in /usr/share/postgresql/15/extension/pg_similarity*; do [ -f "$share/$(basename "$f")" ] || cp "$f" "$share/"; done

rcrm_cluster_start
rcrm_cluster_configure <<CONF
shared_buffers = 512MB
max_wal_size = 8GB
checkpoint_timeout = 30min
work_mem = 64MB
maintenance_work_mem = 1GB
max_parallel_workers_per_gather = 0
jit = off
CONF
export PGDATABASE=names_bench
rcrm_as_runner psql -X -q -d postgres -c "DROP DATABASE IF EXISTS names_bench" -c "CREATE DATABASE names_bench"
psql_run() { PGOPTIONS="-c client_min_messages=warning" rcrm_as_runner psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_run -c "CREATE EXTENSION referral_crm" -c "CREATE EXTENSION pg_trgm" \
         -c "CREATE EXTENSION fuzzystrmatch" -c "CREATE EXTENSION pg_similarity"

work="$RCRM_WORK/bench-names"; mkdir -p "$work"
cp "$SHARED"/names/string_metric_vectors/*.csv "$SHARED"/names/febrl/dataset4[ab].csv \
   "$SHARED"/names/surnames/lastnames_with_counts.csv "$RCRM_TOP"/data/names/given_names.csv "$work/"
python3 "$RCRM_TOP/test/bench/names_labeled.py" "$SHARED/names/parsing/person_labeled.xml" > "$work/labeled.csv"
# Febrl: ", " separated, values trimmed.
for f in dataset4a dataset4b; do sed 's/, /,/g' "$work/$f.csv" > "$work/$f.clean.csv"; done
chown -R "$(rcrm_runner)" "$work"

psql_run <<SQL
CREATE FUNCTION bench_secs(q text) RETURNS double precision LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN EXECUTE q; RETURN extract(epoch FROM clock_timestamp() - t0); END \$\$;
SQL

echo
if want 1; then
echo "== 1. jellyfish conformance vectors (string_metric_vectors/*.csv)"
psql_run <<SQL
CREATE TABLE vec (file text, a text, b text, expected text);
CREATE TEMP TABLE v3 (a text, b text, c text);
CREATE TEMP TABLE v2 (a text, b text);
\copy v3 FROM '$work/jaro_distance.csv' (FORMAT csv)
INSERT INTO vec SELECT 'jaro_distance', coalesce(a, ''), coalesce(b, ''), c FROM v3; TRUNCATE v3;
\copy v3 FROM '$work/jaro_winkler.csv' (FORMAT csv)
INSERT INTO vec SELECT 'jaro_winkler', coalesce(a, ''), coalesce(b, ''), c FROM v3; TRUNCATE v3;
\copy v3 FROM '$work/jaro_winkler_longtol.csv' (FORMAT csv)
INSERT INTO vec SELECT 'jaro_winkler_longtol', coalesce(a, ''), coalesce(b, ''), c FROM v3; TRUNCATE v3;
\copy v3 FROM '$work/levenshtein.csv' (FORMAT csv)
INSERT INTO vec SELECT 'levenshtein', coalesce(a, ''), coalesce(b, ''), c FROM v3; TRUNCATE v3;
\copy v3 FROM '$work/damerau_levenshtein.csv' (FORMAT csv)
INSERT INTO vec SELECT 'damerau_levenshtein', coalesce(a, ''), coalesce(b, ''), c FROM v3; TRUNCATE v3;
\copy v3 FROM '$work/match_rating_comparison.csv' (FORMAT csv)
INSERT INTO vec SELECT 'match_rating_comparison', coalesce(a, ''), coalesce(b, ''), c FROM v3; TRUNCATE v3;
\copy v2 FROM '$work/soundex.csv' (FORMAT csv)
INSERT INTO vec SELECT 'soundex', coalesce(a, ''), NULL, coalesce(b, '') FROM v2; TRUNCATE v2;
\copy v2 FROM '$work/nysiis.csv' (FORMAT csv)
INSERT INTO vec SELECT 'nysiis', coalesce(a, ''), NULL, coalesce(b, '') FROM v2; TRUNCATE v2;
\copy v2 FROM '$work/metaphone.csv' (FORMAT csv)
INSERT INTO vec SELECT 'metaphone', coalesce(a, ''), NULL, coalesce(b, '') FROM v2; TRUNCATE v2;
\copy v2 FROM '$work/match_rating_codex.csv' (FORMAT csv)
INSERT INTO vec SELECT 'match_rating_codex', coalesce(a, ''), NULL, coalesce(b, '') FROM v2; TRUNCATE v2;
-- Numbers are published with three decimals: equal within 0.001.
CREATE FUNCTION close(x double precision, e text) RETURNS boolean LANGUAGE sql AS
  \$\$ SELECT abs(x - e::float8) <= 0.001 \$\$;
SELECT file, count(*) AS vectors,
       count(*) FILTER (WHERE CASE file
         WHEN 'jaro_distance' THEN close(referral_crm.jaro_similarity(a, b), expected)
         WHEN 'jaro_winkler' THEN close(referral_crm.jaro_winkler(a, b), expected)
         WHEN 'jaro_winkler_longtol' THEN close(referral_crm.jaro_winkler(a, b, true), expected)
         WHEN 'levenshtein' THEN referral_crm.levenshtein(a, b) = expected::int
         WHEN 'damerau_levenshtein' THEN referral_crm.damerau_levenshtein(a, b) = expected::int
         WHEN 'soundex' THEN referral_crm.soundex(a) = expected
         WHEN 'nysiis' THEN referral_crm.nysiis(a) = expected
         WHEN 'metaphone' THEN referral_crm.metaphone(a) = expected
         WHEN 'match_rating_codex' THEN referral_crm.match_rating_codex(a) = expected
         WHEN 'match_rating_comparison' THEN coalesce(referral_crm.match_rating_comparison(a, b)::text, 'None')
                                            = CASE expected WHEN 'True' THEN 'true' WHEN 'False' THEN 'false' ELSE 'None' END
         END) AS ours,
       CASE file
         WHEN 'jaro_winkler' THEN (count(*) FILTER (WHERE CASE WHEN file = 'jaro_winkler' THEN close(jarowinkler(a, b), expected) END))::text || ' (pg_similarity jarowinkler)'
         WHEN 'levenshtein' THEN (count(*) FILTER (WHERE CASE WHEN file = 'levenshtein' THEN levenshtein(a, b) = expected::int END))::text || ' (fuzzystrmatch levenshtein)'
         WHEN 'soundex' THEN (count(*) FILTER (WHERE CASE WHEN file = 'soundex' THEN soundex(a) = expected END))::text || ' (fuzzystrmatch soundex)'
         WHEN 'metaphone' THEN (count(*) FILTER (WHERE CASE WHEN file = 'metaphone' THEN upper(metaphone(a, 255)) = expected END))::text || ' (fuzzystrmatch metaphone)'
         ELSE '' END AS peer
  FROM vec GROUP BY file ORDER BY file;
SQL
fi

if want 2; then
echo "== 2. Febrl4 (names only): queries dataset4b given + surname, directory dataset4a"
psql_run <<SQL
CREATE TABLE f4a (rec_id text, given_name text, surname text, street_number text, address_1 text, address_2 text,
                  suburb text, postcode text, state text, date_of_birth text, soc_sec_id text);
CREATE TABLE f4b (LIKE f4a);
\copy f4a FROM '$work/dataset4a.clean.csv' (FORMAT csv, HEADER)
\copy f4b FROM '$work/dataset4b.clean.csv' (FORMAT csv, HEADER)
ALTER TABLE f4a ADD COLUMN rec int, ADD COLUMN full_name text;
UPDATE f4a SET rec = split_part(rec_id, '-', 2)::int, full_name = concat_ws(' ', nullif(given_name, ''), nullif(surname, ''));
ALTER TABLE f4b ADD COLUMN rec int, ADD COLUMN q text;
UPDATE f4b SET rec = split_part(rec_id, '-', 2)::int, q = concat_ws(' ', nullif(given_name, ''), nullif(surname, ''));
DELETE FROM f4b WHERE q = '';
-- Our directory: dataset4a as clinicians (NPIs 18xxxxxxx + check digit).
INSERT INTO referral_crm.clinicians (npi, given_name, family_name, source_system, source_id)
SELECT '18' || lpad(rec::text, 7, '0') || referral_crm.npi_check_digit('18' || lpad(rec::text, 7, '0')),
       nullif(given_name, ''), coalesce(nullif(surname, ''), '?'), 'febrl', rec::text FROM f4a;
SELECT referral_crm.refresh_name_frequencies() AS names_counted;
CREATE INDEX f4a_trgm ON f4a USING gist (full_name gist_trgm_ops);
CREATE INDEX f4a_dm ON f4a (dmetaphone(surname));
ANALYZE;
CREATE TABLE f4_ours (rec int, rank int, hit int, score double precision, band text);
CREATE TABLE f4_lat (method text, ms double precision);
-- Each query as a client sends it (planned per call), timed.
DO \$\$
DECLARE r record; t0 timestamptz; t1 timestamptz;
BEGIN
  CREATE TEMP TABLE one (rank int, clinician_id bigint, score double precision, band text);
  FOR r IN SELECT * FROM f4b ORDER BY rec_id LOOP
    t0 := clock_timestamp();
    EXECUTE 'INSERT INTO one SELECT row_number() OVER (ORDER BY m.score DESC, m.clinician_id), m.clinician_id, m.score, m.band
               FROM referral_crm.match_clinician(\$1, 10) m' USING r.q;
    t1 := clock_timestamp();
    INSERT INTO f4_lat VALUES ('referral_crm.match_clinician', extract(epoch FROM t1 - t0) * 1000);
    INSERT INTO f4_ours SELECT r.rec, o.rank, c.source_id::int, o.score, o.band
      FROM one o JOIN referral_crm.clinicians c USING (clinician_id);
    TRUNCATE one;
  END LOOP;
END \$\$;
CREATE TABLE f4_trgm AS
SELECT b.rec, m.rank, m.rec AS hit
  FROM f4b b CROSS JOIN LATERAL (
    SELECT row_number() OVER () AS rank, s.rec FROM (
      SELECT a.rec FROM f4a a ORDER BY a.full_name <-> b.q LIMIT 10) s) m;
CREATE TABLE f4_exact AS
SELECT b.rec, 1 AS rank, a.rec AS hit FROM f4b b JOIN f4a a ON a.given_name = b.given_name AND a.surname = b.surname;
CREATE TABLE f4_fuzzy AS
SELECT b.rec, m.rank, m.rec AS hit
  FROM f4b b CROSS JOIN LATERAL (
    SELECT row_number() OVER (ORDER BY levenshtein(a.full_name, b.q), a.rec) AS rank, a.rec
      FROM f4a a WHERE dmetaphone(a.surname) = dmetaphone(b.surname)
     ORDER BY levenshtein(a.full_name, b.q), a.rec LIMIT 10) m;
-- pg_similarity: Jaro-Winkler field average over the whole directory (a sample of 500 queries).
CREATE TABLE f4_sim AS
SELECT b.rec, m.rank, m.rec AS hit
  FROM (SELECT * FROM f4b ORDER BY md5(rec_id) LIMIT 500) b CROSS JOIN LATERAL (
    SELECT row_number() OVER (ORDER BY s DESC, a.rec) AS rank, a.rec FROM (
      SELECT a.rec, (jarowinkler(coalesce(a.given_name, ''), coalesce(b.given_name, ''))
                   + jarowinkler(coalesce(a.surname, ''), coalesce(b.surname, ''))) / 2 AS s
        FROM f4a a ORDER BY 2 DESC, 1 LIMIT 10) a) m;
CREATE FUNCTION f4_report(p_method text, p_t regclass, p_n bigint) RETURNS TABLE (method text, queries bigint, top1 numeric, recall_at_10 numeric)
  LANGUAGE plpgsql AS \$\$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT %L::text, %s::bigint, round(count(DISTINCT rec) FILTER (WHERE rank = 1 AND hit = rec)::numeric / %s, 3),
            round(count(DISTINCT rec) FILTER (WHERE hit = rec AND rank <= 10)::numeric / %s, 3) FROM %s', p_method, p_n, p_n, p_n, p_t);
END \$\$;
SELECT * FROM f4_report('referral_crm.match_clinician', 'f4_ours', (SELECT count(*) FROM f4b))
UNION ALL SELECT * FROM f4_report('pg_trgm KNN (<->)', 'f4_trgm', (SELECT count(*) FROM f4b))
UNION ALL SELECT * FROM f4_report('exact given + surname', 'f4_exact', (SELECT count(*) FROM f4b))
UNION ALL SELECT * FROM f4_report('fuzzystrmatch dmetaphone + levenshtein', 'f4_fuzzy', (SELECT count(*) FROM f4b))
UNION ALL SELECT * FROM f4_report('pg_similarity jarowinkler field avg (500)', 'f4_sim', 500);
-- What names alone can tell: the share of queries whose true record has
-- both a different given name and a different surname (Jaro-Winkler < 0.75),
-- and whose exact name belongs to another record of dataset4a.
SELECT count(*) AS queries,
       round(count(*) FILTER (WHERE coalesce(referral_crm.jaro_winkler(coalesce(b.given_name, ''), coalesce(a.given_name, '')), 0) < 0.75
                                AND coalesce(referral_crm.jaro_winkler(coalesce(b.surname, ''), coalesce(a.surname, '')), 0) < 0.75)::numeric
             / count(*), 3) AS both_parts_differ,
       round(count(*) FILTER (WHERE EXISTS (SELECT 1 FROM f4a o WHERE o.rec <> b.rec AND o.given_name = b.given_name
                                                                AND o.surname = b.surname))::numeric / count(*), 3)
         AS exact_name_of_another_record
  FROM f4b b JOIN f4a a USING (rec);
-- How far names alone can go.  Per query, the parts of the true record
-- that agree (Jaro-Winkler >= 0.85, written order or swapped): when only
-- one part agrees, how many other records carry that same part (a name-only
-- method can only guess among them); and the queries whose name is, exactly,
-- that of one other record alone (an automatic link there is wrong, and
-- looks like any right exact match).
WITH n AS (
  SELECT b.rec, coalesce(b.given_name, '') AS bg, coalesce(b.surname, '') AS bs,
         coalesce(a.given_name, '') AS ag, coalesce(a.surname, '') AS asn
    FROM f4b b JOIN f4a a USING (rec)),
p AS (
  SELECT n.*, (referral_crm.jaro_winkler(bg, ag) >= 0.85 AND ag <> '') AS g_ok,
         (referral_crm.jaro_winkler(bs, asn) >= 0.85 AND asn <> '') AS s_ok,
         (referral_crm.jaro_winkler(bg, asn) >= 0.85 AND asn <> '') AS gx_ok,
         (referral_crm.jaro_winkler(bs, ag) >= 0.85 AND ag <> '') AS sx_ok
    FROM n),
c AS (
  SELECT p.*, greatest(g_ok::int + s_ok::int, gx_ok::int + sx_ok::int) AS parts,
         CASE WHEN g_ok OR sx_ok THEN (SELECT count(*) FROM f4a o WHERE o.rec <> p.rec AND o.given_name = p.ag)
              ELSE (SELECT count(*) FROM f4a o WHERE o.rec <> p.rec AND o.surname = p.asn) END AS sharing
    FROM p),
x AS (
  SELECT b.rec, (SELECT count(*) FROM f4a o WHERE o.given_name IS NOT DISTINCT FROM b.given_name
                                             AND o.surname IS NOT DISTINCT FROM b.surname) AS exact_n,
         (SELECT min(o.rec) FROM f4a o WHERE o.given_name IS NOT DISTINCT FROM b.given_name
                                         AND o.surname IS NOT DISTINCT FROM b.surname) AS exact_rec
    FROM f4b b)
SELECT round(avg((parts = 2)::int), 3) AS both_parts_agree,
       round(avg((parts = 1)::int), 3) AS one_part_only,
       round(avg((parts = 0)::int), 3) AS neither,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY sharing) FILTER (WHERE parts = 1) AS one_part_median_sharing,
       (SELECT count(*) FROM x WHERE exact_n = 1 AND exact_rec <> x.rec) AS unique_exact_wrong,
       (SELECT count(*) FROM x WHERE exact_n = 1) AS unique_exact
  FROM c;
SELECT count(*) FILTER (WHERE band = 'auto') AS auto,
       round(avg((hit = rec)::int) FILTER (WHERE band = 'auto'), 4) AS auto_precision,
       round(count(*) FILTER (WHERE band = 'auto')::numeric / (SELECT count(*) FROM f4b), 3) AS auto_coverage,
       round(count(*) FILTER (WHERE band = 'review')::numeric / (SELECT count(*) FROM f4b), 3) AS review_share
  FROM f4_ours WHERE rank = 1;
-- Latency of pg_trgm KNN on this 5,000-row directory (1,000 queries).
DO \$\$
DECLARE r record; t0 timestamptz; n int;
BEGIN
  FOR r IN SELECT q FROM f4b ORDER BY md5(rec_id) LIMIT 1000 LOOP
    t0 := clock_timestamp();
    EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM f4a ORDER BY full_name <-> \$1 LIMIT 10) s' INTO n USING r.q;
    INSERT INTO f4_lat VALUES ('pg_trgm KNN', extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
END \$\$;
SELECT method, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS p95_ms
  FROM f4_lat GROUP BY method ORDER BY method;
DELETE FROM referral_crm.clinicians WHERE source_system = 'febrl';
SQL
fi

if want 3; then
echo "== 3. parsing: component F1 on person_labeled.xml (2,898 hand-labelled names)"
psql_run <<SQL
CREATE TABLE lab (id int, text text, given text, surname text, credentials text);
\copy lab FROM '$work/labeled.csv' (FORMAT csv, HEADER)
CREATE TABLE lab_pred AS
SELECT l.*, n IS NOT NULL AS parsed,
       referral_crm.given_name(n) AS p_given, referral_crm.family_name(n) AS p_surname,
       array_to_string(referral_crm.credentials(n), ' ') AS p_credentials
  FROM lab l, referral_crm.try_clinician_name(l.text) n;
CREATE FUNCTION toks(t text) RETURNS text[] LANGUAGE sql IMMUTABLE AS
  \$\$ SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM unnest(string_to_array(referral_crm.normalize_name(coalesce(t, '')), ' ')) x WHERE x <> '' \$\$;
CREATE FUNCTION tp(g text[], p text[]) RETURNS int LANGUAGE sql IMMUTABLE AS
  \$\$ SELECT count(*)::int FROM (SELECT x, row_number() OVER (PARTITION BY x) FROM unnest(g) x
                                  INTERSECT ALL SELECT y, row_number() OVER (PARTITION BY y) FROM unnest(p) y) s \$\$;
WITH c AS (
  SELECT 'given name' AS component, toks(given) g, toks(p_given) p FROM lab_pred
  UNION ALL SELECT 'surname', toks(surname), toks(p_surname) FROM lab_pred
  UNION ALL SELECT 'credentials', toks(credentials), toks(p_credentials) FROM lab_pred),
s AS (SELECT component, sum(tp(g, p)) AS tp, sum(cardinality(g)) AS gold, sum(cardinality(p)) AS pred FROM c GROUP BY component)
SELECT component, gold AS gold_tokens, pred AS predicted, tp AS correct,
       round(tp::numeric / nullif(pred, 0), 3) AS precision, round(tp::numeric / nullif(gold, 0), 3) AS recall,
       round(2 * tp::numeric / nullif(gold + pred, 0), 3) AS f1
  FROM s ORDER BY component DESC;
SELECT count(*) FILTER (WHERE NOT parsed) AS unparsed_names FROM lab_pred;
-- The same F1 for the one-word names (census words labelled given or
-- surname) and for the names of two or more words.
WITH c AS (
  SELECT CASE WHEN text ~ '\s' THEN 'several words' ELSE 'one word' END AS names, id,
         'given name' AS component, toks(given) g, toks(p_given) p FROM lab_pred
  UNION ALL SELECT CASE WHEN text ~ '\s' THEN 'several words' ELSE 'one word' END, id,
         'surname', toks(surname), toks(p_surname) FROM lab_pred),
s AS (SELECT names, component, count(DISTINCT id) AS n, sum(tp(g, p)) AS tp, sum(cardinality(g)) AS gold,
             sum(cardinality(p)) AS pred FROM c GROUP BY names, component)
SELECT names, component, n AS names_count, gold AS gold_tokens, pred AS predicted, tp AS correct,
       round(2 * tp::numeric / nullif(gold + pred, 0), 3) AS f1
  FROM s ORDER BY names, component DESC;
SQL
fi

if want 4; then
echo "== 4. generated clinician variants against a $SCALE-row directory"
psql_run <<SQL
CREATE TABLE surnames (name text, cnt bigint);
CREATE TEMP TABLE s0 (name text, cnt text);
\copy s0 FROM '$work/lastnames_with_counts.csv' (FORMAT csv, HEADER)
INSERT INTO surnames SELECT name, cnt::bigint FROM s0 WHERE name ~ '^[A-Z]' AND cnt ~ '^[0-9]+$';
CREATE TABLE givens (name text, sex text, weight int);
\copy givens FROM '$work/given_names.csv' (FORMAT csv, HEADER)
-- cumulative distributions for sampling by frequency
CREATE TABLE sdist AS SELECT name, (sum(cnt) OVER (ORDER BY cnt DESC, name) / sum(cnt) OVER ())::float8 AS cum FROM surnames;
CREATE INDEX ON sdist (cum);
CREATE TABLE gdist AS SELECT name, sum(weight) OVER (ORDER BY weight DESC, name)::float8 / sum(weight) OVER () AS cum FROM givens;
CREATE INDEX ON gdist (cum);
ANALYZE sdist, gdist;
CREATE TABLE specs AS SELECT specialty, row_number() OVER (ORDER BY specialty) AS k FROM referral_crm.specialties
 WHERE specialty IN ('cardiology','dermatology','family-medicine','internal-medicine','gastroenterology','neurology',
                     'orthopedic-surgery','endocrinology','pulmonary-disease','nephrology','urology','psychiatry',
                     'obstetrics-gynecology','ophthalmology','otolaryngology','general-surgery','rheumatology',
                     'hematology-oncology','pediatric-medicine','emergency-medicine');
SELECT setseed(0.42);
CREATE TABLE dir AS
SELECT i, (SELECT name FROM gdist WHERE cum >= r1 ORDER BY cum LIMIT 1) AS given,
       (SELECT name FROM sdist WHERE cum >= r2 ORDER BY cum LIMIT 1) AS family,
       (SELECT specialty FROM specs WHERE k = 1 + (i * 7) % (SELECT count(*) FROM specs)) AS specialty,
       '04' || lpad(((i::bigint * 7919) % 1000)::text, 3, '0') AS zip
  FROM (SELECT i, random() AS r1, random() AS r2 FROM generate_series(1, $SCALE) i) s;
DROP INDEX referral_crm.clinicians_name_keys_idx;
INSERT INTO referral_crm.clinicians (npi, given_name, family_name, specialty, credentials, source_system, source_id)
SELECT '1' || lpad(i::text, 8, '0') || referral_crm.npi_check_digit('1' || lpad(i::text, 8, '0')),
       given, family, specialty, '{MD}', 'bench', i::text FROM dir;
INSERT INTO referral_crm.locations (name, zip, source_system, source_id)
SELECT 'ZIP ' || zip, zip, 'bench', zip FROM (SELECT DISTINCT zip FROM dir) z;
ANALYZE dir, referral_crm.clinicians, referral_crm.locations;
CREATE TEMP TABLE dir_ids AS
SELECT c.clinician_id, c.source_id::int AS i FROM referral_crm.clinicians c WHERE c.source_system = 'bench';
CREATE TEMP TABLE zip_ids AS
SELECT l.location_id, l.zip FROM referral_crm.locations l WHERE l.source_system = 'bench';
ANALYZE dir_ids, zip_ids;
INSERT INTO referral_crm.clinician_locations (clinician_id, location_id, is_primary)
SELECT x.clinician_id, z.location_id, true
  FROM dir d JOIN dir_ids x USING (i) JOIN zip_ids z USING (zip);
SQL
t0=$(date +%s.%N)
psql_run -c "CREATE INDEX clinicians_name_keys_idx ON referral_crm.clinicians USING gin (referral_crm.name_keys(given_name, family_name)) WITH (fastupdate = off)" \
         -c "SELECT referral_crm.refresh_name_frequencies() AS family_names_counted" -c "ANALYZE"
rcrm_say "name-key index built in $(echo "$(date +%s.%N) - $t0" | bc) s"
psql_run <<SQL
-- Queries: directory rows written the way offices write them, with the
-- true clinician's specialty and ZIP as evidence; 5% name nobody in the
-- directory (a given name with a surname the directory lacks).
CREATE TABLE absent AS
SELECT s.name, row_number() OVER (ORDER BY md5(s.name)) AS k
  FROM surnames s WHERE s.cnt < 300 AND NOT EXISTS (SELECT 1 FROM dir x WHERE x.family = s.name);
SELECT setseed(0.7);
CREATE TABLE gq AS
WITH pick AS (
  SELECT d.*, row_number() OVER () AS n FROM dir d ORDER BY random() LIMIT $QUERIES),
v AS (
  SELECT p.*, (ARRAY['nickname','typo','initial','title-credentials','last-first','all-caps','unknown'])
                [1 + (n % 20)::int % 7] AS variant FROM pick p)
SELECT n, i AS true_i, variant, specialty, zip,
       CASE variant
         WHEN 'nickname' THEN initcap(coalesce((SELECT x FROM referral_crm.name_variants_of(given) x ORDER BY md5(x || n) LIMIT 1), given))
                              || ' ' || initcap(family)
         WHEN 'typo' THEN initcap(given) || ' ' || initcap(overlay(lower(family) PLACING substr('aeioulnrst', 1 + (n % 10)::int, 1)
                                                          FROM 2 + (n % greatest(length(family) - 1, 1))::int FOR 1))
         WHEN 'initial' THEN left(given, 1) || '. ' || initcap(family)
         WHEN 'title-credentials' THEN 'Dr. ' || initcap(given) || ' ' || initcap(family) || ', MD'
         WHEN 'last-first' THEN upper(family) || ', ' || upper(given)
         WHEN 'all-caps' THEN upper(given) || ' ' || upper(family)
         ELSE initcap(given) || ' ' || initcap((SELECT a.name FROM absent a
                                                 WHERE a.k = 1 + (n * 7919) % (SELECT count(*) FROM absent)))
       END AS q
  FROM v;
UPDATE gq SET true_i = NULL WHERE variant = 'unknown';
CREATE TABLE gq_res (n bigint, rank int, i int, score double precision, band text, ms double precision);
DO \$\$
DECLARE r record; t0 timestamptz; t1 timestamptz;
BEGIN
  FOR r IN SELECT * FROM gq ORDER BY n LOOP
    t0 := clock_timestamp();
    CREATE TEMP TABLE IF NOT EXISTS one (rank int, clinician_id bigint, score double precision, band text);
    EXECUTE 'INSERT INTO one SELECT row_number() OVER (ORDER BY m.score DESC, m.clinician_id), m.clinician_id, m.score, m.band
               FROM referral_crm.match_clinician(\$1, 10, \$2, \$3) m' USING r.q, r.specialty, r.zip;
    t1 := clock_timestamp();
    INSERT INTO gq_res SELECT r.n, o.rank, c.source_id::int, o.score, o.band, extract(epoch FROM t1 - t0) * 1000
      FROM one o JOIN referral_crm.clinicians c USING (clinician_id);
    IF NOT FOUND THEN INSERT INTO gq_res VALUES (r.n, 0, NULL, NULL, 'reject', extract(epoch FROM t1 - t0) * 1000); END IF;
    TRUNCATE one;
  END LOOP;
END \$\$;
SELECT coalesce(q.variant, 'all') AS variant, count(*) AS queries,
       round(avg((t.i IS NOT DISTINCT FROM q.true_i)::int) FILTER (WHERE q.true_i IS NOT NULL), 3) AS top1,
       round(avg((EXISTS (SELECT 1 FROM gq_res x WHERE x.n = q.n AND x.i = q.true_i))::int) FILTER (WHERE q.true_i IS NOT NULL), 3) AS recall_at_10,
       count(*) FILTER (WHERE t.band = 'auto') AS auto,
       count(*) FILTER (WHERE t.band = 'auto' AND t.i IS DISTINCT FROM q.true_i) AS auto_wrong,
       round(avg((t.i IS NOT DISTINCT FROM q.true_i)::int) FILTER (WHERE t.band = 'auto'), 4) AS auto_precision,
       round(count(*) FILTER (WHERE t.band = 'auto')::numeric / count(*), 3) AS auto_coverage,
       count(*) FILTER (WHERE t.band = 'review') AS review
  FROM gq q JOIN gq_res t ON t.n = q.n AND t.rank IN (0, 1)
 GROUP BY ROLLUP (q.variant) ORDER BY q.variant NULLS LAST;
SELECT 'referral_crm.match_clinician ($SCALE rows)' AS method,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS p95_ms
  FROM (SELECT DISTINCT n, ms FROM gq_res) s;
-- The latency of the call alone.  The loop above times each query around a
-- dynamic INSERT ... SELECT that is parsed and planned for every query (about
-- 0.3 ms); an application calls the function through a prepared statement,
-- which this pass does (PL/pgSQL PERFORM, one cached plan), each query once,
-- after the loop above warmed the caches.
CREATE TABLE lat (method text, heap text, n bigint, ms double precision);
CREATE FUNCTION lat_pass(p_heap text) RETURNS void LANGUAGE plpgsql AS \$f\$
DECLARE r record; t0 timestamptz; t1 timestamptz;
BEGIN
  FOR r IN SELECT * FROM gq ORDER BY n LOOP
    t0 := clock_timestamp();
    PERFORM * FROM referral_crm.match_clinician(r.q, 10, r.specialty, r.zip);
    t1 := clock_timestamp();
    INSERT INTO lat VALUES ('referral_crm.match_clinician', p_heap, r.n, extract(epoch FROM t1 - t0) * 1000);
  END LOOP;
END \$f\$;
SELECT lat_pass('as loaded (random order)');
-- The directory in name order, as README "Directory order" advises after a
-- bulk load (model.sql marks the index, so CLUSTER needs no USING): the
-- candidates of a query share family-name prefixes, so they share heap pages.
CLUSTER referral_crm.clinicians;
ANALYZE referral_crm.clinicians;
SELECT lat_pass('after CLUSTER (name order)');
SELECT method || ', ' || heap AS "call alone ($SCALE rows)", count(*) AS queries,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS p95_ms
  FROM lat GROUP BY method, heap ORDER BY heap DESC;
-- CLUSTER moves rows, not answers.
SELECT count(*) AS queries_checked,
       count(*) FILTER (WHERE (SELECT array_agg(c.source_id::int ORDER BY m.score DESC, m.clinician_id)
                                 FROM referral_crm.match_clinician(q.q, 10, q.specialty, q.zip) m
                                 JOIN referral_crm.clinicians c USING (clinician_id))
                              IS DISTINCT FROM
                              (SELECT array_agg(x.i ORDER BY x.rank) FROM gq_res x WHERE x.n = q.n AND x.rank > 0)) AS answers_changed
  FROM (SELECT * FROM gq ORDER BY n LIMIT 500) q;
SQL
fi

if want 5; then
echo "== 5. speed: pairs per second on one core, names parsed per second"
psql_run <<SQL
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.9);
CREATE TABLE pairs AS
SELECT a.q AS at, initcap(b.given) || ' ' || initcap(b.family) AS bt
  FROM (SELECT q, row_number() OVER () AS k FROM gq) a
  JOIN (SELECT given, family, row_number() OVER () AS k FROM (SELECT * FROM dir ORDER BY random() LIMIT $QUERIES) d) b ON b.k = a.k
 CROSS JOIN generate_series(1, 200000 / $QUERIES);
ALTER TABLE pairs ADD COLUMN a referral_crm.clinician_name, ADD COLUMN b referral_crm.clinician_name;
UPDATE pairs SET a = referral_crm.try_clinician_name(at), b = referral_crm.try_clinician_name(bt);
DELETE FROM pairs WHERE a IS NULL OR b IS NULL;
VACUUM ANALYZE pairs;
SELECT count(*) AS pairs FROM pairs \gset
-- warm caches
SELECT sum(referral_crm.name_similarity(a, b)) FROM pairs LIMIT 1;
SELECT sum(similarity(at, bt)) FROM pairs LIMIT 1;
CREATE TABLE speed (what text, method text, secs double precision, n bigint);
INSERT INTO speed VALUES
  ('similarity of pairs', 'referral_crm.name_similarity(clinician_name)', bench_secs('SELECT sum(referral_crm.name_similarity(a, b)) FROM pairs'), :pairs),
  ('similarity of pairs', 'referral_crm.jaro_winkler(text)', bench_secs('SELECT sum(referral_crm.jaro_winkler(at, bt)) FROM pairs'), :pairs),
  ('similarity of pairs', 'fuzzystrmatch levenshtein', bench_secs('SELECT sum(levenshtein(at, bt)) FROM pairs'), :pairs),
  ('similarity of pairs', 'pg_similarity jarowinkler', bench_secs('SELECT sum(jarowinkler(at, bt)) FROM pairs'), :pairs),
  ('similarity of pairs', 'pg_trgm similarity', bench_secs('SELECT sum(similarity(at, bt)) FROM pairs'), :pairs),
  ('similarity of pairs', 'scan only (sum(length))', bench_secs('SELECT sum(length(at) + length(bt)) FROM pairs'), :pairs),
  ('parsing', 'text -> referral_crm.clinician_name', bench_secs('SELECT count(referral_crm.clinician_name(at)) FROM pairs'), :pairs),
  ('parsing', 'referral_crm.normalize_name', bench_secs('SELECT count(referral_crm.normalize_name(at)) FROM pairs'), :pairs);
SELECT what, method, n AS items, round(secs::numeric, 3) AS seconds, round(n / secs) AS per_second,
       round((n / secs / (SELECT s.n / s.secs FROM speed s WHERE s.method = 'referral_crm.name_similarity(clinician_name)'))::numeric, 3) AS vs_name_similarity
  FROM speed ORDER BY what DESC, per_second DESC;
SQL
fi

if want 6; then
echo "== 6. pg_trgm KNN on the same $SCALE-row directory (200 of the queries)"
psql_run <<SQL
SET maintenance_work_mem = '1GB';
ALTER TABLE dir ADD COLUMN full_name text;
UPDATE dir SET full_name = given || ' ' || family;
SELECT bench_secs('CREATE INDEX dir_trgm ON dir USING gist (full_name gist_trgm_ops)') AS gist_trgm_build_secs;
ANALYZE dir;
CREATE TABLE trgm_res (n bigint, rank int, i int, ms double precision);
DO \$\$
DECLARE r record; t0 timestamptz; t1 timestamptz;
BEGIN
  FOR r IN SELECT * FROM gq ORDER BY n LIMIT 200 LOOP
    t0 := clock_timestamp();
    CREATE TEMP TABLE IF NOT EXISTS onet (rank int, i int);
    EXECUTE 'INSERT INTO onet SELECT row_number() OVER (), s.i FROM (SELECT d.i FROM dir d ORDER BY d.full_name <-> upper(\$1) LIMIT 10) s'
      USING r.q;
    t1 := clock_timestamp();
    INSERT INTO trgm_res SELECT r.n, o.rank, o.i, extract(epoch FROM t1 - t0) * 1000 FROM onet o;
    TRUNCATE onet;
  END LOOP;
END \$\$;
-- The call alone, as for match_clinician in section 4 (a cached plan).
CREATE TABLE trgm_lat (n bigint, ms double precision);
DO \$\$
DECLARE r record; t0 timestamptz; t1 timestamptz;
BEGIN
  FOR r IN SELECT * FROM gq ORDER BY n LIMIT 200 LOOP
    t0 := clock_timestamp();
    PERFORM * FROM (SELECT d.i FROM dir d ORDER BY d.full_name <-> upper(r.q) LIMIT 10) s;
    t1 := clock_timestamp();
    INSERT INTO trgm_lat VALUES (r.n, extract(epoch FROM t1 - t0) * 1000);
  END LOOP;
END \$\$;
SELECT 'pg_trgm KNN ($SCALE rows)' AS method,
       round(avg((EXISTS (SELECT 1 FROM trgm_res t WHERE t.n = q.n AND t.rank = 1 AND t.i = q.true_i))::int) FILTER (WHERE q.true_i IS NOT NULL), 3) AS top1,
       round(avg((EXISTS (SELECT 1 FROM trgm_res t WHERE t.n = q.n AND t.i = q.true_i))::int) FILTER (WHERE q.true_i IS NOT NULL), 3) AS recall_at_10,
       (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) FROM (SELECT DISTINCT n, ms FROM trgm_res) s) AS p50_ms,
       (SELECT round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 3) FROM (SELECT DISTINCT n, ms FROM trgm_res) s) AS p95_ms
  FROM (SELECT * FROM gq ORDER BY n LIMIT 200) q;
SELECT 'pg_trgm KNN ($SCALE rows), call alone' AS method,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS p95_ms
  FROM trgm_lat;
SELECT 'referral_crm.match_clinician ($SCALE rows), same 200' AS method,
       round(avg((EXISTS (SELECT 1 FROM gq_res t WHERE t.n = q.n AND t.rank = 1 AND t.i = q.true_i))::int) FILTER (WHERE q.true_i IS NOT NULL), 3) AS top1,
       round(avg((EXISTS (SELECT 1 FROM gq_res t WHERE t.n = q.n AND t.i = q.true_i))::int) FILTER (WHERE q.true_i IS NOT NULL), 3) AS recall_at_10
  FROM (SELECT * FROM gq ORDER BY n LIMIT 200) q;
SQL
fi
