"""manifest.json of an export folder: model-specific fields plus the common ones (exporter, file hashes)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from . import __version__
from .onnx_files import hash_files

MANIFEST = "manifest.json"


def exporter_version() -> str:
    """Package version, plus the git commit of the source tree when there is one (and '-dirty')."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=here, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", str(here)], cwd=here,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{__version__}+g{commit}{'.dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return __version__


def write_manifest(folder: str | os.PathLike, fields: dict) -> dict:
    """Writes folder/manifest.json: `fields` in order, then `exporter_version` (unless given) and
    `files` = sha256 of every other file in the folder. Returns the manifest."""
    folder = Path(folder)
    manifest = dict(fields)
    manifest.setdefault("exporter_version", exporter_version())
    manifest["files"] = hash_files(folder)
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(folder / MANIFEST)  # atomic: a reader never sees half a manifest
    return manifest


def read_manifest(folder: str | os.PathLike) -> dict | None:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def verify_files(folder: str | os.PathLike, manifest: dict | None = None) -> list[str]:
    """Names of files whose sha256 differs from the manifest (or that are missing/extra)."""
    manifest = manifest or read_manifest(folder) or {}
    actual = hash_files(folder)
    expected = manifest.get("files", {})
    return sorted(n for n in set(actual) | set(expected) if actual.get(n) != expected.get(n))
