#!/usr/bin/env bash
# Bad input and robustness of scripts/reading-center, on its own stack directory (no seeding):
#   reading_center_robustness.sh SCRIPT STACK_DIR
# missing generator, missing dependency, foreign directory, down with nothing running, busy ports, stale
# pid files, half-created directory, failure during up (everything started is stopped again), CRL renewal.
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

# 1b. A missing dependency (the DICOMweb plugin moved away): clear message naming the file, its package
#     and scripts/setup (with sudo only when not root), non-zero exit, no stack directory created.
check_missing_dependency() { # check_missing_dependency LABEL: runs up as the current user
  local out status
  out=$(DOKUEI_RC_DICOMWEB_PLUGIN=$scratch/no-such-plugin.so "$rc" up --dir "$dir" 2>&1) && status=0 || status=$?
  check "missing dependency fails ($1)" test "$status" -ne 0
  check "missing dependency message names the file and package ($1)" \
    grep -q "missing dependencies: $scratch/no-such-plugin.so (package orthanc-dicomweb)" <<<"$out"
  check "missing dependency message says how to install ($1)" grep -q 'Install them with: .*scripts/setup' <<<"$out"
  if [ "$(id -u)" -eq 0 ]; then
    # shellcheck disable=SC2016 # $1 is the inner shell's argument
    check "no sudo in the message for root" bash -c '! grep -q sudo <<<"$1"' _ "$out"
  else
    check "sudo in the message for a user ($1)" grep -q 'with: sudo ' <<<"$out"
  fi
  check "missing dependency creates no stack directory ($1)" test ! -e "$dir"
}
check_missing_dependency "$(id -un)"
# As root, the same for an unprivileged user (whose message must say sudo), when setpriv can switch.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && setpriv --reuid 65534 --regid 65534 --clear-groups true 2>/dev/null; then
  out=$(setpriv --reuid 65534 --regid 65534 --clear-groups env DOKUEI_RC_DICOMWEB_PLUGIN=/nonexistent/plugin.so \
    "$rc" up --dir "$dir" 2>&1) && status=0 || status=$?
  check "missing dependency fails (uid 65534)" test "$status" -ne 0
  check "sudo in the message for a user (uid 65534)" grep -q 'Install them with: sudo .*scripts/setup' <<<"$out"
  check "missing dependency creates no stack directory (uid 65534)" test ! -e "$dir"
fi

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

# 5b. A running stack whose CRL expires within 7 days: up re-issues it (30 days) and reloads nginx (the
#     master stays, its workers are replaced); a fresh CRL is left alone.
crl_next() { date -d "$(openssl crl -in "$dir/pki/crl.pem" -noout -nextupdate | sed 's/^nextUpdate=//')" +%s; }
crl_number() { openssl crl -in "$dir/pki/crl.pem" -noout -crlnumber; }
crl_before=$(crl_number)
out=$("$rc" up --no-seed --dir "$dir" 2>&1) && status=0 || status=$?
check "up with a fresh CRL" test "$status" -eq 0
check "a fresh CRL is not re-issued" test "$(crl_number)" = "$crl_before"
openssl ca -config "$dir/pki/ca.cnf" -name demo_ca -gencrl -crlhours 30 -out "$dir/pki/crl.pem" </dev/null 2>/dev/null
check "CRL made to expire in 30 hours" test $(($(crl_next) - $(date +%s))) -lt $((2 * 86400))
nginx_master=$(cat "$dir/nginx/nginx.pid")
workers_before=$(pgrep -P "$nginx_master" | sort | tr '\n' ' ')
out=$("$rc" up --no-seed --dir "$dir" 2>&1) && status=0 || status=$?
check "up renews a CRL near expiry" test "$status" -eq 0
check "up says it renewed the CRL" grep -q 'CRL renewed' <<<"$out"
check "renewed CRL lasts about 30 days" test $(($(crl_next) - $(date +%s))) -gt $((29 * 86400))
check "nginx master kept (reload, not restart)" test "$(cat "$dir/nginx/nginx.pid")" = "$nginx_master"
check "nginx workers replaced by the reload" test "$(pgrep -P "$nginx_master" | sort | tr '\n' ' ')" != "$workers_before"
check "status healthy after the CRL renewal" "$rc" status --dir "$dir"
# shellcheck disable=SC1090 # the stack's exports
revoked_code=$(. <("$rc" env --dir "$dir") && OPENSSL_CONF=$DOKUEI_RC_OPENSSL_CONF curl -sS -o /dev/null -w '%{http_code}' \
  --cacert "$DOKUEI_RC_CA" --engine pkcs11 --key-type ENG --cert "$DOKUEI_RC_USER_TEST_REVOKED_AUTH_CERT" \
  --key "pkcs11:token=test.revoked;object=auth;type=private;pin-value=$DOKUEI_RC_USER_TEST_REVOKED_PIN" \
  "$DOKUEI_RC_URL/studies" 2>/dev/null) || true
check "the revoked card is still refused with the renewed CRL" test "$revoked_code" = 400

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
