# shellcheck shell=bash
# Seeds Orthanc with phantom studies from dokuei-phantom (tests/phantom): generates, uploads through
# Orthanc's loopback REST API in parallel batches, checks the instance counts, records the UIDs and
# keeps only truth.json (the DICOM files are deleted after upload).

# name|preset|transfer syntax|charset|patient name|patient id|institution|accession|description|seed
RC_SEED_STUDIES=(
  "chest|chest|explicit-le|utf8|Yamada^Taro=山田^太郎=やまだ^たろう|SKR-0012345|さくら市立病院|SKR24-0001|胸部CT 単純|1101"
  "head|head|jpeg-ls|iso2022|Suzuki^Hanako=鈴木^花子=すずき^はなこ|MNT-0067890|みなと健診センター|MNT24-0002|頭部CT 単純|2202"
  "tiny|tiny|explicit-le|utf8|Kato^Jiro=加藤^次郎=かとう^じろう|SKR-0099999|さくら市立病院|SKR24-0003|テスト用|3303"
)
RC_UPLOAD_JOBS=4

rc_phantom_binary() {
  printf '%s' "${DOKUEI_PHANTOM:-$RC_REPO_DIR/build/bin/dokuei-phantom}"
}

rc_seed_check_phantom() {
  local bin
  bin=$(rc_phantom_binary)
  [ -x "$bin" ] || rc_die "the phantom generator $bin does not exist. Build it with:
  cmake -S $RC_REPO_DIR -B $RC_REPO_DIR/build -G Ninja   # once
  cmake --build $RC_REPO_DIR/build --target dokuei-phantom
or point DOKUEI_PHANTOM at the binary (or use --no-seed)."
}

rc_seed_done() { [ -e "$RC_DIR/seed/.seeded" ]; }

# rc_seed_generate LINE OUTDIR: runs dokuei-phantom for one study line.
rc_seed_generate() {
  local line=$1 out=$2
  local IFS='|'
  # shellcheck disable=SC2206
  local -a f=($line)
  IFS=$' \t\n'
  mkdir -p "$out"
  "$(rc_phantom_binary)" --preset "${f[1]}" --out "$out" --transfer-syntax "${f[2]}" \
    --charset "${f[3]}" --patient-name "${f[4]}" --patient-id "${f[5]}" --institution "${f[6]}" \
    --accession "${f[7]}" --study-description "${f[8]}" --seed "${f[9]}" --quiet \
    >>"$RC_DIR/logs/phantom-${f[0]}.log" 2>&1
}

# rc_seed_upload_chunk LISTFILE: uploads the files named in LISTFILE over one keep-alive connection;
# prints one HTTP status per file.
rc_seed_upload_chunk() {
  local list=$1 url file
  url="$(rc_orthanc_url)/instances"
  {
    printf 'user = "%s:%s"\n' "$RC_ORTHANC_USER" "$(rc_secret ORTHANC_PASSWORD)"
    local first=1
    while read -r file; do
      [ $first = 1 ] || printf 'next\n'
      first=0
      printf 'url = "%s"\nuser = "%s:%s"\ndata-binary = "@%s"\nheader = "Content-Type: application/dicom"\nheader = "Expect:"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nsilent\nshow-error\nmax-time = 120\n' \
        "$url" "$RC_ORTHANC_USER" "$(rc_secret ORTHANC_PASSWORD)" "$file"
    done <"$list"
  } | curl -K -
}

# rc_seed_upload DIR NAME: uploads DIR/*.dcm in RC_UPLOAD_JOBS parallel connections.
rc_seed_upload() {
  local dir=$1 name=$2 total ok i
  local work=$RC_DIR/seed/work-$name-lists
  rm -rf "$work"
  mkdir -p "$work"
  find "$dir" -maxdepth 1 -name '*.dcm' -type f | sort >"$work/all"
  total=$(wc -l <"$work/all")
  [ "$total" -gt 0 ] || rc_die "dokuei-phantom wrote no .dcm files for $name into $dir (log: $RC_DIR/logs/phantom-$name.log)"
  split -n "r/$RC_UPLOAD_JOBS" -d "$work/all" "$work/chunk-"
  local -a pids=()
  for i in "$work"/chunk-*; do
    [ -s "$i" ] || continue
    rc_seed_upload_chunk "$i" >"$i.codes" 2>"$i.err" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
  ok=$(cat "$work"/chunk-*.codes | grep -c '^200$' || true)
  if [ "$ok" != "$total" ]; then
    rc_die "upload of $name: $ok of $total instances accepted by Orthanc (errors: $(cat "$work"/chunk-*.err | head -c 400); log: $RC_DIR/logs/orthanc.log)"
  fi
  rm -rf "$work"
  printf '%s' "$total"
}

