"""Audio for the parity check: ffmpeg decode to 16 kHz mono float32, log-mel via transformers'
WhisperFeatureExtractor (the same filters as written to mel_filters.f32)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np

from .. import UserError

SAMPLE_RATE = 16000


def shared_dir() -> Path:
    """Shared read-only data (../shared from the repo root, or $SPEECH_SHARED_DIR)."""
    env = os.environ.get("SPEECH_SHARED_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared"


def default_clip() -> Path:
    return shared_dir() / "speech" / "short" / "en_jfk.wav"


def decode_audio(path: str | Path) -> np.ndarray:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"audio file not found: {path}")
    if shutil.which("ffmpeg") is None:
        raise UserError("ffmpeg is not on PATH (needed to decode the parity clip)")
    proc = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1",
                           "-ar", str(SAMPLE_RATE), "-"], capture_output=True)
    if proc.returncode != 0:
        raise UserError(f"ffmpeg cannot decode {path}: {proc.stderr.decode(errors='replace').strip()[:200]}")
    return np.frombuffer(proc.stdout, dtype=np.float32).copy()


def feature_extractor(n_mels: int):
    from transformers import WhisperFeatureExtractor
    return WhisperFeatureExtractor(feature_size=n_mels)


def log_mel(audio: np.ndarray, n_mels: int) -> np.ndarray:
    """[1, n_mels, 3000] float32 (padded/cut to 30 s)."""
    fe = feature_extractor(n_mels)
    return fe(audio, sampling_rate=SAMPLE_RATE, return_tensors="np").input_features.astype(np.float32)


def mel_filters(n_mels: int) -> np.ndarray:
    """[n_mels, n_fft/2 + 1] float32: WhisperFeatureExtractor keeps them as [201, n_mels]."""
    return np.ascontiguousarray(feature_extractor(n_mels).mel_filters.T.astype(np.float32))
