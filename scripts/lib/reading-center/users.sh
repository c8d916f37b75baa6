# shellcheck shell=bash
# shellcheck disable=SC2034 # constants used by scripts/reading-center, which sources this file
# The demo and test users of the reading centre. One line per user:
#   id|romanised name|role|kind
# kind decides how the certificates are made:
#   qualified     issued by the demo root, hcRole "Medical Doctor" in SubjectDirectoryAttributes
#   revoked       like qualified, then revoked in the CRL nginx checks
#   expired       like qualified, validity entirely in the past
#   untrusted     issued by a separate "rogue" CA that nginx does not trust
#   unqualified   issued by the demo root without SubjectDirectoryAttributes (no qualification)
RC_USERS=(
  "dr.sato|Sato Hanako|radiologist|qualified"
  "dr.tanaka|Tanaka Ichiro|radiologist|qualified"
  "dr.suzuki|Suzuki Kenji|supervising-radiologist|qualified"
  "test.revoked|Takahashi Yuki|radiologist|revoked"
  "test.expired|Ito Makoto|radiologist|expired"
  "test.untrusted|Watanabe Aoi|radiologist|untrusted"
  "test.noqual|Yamamoto Ren|clerk|unqualified"
)
RC_DEMO_USER=dr.sato

rc_user_field() { # rc_user_field "LINE" N
  local IFS='|'
  # shellcheck disable=SC2206
  local -a f=($1)
  printf '%s' "${f[$2]}"
}

rc_user_ids() {
  local u
  for u in "${RC_USERS[@]}"; do printf '%s\n' "${u%%|*}"; done
}

# rc_user_key ID: the ID as an environment variable fragment (dr.sato -> DR_SATO).
rc_user_key() {
  local k=${1^^}
  printf '%s' "${k//[^A-Z0-9]/_}"
}

rc_user_line() {
  local u
  for u in "${RC_USERS[@]}"; do
    [ "${u%%|*}" = "$1" ] && { printf '%s' "$u"; return 0; }
  done
  return 1
}
