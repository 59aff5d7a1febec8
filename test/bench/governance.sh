#!/bin/bash
# test/bench/governance.sh: the cost of the C audit trigger against no
# trigger and against a PL/pgSQL audit trigger of the audit-trigger 91plus
# design (rewritten from its public description, jsonb instead of hstore),
# and the cost of row-level security on a large referrals table.
#
#   sudo test/bench/governance.sh [SECONDS] [RLS_ROWS] [BULK_ROWS]
#
#   SECONDS    length of each pgbench run (default 20)
#   RLS_ROWS   referrals for the row-level security read (default 1000000)
#   BULK_ROWS  rows of the bulk INSERT ... SELECT (default 100000)
#   INGEST     referrals generated and loaded through ingest(), with and
#              without the audit trigger (default 50000; 0 to skip)
#   INSTR=0    skip the last section: CPU instructions per transaction of
#              each variant, counted with callgrind in single-user mode
#              (run when valgrind is installed)
#
# pgbench sessions run with synchronous_commit off (fsync stays on), so
# that the commit flush does not hide the trigger's cost.  One transaction
# is one single-row UPDATE and one single-row INSERT on a referrals-shaped
# table (two audited rows), at 2 and at 8 clients.  Prints TPS, the cost
# per audited row, WAL and storage per audit entry, and the ratios.
source "$(dirname "$0")/../../bin/lib.sh"
rcrm_need_root "$@"
SECS=${1:-20}
RLS_ROWS=${2:-1000000}
BULK_ROWS=${3:-100000}
INGEST=${4:-50000}
rcrm_deps
rcrm_stage
trap rcrm_cleanup EXIT
rcrm_build_install
rcrm_cluster_start
rcrm_cluster_configure <<CONF
shared_buffers = 1GB
max_wal_size = 32GB
checkpoint_timeout = 30min
work_mem = 64MB
maintenance_work_mem = 512MB
synchronous_commit = off
max_connections = 50
CONF
export PGDATABASE=referral_crm_bench PGOPTIONS='-c client_min_messages=warning'
BINDIR=$("$PG_CONFIG" --bindir)
psql_run() { rcrm_as_runner "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_val() { psql_run -tA -c "$1"; }
psql_run -d postgres -c "DROP DATABASE IF EXISTS referral_crm_bench" -c "CREATE DATABASE referral_crm_bench"
psql_run -c "CREATE EXTENSION referral_crm" -c "SELECT count(*) FROM referral_crm.setup_roles()" >/dev/null

rcrm_say "setting up: bench.referrals (100000 rows) and the 91plus-style PL/pgSQL audit trigger"
psql_run <<'SQL'
CREATE SCHEMA bench;
CREATE TABLE bench.referrals (
  referral_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id       bigint NOT NULL,
  authored_at      timestamptz NOT NULL,
  referring_npi    text,
  target_specialty text,
  priority         text NOT NULL DEFAULT 'routine',
  reason           text,
  diagnosis_codes  text[] NOT NULL DEFAULT '{}',
  status           text NOT NULL DEFAULT 'requested',
  stage            text NOT NULL DEFAULT 'new',
  queue_id         bigint,
  source_system    text NOT NULL,
  source_id        text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON bench.referrals (patient_id);
INSERT INTO bench.referrals (patient_id, authored_at, referring_npi, target_specialty, reason, diagnosis_codes,
                             queue_id, source_system, source_id)
SELECT g % 20000, now() - (g % 400) * interval '1 day', '1234567893', 'cardiology', 'chest pain on exertion',
       '{R07.9,I10}', g % 10, 'bench', 'R' || g
  FROM generate_series(1, 100000) g;
CREATE TABLE bench.bulk (LIKE bench.referrals INCLUDING DEFAULTS INCLUDING IDENTITY);
ALTER TABLE bench.bulk ADD PRIMARY KEY (referral_id);
VACUUM ANALYZE bench.referrals;

-- The audit-trigger 91plus design (PostgreSQL wiki, "Audit trigger
-- 91plus"), rewritten from its description with jsonb for hstore: one row
-- per change with the whole row and the changed fields, the client query,
-- three timestamps; three indexes.
CREATE SCHEMA audit91;
CREATE TABLE audit91.logged_actions (
  event_id          bigserial PRIMARY KEY,
  schema_name       text NOT NULL,
  table_name        text NOT NULL,
  relid             oid NOT NULL,
  session_user_name text,
  action_tstamp_tx  timestamptz NOT NULL,
  action_tstamp_stm timestamptz NOT NULL,
  action_tstamp_clk timestamptz NOT NULL,
  transaction_id    bigint,
  application_name  text,
  client_addr       inet,
  client_port       integer,
  client_query      text,
  action            text NOT NULL CHECK (action IN ('I', 'D', 'U', 'T')),
  row_data          jsonb,
  changed_fields    jsonb,
  statement_only    boolean NOT NULL
);
CREATE INDEX logged_actions_relid_idx ON audit91.logged_actions (relid);
CREATE INDEX logged_actions_action_tstamp_tx_stm_idx ON audit91.logged_actions (action_tstamp_stm);
CREATE INDEX logged_actions_action_idx ON audit91.logged_actions (action);
CREATE FUNCTION audit91.if_modified_func() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS
$$
DECLARE
  audit_row audit91.logged_actions;
  excluded_cols text[] := ARRAY[]::text[];
BEGIN
  audit_row := ROW(nextval('audit91.logged_actions_event_id_seq'), TG_TABLE_SCHEMA::text, TG_TABLE_NAME::text,
                   TG_RELID, session_user::text, current_timestamp, statement_timestamp(), clock_timestamp(),
                   txid_current(), current_setting('application_name'), inet_client_addr(), inet_client_port(),
                   current_query(), substring(TG_OP, 1, 1), NULL, NULL, 'f');
  IF NOT TG_ARGV[0]::boolean IS DISTINCT FROM 'f'::boolean THEN
    audit_row.client_query := NULL;
  END IF;
  IF TG_ARGV[1] IS NOT NULL THEN
    excluded_cols := TG_ARGV[1]::text[];
  END IF;
  IF TG_OP = 'UPDATE' AND TG_LEVEL = 'ROW' THEN
    audit_row.row_data := to_jsonb(OLD.*) - excluded_cols;
    audit_row.changed_fields := (SELECT coalesce(jsonb_object_agg(n.key, n.value), '{}')
                                   FROM jsonb_each(to_jsonb(NEW.*)) n
                                  WHERE NOT audit_row.row_data @> jsonb_build_object(n.key, n.value)) - excluded_cols;
    IF audit_row.changed_fields = '{}'::jsonb THEN
      RETURN NULL;
    END IF;
  ELSIF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' THEN
    audit_row.row_data := to_jsonb(OLD.*) - excluded_cols;
  ELSIF TG_OP = 'INSERT' AND TG_LEVEL = 'ROW' THEN
    audit_row.row_data := to_jsonb(NEW.*) - excluded_cols;
  ELSIF TG_LEVEL = 'STATEMENT' AND TG_OP IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') THEN
    audit_row.statement_only := 't';
  ELSE
    RAISE EXCEPTION '[audit91.if_modified_func] - trigger func added as trigger for unhandled case: %, %', TG_OP, TG_LEVEL;
  END IF;
  INSERT INTO audit91.logged_actions VALUES (audit_row.*);
  RETURN NULL;
END
$$;

-- Switch a table between the three variants.
CREATE FUNCTION bench.use_variant(tbl regclass, variant text) RETURNS void LANGUAGE plpgsql AS
$$
BEGIN
  EXECUTE format('DROP TRIGGER IF EXISTS audit_trigger_row ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_trigger_stm ON %s', tbl);
  PERFORM referral_crm.govern_table(tbl, 'admin_only', audited => variant = 'c');
  IF variant = 'plpgsql' THEN
    EXECUTE format('CREATE TRIGGER audit_trigger_row AFTER INSERT OR UPDATE OR DELETE ON %s '
                   'FOR EACH ROW EXECUTE FUNCTION audit91.if_modified_func(''true'')', tbl);
    EXECUTE format('CREATE TRIGGER audit_trigger_stm AFTER TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION audit91.if_modified_func(''true'')', tbl);
  END IF;
END
$$;

-- Best of n timings of a query, in ms, run as the current role.
CREATE FUNCTION bench.time_query(q text, n integer) RETURNS double precision LANGUAGE plpgsql AS
$$
DECLARE
  t0 timestamptz;
  best double precision := 'infinity';
BEGIN
  FOR i IN 1 .. n LOOP
    t0 := clock_timestamp();
    EXECUTE q;
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  RETURN best;
END
$$;
GRANT USAGE ON SCHEMA bench TO PUBLIC;
GRANT EXECUTE ON FUNCTION bench.time_query(text, integer) TO PUBLIC;

-- The pgbench transaction, n times, each committed: for counting
-- instructions in single-user mode (the last section).
CREATE PROCEDURE bench.loop(n integer) LANGUAGE plpgsql AS
$$
DECLARE
  id integer;
BEGIN
  FOR i IN 1 .. n LOOP
    id := 1 + (i * 7919) % 100000;
    UPDATE bench.referrals SET status = CASE status WHEN 'accepted' THEN 'requested' ELSE 'accepted' END,
                               updated_at = now()
     WHERE referral_id = id;
    INSERT INTO bench.referrals (patient_id, authored_at, referring_npi, target_specialty, reason, diagnosis_codes,
                                 queue_id, source_system, source_id)
    VALUES (id, now(), '1234567893', 'cardiology', 'chest pain on exertion', '{R07.9,I10}', id % 10, 'bench',
            'L' || id || '-' || i || '-' || random());
    COMMIT;
  END LOOP;
END
$$;
SQL

script="$RCRM_WORK/bench-governance.sql"
cat >"$script" <<'PGB'
\set id random(1, 100000)
BEGIN;
UPDATE bench.referrals SET status = CASE status WHEN 'accepted' THEN 'requested' ELSE 'accepted' END, updated_at = now() WHERE referral_id = :id;
INSERT INTO bench.referrals (patient_id, authored_at, referring_npi, target_specialty, reason, diagnosis_codes, queue_id, source_system, source_id) VALUES (:id, now(), '1234567893', 'cardiology', 'chest pain on exertion', '{R07.9,I10}', :id % 10, 'bench', 'B' || :client_id || '-' || :id || '-' || random());
END;
PGB
chown "$(rcrm_runner)" "$script"

entries() {
  case $1 in
    c) psql_val "SELECT count(*) FROM referral_crm_audit.audit_log WHERE table_name = 'bench.referrals'" ;;
    plpgsql) psql_val "SELECT count(*) FROM audit91.logged_actions" ;;
    *) echo 0 ;;
  esac
}

