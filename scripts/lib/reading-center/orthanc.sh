# shellcheck shell=bash
# Orthanc 1.10 with the DICOMweb plugin: plain HTTP on loopback, basic auth with a password only nginx
# (and the seeding code) knows, every byte of state inside the stack directory.
# Orthanc's own HTTPS is never enabled (it segfaults on Debian 12).
#
# Orthanc 1.10 has no bind-address option: both its ports listen on 0.0.0.0. So
# - HTTP: "RemoteAccessAllowed": false makes Orthanc refuse (401, no body) every request whose peer
#   address is not loopback, whatever the credentials;
# - DICOM: only scripts/bench uses it (DCMTK getscu, a C-GET of the chest as a reference peer). Every
#   DicomAlwaysAllow* is false and DicomCheckModalityHost is true, so Orthanc accepts an association only
#   from the one registered modality, AE title DOKUEI_BENCH *and* address 127.0.0.1, which may C-ECHO and
#   C-GET and nothing else (no C-FIND, C-MOVE or C-STORE); any other peer is rejected at association.

RC_ORTHANC_USER=dokuei-proxy
RC_ORTHANC_AET=DOKUEI_RC
RC_BENCH_AET=DOKUEI_BENCH

rc_orthanc_write_config() { # rc_orthanc_write_config HTTP_PORT DICOM_PORT BENCH_SCU_PORT
  local o=$RC_DIR/orthanc
  mkdir -p "$o/storage" "$o/index" "$o/tmp"
  chmod 700 "$o"
  cat >"$o/orthanc.json.tmp" <<EOF
{
  "Name" : "dokuei demo reading centre",
  "StorageDirectory" : "$o/storage",
  "IndexDirectory" : "$o/index",
  "TemporaryDirectory" : "$o/tmp",
  "StorageCompression" : false,
  "MaximumStorageCacheSize" : 256,
  "Plugins" : [ "$RC_DICOMWEB_PLUGIN" ],
  "HttpServerEnabled" : true,
  "HttpPort" : $1,
  "HttpDescribeErrors" : true,
  "HttpCompressionEnabled" : false,
  "HttpThreadsCount" : 16,
  "KeepAlive" : true,
  "TcpNoDelay" : true,
  "SslEnabled" : false,
  "RemoteAccessAllowed" : false,
  "AuthenticationEnabled" : true,
  "RegisteredUsers" : { "$RC_ORTHANC_USER" : "$(rc_secret ORTHANC_PASSWORD)" },
  "DicomServerEnabled" : true,
  "DicomAet" : "$RC_ORTHANC_AET",
  "DicomPort" : $2,
  "DicomCheckCalledAet" : true,
  "DicomCheckModalityHost" : true,
  "DicomAlwaysAllowEcho" : false,
  "DicomAlwaysAllowStore" : false,
  "DicomAlwaysAllowFind" : false,
  "DicomAlwaysAllowFindWorklist" : false,
  "DicomAlwaysAllowGet" : false,
  "DicomAlwaysAllowMove" : false,
  "DicomModalitiesInDatabase" : false,
  "DicomModalities" : {
    "dokuei-bench" : { "AET" : "$RC_BENCH_AET", "Host" : "127.0.0.1", "Port" : $3,
                       "AllowEcho" : true, "AllowGet" : true, "AllowFind" : false, "AllowFindWorklist" : false,
                       "AllowMove" : false, "AllowStore" : false, "AllowStorageCommitment" : false }
  },
  "DicomThreadsCount" : 4,
  "DefaultEncoding" : "Utf8",
  "ConcurrentJobs" : 2,
  "SaveJobs" : false,
  "OverwriteInstances" : false,
  "StorageAccessOnFind" : "Always",
  "SyncStorageArea" : false,
  "DicomWeb" : {
    "Enable" : true,
    "Root" : "/dicom-web/",
    "EnableWado" : false,
    "StudiesMetadata" : "Full",
    "SeriesMetadata" : "Full"
  }
}
EOF
  mv -f "$o/orthanc.json.tmp" "$o/orthanc.json"
  chmod 600 "$o/orthanc.json"
}

