#!/bin/bash
# test/bench/routing.sh: route SCALE referrals against 500 rules, in four
# forms on the same data in the same run:
#   ours      referral_crm.routing_match(row): compiled conditions in C,
#             rules indexed on their discriminating attribute
#   CASE      one generated SQL CASE expression (routing_condition_sql of
#             each rule), JIT off, then JIT on (all JIT thresholds 0)
#   PL/pgSQL  a generated PL/pgSQL function: IF <rule> THEN RETURN id
# on two rule sets: "random" (a few broad rules catch most referrals) and
# "anchored" (each rule anchored on specialty, payer, zip or referrer).
# All forms read the same materialised copy of routing_input and must pick
# the same rule for every referral (checked).  Then route_pending() end to
# end (lock, match, record a decision, set the queue) against the same
# statements with the PL/pgSQL matcher in place of routing_match (run first,
# on a copy of the database made before either ran; same decisions,
# checked), and one route() call (p50, p95).
#
#   sudo test/bench/routing.sh [SCALE]      SCALE referrals (default 1000000)
#
# Runs on a throwaway cluster (or the server named by PGHOST/PGPORT).
source "$(dirname "$0")/../../bin/lib.sh"
rcrm_need_root "$@"
SCALE=${1:-1000000}
existing=""
if [ -n "${PGHOST:-}${PGPORT:-}${PGSERVICE:-}" ]; then existing=1; fi
rcrm_deps
rcrm_stage
trap rcrm_cleanup EXIT
rcrm_build_install
if [ -z "$existing" ]; then
  rcrm_cluster_start
  rcrm_cluster_configure <<CONF
