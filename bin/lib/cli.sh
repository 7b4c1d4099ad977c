# Shared by bin/transcribe, bin/speak and bin/voices (sourced, not run). Bash + curl + python3 (JSON).
#
# Exit codes (the same for every CLI):
#   0  ok
#   1  usage: bad arguments, a missing input file
#   2  service unreachable or not ready (also 503: starting, shutting down) -> see --check
#   3  request rejected (4xx): the server's message is printed (401: SPEECH_API_KEY missing or wrong)
#   4  server error (5xx) or busy (429: retry after the time printed)
# shellcheck shell=bash

EXIT_USAGE=1 EXIT_UNREACHABLE=2 EXIT_REJECTED=3 EXIT_SERVER=4

CLI_TMP="$(mktemp -d "${TMPDIR:-/tmp}/speech-cli.XXXXXX")"
trap 'rm -rf "$CLI_TMP"' EXIT

# The script's header comment (from line 2 to the first line that is not a comment) is its help.
usage() {
  local code="${1:-$EXIT_USAGE}"
  if [ "$code" = 0 ]; then
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  else
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  fi
  exit "$code"
}

die() { local code="$1"; shift; echo "$PROG: $*" >&2; exit "$code"; }
note() { echo "$PROG: $*" >&2; }

# The key goes to curl in a file only this user can read (printf is a builtin): on the command line
# it would show in every other user's `ps`.
AUTH=()
if [ -n "${SPEECH_API_KEY:-}" ]; then
  (umask 077 && printf 'Authorization: Bearer %s\n' "$SPEECH_API_KEY" >"$CLI_TMP/auth-header")
  AUTH=(-H "@$CLI_TMP/auth-header")
fi

# Prints elapsed seconds with a spinner on stderr while process $1 runs (only on a terminal).
spin() {
  local pid="$1" label="$2" start=$SECONDS i=0 frames="|/-\\"
  if [ ! -t 2 ]; then
    return 0
  fi
  while kill -0 "$pid" 2>/dev/null; do
    printf '\r%s %s %ds ' "${frames:i++%4:1}" "$label" $((SECONDS - start)) >&2
    sleep 0.2
  done
  printf '\r\033[K' >&2
}

# request LABEL METHOD URL [curl args...]: the body lands in $CLI_TMP/body, the status in $STATUS.
# Transport failures exit 2 with what to do.
request() {
  local label="$1" method="$2" url="$3" rc=0
  shift 3
  curl -sS -X "$method" ${AUTH[@]+"${AUTH[@]}"} --connect-timeout 5 -D "$CLI_TMP/headers" -o "$CLI_TMP/body" -w '%{http_code}' \
    "$@" "$url" >"$CLI_TMP/status" 2>"$CLI_TMP/curl-err" &
  local pid=$!
  spin "$pid" "$label"
  wait "$pid" || rc=$?
  STATUS="$(cat "$CLI_TMP/status" 2>/dev/null || echo 000)"
  if [ "$rc" -ne 0 ]; then
    case "$rc" in
      6|7) die "$EXIT_UNREACHABLE" "cannot connect to $SERVICE_NAME at $BASE_URL ($(tr -d '\n' <"$CLI_TMP/curl-err"))
  start it with bin/start (or docker compose -f docker/docker-compose.yml up -d), or point $URL_VAR at it; '$PROG --check' tells more" ;;
      26) die "$EXIT_USAGE" "cannot read the input file: $(tr -d '\n' <"$CLI_TMP/curl-err")" ;;
      28) die "$EXIT_UNREACHABLE" "$SERVICE_NAME at $BASE_URL did not answer in time" ;;
      *) die "$EXIT_UNREACHABLE" "request to $url failed: $(tr -d '\n' <"$CLI_TMP/curl-err")" ;;
    esac
  fi
}

# The server's error message from an ApiError body ({"error": {"message", "code"}}), or the raw text.
server_message() {
  python3 - "$CLI_TMP/body" <<'PY' 2>/dev/null || head -c 300 "$CLI_TMP/body"
import json, sys
e = json.load(open(sys.argv[1]))["error"]
print(f"{e.get('message', '')} [{e.get('code', '')}]")
PY
}