rc_orthanc_url() { printf 'http://127.0.0.1:%s' "$(rc_state_get "$RC_DIR/state.env" ORTHANC_HTTP_PORT)"; }

# rc_orthanc_curl PATH [curl options...]: an authenticated request to Orthanc's REST API.
# The password goes through a curl config on stdin, never on a command line.
rc_orthanc_curl() {
  local path=$1
  shift
  printf 'user = "%s:%s"\n' "$RC_ORTHANC_USER" "$(rc_secret ORTHANC_PASSWORD)" |
    curl -K - -sS --max-time 30 "$@" "$(rc_orthanc_url)$path"
}

rc_orthanc_healthy() {
  rc_orthanc_curl /system -f -o /dev/null 2>/dev/null
}

# rc_orthanc_start: picks free ports (keeping the previous ones when still free), starts Orthanc and
# waits until /system answers. Retries with other ports when a port was taken in the meantime.
rc_orthanc_start() {
  local state=$RC_DIR/state.env http dicom bench attempt pid i
  local log=$RC_DIR/logs/orthanc.log
  for attempt in 1 2 3; do
    http=$(rc_state_get "$state" ORTHANC_HTTP_PORT)
    dicom=$(rc_state_get "$state" ORTHANC_DICOM_PORT)
    bench=$(rc_state_get "$state" BENCH_SCU_PORT)
    local nginx_port
    nginx_port=$(rc_state_get "$state" NGINX_PORT)
    if [ -z "$http" ] || rc_port_listening "$http"; then http=$(rc_free_port "$nginx_port"); fi
    if [ -z "$dicom" ] || rc_port_listening "$dicom"; then dicom=$(rc_free_port "$http" "$nginx_port"); fi
    if [ -z "$bench" ] || rc_port_listening "$bench"; then bench=$(rc_free_port "$http" "$dicom" "$nginx_port"); fi
    rc_state_set "$state" ORTHANC_HTTP_PORT "$http"
    rc_state_set "$state" ORTHANC_DICOM_PORT "$dicom"
    rc_state_set "$state" BENCH_SCU_PORT "$bench"
    rc_orthanc_write_config "$http" "$dicom" "$bench"
    printf -- '---- start %s (attempt %s, http %s, dicom %s)\n' "$(date -Is)" "$attempt" "$http" "$dicom" >>"$log"
    TMPDIR=$RC_DIR/orthanc/tmp setsid Orthanc --logfile="$log" "$RC_DIR/orthanc/orthanc.json" \
      </dev/null >>"$RC_DIR/logs/orthanc.stdout" 2>&1 9<&- &
    pid=$!
    printf '%s\n' "$pid" >"$RC_DIR/orthanc/orthanc.pid"
    RC_STARTED+=(orthanc)
    for ((i = 0; i < 300; i++)); do
      if ! [ -d "/proc/$pid" ]; then break; fi
      if rc_orthanc_healthy; then
        rc_log "Orthanc up: http://127.0.0.1:$http (pid $pid), DICOM $RC_ORTHANC_AET@127.0.0.1:$dicom"
        return 0
      fi
      sleep 0.1
    done
    if [ -d "/proc/$pid" ]; then
      rc_stop_pidfile Orthanc "$RC_DIR/orthanc/orthanc.pid"
      rc_die "Orthanc did not answer on http://127.0.0.1:$http/system within 30 s (log: $log)"
    fi
    rm -f "$RC_DIR/orthanc/orthanc.pid"
    rc_warn "Orthanc exited during start (attempt $attempt; log: $log); retrying with other ports"
    rc_state_set "$state" ORTHANC_HTTP_PORT ""
    rc_state_set "$state" ORTHANC_DICOM_PORT ""
  done
  rc_die "Orthanc failed to start 3 times; last log lines:
$(tail -n 15 "$log" 2>/dev/null)
full log: $log"
}
