#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1, for the tests and for development (never for real data):
#   tools/postgres.sh start   start one (or find the one already running) and print its URL
#   tools/postgres.sh url     print the URL of the running one
#   tools/postgres.sh stop    stop it and delete its folder
#   tools/postgres.sh halt    stop it at once (as a crash would), keeping its data: `start` brings it back
# QTRADER_PG_DIR names its folder (default: ${TMPDIR:-/tmp}/qtrader-postgres-$(id -u)); the cluster, its socket,
# port and log live there. Installs PostgreSQL from the OS packages if it is missing (as root, with apt-get).
# The cluster trusts every local connection (-A trust) and listens on 127.0.0.1 only, at a free port.
# QTRADER_PG_OPTIONS adds server options (the tests pass "-c fsync=off": their data need not survive a power cut).
set -euo pipefail

dir=${QTRADER_PG_DIR:-${TMPDIR:-/tmp}/qtrader-postgres-$(id -u)}
data=$dir/data

die() { echo "tools/postgres.sh: $*" >&2; exit 1; }

find_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; return; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; fi
}

install_postgres() {
    [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and only root can install it (apt-get install postgresql)"
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and there is no apt-get to install it"
    echo "tools/postgres.sh: installing PostgreSQL from the OS packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq postgresql >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql >/dev/null; } \
        || die "apt-get install postgresql failed"
}

# Run a PostgreSQL program as the `postgres` OS user when root (PostgreSQL refuses to run as root).
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

url() { echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"; }

running() { [ -f "$dir/port" ] && [ -n "${bin:-}" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

free_port() {
    "${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    bin=$(find_bin)
    if [ -z "$bin" ]; then install_postgres; bin=$(find_bin); fi
    [ -n "$bin" ] || die "no initdb found after installing PostgreSQL"
    if running; then url; return; fi
    local attempt port=""
    if [ -f "$data/PG_VERSION" ] && [ -f "$dir/port" ]; then
        port=$(cat "$dir/port")  # halted: the same cluster again, at the same port if it is still free
    else
        rm -rf "$dir"
        mkdir -p "$dir"
        [ "$(id -u)" != 0 ] || { id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; chown postgres "$dir"; }
        as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
            || die "initdb failed: $(tail -n 5 "$dir/initdb.log")"
    fi
    for attempt in 1 2 3 4 5; do
        [ -n "$port" ] && [ "$attempt" = 1 ] || port=$(free_port)
        if as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 ${QTRADER_PG_OPTIONS:-}" start >/dev/null 2>&1; then
            echo "$port" >"$dir/port"
            url
            return
        fi
        echo "tools/postgres.sh: start on port $port failed (attempt $attempt), trying another port" >&2
    done
    die "the server did not start: $(tail -n 5 "$dir/server.log" 2>/dev/null)"
}

stop() {
    bin=$(find_bin)
    if [ -d "$data" ] && [ -n "$bin" ]; then
        as_owner "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true  # its data goes too
    fi
    rm -rf "$dir"
}

halt() {
    bin=$(find_bin)
    running || die "no server runs in $dir"
    as_owner "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    halt) halt ;;
    url) bin=$(find_bin); running || die "no server runs in $dir (tools/postgres.sh start)"; url ;;
    *) die "usage: tools/postgres.sh start|stop|halt|url (QTRADER_PG_DIR names the server's folder)" ;;
esac