declare -A TPS WALTX ENT RT
ROUNDS=${ROUNDS:-3}
rcrm_say "pgbench: ${SECS}s per run, synchronous_commit off, 2 and 8 clients, variants none / c / plpgsql, best of $ROUNDS interleaved rounds"
# One checkpoint, then a warm-up run that dirties every page of
# bench.referrals: the measured runs then carry no full-page images of the
# table (a checkpoint before each run would charge each variant a share of
# full-page writes that depends on its own speed), so WAL per entry is the
# entries' own.
psql_run -c "VACUUM bench.referrals" -c "CHECKPOINT" -c "UPDATE bench.referrals SET updated_at = updated_at"
rcrm_as_runner "$BINDIR/pgbench" -n -M prepared -c 2 -j 2 -T "$SECS" -f "$script" >/dev/null 2>&1
for round in $(seq 1 "$ROUNDS"); do
for clients in 2 8; do
  for v in none c plpgsql; do
    psql_val "SELECT bench.use_variant('bench.referrals', '$v')" >/dev/null
    psql_run -c "VACUUM bench.referrals"
    e0=$(entries $v)
    lsn0=$(psql_val "SELECT pg_current_wal_insert_lsn()")
    out=$(rcrm_as_runner "$BINDIR/pgbench" -n -M prepared -c "$clients" -j 2 -T "$SECS" -f "$script" 2>&1)
    lsn1=$(psql_val "SELECT pg_current_wal_insert_lsn()")
    e1=$(entries $v)
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -1)
    txns=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
    wal=$(psql_val "SELECT pg_wal_lsn_diff('$lsn1', '$lsn0')")
    walx=$(awk "BEGIN { printf \"%.1f\", $wal / $txns }")
    printf '  round %d %d clients %-8s tps %10.1f  transactions %8d  audit entries %8d  WAL bytes/txn %8.1f\n' \
      "$round" "$clients" "$v" "$tps" "$txns" "$((e1 - e0))" "$walx" >&2
    RT[$round,$clients,$v]=$tps
    # keep the best round of each variant (the least disturbed by other load)
    if [ -z "${TPS[$clients,$v]:-}" ] || [ "$(awk "BEGIN { print ($tps > ${TPS[$clients,$v]}) }")" = 1 ]; then
      TPS[$clients,$v]=$tps
      WALTX[$clients,$v]=$walx
      ENT[$clients,$v]=$((e1 - e0))
    fi
  done
