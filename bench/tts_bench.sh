#!/usr/bin/env bash
# TTS benchmark: every figure of issue 10's "Done when" in one run, on a random-weight mid-size Echo-TTS
# (DiT 8 layers x 512, 640 latents), printed as a table with PASS/FAIL per target (also WORK_DIR/report.md):
#  1. sampler step time, official PyTorch sample_euler_cfg_independent_guidances vs the Java/ONNX Runtime driver
#     (EulerCfgSampler + dit_step.onnx, SamplerBench), CFG on every step, 2 threads each: three runs each,
#     interleaved (torch, java, torch, java, torch, java), medians and their ratio;
#  2. the packaged tts-service on that model (bench/tts_bench.py service): a one-sentence request vs a 30 s
#     paragraph, four concurrent sentences vs one, four concurrent paragraphs, and stream_format "audio" on a
#     four-sentence text (time to first audio / total).
#
#   ./mvnw -B -o -pl speech-runtime,tts-service package -DskipTests     (the service part needs the packaged jar)
#   bench/tts_bench.sh [WORK_DIR]        (default tts-service/target/bench)
# Env: PARTS ("step service", default both), STEPS (sampler steps per step run, default 10), SERVICE_STEPS
# (num_steps of the /v1/speech requests, default 8), PORT (default 18181), JAVA_BENCH_OPTS (extra -D options of
# the Java step runs), MODEL_DIR (an exported mid-size model to use instead of WORK_DIR/models/echo-tts-mid).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/tts-service/target/bench}"
steps="${STEPS:-10}"
parts="${PARTS:-step service}"
venv="$("$root/bin/python-env")"
# shellcheck source=../bin/lib/java-env
. "$root/bin/lib/java-env"
py() { PYTHONPATH="$root/src-python" "$venv/bin/python" "$@"; }
mkdir -p "$work"
rm -f "$work/steps.txt" "$work/service.json" "$work/report.md"
model="${MODEL_DIR:-$work/models/echo-tts-mid}"
printf '%s' "Run $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD || echo ' with uncommitted changes'); load average (1, 5, 15 min) at the start $(uptime | sed 's/.*load average: //')" > "$work/run.txt"
cat "$work/run.txt"; echo

echo "== mid-size checkpoint + ONNX export"
[ -f "$work/ckpt/dit.safetensors" ] || py "$root/bench/tts_bench.py" make "$work/ckpt"
[ -f "$model/manifest.json" ] || "$root/onnx-export/export" echo-tts --checkpoint "$work/ckpt" \
    --codec "$root/../shared/fixtures/echo-tts" --out "$model" --skip-parity | tail -3

if [[ " $parts " == *" step "* ]]; then
    echo "== sampler step time, $steps CFG steps per run, interleaved: torch, java, torch, java, torch, java"
    (cd "$root" && ./mvnw -B -o -q -pl speech-runtime,tts-service test-compile)  # compiled once, not inside a timed pair
    for run in 1 2 3; do
        py "$root/bench/tts_bench.py" torch "$work/ckpt" "$steps" | tee "$work/torch.$run.log"
        ms=$(sed -n 's/^TORCH sampler: .* = \([0-9.]*\) ms\/step.*/\1/p' "$work/torch.$run.log")
        [ -n "$ms" ] || { echo "no PyTorch step time in $work/torch.$run.log"; exit 1; }
        echo "torch $ms" >> "$work/steps.txt"
        # shellcheck disable=SC2086  # JAVA_BENCH_OPTS is a list of -D options
        (cd "$root" && ./mvnw -B -o -pl speech-runtime,tts-service test -Dtest='SamplerBench#stepTime' \
            -Dsurefire.failIfNoSpecifiedTests=false -Dbench.model-dir="$model" -Dbench.steps="$steps" ${JAVA_BENCH_OPTS:-} \
            > "$work/java.$run.log" 2>&1) || { tail -30 "$work/java.$run.log"; exit 1; }
        grep "^JAVA/ORT sampler" "$work/java.$run.log"
        ms=$(sed -n 's/^JAVA\/ORT sampler: .* = \([0-9.]*\) ms\/step.*/\1/p' "$work/java.$run.log")
        [ -n "$ms" ] || { echo "no Java step time in $work/java.$run.log"; exit 1; }
        echo "java $ms" >> "$work/steps.txt"
    done
fi

if [[ " $parts " == *" service "* ]]; then
    jar="$root/tts-service/target/quarkus-app/quarkus-run.jar"
    [ -f "$jar" ] || { echo "no $jar: run ./mvnw -B -o -pl speech-runtime,tts-service package -DskipTests first"; exit 1; }
    echo "== service (packaged jar, model $(basename "$model"), /v1/speech num_steps ${SERVICE_STEPS:-8}, JFK voice)"
    port="${PORT:-18181}"; data="$work/data"; rm -rf "$data" "$work/service-models"
    mkdir -p "$work/service-models" && ln -s "$model" "$work/service-models/echo-tts-mid"
    TTS_MODELS_DIR="$work/service-models" TTS_DATA_DIR="$data" TTS_DEFAULT_MODEL=echo-tts-mid \
        QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
        SPEECH_QUEUE_CAPACITY=16 java --enable-native-access=ALL-UNNAMED -jar "$jar" >"$work/service.log" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    for _ in $(seq 180); do
        curl -sf "localhost:$port/q/health/ready" >/dev/null && break
        kill -0 $pid 2>/dev/null || break
        sleep 1
    done
    curl -sf "localhost:$port/q/health/ready" >/dev/null || { tail -30 "$work/service.log"; echo "service not ready"; exit 1; }
    voice=$(curl -sf -F name=jfk -F file=@"$root/../shared/speech/short/en_jfk.wav" "localhost:$port/v1/voices" \
        | sed 's/.*"id":"\([^"]*\)".*/\1/')
    [ -n "$voice" ] || { echo "voice creation failed"; exit 1; }
    py "$root/bench/tts_bench.py" service "http://localhost:$port" "$voice" jfk "${SERVICE_STEPS:-8}" "$work/service.json"
    kill $pid; wait $pid 2>/dev/null || true; trap - EXIT
fi

echo ", at the end $(uptime | sed 's/.*load average: //')." >> "$work/run.txt"
echo "== issue 10 targets"
py "$root/bench/tts_bench.py" report "$work"
