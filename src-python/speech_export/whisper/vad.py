"""Silero VAD v6 next to the Whisper graphs: the ONNX file faster-whisper ships in its package
(`faster_whisper/assets/silero_vad_v6.onnx`), copied as is into the model folder as `vad.onnx`.
Its sha256 lands in the manifest's `files` like every file; its licence (the package's) in `license`.

Graph: in `input` f32 [chunks, 576] (64 samples of context + 512 new at 16 kHz), `h`, `c` f32 [1, 1, 128];
out `speech_probs` f32 [chunks], `hn`, `cn` f32 [1, 1, 128] (the LSTM state carried to the next call)."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

from .. import model_license
from ..onnx_files import sha256_file

FILE = "vad.onnx"


def source() -> Path:
    import faster_whisper

    return Path(faster_whisper.__file__).parent / "assets" / "silero_vad_v6.onnx"


def add_vad(out: Path) -> tuple[dict, model_license.CheckpointLicense]:
    """Copies the VAD model into `out`; returns the manifest's `vad` field and the checkpoint's licence."""
    src = source()
    shutil.copyfile(src, out / FILE)
    spec = f"faster-whisper=={metadata.version('faster-whisper')}:assets/{src.name}"
    licence = model_license.find("vad", spec, src)
    field = {"file": FILE, "model": "silero-vad v6", "source": spec, "sha256": sha256_file(out / FILE),
             "sample_rate": 16000, "chunk_samples": 512, "context_samples": 64}
    return field, licence