# rc_dicom_tag FILE TAG: the value of a tag as dcmdump prints it between brackets.
rc_dicom_tag() {
  dcmdump -q -s +P "$2" "$1" 2>/dev/null | sed -n 1p | sed -n 's/^[^[]*\[\([^]]*\)\].*/\1/p'
}

# rc_seed_series_count SERIES_UID: how many instances Orthanc holds in that series.
rc_seed_series_count() {
  local id
  id=$(rc_orthanc_curl /tools/lookup -f -X POST --data-binary "$1" |
    tr ',' '\n' | sed -n 's/.*"ID" *: *"\([^"]*\)".*/\1/p' | sed -n 1p)
  [ -n "$id" ] || { printf 0; return 0; }
  rc_orthanc_curl "/series/$id/statistics" -f | tr ',' '\n' |
    sed -n 's/.*"CountInstances" *: *"\{0,1\}\([0-9]*\).*/\1/p' | sed -n 1p
}

# rc_seed_finish_study NAME DIR: upload, verify, record UIDs, keep truth.json, delete the DICOM files.
rc_seed_finish_study() {
  local name=$1 dir=$2 first count stored study series key
  key=${name^^}
  first=$(find "$dir" -maxdepth 1 -name '*.dcm' -type f | sort | sed -n 1p)
  [ -n "$first" ] || rc_die "dokuei-phantom wrote no .dcm files for $name (log: $RC_DIR/logs/phantom-$name.log)"
  study=$(rc_dicom_tag "$first" 0020,000d)
  series=$(rc_dicom_tag "$first" 0020,000e)
  if [ -z "$study" ] || [ -z "$series" ]; then rc_die "cannot read the UIDs of $first"; fi
  count=$(rc_seed_upload "$dir" "$name")
  stored=$(rc_seed_series_count "$series")
  [ "$stored" = "$count" ] || rc_die "Orthanc holds $stored instances of the $name series, expected $count"
  [ -e "$dir/truth.json" ] && cp "$dir/truth.json" "$RC_DIR/seed/$name-truth.json"
  rm -rf "$dir"
  local s=$RC_DIR/seed/seed.env
  rc_state_set "$s" "${key}_STUDY_UID" "$study"
  rc_state_set "$s" "${key}_SERIES_UID" "$series"
  rc_state_set "$s" "${key}_INSTANCES" "$count"
  if [ -e "$RC_DIR/seed/$name-truth.json" ]; then
    rc_state_set "$s" "${key}_TRUTH" "$RC_DIR/seed/$name-truth.json"
  fi
  rc_log "seeded $name: $count instances, study $study"
}

# rc_seed: generates the studies two at a time and uploads each as soon as it is ready.
rc_seed() {
  rc_seed_check_phantom
  mkdir -p "$RC_DIR/seed"
  local line name dir
  local -a names=() pids=()
  for line in "${RC_SEED_STUDIES[@]}"; do
    name=${line%%|*}
    dir=$RC_DIR/seed/work-$name
    rm -rf "$dir"
    rc_seed_generate "$line" "$dir" &
    pids+=($!)
    names+=("$name")
  done
  local i
  for i in "${!pids[@]}"; do
    name=${names[$i]}
    wait "${pids[$i]}" || rc_die "dokuei-phantom failed for $name; log: $RC_DIR/logs/phantom-$name.log
$(tail -n 5 "$RC_DIR/logs/phantom-$name.log" 2>/dev/null)"
    rc_seed_finish_study "$name" "$RC_DIR/seed/work-$name"
  done
  rc_state_set "$RC_DIR/seed/seed.env" PHANTOM_SHA256 "$(sha256sum "$(rc_phantom_binary)" | cut -c1-64)"
  : >"$RC_DIR/seed/.seeded"
}

# rc_seed_generator_changed: the generator binary differs from the one that seeded the stack.
rc_seed_generator_changed() {
  local bin recorded
  bin=$(rc_phantom_binary)
  [ -x "$bin" ] || return 1 # nothing to compare with: keep what is seeded
  recorded=$(rc_state_get "$RC_DIR/seed/seed.env" PHANTOM_SHA256)
  [ "$(sha256sum "$bin" | cut -c1-64)" != "$recorded" ]
}

# rc_seed_wipe: forgets the seeded studies (Orthanc must be stopped).
rc_seed_wipe() {
  rm -rf "$RC_DIR/orthanc/storage" "$RC_DIR/orthanc/index" "$RC_DIR/seed"
}