done
done

c_size=$(psql_val "SELECT pg_total_relation_size('referral_crm_audit.audit_log') / greatest(count(*), 1) FROM referral_crm_audit.audit_log")
p_size=$(psql_val "SELECT pg_total_relation_size('audit91.logged_actions') / greatest(count(*), 1) FROM audit91.logged_actions")

calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }
echo
echo "Audit trigger, pgbench (1 UPDATE + 1 INSERT per transaction, synchronous_commit off, ${SECS}s per run, best of $ROUNDS rounds)"
printf '%-8s %-8s %10s %10s %14s %16s %14s\n' clients variant tps "us/txn" "x no-trigger" "us/audited row" "WAL B/entry"
for clients in 2 8; do
  base=${TPS[$clients,none]}
  for v in none c plpgsql; do
    tps=${TPS[$clients,$v]}
    if [ "$v" = none ]; then perrow="-"; walent="-"; else
      perrow=$(calc "(1000000 * $clients / $tps - 1000000 * $clients / $base) / 2" 1)
      walent=$(calc "(${WALTX[$clients,$v]} - ${WALTX[$clients,none]}) / 2" 1)
    fi
    printf '%-8s %-8s %10.1f %10s %14s %16s %14s\n' "$clients" "$v" "$tps" "$(calc "1000000 * $clients / $tps" 1)" \
      "$(calc "$base / $tps")" "$perrow" "$walent"
  done
