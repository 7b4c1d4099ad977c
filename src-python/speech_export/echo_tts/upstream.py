"""Imports the official `echo-tts` package (PyPI 0.1.4) without its audio dependencies.

`echo_tts/inference.py` imports `torchaudio` (and, lazily, `torchcodec`) at module level, for
`load_audio` and `EchoTTS.save` only. The export never decodes or writes audio through them, and they
pin a torch build we do not want, so the venv installs echo-tts with `--no-deps`. For the duration of
the import we put minimal stand-in modules into `sys.modules`; any actual use of them raises. The
package itself is never edited: model.py, autoencoder.py and inference.py are used as published.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path

# Upstream commit 2ed95fc (jordandare/echo-tts), the code the fixtures were generated with,
# identified by git blob ids (git hash-object of the file).
UPSTREAM_BLOBS = {
    "model.py": "bd7cb6c1a4a8da4d7628b754442257bdd786c9f6",
    "autoencoder.py": "cb3c6f3f262a4a74cb4426941e4ced6f0015bec8",
    "inference.py": "0670a7087a0422ee062974ae882e904553724792",
}


class _AudioIoUnavailable(types.ModuleType):
    """Stand-in for torchaudio/torchcodec: importable, but any use says why it is missing."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError(
            f"{self.__name__}.{name} is not available: the Echo-TTS export installs echo-tts without "
            "its audio I/O dependencies (speech_export.echo_tts.upstream)")


def _import_with_stand_ins(module: str):
    stand_ins = {}
    for name in ("torchaudio", "torchaudio.functional", "torchcodec", "torchcodec.decoders"):
        try:
            importlib.import_module(name)  # a real installation wins
        except ImportError:
            stand_ins[name] = _AudioIoUnavailable(name)
    saved = {n: sys.modules.get(n) for n in stand_ins}
    sys.modules.update(stand_ins)
    try:
        return importlib.import_module(module)
    finally:
        # keep the stand-ins only as long as echo_tts.inference holds its reference to them
        for n, old in saved.items():
            if old is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = old


def modules():
    """(model, autoencoder, inference) modules of the installed echo_tts package."""
    inference = _import_with_stand_ins("echo_tts.inference")
    model = importlib.import_module("echo_tts.model")
    autoencoder = importlib.import_module("echo_tts.autoencoder")
    return model, autoencoder, inference


def package_dir() -> Path:
    spec = importlib.util.find_spec("echo_tts")
    if spec is None or spec.origin is None:
        raise RuntimeError("the echo-tts package is not installed (bin/python-env installs echo-tts==0.1.4)")
    return Path(spec.origin).parent


def git_blob_id(path: Path) -> str:
    """`git hash-object` of a file (computed here, so git need not be installed)."""
    import hashlib
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def blob_check() -> dict[str, dict]:
    """Installed file's blob id vs the upstream 2ed95fc blob, per file."""
    pkg = package_dir()
    out = {}
    for name, expected in UPSTREAM_BLOBS.items():
        actual = git_blob_id(pkg / name)
        out[name] = {"installed": actual, "upstream_2ed95fc": expected, "match": actual == expected}
    return out


def package_version() -> str:
    try:
        from importlib.metadata import version
        return version("echo-tts")
    except Exception:  # pragma: no cover
        return "unknown"


if __name__ == "__main__":  # python -m speech_export.echo_tts.upstream
    import json
    print(json.dumps({"echo_tts": package_version(), "blobs": blob_check()}, indent=2))
