#!/usr/bin/env bash
# Runs the whole test suite. Installs what the tests need (PostgreSQL, the Jsonnet reference
# implementation, Go), starts a throwaway PostgreSQL unless TEST_DATABASE_URL is set, runs
# `dotnet test` on the solution, and removes the database again, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)

log() { printf '[test.sh] %s\n' "$*" >&2; }

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

# --- dependencies -----------------------------------------------------------------------------
packages=()
[ -n "${TEST_DATABASE_URL:-}" ] || find_pg_bin >/dev/null || packages+=(postgresql)
command -v jsonnet >/dev/null || packages+=(jsonnet)
command -v go >/dev/null || packages+=(golang-go)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing packages: ${packages[*]} (run as root or install them with apt-get)"; exit 1
  fi
  log "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# --- PostgreSQL -------------------------------------------------------------------------------
pg_dir=""
pg_user=""
cleanup() {
  local code=$?
  if [ -n "$pg_dir" ]; then
    log "stopping the test PostgreSQL"
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  exit $code
}
as_pg() {
  if [ -n "$pg_user" ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}
trap cleanup EXIT INT TERM

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  log "using the PostgreSQL at TEST_DATABASE_URL"
else
  pg_bin=$(find_pg_bin)
  export TEST_PG_BIN="$pg_bin"
  # PostgreSQL refuses to run as root: use the postgres system user (made if missing).
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    pg_user=postgres
    export TEST_PG_USER=postgres
  fi
  pg_dir=$(mktemp -d -t identityserver-pg.XXXXXX)
  chmod 755 "$pg_dir"
  [ -z "$pg_user" ] || chown "$pg_user" "$pg_dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  log "starting PostgreSQL from $pg_bin on 127.0.0.1:$port"
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log" >&2; exit 1; }
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null \
    || { cat "$pg_dir/server.log" >&2; exit 1; }
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
fi

# --- tests ------------------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The official Kratos JavaScript SDK drives the flows in the SDK client test.
log "installing the SDK client test's npm packages"
npm ci --prefix tests/sdk-client --no-audit --no-fund >/dev/null

results="$root_dir/TestResults"
rm -rf "$results"
set +e
dotnet test IdentityServer.sln --logger "trx" --results-directory "$results" "$@"
code=$?
set -e
# One plain summary line over every test project.
python3 - "$results" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $code