done
echo
echo "Storage per audit entry (table + indexes): c ${c_size} B, plpgsql ${p_size} B, ratio $(calc "$c_size / $p_size") (goal <= 0.5)"
for clients in 2 8; do
  n=${TPS[$clients,none]}; c=${TPS[$clients,c]}; p=${TPS[$clients,plpgsql]}
  echo "$clients clients: C trigger costs x$(calc "$n / $c") the no-trigger transaction (goal <= 1.25);" \
       "per audited row the PL/pgSQL trigger costs $(calc "(1 / $p - 1 / $n) / (1 / $c - 1 / $n)" 2)x ours (goal >= 5);" \
       "WAL per entry ours / PL/pgSQL $(calc "(${WALTX[$clients,c]} - ${WALTX[$clients,none]}) / (${WALTX[$clients,plpgsql]} - ${WALTX[$clients,none]})") (goal <= 0.5)"
done
echo "chains do not serialise writers: 8-client ratio $(calc "${TPS[8,none]} / ${TPS[8,c]}") vs 2-client ratio $(calc "${TPS[2,none]} / ${TPS[2,c]}") (goal: 8 no worse than 2)"
# The best of each variant comes from different rounds, and one disturbed
# round of "none" moves every ratio.  A round runs the three variants back
# to back, so the ratios within a round share its disturbance: their median
# over the rounds is the steadier figure.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for clients in 2 8; do
  rt=$(for round in $(seq 1 "$ROUNDS"); do calc "${RT[$round,$clients,none]} / ${RT[$round,$clients,c]}" 4; echo; done | median)
  pr=$(for round in $(seq 1 "$ROUNDS"); do
         n=${RT[$round,$clients,none]}; c=${RT[$round,$clients,c]}; p=${RT[$round,$clients,plpgsql]}
         if [ "$(awk "BEGIN { print ($c < $n) }")" = 1 ]; then calc "(1 / $p - 1 / $n) / (1 / $c - 1 / $n)" 4; else echo 1e9; fi; echo
       done | median)
  echo "$clients clients, median of the $ROUNDS per-round ratios: C trigger x$(calc "$rt") the no-trigger transaction (goal <= 1.25); per audited row the PL/pgSQL trigger costs $(awk "BEGIN { if ($pr >= 1e6) print \"over 1000x\"; else printf \"%.2fx\", $pr }") ours (goal >= 5)"
