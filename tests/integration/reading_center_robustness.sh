#!/usr/bin/env bash
# Bad input and robustness of scripts/reading-center, on its own stack directory (no seeding):
#   reading_center_robustness.sh SCRIPT STACK_DIR
# missing generator, foreign directory, down with nothing running, busy ports, stale pid files,
# half-created directory, failure during up (everything started is stopped again).
set -euo pipefail

rc=$1
dir=$2
scratch=$(mktemp -d /tmp/dokuei-rc-robust.XXXXXX)
listeners=()
failures=0

cleanup() {
  local pid
  for pid in "${listeners[@]+"${listeners[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  "$rc" down --purge --dir "$dir" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

check() { # check DESCRIPTION COMMAND...: the command must succeed
  if "${@:2}"; then
    echo "ok   - $1"
  else
    echo "FAIL - $1"
    failures=$((failures + 1))
  fi
}

env_value() { # env_value KEY: one variable of `reading-center env`
  "$rc" env --dir "$dir" | sed -n "s/^export $1='\(.*\)'$/\1/p"
}

# A TLS listener on PORT that we own (openssl s_server, always installed with the stack).
occupy_port() {
  openssl s_server -quiet -accept "$1" -cert "$dir/pki/server.pem" -key "$dir/pki/server.key" \
    </dev/null >/dev/null 2>&1 &
  listeners+=($!)
  local i
  for ((i = 0; i < 50; i++)); do
    [ -n "$(ss -Htln "( sport = :$1 )")" ] && return 0
    sleep 0.1
  done
  return 1
}

"$rc" down --purge --dir "$dir" >/dev/null 2>&1 || true

# 1. Missing phantom generator: clear message naming the build command; nothing created.
out=$(DOKUEI_PHANTOM=$scratch/no-such-phantom "$rc" up --dir "$dir" 2>&1) && status=0 || status=$?
check "missing generator fails" test "$status" -ne 0
check "missing generator message says how to build it" grep -q 'cmake --build .* --target dokuei-phantom' <<<"$out"
check "missing generator creates no stack directory" test ! -e "$dir"

# 2. A foreign, non-empty directory is refused and left untouched.
mkdir -p "$scratch/foreign"
echo precious >"$scratch/foreign/data.txt"
out=$("$rc" up --no-seed --dir "$scratch/foreign" 2>&1) && status=0 || status=$?
check "foreign directory refused" test "$status" -ne 0
check "foreign directory message" grep -q 'not created by reading-center' <<<"$out"
check "foreign directory untouched" test "$(cat "$scratch/foreign/data.txt")" = precious
out=$("$rc" down --purge --dir "$scratch/foreign" 2>&1) && status=0 || status=$?
check "down --purge refuses a foreign directory" test "$status" -ne 0
check "foreign directory still there after down --purge" test -e "$scratch/foreign/data.txt"

# 3. down with nothing there / nothing running: exit 0.
check "down on a missing directory exits 0" "$rc" down --dir "$dir"

# 4. Fresh up without seeding; down; status then says stopped (exit non-zero).
check "up --no-seed from scratch" "$rc" up --no-seed --dir "$dir"
check "status healthy" "$rc" status --dir "$dir"
orthanc_port=$(env_value DOKUEI_RC_ORTHANC_URL)
orthanc_port=${orthanc_port##*:}
nginx_port=$(env_value DOKUEI_RC_NGINX_PORT)
ca_before=$(openssl x509 -in "$dir/pki/ca.pem" -noout -fingerprint -sha256)
check "down" "$rc" down --dir "$dir"
check "down twice exits 0" "$rc" down --dir "$dir"
check "status after down is non-zero" bash -c "! '$rc' status --dir '$dir' >/dev/null"

# 5. Busy ports: someone took both previous ports; up picks others and works.
check "occupy the old nginx port" occupy_port "$nginx_port"
check "occupy the old Orthanc port" occupy_port "$orthanc_port"
check "up with the old ports busy" "$rc" up --no-seed --dir "$dir"
new_nginx_port=$(env_value DOKUEI_RC_NGINX_PORT)
new_orthanc_port=$(env_value DOKUEI_RC_ORTHANC_URL)
new_orthanc_port=${new_orthanc_port##*:}
check "nginx moved to a free port" test "$new_nginx_port" != "$nginx_port"
check "Orthanc moved to a free port" test "$new_orthanc_port" != "$orthanc_port"
check "status healthy on the new ports" "$rc" status --dir "$dir"
check "same PKI after restart" test "$(openssl x509 -in "$dir/pki/ca.pem" -noout -fingerprint -sha256)" = "$ca_before"

# 6. Stale pid files: a pid that is alive but not ours must not be killed nor count as running.
"$rc" down --dir "$dir" >/dev/null 2>&1
sleep 300 &
bystander=$!
echo "$bystander" >"$dir/orthanc/orthanc.pid"
echo 999999 >"$dir/nginx/nginx.pid"
check "status with stale pid files is non-zero" bash -c "! '$rc' status --dir '$dir' >/dev/null"
check "up over stale pid files" "$rc" up --no-seed --dir "$dir"
check "the bystander process survived" kill -0 "$bystander"
kill "$bystander" 2>/dev/null || true

# 7. A stack that is up is not half-created: up refuses to wipe it only when daemons run.
rm -f "$dir/.provisioned"
out=$("$rc" up --no-seed --dir "$dir" 2>&1) && status=0 || status=$?
check "half-created while running is refused" test "$status" -ne 0
check "half-created while running message" grep -q 'half-created' <<<"$out"

# 8. Half-created and nothing running: wiped (our signature is there) and recreated.
"$rc" down --dir "$dir" >/dev/null 2>&1
touch "$dir/leftover-from-a-crash"
check "up recovers a half-created directory" "$rc" up --no-seed --dir "$dir"
check "half-created leftovers wiped" test ! -e "$dir/leftover-from-a-crash"
check "new PKI after recreation" test "$(openssl x509 -in "$dir/pki/ca.pem" -noout -fingerprint -sha256)" != "$ca_before"
check "status healthy after recovery" "$rc" status --dir "$dir"

# 9. Failure during up (the generator fails while seeding): non-zero, reason and log path printed,
#    and the daemons this run started are stopped again (no half-start).
"$rc" down --dir "$dir" >/dev/null 2>&1
printf '#!/bin/sh\necho "simulated generator failure" >&2\nexit 3\n' >"$scratch/bad-phantom"
chmod +x "$scratch/bad-phantom"
out=$(DOKUEI_PHANTOM=$scratch/bad-phantom "$rc" up --dir "$dir" 2>&1) && status=0 || status=$?
check "up with a failing generator fails" test "$status" -ne 0
check "failure names the generator log" grep -q 'logs/phantom-.*\.log' <<<"$out"
check "failure says what it stopped" grep -q 'stopping what this run started' <<<"$out"
check "nothing left running after the failed up" bash -c "! '$rc' status --dir '$dir' >/dev/null"
no_process() { ! pgrep -f -- "$1" >/dev/null; } # the [x] keeps the pattern from matching itself
check "no Orthanc of this stack left" no_process "$dir/[o]rthanc/orthanc.json"
check "no nginx of this stack left" no_process "$dir/[n]ginx/nginx.conf"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all robustness checks passed"
