#!/usr/bin/env bash
# Full-size Echo-TTS export benchmark: the REAL architecture (DiT 2.38 B params, S1-DAC 391 M) with
# random weights (nothing is downloaded), exported at --precision (default fp16). Reports graph sizes,
# export time and peak memory (/usr/bin/time -v). Results of a run are in docs/echo-tts-graphs.md.
#
#   bench/echo_export_fullsize.sh [OUT_DIR] [PRECISION] [extra export args, e.g. --skip-parity]
#
# Env: TIMEOUT (default 45m).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/onnx-export/target/echo-fullsize}"
precision="${2:-fp16}"
shift $(( $# > 2 ? 2 : $# ))
rm -rf "$out"; mkdir -p "$out"
log="${out%/}.bench.log"  # outside OUT: manifest.json hashes every file in OUT
echo "echo-tts full-size export: precision=$precision out=$out (log: $log)"
set +e
timeout "${TIMEOUT:-45m}" /usr/bin/time -v "$root/onnx-export/export" echo-tts --random-weights \
  --precision "$precision" --out "$out" "$@" >"$log" 2>&1
rc=$?
set -e
grep -E "loaded in|exported in|parity|Elapsed \(wall|Maximum resident|Exit status|error" "$log" || true
echo "graph files:"
ls -l "$out" | awk 'NR > 1 {printf "  %-28s %8.1f MB\n", $9, $5 / 1e6}'
echo "rc=$rc"
exit "$rc"