done
t0=$(date +%s.%N)
v=$(psql_val "SELECT ok || ' entries=' || entries || ' chains=' || chains || coalesce(' problem=' || problem, '') FROM referral_crm.audit_verify()")
t1=$(date +%s.%N)
echo "audit_verify after the runs: $v ($(calc "$t1 - $t0" 1) s)"
t0=$(date +%s.%N)
v=$(psql_val "SELECT checkpoint FROM referral_crm.audit_head()")
t1=$(date +%s.%N)
echo "audit_head (a checkpoint of every chain that moved): checkpoint $v in $(calc "($t1 - $t0) * 1000" 1) ms"

echo
echo "Bulk INSERT ... SELECT of $BULK_ROWS rows (one statement, best of $ROUNDS)"
printf '%-8s %10s %14s %16s\n' variant seconds "x no-trigger" "us/row extra"
declare -A BULK
for round in $(seq 1 "$ROUNDS"); do
for v in none c plpgsql; do
  psql_val "SELECT bench.use_variant('bench.bulk', '$v')" >/dev/null
  psql_run -c "TRUNCATE bench.bulk" -c "CHECKPOINT"
  t0=$(date +%s.%N)
  psql_run -c "INSERT INTO bench.bulk (patient_id, authored_at, referring_npi, target_specialty, reason, diagnosis_codes, queue_id, source_system, source_id)
               SELECT g % 20000, now(), '1234567893', 'cardiology', 'chest pain on exertion', '{R07.9,I10}', g % 10, 'bulk', 'K' || g
                 FROM generate_series(1, $BULK_ROWS) g"
  t1=$(date +%s.%N)
  el=$(calc "$t1 - $t0" 3)
  if [ -z "${BULK[$v]:-}" ] || [ "$(awk "BEGIN { print ($el < ${BULK[$v]}) }")" = 1 ]; then BULK[$v]=$el; fi
done
done
for v in none c plpgsql; do
  printf '%-8s %10.2f %14s %16s\n' "$v" "${BULK[$v]}" "$(calc "${BULK[$v]} / ${BULK[none]}" 2)" \
    "$(calc "1000000 * (${BULK[$v]} - ${BULK[none]}) / $BULK_ROWS" 1)"
done

echo
rcrm_say "row-level security: loading $RLS_ROWS referrals"
psql_run <<SQL
SET session_replication_role = replica;
INSERT INTO referral_crm.queues (code, name) SELECT 'bq' || g, 'Bench queue ' || g FROM generate_series(1, 10) g;
INSERT INTO referral_crm.patients (given_name, family_name, source_system, source_id)
SELECT 'P', 'Bench' || g, 'bench', 'P' || g FROM generate_series(1, greatest($RLS_ROWS / 5, 1)) g;
INSERT INTO referral_crm.referrals (patient_id, authored_at, referring_npi, target_specialty, queue_id, source_system, source_id)
SELECT (SELECT min(patient_id) FROM referral_crm.patients) + g % greatest($RLS_ROWS / 5, 1), now() - (g % 700) * interval '1 day',
       '1234567893', 'cardiology', (SELECT min(queue_id) FROM referral_crm.queues WHERE code LIKE 'bq%') + g % 10, 'bench', 'R' || g
  FROM generate_series(1, $RLS_ROWS) g;