shared_buffers = 1GB
max_wal_size = 8GB
checkpoint_timeout = 30min
work_mem = 256MB
maintenance_work_mem = 1GB
max_parallel_workers_per_gather = 0
CONF
fi
export PGDATABASE=referral_crm_bench
rcrm_as_runner psql -X -q -d postgres -c "DROP DATABASE IF EXISTS referral_crm_bench" -c "CREATE DATABASE referral_crm_bench"
psql_run() { rcrm_as_runner psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_run -c "CREATE EXTENSION referral_crm"

rcrm_say "generating $SCALE referrals (seeded)"
t0=$(date +%s.%N)
psql_run -v scale="$SCALE" -f "$RCRM_WORK/test/bench/routing_data.sql"
rcrm_say "generated in $(echo "$(date +%s.%N) - $t0" | bc) s"

# The two rule sets, as plain condition texts.
psql_run <<'SQL'
SELECT setseed(0.17);
CREATE TABLE bench_rules (rule_set text, pos int, cond text, queue text);
-- random: 1 to 3 clauses drawn from common attributes; a few are broad
INSERT INTO bench_rules
SELECT 'random', i,
       (SELECT string_agg(CASE k
                 WHEN 0 THEN format('specialty = %L', (SELECT specialty FROM referral_crm.specialties WHERE builtin
                                                        ORDER BY specialty OFFSET floor(u * 20) LIMIT 1))
                 WHEN 1 THEN format('priority >= %L', (ARRAY['urgent', 'asap', 'stat'])[1 + floor(u * 3)::int])
                 WHEN 2 THEN format('payer_class in (%L, ''tricare'')', (ARRAY['medicare', 'medicaid', 'commercial'])[1 + floor(u * 3)::int])
                 WHEN 3 THEN format('patient_age > %s', 20 + floor(u * 70)::int)
                 WHEN 4 THEN 'not in_network'
                 WHEN 5 THEN format('channel = %L', (ARRAY['ehr', 'fax', 'portal', 'phone'])[1 + floor(u * 4)::int])
                 WHEN 6 THEN format('hour between %s and %s', floor(u * 20)::int, floor(u * 20)::int + 3)
                 WHEN 7 THEN 'weekday in (''sat'', ''sun'')'
                 WHEN 8 THEN 'language = ''es'''
                 ELSE format('distance_km(location) < %s', 10 + floor(u * 60)::int) END, ' and ')
          FROM (SELECT floor(random() * 10 + i * 0)::int AS k, random() AS u
                  FROM generate_series(1, 1 + floor(random() * 3 + i * 0)::int)) x),
       'bench-q' || (1 + i % 20)
  FROM generate_series(1, 500) i;
-- anchored: each rule tied to one specialty, payer, zip list or referrer
INSERT INTO bench_rules
SELECT 'anchored', i,
       CASE i % 5
         WHEN 0 THEN format('payer = %L and specialty in (%L, %L)', 'PAY' || (1 + floor(random() * 40)::int),
                            s1, s2)
         WHEN 1 THEN format('patient_zip in (%L, %L, %L) and in_network and priority >= %L',
                            z1, z2, z3, (ARRAY['routine', 'urgent'])[1 + floor(random() * 2)::int])
         WHEN 2 THEN format('referring_npi = %L and priority >= ''urgent''',
                            (SELECT '1' || lpad(k::text, 8, '0') || referral_crm.npi_check_digit('1' || lpad(k::text, 8, '0'))
                               FROM (SELECT 1 + floor(random() * 2000 + i * 0)::int AS k) kk))
         ELSE format('specialty = %L and priority >= %L and patient_age between %s and %s', s1,
                     (ARRAY['routine', 'routine', 'urgent'])[1 + floor(random() * 3)::int], a, a + 40 + floor(random() * 50)::int)
       END,
       'bench-q' || (1 + i % 20)
  FROM (SELECT i,
               (SELECT specialty FROM referral_crm.specialties WHERE builtin ORDER BY specialty OFFSET floor(power(random(), 2) * 76 + i * 0) LIMIT 1) AS s1,
               (SELECT specialty FROM referral_crm.specialties WHERE builtin ORDER BY specialty OFFSET floor(power(random(), 2) * 76 + i * 0) LIMIT 1) AS s2,
               (SELECT zip FROM referral_crm.zip_centroids ORDER BY zip OFFSET floor(random() * 300 + i * 0) LIMIT 1) AS z1,
               (SELECT zip FROM referral_crm.zip_centroids ORDER BY zip OFFSET floor(random() * 300 + i * 0) LIMIT 1) AS z2,
               (SELECT zip FROM referral_crm.zip_centroids ORDER BY zip OFFSET floor(random() * 300 + i * 0) LIMIT 1) AS z3,
               floor(random() * 40)::int AS a
          FROM generate_series(1, 500) i) r;
-- the input of every form, materialised once
CREATE UNLOGGED TABLE bench_input AS SELECT * FROM referral_crm.routing_input;
ANALYZE bench_input;
SQL

# Load one rule set into routing_rules and generate the CASE and PL/pgSQL forms.
load_rules() {
  psql_run -v rs="$1" <<'SQL'
DELETE FROM referral_crm.routing_rules;
INSERT INTO referral_crm.routing_rules (name, priority_order, condition, queue, strategy)
SELECT :'rs' || ' ' || pos, pos, cond::referral_crm.routing_condition, queue, 'none'
  FROM bench_rules WHERE rule_set = :'rs' ORDER BY pos;
SELECT format('CREATE OR REPLACE VIEW bench_case AS SELECT r.referral_id, CASE %s END AS rule_id FROM bench_input r',
              string_agg(format('WHEN %s THEN %s', referral_crm.routing_condition_sql(condition, 'r.'), rule_id),
                         ' ' ORDER BY priority_order, rule_id))
  FROM referral_crm.routing_rules \gexec
SELECT format('CREATE OR REPLACE FUNCTION bench_plpgsql(r bench_input) RETURNS bigint LANGUAGE plpgsql STABLE AS $f$ BEGIN %s RETURN NULL; END $f$',
              string_agg(format('IF %s THEN RETURN %s; END IF;', referral_crm.routing_condition_sql(condition, 'r.'), rule_id),
                         ' ' ORDER BY priority_order, rule_id))
  FROM referral_crm.routing_rules \gexec
SQL
}

# Time one query (seconds) and keep its one-line result.
# Server-side time (psql \timing), without connection set-up.  JIT on:
# jit_above_cost 0, inlining and optimisation at their default thresholds.
timed() {
  local out
  out=$(psql_run -tA -c "SET jit = ${JIT:-off}" -c "SET jit_above_cost = 0" -c "${PRE:-SELECT}" -c '\timing on' -c "$1" -c '\timing off' -c "${2:-SELECT 1}")
  ELAPSED=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
  ELAPSED=$(echo "scale=3; $ELAPSED / 1000" | bc)
  RESULT=$(echo "$out" | grep -v '^Time:' | grep -v '^SET$' | grep -v '^$' | sed -n 1p)
  EXTRA=$(echo "$out" | grep -v '^Time:' | grep -v '^SET$' | grep -v '^$' | sed -n 2p)
}

declare -A T
for rs in random anchored; do
  rcrm_say "rule set: $rs"
  load_rules "$rs"
  # warm the cache of the input
  psql_run -tA -c "SELECT count(*) FROM bench_input" >/dev/null
  JIT=off timed "SELECT count(m) || ',' || coalesce(sum(m), 0) FROM (SELECT referral_crm.routing_match(b) AS m FROM bench_input b) x" \
    "SELECT rules_tested || ',' || rules || ',' || anchored_rules FROM referral_crm.routing_stats()"
  T[$rs,ours]=$ELAPSED; ours_res="$RESULT,$EXTRA"
  JIT=off timed "SELECT count(rule_id) || ',' || coalesce(sum(rule_id), 0) FROM bench_case"
  T[$rs,case_off]=$ELAPSED; case_res=$RESULT
  JIT=on timed "SELECT count(rule_id) || ',' || coalesce(sum(rule_id), 0) FROM bench_case"
  T[$rs,case_on]=$ELAPSED; case_on_res=$RESULT
  JIT=off timed "SELECT count(m) || ',' || coalesce(sum(m), 0) FROM (SELECT bench_plpgsql(b) AS m FROM bench_input b) x"
  T[$rs,plpgsql]=$ELAPSED; pl_res=$RESULT
  # rules the CASE tests per referral: the position of the matched rule, or all
  tested=$(psql_run -tA -c "SELECT round(avg(coalesce(o.pos, (SELECT count(*) FROM referral_crm.routing_rules))), 1) FROM bench_case c LEFT JOIN (SELECT rule_id, row_number() OVER (ORDER BY priority_order, rule_id) AS pos FROM referral_crm.routing_rules) o ON o.rule_id = c.rule_id")
  IFS=, read -r matched sum ours_tested nrules nanch <<<"$ours_res"
  agree=yes
  [ "$matched,$sum" = "$case_res" ] && [ "$case_res" = "$case_on_res" ] && [ "$case_res" = "$pl_res" ] || agree=NO
  printf '%s rules: %s rules (%s anchored); %s of %s referrals matched; rules tested per referral: CASE %s, ours %s; same rule in every form: %s\n' \
    "$rs" "$nrules" "$nanch" "$matched" "$SCALE" "$tested" "$(echo "scale=1; $ours_tested / $SCALE" | bc)" "$agree"
  [ "$agree" = yes ] || echo "  ours=$ours_res case=$case_res case_jit=$case_on_res plpgsql=$pl_res"
done

echo
printf '%-24s %14s %14s\n' "form ($SCALE referrals)" "random rules" "anchored rules"
for f in ours case_off case_on plpgsql; do
  case $f in
    ours) name="routing_match (ours)";; case_off) name="CASE, JIT off";; case_on) name="CASE, JIT on";; plpgsql) name="PL/pgSQL";;
  esac
  printf '%-24s %12.2f s %12.2f s\n' "$name" "${T[random,$f]}" "${T[anchored,$f]}"
