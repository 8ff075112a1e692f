#!/usr/bin/env bash
# Build the Go execution service, start it on a free loopback port (--port 0: the system picks one), run the
# execution conformance cases against it, stop it. Exits non-zero on any failure (a known-failing case that
# passes is a failure too). Called by `make test-go`; run from anywhere.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
QTRADER="${QTRADER:-$ROOT/.venv/bin/qtrader}"
BIN="$ROOT/build/qtrader-execution"
KNOWN="$ROOT/conformance/known-failing/go-execution.txt"

mkdir -p "$ROOT/build"
(cd "$ROOT/go" && go build -o "$BIN" ./cmd/qtrader-execution)

LOG="$(mktemp)"
"$BIN" --host 127.0.0.1 --port 0 >"$LOG" 2>&1 &
PID=$!
cleanup() {
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    rm -f "$LOG"
}
trap cleanup EXIT

ADDR=""
for _ in $(seq 1 100); do
    ADDR="$(grep -o '127\.0\.0\.1:[0-9]*' "$LOG" | head -n 1 || true)"
    [ -n "$ADDR" ] && break
    if ! kill -0 "$PID" 2>/dev/null; then
        echo "the Go execution service did not start:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$ADDR" ]; then
    echo "the Go execution service printed no address within 10 s:" >&2
    cat "$LOG" >&2
    exit 1
fi

cd "$ROOT"
"$QTRADER" conformance --target "$ADDR" --service execution --known-failing "$KNOWN"