RESET session_replication_role;
VACUUM ANALYZE referral_crm.referrals;
DROP ROLE IF EXISTS bench_admin;
DROP ROLE IF EXISTS bench_intake_all;
DROP ROLE IF EXISTS bench_intake_half;
CREATE ROLE bench_admin IN ROLE referral_crm_admin;
CREATE ROLE bench_intake_all IN ROLE referral_crm_intake;
CREATE ROLE bench_intake_half IN ROLE referral_crm_intake;
INSERT INTO referral_crm.staff (login_role, display_name, role) VALUES ('bench_intake_all', 'All', 'intake'), ('bench_intake_half', 'Half', 'intake');
INSERT INTO referral_crm.queue_members (queue_id, staff_id)
SELECT q.queue_id, s.staff_id FROM referral_crm.queues q, referral_crm.staff s
 WHERE q.code LIKE 'bq%' AND (s.login_role = 'bench_intake_all' OR (s.login_role = 'bench_intake_half' AND q.queue_id % 2 = 0));
SQL
Q="SELECT count(*), sum(length(r.source_id)), max(r.authored_at) FROM referral_crm.referrals r"
half=$(psql_val "SELECT array_agg(queue_id ORDER BY queue_id)::text FROM referral_crm.queues WHERE code LIKE 'bq%' AND queue_id % 2 = 0")
t_admin=$(psql_val "SET ROLE bench_admin; SELECT bench.time_query('$Q', 5)")
t_all=$(psql_val "SET ROLE bench_intake_all; SELECT bench.time_query('$Q', 5)")
t_admin2=$(psql_val "SET ROLE bench_admin; SELECT bench.time_query('$Q', 5)")
t_admin=$(calc "($t_admin2 < $t_admin) ? $t_admin2 : $t_admin" 3)
t_adminh=$(psql_val "SET ROLE bench_admin; SELECT bench.time_query('$Q WHERE r.queue_id = ANY (''$half''::bigint[])', 5)")
t_half=$(psql_val "SET ROLE bench_intake_half; SELECT bench.time_query('$Q', 5)")
n_all=$(psql_val "SET ROLE bench_intake_all; SELECT count(*) FROM referral_crm.referrals")
n_half=$(psql_val "SET ROLE bench_intake_half; SELECT count(*) FROM referral_crm.referrals")
echo "Row-level security read of referrals (best of 5, ms): the same rows read by an admin (policy true) and by intake (queue policy)"
printf '%-34s %10s %10s %10s %8s\n' case rows "admin ms" "intake ms" ratio
printf '%-34s %10s %10.1f %10.1f %8s\n' "intake with all 10 queues" "$n_all" "$t_admin" "$t_all" "$(calc "$t_all / $t_admin")"
printf '%-34s %10s %10.1f %10.1f %8s\n' "intake with 5 of 10 queues" "$n_half" "$t_adminh" "$t_half" "$(calc "$t_half / $t_adminh")"
echo "(goal: ratio <= 1.2)"

