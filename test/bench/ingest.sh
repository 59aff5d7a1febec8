#!/bin/bash
# test/bench/ingest.sh: COPY + ingest throughput of every feed on generated
# data, against a plain COPY of the same files into unindexed text tables
# (the ceiling: no validation, no merge).  Prints rows per second for each
# and the ratio.
#
#   sudo test/bench/ingest.sh [SCALE]      SCALE referrals (default 1000000)
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
CONF
fi
export PGDATABASE=referral_crm_bench
rcrm_as_runner psql -X -q -d postgres -c "DROP DATABASE IF EXISTS referral_crm_bench" -c "CREATE DATABASE referral_crm_bench"
psql_run() { rcrm_as_runner psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_run -c "CREATE EXTENSION referral_crm"

out="$RCRM_WORK/bench-data"
mkdir -p "$out"; chown "$(rcrm_runner)" "$out"
rcrm_say "generating $SCALE referrals (seed 42)"
t0=$(date +%s.%N)
rcrm_as_runner "$RCRM_WORK/bin/generate" "$SCALE" 42 "$out" >/dev/null
rcrm_say "generated in $(echo "$(date +%s.%N) - $t0" | bc) s"

printf '\n%-14s %10s %12s %12s %12s %8s\n' feed rows "ingest r/s" "COPY r/s" "ratio" "rejects"
for feed in directory_cms directory referrals appointments claims; do
  f="$out/$feed.csv"
  [ -f "$f" ] || continue
  rows=$(( $(wc -l < "$f") - 1 ))
  # Ours: COPY into the staging view, then ingest.
  t0=$(date +%s.%N)
  psql_run -c "\\copy referral_crm.staging_$feed FROM '$f' (FORMAT csv, HEADER)" >/dev/null
  res=$(psql_run -tA -F' ' -c "SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('$feed')")
  t1=$(date +%s.%N)
  # The peer: COPY into an unindexed table of text columns.
  cols=$(psql_run -tA -c "SELECT string_agg(quote_ident(c) || ' text', ', ') FROM referral_crm.ingest_feeds, unnest(columns) c WHERE feed = '$feed'")
  psql_run -c "DROP TABLE IF EXISTS bench_$feed; CREATE UNLOGGED TABLE bench_$feed ($cols)"
  t2=$(date +%s.%N)
  psql_run -c "\\copy bench_$feed FROM '$f' (FORMAT csv, HEADER)" >/dev/null
  t3=$(date +%s.%N)
  ours=$(echo "$rows / ($t1 - $t0)" | bc)
  peer=$(echo "$rows / ($t3 - $t2)" | bc)
  ratio=$(echo "scale=3; $ours / $peer" | bc)
  printf '%-14s %10d %12d %12d %12s %8s\n' "$feed" "$rows" "$ours" "$peer" "$ratio" "$(echo "$res" | awk '{print $4}')"
done
echo
psql_run -c "SELECT feed, reason, count(*) FROM referral_crm.ingest_rejects GROUP BY 1, 2 ORDER BY 1, 2"
rcrm_say "second load of the referrals file (all unchanged expected)"
t0=$(date +%s.%N)
psql_run -c "\\copy referral_crm.staging_referrals FROM '$out/referrals.csv' (FORMAT csv, HEADER)" >/dev/null
psql_run -c "SELECT * FROM referral_crm.ingest('referrals')"
echo "reload: $(echo "($(wc -l < "$out/referrals.csv") - 1) / ($(date +%s.%N) - $t0)" | bc) rows/s"
