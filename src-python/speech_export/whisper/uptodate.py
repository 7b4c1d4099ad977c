"""`python -m speech_export.whisper.uptodate OUT_DIR CHECKPOINT`: exit 0 when OUT_DIR holds a complete
export (manifest present, every file's sha256 as recorded) of the same source weights in the current
graph contract (format_version, with the alignment graph), else 1.
Lets onnx-export/export-test-models skip exports that would not change."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import UserError
from ..manifest import read_manifest, verify_files
from .checkpoint import resolve
from .export import FORMAT_VERSION


def up_to_date(out: Path, checkpoint: str) -> bool:
    manifest = read_manifest(out)
    if not manifest or manifest.get("format") != "speech-platform/whisper" or "license" not in manifest \
            or manifest.get("format_version") != FORMAT_VERSION or "vad" not in manifest \
            or "alignment" not in manifest.get("graphs", {}):
        return False
    try:
        sha = resolve(checkpoint).sha256
    except UserError:
        return False
    return manifest.get("source", {}).get("sha256") == sha and not verify_files(out, manifest) \
        and not (manifest.get("quantization") == "int8" and _batch_scaled_decoder(out))


def _batch_scaled_decoder(out: Path) -> bool:
    """An int8 decoder exported before issue 9: one activation scale over all rows of a call."""
    import onnx

    graph = onnx.load(str(out / "decoder.onnx"), load_external_data=False).graph
    return any(n.op_type == "DynamicQuantizeLinear" for n in graph.node)


if __name__ == "__main__":
    sys.exit(0 if len(sys.argv) == 3 and up_to_date(Path(sys.argv[1]), sys.argv[2]) else 1)