if [ "$INGEST" -gt 0 ]; then
  echo
  rcrm_say "ingest(): $INGEST generated referrals, with and without the audit trigger"
  out="$RCRM_WORK/bench-data"; mkdir -p "$out"; chown "$(rcrm_runner)" "$out"
  rcrm_as_runner "$RCRM_WORK/bin/generate" "$INGEST" 42 "$out" >/dev/null
  echo "ingest('referrals') of $INGEST generated referrals after the directory (COPY into the staging view + ingest)"
  printf '%-10s %10s %14s %12s\n' audit seconds "referrals/s" "entries"
  declare -A ING INGN
  for round in 1 2; do
  for mode in off on; do
    db=referral_crm_bench_ingest_$mode
    psql_run -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    psql_run -d $db -c "CREATE EXTENSION referral_crm"
    if [ $mode = off ]; then
      psql_run -d $db -c "DO \$\$ DECLARE t regclass; BEGIN FOREACH t IN ARRAY (SELECT array_agg(table_name) FROM referral_crm.governed_tables WHERE audited) LOOP EXECUTE format('ALTER TABLE %s DISABLE TRIGGER audit_insert', t); EXECUTE format('ALTER TABLE %s DISABLE TRIGGER audit_update', t); EXECUTE format('ALTER TABLE %s DISABLE TRIGGER audit_delete', t); END LOOP; END \$\$"
    fi
    psql_run -d $db -c "\\copy referral_crm.staging_directory FROM '$out/directory.csv' (FORMAT csv, HEADER)" >/dev/null
    psql_run -d $db -c "SELECT 1 FROM referral_crm.ingest('directory')" >/dev/null
    psql_run -d $db -c "CHECKPOINT"
    n0=$(psql_run -d $db -tA -c "SELECT count(*) FROM referral_crm_audit.audit_log")
    t0=$(date +%s.%N)
    psql_run -d $db -c "\\copy referral_crm.staging_referrals FROM '$out/referrals.csv' (FORMAT csv, HEADER)" >/dev/null
    psql_run -d $db -c "SELECT * FROM referral_crm.ingest('referrals')" >/dev/null
    t1=$(date +%s.%N)
    n=$(( $(psql_run -d $db -tA -c "SELECT count(*) FROM referral_crm_audit.audit_log") - n0 ))
    el=$(calc "$t1 - $t0" 3)
    if [ -z "${ING[$mode]:-}" ] || [ "$(awk "BEGIN { print ($el < ${ING[$mode]}) }")" = 1 ]; then ING[$mode]=$el; INGN[$mode]=$n; fi
  done
  done
  for mode in off on; do
    printf '%-10s %10.2f %14s %12s\n' "$mode" "${ING[$mode]}" "$(calc "$INGEST / ${ING[$mode]}" 0)" "${INGN[$mode]}"
  done
  echo "(best of 2 alternating runs each; audit on costs x$(calc "${ING[on]} / ${ING[off]}" 3) of ingest time)"
fi

# CPU instructions per transaction, free of the run-to-run spread of the
# pgbench figures: the same UPDATE and INSERT, each pair committed, in one
# backend (single-user mode, the cluster stopped), counted by callgrind for
# two loop lengths; their difference over the extra transactions leaves out
# start-up and the first-call costs (plan and PL/pgSQL compilation).
if [ "${INSTR:-1}" != 0 ]; then
  echo
  if ! command -v valgrind >/dev/null; then
    echo "CPU instructions per transaction: skipped (apt-get install valgrind)"
  else
    rcrm_say "counting instructions with callgrind (single-user mode, a few minutes)"
    rcrm_cluster_stop
    N0=200; N1=1400
    instr() {  # variant loops -> instructions of the whole single-user session
      printf "SELECT bench.use_variant('bench.referrals', '%s')\nCALL bench.loop(%d)\n" "$1" "$2" >"$RCRM_WORK/instr.sql"
      chown "$(rcrm_runner)" "$RCRM_WORK/instr.sql"
      rcrm_as_runner valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BINDIR/postgres" --single -D "$PGDATA" \
        -c synchronous_commit=off referral_crm_bench <"$RCRM_WORK/instr.sql" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
    }
    declare -A INSTR_TXN
    for v in none c plpgsql; do
      a=$(instr "$v" "$N0"); b=$(instr "$v" "$N1")
      INSTR_TXN[$v]=$(calc "($b - $a) / ($N1 - $N0)" 0)
    done
    echo "CPU instructions per transaction, one backend (callgrind; postgres --single; CALL of the pgbench UPDATE and INSERT, each pair committed, $N1 minus $N0 times)"
    printf '%-8s %14s %14s %24s\n' variant "instr/txn" "x no-trigger" "instr/audited row extra"
    for v in none c plpgsql; do
      if [ "$v" = none ]; then extra="-"; else extra=$(calc "(${INSTR_TXN[$v]} - ${INSTR_TXN[none]}) / 2" 0); fi
      printf '%-8s %14s %14s %24s\n' "$v" "${INSTR_TXN[$v]}" "$(calc "${INSTR_TXN[$v]} / ${INSTR_TXN[none]}")" "$extra"
    done
    echo "per audited row the PL/pgSQL trigger costs $(calc "(${INSTR_TXN[plpgsql]} - ${INSTR_TXN[none]}) / (${INSTR_TXN[c]} - ${INSTR_TXN[none]})" 2)x ours in instructions (goal >= 5)"
  fi
fi
