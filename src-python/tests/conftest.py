"""Shared fixtures: repo/shared dirs, the real-weight CTranslate2 folders from the venv packages, and
session-scoped Whisper exports (reused from $SPEECH_TEST_MODELS_DIR when onnx-export/export-test-models
already wrote them there, as the Maven build does)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src-python"))


def _shared() -> Path:
    return Path(os.environ.get("SPEECH_SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    d = _shared()
    if not (d / "whisper").is_dir():
        pytest.fail(f"shared data not found at {d} (set SPEECH_SHARED_DIR)")
    return d


@pytest.fixture(scope="session")
def jfk_wav(shared_dir) -> Path:
    return shared_dir / "speech" / "short" / "en_jfk.wav"


@pytest.fixture(scope="session")
def transcripts(shared_dir) -> dict[str, str]:
    rows = (shared_dir / "speech" / "transcripts.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    out = {}
    for line in rows[1:]:
        rec = dict(zip(header, line.split("\t")))
        out[Path(rec["file"]).name] = rec["transcript"]
    return out


@pytest.fixture(scope="session")
def tiny_en_ct2() -> Path:
    from speech_export.whisper import packaged
    return packaged.tiny_en()


@pytest.fixture(scope="session")
def base_ct2() -> Path:
    from speech_export.whisper import packaged
    return packaged.base()


@pytest.fixture(scope="session")
def tiny_en_model(tiny_en_ct2):
    """transformers WhisperForConditionalGeneration converted from the CT2 tiny.en weights."""
    from speech_export.whisper.ct2_convert import load_ct2
    return load_ct2(tiny_en_ct2)


def _export(name: str, ckpt: Path, tmp_path_factory) -> Path:
    from speech_export.whisper.export import export
    from speech_export.whisper.uptodate import up_to_date

    prebuilt = os.environ.get("SPEECH_TEST_MODELS_DIR")
    if prebuilt and up_to_date(Path(prebuilt) / name, str(ckpt)):
        return Path(prebuilt) / name
    out = tmp_path_factory.mktemp("whisper") / name
    export(str(ckpt), out, name=name)
    return out


@pytest.fixture(scope="session")
def exported_tiny_en(tiny_en_ct2, shared_dir, tmp_path_factory) -> Path:
    return _export("tiny.en", tiny_en_ct2, tmp_path_factory)


@pytest.fixture(scope="session")
def exported_base(base_ct2, shared_dir, tmp_path_factory) -> Path:
    return _export("base", base_ct2, tmp_path_factory)


# ONNX ops whose CUDA kernels need cuFFT. The GPU images leave cuFFT out (ONNX Runtime loads it only for these),
# so no exported graph may use one: docker/asr.Dockerfile, docker/tts.Dockerfile.
FFT_OPS = frozenset({"DFT", "STFT", "Rfft", "Irfft", "MelWeightMatrix"})


def graph_ops(folder: Path) -> set[str]:
    """Every op type in the .onnx graphs of an export folder, subgraphs included."""
    import onnx
    ops: set[str] = set()

    def walk(graph):
        for node in graph.node:
            ops.add(node.op_type)
            for attribute in node.attribute:
                for sub in [attribute.g] if attribute.HasField("g") else list(attribute.graphs):
                    walk(sub)

    graphs = sorted(folder.glob("*.onnx"))
    assert graphs, f"no graphs in {folder}"
    for path in graphs:
        walk(onnx.load(str(path), load_external_data=False).graph)
    return ops
