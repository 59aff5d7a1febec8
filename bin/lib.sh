# bin/lib.sh: helpers shared by bin/demo and bin/test (sourced, not run).
#
# - rcrm_need_root: re-run the calling script as root (through sudo) if needed.
# - rcrm_deps: install what a fresh Debian 12 lacks, once (bin/deps).
# - rcrm_stage: copy the source tree to a private work directory that the
#   unprivileged runner owns; build and install from there as root.
# - rcrm_cluster_start / rcrm_cluster_stop: a throwaway cluster, run by the
#   unprivileged runner (PostgreSQL refuses root), on a private socket.

set -euo pipefail

RCRM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# A PG_CONFIG given by the caller wins (a private PostgreSQL prefix, say).
RCRM_PG_CONFIG_GIVEN=${PG_CONFIG:-}
PG_CONFIG=${PG_CONFIG:-$(command -v pg_config || echo /usr/lib/postgresql/15/bin/pg_config)}

rcrm_say() { printf '==> %s\n' "$*" >&2; }
rcrm_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Re-execute the script as root: installing the extension needs it.
rcrm_need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || rcrm_die "run this as root, or install sudo"
    exec sudo --preserve-env=PGHOST,PGPORT,PGUSER,PGDATABASE,PGPASSWORD,PGSERVICE,PG_CONFIG,RCRM_KEEP "$0" "$@"
  fi
}

rcrm_deps() {
  "$RCRM_TOP/bin/deps"
  PG_CONFIG=${RCRM_PG_CONFIG_GIVEN:-$(command -v pg_config || echo /usr/lib/postgresql/15/bin/pg_config)}
}

# The unprivileged user that runs PostgreSQL and the tests.
rcrm_runner() {
  if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
    echo "$SUDO_USER"
  else
    echo postgres
  fi
}

# Run a command as the runner, keeping the environment.
# It starts in the work directory: the runner may not be able to enter the
# caller's (a checkout under /root, say).
rcrm_as_runner() {
  local who; who=$(rcrm_runner)
  ( cd "${RCRM_WORK:-/tmp}" 2>/dev/null || cd /tmp
    if [ "$(id -un)" = "$who" ]; then "$@"; else runuser -u "$who" -- "$@"; fi )
}

# Copy the tree (without .git) into a fresh work directory owned by the runner.
rcrm_stage() {
  RCRM_WORK=$(mktemp -d /tmp/referral_crm.XXXXXX)
  chmod 755 "$RCRM_WORK"
  (cd "$RCRM_TOP" && tar --exclude=./.git --exclude='./tmp_check*' --exclude=./results -cf - .) |
    tar -C "$RCRM_WORK" -xf -
  mkdir -p "$RCRM_WORK/src"
  chown -R "$(rcrm_runner)" "$RCRM_WORK"
  export RCRM_WORK
}

rcrm_build_install() {
  rcrm_say "building and installing referral_crm with $PG_CONFIG"
  make -C "$RCRM_WORK" -s PG_CONFIG="$PG_CONFIG" >/dev/null
  make -C "$RCRM_WORK" -s PG_CONFIG="$PG_CONFIG" install >/dev/null
  chown -R "$(rcrm_runner)" "$RCRM_WORK"
}

# Start a throwaway cluster; exports PGHOST, PGPORT, PGDATA, PGDATABASE.
rcrm_cluster_start() {
  local bindir; bindir=$("$PG_CONFIG" --bindir)
  export PGDATA="$RCRM_WORK/cluster/data" PGHOST="$RCRM_WORK/cluster/socket"
  export PGPORT=${RCRM_PORT:-$((50000 + RANDOM % 10000))} PGDATABASE=postgres
  unset PGUSER PGPASSWORD PGSERVICE
  mkdir -p "$PGHOST"; chown -R "$(rcrm_runner)" "$RCRM_WORK/cluster"
  rcrm_say "starting a throwaway cluster in $PGDATA (socket $PGHOST, port $PGPORT)"
  rcrm_as_runner "$bindir/initdb" -D "$PGDATA" -A trust -E UTF8 --locale=C.UTF-8 >"$RCRM_WORK/cluster/initdb.log" 2>&1 ||
    { cat "$RCRM_WORK/cluster/initdb.log" >&2; rcrm_die "initdb failed"; }
  cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PGHOST'
port = $PGPORT
max_worker_processes = 8
max_parallel_workers_per_gather = 2
fsync = on
CONF
  rcrm_as_runner "$bindir/pg_ctl" -D "$PGDATA" -l "$RCRM_WORK/cluster/server.log" -w start >/dev/null ||
    { cat "$RCRM_WORK/cluster/server.log" >&2; rcrm_die "the cluster did not start"; }
  export PGUSER; PGUSER=$(rcrm_runner)
}

# Append the settings read from standard input to the throwaway cluster's
# postgresql.conf and restart it (the benchmarks' tuning).
rcrm_cluster_configure() {
  cat >>"$PGDATA/postgresql.conf"
  rcrm_as_runner "$("$PG_CONFIG" --bindir)/pg_ctl" -D "$PGDATA" -w restart -l "$RCRM_WORK/cluster/server.log" >/dev/null
}

rcrm_cluster_stop() {
  local bindir; bindir=$("$PG_CONFIG" --bindir)
  if [ -n "${PGDATA:-}" ] && [ -f "$PGDATA/postmaster.pid" ]; then
    rcrm_as_runner "$bindir/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

rcrm_cleanup() {
  rcrm_cluster_stop
  if [ -n "${RCRM_WORK:-}" ] && [ -z "${RCRM_KEEP:-}" ]; then rm -rf "$RCRM_WORK"; fi
}