# Exits with the documented code when $STATUS is not 2xx.
check_status() {
  local what="$1"
  case "$STATUS" in
    2??) return 0 ;;
    401|403) die "$EXIT_REJECTED" "$what: HTTP $STATUS: $(server_message)
  the service requires an API key: export SPEECH_API_KEY=<key>" ;;
    429) die "$EXIT_SERVER" "$what: HTTP 429 (busy): $(server_message); retry after $(retry_after) s" ;;
    503) die "$EXIT_UNREACHABLE" "$what: HTTP 503 (not ready or shutting down): $(server_message); retry after $(retry_after) s" ;;
    4??) die "$EXIT_REJECTED" "$what: HTTP $STATUS: $(server_message)" ;;
    *) die "$EXIT_SERVER" "$what: HTTP $STATUS: $(server_message)" ;;
  esac
}

retry_after() {
  header_value Retry-After || echo "a few"
}

header_value() {
  [ -f "$CLI_TMP/headers" ] && grep -i "^$1:" "$CLI_TMP/headers" | head -1 | cut -d: -f2 | tr -d ' \r' | grep . 
}

# --check: reachable? ready? key accepted? Prints what to do; exits 0 when all is well.
check_service() {
  local probe="$1"
  request "checking" GET "$BASE_URL/q/health/ready"
  if [ "$STATUS" = 200 ]; then
    echo "$SERVICE_NAME at $BASE_URL: reachable and ready"
  elif [ "$STATUS" = 503 ]; then
    local down
    down="$(python3 -c 'import json,sys; print(", ".join(c["name"] for c in json.load(open(sys.argv[1]))["checks"] if c["status"]!="UP"))' "$CLI_TMP/body" 2>/dev/null)"
    die "$EXIT_UNREACHABLE" "$SERVICE_NAME at $BASE_URL is reachable but not ready (down: ${down:-unknown})
  it may still be loading its model: wait and retry; if it stays down read its log (bin/start writes data/run/*.log)"
  else
    die "$EXIT_UNREACHABLE" "$BASE_URL/q/health/ready answered HTTP $STATUS: is $URL_VAR pointing at the $SERVICE_NAME?"
  fi
  request "checking" GET "$BASE_URL$probe"
  case "$STATUS" in
    401|403) die "$EXIT_REJECTED" "the API key is $([ -n "${SPEECH_API_KEY:-}" ] && echo "not accepted" || echo "missing"): set SPEECH_API_KEY to the key the service was started with" ;;
    2??) echo "API: ok$([ -n "${SPEECH_API_KEY:-}" ] && echo " (API key accepted)")" ;;
    *) check_status "GET $probe" ;;
  esac
}

# JSON string of a file's contents or of a literal (for request bodies).
json_quote() {
  python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'
}

# All voices as "id<TAB>name" lines (GET /v1/voices, every page).
voice_lines() {
  local offset=0 more=true
  while [ "$more" = true ]; do
    request "listing voices" GET "$BASE_URL/v1/voices?limit=100&offset=$offset"
    check_status "GET /v1/voices"
    python3 -c '
import json, sys
page = json.load(open(sys.argv[1]))
for v in page.get("data", []):
    print(v["id"] + "\t" + (v.get("name") or ""))
print("more" if page.get("has_more") else "last", file=open(sys.argv[2], "w"))' "$CLI_TMP/body" "$CLI_TMP/more"
    [ "$(cat "$CLI_TMP/more")" = more ] && more=true || more=false
    offset=$((offset + 100))
  done
}

# Voice id for an id or a (case-insensitive) name; exits 3 when there is none or several.
resolve_voice() {
  local wanted="$1" lines matches
  lines="$(voice_lines)"
  matches="$(awk -F'\t' -v w="$wanted" '$1 == w { print $1; found = 1; exit } END { }' <<<"$lines")"
  if [ -z "$matches" ]; then
    matches="$(awk -F'\t' -v w="$(tr '[:upper:]' '[:lower:]' <<<"$wanted")" 'tolower($2) == w { print $1 }' <<<"$lines")"
  fi
  case "$(grep -c . <<<"$matches")" in
    1) echo "$matches" ;;
    0) die "$EXIT_REJECTED" "no voice with id or name '$wanted'; voices: $(cut -f2 <<<"$lines" | paste -sd, - | sed 's/,/, /g')
  create one with: bin/voices create NAME AUDIOFILE" ;;
    *) die "$EXIT_REJECTED" "several voices are named '$wanted' (ids: $(paste -sd' ' <<<"$matches")): give the id" ;;
  esac
}