done
for f in case_off case_on plpgsql; do
  printf 'ratio %-18s %12.1f x %12.1f x\n' "$f/ours" "$(echo "${T[random,$f]} / ${T[random,ours]}" | bc -l)" "$(echo "${T[anchored,$f]} / ${T[anchored,ours]}" | bc -l)"
done

# route_pending end to end on the anchored set: lock the pending referrals,
# match, record a decision per referral, set each referral's queue.  The
# PL/pgSQL form runs route_pending's own statements with the generated
# PL/pgSQL matcher in place of routing_match, on a file copy of the database
# made before either ran, so that both do the same writes on the same data.
echo
rcrm_say "route_pending() end to end on $SCALE referrals (anchored rules, default queue bench-q1)"
rcrm_as_runner psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS referral_crm_bench_pl" \
  -c "CREATE DATABASE referral_crm_bench_pl TEMPLATE referral_crm_bench STRATEGY = FILE_COPY"
PGDATABASE=referral_crm_bench_pl psql_run -tA <<'SQL'
SELECT format('CREATE FUNCTION bench_plpgsql_ri(r referral_crm.routing_input) RETURNS bigint LANGUAGE plpgsql STABLE AS $f$ BEGIN %s RETURN NULL; END $f$',
              string_agg(format('IF %s THEN RETURN %s; END IF;', referral_crm.routing_condition_sql(condition, 'r.'), rule_id),
                         ' ' ORDER BY priority_order, rule_id))
  FROM referral_crm.routing_rules \gexec
DO $$
DECLARE
  ids text := pg_get_functiondef('referral_crm.route_ids(bigint[], text)'::regprocedure);
  pend text := pg_get_functiondef('referral_crm.route_pending()'::regprocedure);
BEGIN
  IF position('referral_crm.routing_match(ri)' IN ids) = 0
     OR position('referral_crm.route_ids(ids' IN pend) = 0 THEN
    RAISE EXCEPTION 'route_ids / route_pending changed: update the PL/pgSQL end-to-end form of the benchmark';
  END IF;
  EXECUTE replace(replace(ids, 'referral_crm.routing_match(ri)', 'public.bench_plpgsql_ri(ri)'),
                  'FUNCTION referral_crm.route_ids(', 'FUNCTION public.bench_route_ids(');
  EXECUTE replace(replace(pend, 'referral_crm.route_ids(ids', 'public.bench_route_ids(ids'),
                  'FUNCTION referral_crm.route_pending(', 'FUNCTION public.bench_route_pending(');
