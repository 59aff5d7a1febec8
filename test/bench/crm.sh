#!/bin/bash
# test/bench/crm.sh: time of every CRM dashboard view on generated data
# (bin/generate, loaded through ingest), after refresh_referral_facts()
# and generate_tasks().  Each view is read whole (count over SELECT *),
# warm, best of three; the goal is 1 s each at 1 M referrals.  The peer:
# the referrer scorecard computed straight from the base tables, without
# referral_facts.  Also prints EXPLAIN of the scheduler's work queue.
#
#   sudo test/bench/crm.sh [SCALE]      SCALE referrals (default 1000000)
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
work_mem = 64MB
maintenance_work_mem = 1GB
CONF
fi
export PGDATABASE=referral_crm_bench_crm
rcrm_as_runner psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE"
psql_run() { rcrm_as_runner psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_run -c "CREATE EXTENSION referral_crm"

out="$RCRM_WORK/bench-data"
mkdir -p "$out"; chown "$(rcrm_runner)" "$out"
rcrm_say "generating $SCALE referrals (seed 42)"
rcrm_as_runner "$RCRM_WORK/bin/generate" "$SCALE" 42 "$out" >/dev/null
rcrm_say "loading through ingest"
for feed in directory_cms directory referrals appointments claims; do
  psql_run -c "\\copy referral_crm.staging_$feed FROM '$out/$feed.csv' (FORMAT csv, HEADER)" >/dev/null
  psql_run -c "SELECT referral_crm.ingest('$feed')" >/dev/null
done
psql_run -c "VACUUM ANALYZE"

ms() { echo "($2 - $1) * 1000" | bc | cut -d. -f1; }
asof="SET referral_crm.as_of = '2026-10-01 08:00 America/New_York';"
t0=$(date +%s.%N); n=$(psql_run -tA -c "SELECT referral_crm.refresh_referral_facts(full_refresh => true)"); t1=$(date +%s.%N)
printf '\n%-40s %10s ms (%s rows)\n' "refresh_referral_facts (full)" "$(ms "$t0" "$t1")" "$n"
psql_run -c "ANALYZE referral_crm.referral_facts"
# An incremental refresh after 0.1% of the referrals changed (the one-hour
# overlap is set to zero: the whole load is younger than an hour).
psql_run -c "UPDATE referral_crm.referral_facts_state SET overlap = '0'"
psql_run -c "UPDATE referral_crm.referrals SET updated_at = now() WHERE referral_id % 1000 = 0" >/dev/null
t0=$(date +%s.%N); n=$(psql_run -tA -c "SELECT referral_crm.refresh_referral_facts()"); t1=$(date +%s.%N)
printf '%-40s %10s ms (%s rows)\n' "refresh_referral_facts (incremental)" "$(ms "$t0" "$t1")" "$n"
echo
echo "refresh_crm_summaries() (facts incremental, then the current period's snapshots):"
psql_run -c "$asof" -c "SELECT * FROM referral_crm.refresh_crm_summaries()"
t0=$(date +%s.%N); n=$(psql_run -tA -c "$asof SELECT sum(created) FROM referral_crm.generate_tasks()"); t1=$(date +%s.%N)
printf '%-40s %10s ms (%s tasks)\n' "generate_tasks (first run)" "$(ms "$t0" "$t1")" "$n"
t0=$(date +%s.%N); n=$(psql_run -tA -c "$asof SELECT sum(created) FROM referral_crm.generate_tasks()"); t1=$(date +%s.%N)
printf '%-40s %10s ms (%s tasks)\n' "generate_tasks (second run)" "$(ms "$t0" "$t1")" "$n"
psql_run -c "ANALYZE referral_crm.tasks"

printf '\n%-28s %10s %10s %6s\n' view rows ms "<=1s"
for v in work_queue pipeline_summary sla_breaches overdue_tasks manager_overview referrer_scorecards top_referrers \
         referrers referral_edges referral_metrics cohorts performance_filters leakage roi communication_log; do
  best=""
  for i in 1 2 3; do
    line=$(psql_run -tA -F' ' -c "$asof" -c '\timing on' -c "SELECT count(*) FROM (SELECT * FROM referral_crm.$v) s" |
           tr '\n' ' ')
    rows=$(echo "$line" | awk '{print $1}')
    t=$(echo "$line" | sed -n 's/.*Time: \([0-9.]*\) ms.*/\1/p')
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  ok=yes; [ "$(echo "$best > 1000" | bc)" = 1 ] && ok=NO
  printf '%-28s %10s %10.1f %6s\n' "$v" "$rows" "$best" "$ok"
done

# The peer: the referrer scorecard straight from the base tables.
peer="SELECT count(*) FROM (SELECT coalesce(r.referring_clinician_id::text, r.referring_npi, r.referring_name) AS referrer,
        count(*) AS n, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM referral_crm.appointments a
                  WHERE a.referral_id = r.referral_id AND a.status = 'fulfilled')) AS converted
   FROM referral_crm.referrals r
  WHERE r.authored_at >= timestamptz '2026-10-01 08:00 America/New_York' - interval '90 days'
    AND r.authored_at < timestamptz '2026-10-01 08:00 America/New_York'
    AND r.status NOT IN ('draft', 'entered-in-error')
  GROUP BY 1) s"
ours=""; theirs=""
for i in 1 2 3; do
  t=$(psql_run -tA -c "$asof" -c '\timing on' -c "SELECT count(*) FROM (SELECT * FROM referral_crm.referrers) s" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
  if [ -z "$ours" ] || [ "$(echo "$t < $ours" | bc)" = 1 ]; then ours=$t; fi
  t=$(psql_run -tA -c '\timing on' -c "$peer" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
  if [ -z "$theirs" ] || [ "$(echo "$t < $theirs" | bc)" = 1 ]; then theirs=$t; fi
done
printf '\n%-52s %10.1f ms\n' "referrers (facts; volume, conversion, days, leakage)" "$ours"
printf '%-52s %10.1f ms\n' "peer: volume and conversion from base tables" "$theirs"
printf '%-52s %10s\n' "ratio peer / ours" "$(echo "scale=2; $theirs / $ours" | bc)"

echo
echo "EXPLAIN of the scheduler's work queue (first page):"
psql_run -c "$asof" -c "EXPLAIN (COSTS OFF) SELECT * FROM referral_crm.work_queue LIMIT 50"
