#!/usr/bin/env bash
# TTS benchmark (one run, this machine):
#  1. sampler step time, official PyTorch code vs the Java/ONNX Runtime driver, on a random-weight
#     mid-size Echo-TTS (DiT 8 layers x 512, 640 latents, CFG on every step, 2 threads each);
#  2. the packaged tts-service on that model: 1 request alone, then 4 concurrent requests.
#
#   bench/tts_bench.sh [WORK_DIR]        (default tts-service/target/bench; needs ./mvnw package first for step 2)
# Env: STEPS (default 10), SERVICE_STEPS (default 8), PORT (default 18181).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/tts-service/target/bench}"
steps="${STEPS:-10}"
venv="$("$root/bin/python-env")"
# shellcheck source=../bin/lib/java-env
. "$root/bin/lib/java-env"
py() { PYTHONPATH="$root/src-python" "$venv/bin/python" "$@"; }
mkdir -p "$work"

echo "== mid-size checkpoint + ONNX export"
[ -f "$work/ckpt/dit.safetensors" ] || py "$root/bench/tts_bench.py" make "$work/ckpt"
[ -f "$work/models/echo-tts-mid/manifest.json" ] || "$root/onnx-export/export" echo-tts --checkpoint "$work/ckpt" \
    --codec "$root/../shared/fixtures/echo-tts" --out "$work/models/echo-tts-mid" --skip-parity | tail -3

echo "== sampler step time: PyTorch (official sample_euler_cfg_independent_guidances)"
py "$root/bench/tts_bench.py" torch "$work/ckpt" "$steps"

echo "== sampler step time: Java / ONNX Runtime (EulerCfgSampler + dit_step.onnx)"
(cd "$root" && ./mvnw -B -o -q -pl tts-service test -Dtest=SamplerBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.model-dir="$work/models/echo-tts-mid" -Dbench.steps="$steps" 2>&1 | grep -E "JAVA/ORT|ERROR" || true)

jar="$root/tts-service/target/quarkus-app/quarkus-run.jar"
if [ ! -f "$jar" ]; then echo "no $jar: run ./mvnw -pl speech-runtime,tts-service package -DskipTests for the service part"; exit 0; fi
echo "== service: 1 vs 4 concurrent requests (num_steps ${SERVICE_STEPS:-8}, 640 latents, JFK voice)"
port="${PORT:-18181}"; data="$work/data"; rm -rf "$data"
TTS_MODELS_DIR="$work/models" TTS_DATA_DIR="$data" QUARKUS_HTTP_PORT="$port" SPEECH_QUEUE_CAPACITY=16 \
    java --enable-native-access=ALL-UNNAMED -jar "$jar" >"$work/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -sf "localhost:$port/q/health/ready" >/dev/null && break; sleep 1; done
voice=$(curl -sf -F name=jfk -F file=@"$root/../shared/speech/short/en_jfk.wav" "localhost:$port/v1/voices" | sed 's/.*"id":"\([^"]*\)".*/\1/')
body="{\"text\":\"The quick brown fox jumps over the lazy dog.\",\"voice_id\":\"$voice\",\"num_steps\":${SERVICE_STEPS:-8},\"seed\":1}"
one() { curl -s -o /dev/null -w "%{http_code} %{time_total}\n" -H 'Content-Type: application/json' -d "$body" "localhost:$port/v1/speech"; }
one >/dev/null  # warm-up
start=$(date +%s.%N); r=$(one); end=$(date +%s.%N)
echo "1 request:  status/latency $r; wall $(echo "$end - $start" | bc) s"
start=$(date +%s.%N)
pids=(); for i in 1 2 3 4; do one > "$work/four.$i.txt" & pids+=($!); done
wait "${pids[@]}"; cat "$work"/four.?.txt > "$work/four.txt"
end=$(date +%s.%N)
echo "4 concurrent: status/latency per request: $(tr '\n' ';' < "$work/four.txt") wall $(echo "$end - $start" | bc) s"
curl -s "localhost:$port/q/metrics" | grep -E "^tts_generation_rtf_(sum|count)|^tts_dit_steps_per_second_(sum|count)" || true
