"""Golden Whisper log-mel features for asr-service's LogMelTest.

Decodes a few real clips from ../shared with ffmpeg exactly as the Java FfmpegDecoder does
(mono, 16 kHz, f32le), runs transformers' WhisperFeatureExtractor (numpy path, 80 mels) on each
and writes <out>/<clip>.f32 (little-endian float32, row-major [80, 3000]) and <clip>.shape, plus the
extractor's own filters as <out>/mel_filters.f32 ([80, 201]).

usage: logmel_golden.py OUT_DIR   (SPEECH_SHARED_DIR overrides ../shared next to the repo)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from transformers import WhisperFeatureExtractor

CLIPS = [
    "short/en_jfk.wav",
    "short/en_jfk_44k_stereo.flac",
    "short/en_librispeech_1272-128104-0000.wav",
    "short/fr_dictee_numero_un.aiff",
    "short/zh_chinese.flac",
    "long/en_concat_ground_truth_long.wav",  # longer than one window: cut to 30 s
]


def decode(path: Path, rate: int) -> np.ndarray:
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path), "-vn", "-sn", "-dn",
           "-rematrix_maxval", "1.0", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"]
    return np.frombuffer(subprocess.run(cmd, check=True, capture_output=True).stdout, dtype="<f4")


def main(out: Path) -> None:
    repo = Path(__file__).resolve().parents[3]
    shared = Path(os.environ.get("SPEECH_SHARED_DIR", repo.parent / "shared"))
    extractor = WhisperFeatureExtractor(feature_size=80)
    out.mkdir(parents=True, exist_ok=True)
    extractor.mel_filters.T.astype("<f4").tofile(out / "mel_filters.f32")  # transformers keeps [201, 80]
    for clip in CLIPS:
        pcm = decode(shared / "speech" / clip, extractor.sampling_rate)
        features = extractor(pcm, sampling_rate=extractor.sampling_rate, return_tensors="np").input_features[0]
        name = Path(clip).name
        features.astype("<f4").tofile(out / f"{name}.f32")
        (out / f"{name}.shape").write_text(" ".join(str(d) for d in features.shape) + "\n")
    print(f"logmel_golden: {len(CLIPS)} clips -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