END $$;
SQL
decisions="SELECT count(*) || ',' || coalesce(sum(rule_id), 0) || ',' || coalesce(sum(queue_id), 0) FROM referral_crm.routing_decisions WHERE method = 'route_pending'"
# Each run starts right after a checkpoint, so that both pay the same
# full-page writes.
psql_run -c "CHECKPOINT"
PRE="SET referral_crm.default_queue = 'bench-q1'" PGDATABASE=referral_crm_bench_pl timed "SELECT public.bench_route_pending()" "$decisions"
T[pl_e2e]=$ELAPSED; pl_routed=$RESULT; pl_dec=$EXTRA
rcrm_as_runner psql -X -q -d postgres -c "DROP DATABASE referral_crm_bench_pl"
psql_run -c "CHECKPOINT"
PRE="SET referral_crm.default_queue = 'bench-q1'" timed "SELECT referral_crm.route_pending()" "$decisions"
T[ours_e2e]=$ELAPSED; routed=$RESULT; our_dec=$EXTRA
psql_run -c "ANALYZE referral_crm.referrals" >/dev/null
agree=yes
[ "$routed" = "$pl_routed" ] && [ "$our_dec" = "$pl_dec" ] || agree="NO (ours $routed $our_dec, PL/pgSQL $pl_routed $pl_dec)"
printf 'end to end (%s referrals routed, same decisions: %s)\n' "$routed" "$agree"
printf '%-44s %9.2f s (%6.0f per s)\n' "route_pending() (ours)" "${T[ours_e2e]}" "$(echo "$routed / ${T[ours_e2e]}" | bc -l)"
printf '%-44s %9.2f s (%6.0f per s)\n' "route_pending() with the PL/pgSQL matcher" "${T[pl_e2e]}" "$(echo "$routed / ${T[pl_e2e]}" | bc -l)"
printf 'ratio end to end plpgsql/ours  %14.1f x\n' "$(echo "${T[pl_e2e]} / ${T[ours_e2e]}" | bc -l)"
printf 'ratio PL/pgSQL matching alone / route_pending() %5.1f x\n' "$(echo "${T[anchored,plpgsql]} / ${T[ours_e2e]}" | bc -l)"

# One referral at a time: route(), routing_match on the prepared input
# row, the prepared CASE on the same row, and fetching the row alone.
psql_run -tA <<'SQL'
SELECT format('CREATE OR REPLACE FUNCTION bench_one_case(id bigint) RETURNS bigint LANGUAGE plpgsql STABLE AS $f$ BEGIN RETURN (SELECT CASE %s END FROM referral_crm.routing_input r WHERE r.referral_id = id); END $f$',
              string_agg(format('WHEN %s THEN %s', referral_crm.routing_condition_sql(condition, 'r.'), rule_id),
                         ' ' ORDER BY priority_order, rule_id))
  FROM referral_crm.routing_rules \gexec
CREATE TEMP TABLE lat (n int, what text, ms double precision);
DO $$
DECLARE
  ids bigint[] := (SELECT array_agg(referral_id) FROM (SELECT referral_id FROM referral_crm.referrals ORDER BY random() LIMIT 2000) s);
  t timestamptz;
  x bigint;
  r record;
BEGIN
  PERFORM referral_crm.routing_stats();
  -- One loop per form, so that one form's work (the CASE initialises a
  -- 500-branch expression per call) does not slow down the timing of the next.
  FOREACH x IN ARRAY ids LOOP
    t := clock_timestamp();
    PERFORM 1 FROM referral_crm.routing_input i WHERE i.referral_id = x;
    INSERT INTO lat VALUES (1, 'fetch the routing_input row', extract(epoch FROM clock_timestamp() - t) * 1000);
  END LOOP;
  FOREACH x IN ARRAY ids LOOP
    t := clock_timestamp();
    PERFORM referral_crm.routing_match(i) FROM referral_crm.routing_input i WHERE i.referral_id = x;
    INSERT INTO lat VALUES (2, 'routing_match on that row', extract(epoch FROM clock_timestamp() - t) * 1000);
  END LOOP;
  FOREACH x IN ARRAY ids LOOP
    t := clock_timestamp();
    PERFORM bench_one_case(x);
    INSERT INTO lat VALUES (3, 'prepared CASE on that row', extract(epoch FROM clock_timestamp() - t) * 1000);
  END LOOP;
  FOREACH x IN ARRAY ids LOOP
    t := clock_timestamp();
    SELECT * INTO r FROM referral_crm.route(x);
    INSERT INTO lat VALUES (4, 'route() (match, assign, record)', extract(epoch FROM clock_timestamp() - t) * 1000);
  END LOOP;
END $$;
SELECT rpad(what, 34) || ' p50 ' || to_char(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), 'FM990.000') || ' ms, p95 '
       || to_char(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms), 'FM990.000') || ' ms'
  FROM lat GROUP BY what ORDER BY min(n);
SQL
