# shellcheck shell=bash
# shellcheck disable=SC2034 # constants used by scripts/reading-center, which sources this file
# Shared helpers of scripts/reading-center: logging, phase timing, dependency checks, free ports,
# daemon pid files and random secrets. Sourced, never executed.

RC_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
RC_PKCS11_ENGINE=/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so
# DOKUEI_RC_DICOMWEB_PLUGIN: another build of the DICOMweb plugin (absolute path; the robustness test
# points it at a missing file).
RC_DICOMWEB_PLUGIN=${DOKUEI_RC_DICOMWEB_PLUGIN:-/usr/share/orthanc/plugins/libOrthancDicomWeb.so}
RC_SIGNATURE_FILE=.dokuei-reading-center
RC_COMPLETE_MARKER=.provisioned

rc_log() { printf '[reading-center] %s\n' "$*" >&2; }
rc_warn() { printf '[reading-center] warning: %s\n' "$*" >&2; }
rc_die() {
  printf '[reading-center] error: %s\n' "$*" >&2
  exit 1
}

# Milliseconds since the epoch (GNU date).
rc_now_ms() { date +%s%3N; }

RC_PHASE_NAME=""
RC_PHASE_START=0
# rc_phase NAME: ends the running phase (printing its duration) and starts NAME ("" only ends).
rc_phase() {
  local now
  now=$(rc_now_ms)
  if [ -n "$RC_PHASE_NAME" ]; then
    local ms=$((now - RC_PHASE_START))
    printf '[reading-center] phase %-10s %d.%03d s\n' "$RC_PHASE_NAME" $((ms / 1000)) $((ms % 1000)) >&2
  fi
  RC_PHASE_NAME=$1
  RC_PHASE_START=$now
}

# Every command the stack runs, with the Debian package that provides it.
rc_check_dependencies() {
  local -a missing=()
  local entry cmd pkg
  for entry in openssl:openssl curl:curl Orthanc:orthanc nginx:nginx-light softhsm2-util:softhsm2 \
    pkcs11-tool:opensc dcmdump:dcmtk ss:iproute2 setsid:util-linux flock:util-linux \
    sha256sum:coreutils base64:coreutils od:coreutils pgrep:procps; do
    cmd=${entry%%:*}
    pkg=${entry#*:}
    command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 ||
      missing+=("$cmd (package $pkg)")
  done
  local file
  for entry in "$RC_PKCS11_MODULE:softhsm2" "$RC_PKCS11_ENGINE:libengine-pkcs11-openssl" \
    "$RC_DICOMWEB_PLUGIN:orthanc-dicomweb"; do
    file=${entry%%:*}
    pkg=${entry#*:}
    [ -e "$file" ] || missing+=("$file (package $pkg)")
  done
  case $RC_DICOMWEB_PLUGIN in
  /*) ;;
  *) rc_die "DOKUEI_RC_DICOMWEB_PLUGIN must be an absolute path, got '$RC_DICOMWEB_PLUGIN'" ;;
  esac
  if [ ${#missing[@]} -gt 0 ]; then
    # Runs before anything is created: a failed check leaves no stack directory behind.
    local setup=$RC_REPO_DIR/scripts/setup
    [ "$(id -u)" -eq 0 ] || setup="sudo $setup"
    rc_die "missing dependencies: ${missing[*]}. Install them with: $setup"
  fi
}

# ---- random secrets -------------------------------------------------------------------------------

rc_random_hex() { openssl rand -hex "$1"; }

# An 8-digit PIN.
rc_random_pin() {
  local n
  n=$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')
  printf '%08d' $((n % 100000000))
}

# A password that meets the login policy (12+ characters with lower, upper, digit and symbol).
rc_random_password() {
  local base symbols='!#%+-_=' s d
  base=$(openssl rand -base64 24 | tr -dc 'A-Za-z0-9' | cut -c1-12)
  s=${symbols:$(($(od -An -N1 -tu1 /dev/urandom | tr -d ' \n') % ${#symbols})):1}
  d=$(($(od -An -N1 -tu1 /dev/urandom | tr -d ' \n') % 10))
  printf 'Rc%s%s%sz' "$base" "$s" "$d"
}

# ---- ports ----------------------------------------------------------------------------------------

rc_port_in_use() {
  [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
}

# rc_free_port [EXCLUDED...]: a TCP port in 20000-59999 nobody listens on, not in EXCLUDED.
rc_free_port() {
  local port tries=0 ex taken
  while [ $tries -lt 200 ]; do
    tries=$((tries + 1))
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    taken=0
    for ex in "$@"; do [ "$ex" = "$port" ] && taken=1; done
    [ $taken = 1 ] && continue
    rc_port_in_use "$port" && continue
    printf '%s' "$port"
    return 0
  done
  rc_die "no free TCP port found on 127.0.0.1"
}

# ---- processes ------------------------------------------------------------------------------------

# rc_pid_alive PIDFILE: prints the pid and succeeds when PIDFILE names a live process whose command
# line mentions the stack directory (so a recycled pid of someone else's process never counts).
rc_pid_alive() {
  local pidfile=$1 pid
  [ -s "$pidfile" ] || return 1
  pid=$(tr -dc '0-9' <"$pidfile")
  [ -n "$pid" ] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$RC_DIR" || return 1
  printf '%s' "$pid"
}

# rc_stop_pidfile NAME PIDFILE: TERM, wait up to 10 s, then KILL; removes the pid file.
rc_stop_pidfile() {
  local name=$1 pidfile=$2 pid i
  if ! pid=$(rc_pid_alive "$pidfile"); then
    [ -e "$pidfile" ] && rc_log "$name: removing stale pid file $pidfile"
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  if [ -d "/proc/$pid" ]; then
    rc_warn "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$pidfile"
  rc_log "$name stopped (pid $pid)"
}

# ---- state files ----------------------------------------------------------------------------------

# rc_state_set FILE KEY VALUE: replaces or appends KEY='VALUE' (values never contain quotes).
rc_state_set() {
  local file=$1 key=$2 value=$3 tmp
  tmp="$file.tmp.$$"
  if [ -e "$file" ]; then grep -v "^$key=" "$file" >"$tmp" || true; else : >"$tmp"; fi
  printf "%s='%s'\n" "$key" "$value" >>"$tmp"
  chmod 600 "$tmp"
  mv -f "$tmp" "$file"
}

# rc_state_get FILE KEY: prints VALUE or nothing.
rc_state_get() {
  local file=$1 key=$2 line
  [ -e "$file" ] || return 0
  line=$(grep "^$key=" "$file" | tail -n1 || true)
  line=${line#*=}
  line=${line#\'}
  printf '%s' "${line%\'}"
}

rc_port_listening() {
  [ -n "$(ss -Htln "( sport = :$1 )" 2>/dev/null)" ]
}

# rc_stop_all: stops nginx and Orthanc in parallel (each takes seconds to shut down gracefully).
rc_stop_all() {
  rc_stop_pidfile nginx "$RC_DIR/nginx/nginx.pid" &
  local nginx_stop=$!
  rc_stop_pidfile Orthanc "$RC_DIR/orthanc/orthanc.pid"
  wait "$nginx_stop" || true
}
