"""Exports the tiny Echo-TTS fixture checkpoints for the Java tests (onnx-export/export-test-models).

    PYTHONPATH=src-python python src-python/tests/java_fixtures/echo_tts_tiny.py MODELS_DIR
        → MODELS_DIR/echo-tts-tiny (fp32)

Skipped when MODELS_DIR/echo-tts-tiny/manifest.json is up to date: its files verify, and it was made
from the same fixture files by the same exporter code (sha256 of both recorded in the manifest).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from speech_export.manifest import read_manifest, verify_files

REPO = Path(__file__).resolve().parents[3]
PACKAGE = REPO / "src-python" / "speech_export"
NAME = "echo-tts-tiny"
FIXTURE_FILES = ("dit.safetensors", "codec.safetensors", "pca_state.safetensors", "config.json")


def fixture_dir() -> Path:
    shared = Path(os.environ.get("SPEECH_SHARED_DIR", REPO.parent / "shared"))
    return shared / "fixtures" / "echo-tts"


def stamp(fixtures: Path) -> str:
    """sha256 over the fixture inputs, the exporter's source files and this script."""
    h = hashlib.sha256()
    code = sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "echo_tts").glob("*.py")) + [Path(__file__)]
    for p in [fixtures / f for f in FIXTURE_FILES] + code:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: echo_tts_tiny.py MODELS_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0]) / NAME
    fixtures = fixture_dir()
    if not (fixtures / "dit.safetensors").is_file():
        print(f"echo-tts: no fixtures in {fixtures}; {NAME} not exported", file=sys.stderr)
        return 1
    want = stamp(fixtures)
    manifest = read_manifest(out)
    if manifest and manifest.get("source", {}).get("stamp") == want and not verify_files(out, manifest):
        print(f"echo-tts: {out} is up to date")
        return 0
    from speech_export.echo_tts.export import export
    export(str(fixtures), str(fixtures), out, precision="fp32", stamp=want)
    print(f"echo-tts: exported {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
