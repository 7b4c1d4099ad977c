"""What `--checkpoint` names, and loading it as a float32 transformers Whisper model.

Kinds: a Hugging Face id (downloaded with huggingface_hub), a Hugging Face folder (config.json +
model.safetensors|pytorch_model.bin + tokenizer.json), a CTranslate2 folder (model.bin + config.json
+ tokenizer.json), or a CTranslate2 model split into parts (`model.bin.part1,model.bin.part2`, or a
folder holding `model.bin.part*`), which are concatenated into a cache folder first."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import UserError
from ..onnx_files import sha256_file

_HF_WEIGHTS = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json")
_HF_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass
class Checkpoint:
    spec: str        # as given on the command line
    kind: str        # hf-id | hf-folder | ctranslate2
    folder: Path     # local folder holding the files
    sha256: str      # of the weights (for CT2 parts: of the assembled model.bin)

    @property
    def tokenizer_json(self) -> Path:
        return self.folder / "tokenizer.json"

    @property
    def name(self) -> str:
        """A model name for the manifest: 'tiny.en' from 'openai/whisper-tiny.en' or a folder name."""
        base = self.spec.rstrip("/").split(",")[0]
        name = Path(base).name if self.kind != "hf-id" else base.split("/")[-1]
        return re.sub(r"^(faster-)?whisper-", "", name)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(os.environ.get("SPEECH_EXPORT_CACHE", os.path.join(base, "speech-platform", "ct2-assembled")))


def assemble_parts(parts: list[Path], companions: list[Path] | None = None) -> Path:
    """Concatenates model.bin parts (in the given order) into a cached CT2 folder, together with the
    config/tokenizer/vocabulary files found next to any part. Returns the folder."""
    for p in parts:
        if not p.is_file():
            raise UserError(f"CTranslate2 model part not found: {p}")
    h = hashlib.sha256()
    for p in parts:
        h.update(sha256_file(p).encode())
    out = _cache_dir() / h.hexdigest()[:16]
    if not (out / "model.bin").is_file():
        tmp = out.with_name(out.name + f".tmp{os.getpid()}")
        tmp.mkdir(parents=True, exist_ok=True)
        with open(tmp / "model.bin", "wb") as dst:
            for p in parts:
                with open(p, "rb") as src:
                    shutil.copyfileobj(src, dst, 1 << 24)
        for folder in dict.fromkeys([p.parent for p in parts] + list(companions or [])):
            for f in folder.iterdir():
                if f.is_file() and f.name in ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json",
                                              "preprocessor_config.json"):
                    shutil.copy2(f, tmp / f.name)
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)  # atomic publish: a concurrent export never sees a half-written model.bin
    return out


def _is_ct2(folder: Path) -> bool:
    return (folder / "model.bin").is_file() and (folder / "tokenizer.json").is_file()


def _is_hf(folder: Path) -> bool:
    return (folder / "config.json").is_file() and any((folder / w).is_file() for w in _HF_WEIGHTS)


def _hf_weights_sha(folder: Path) -> str:
    for w in _HF_WEIGHTS:
        if (folder / w).is_file():
            return sha256_file(folder / w)
    return ""


def resolve(spec: str) -> Checkpoint:
    """Checkpoint for a `--checkpoint` value; UserError with one line when it is unusable."""
    if "," in spec:  # CT2 model.bin parts
        parts = [Path(p).expanduser() for p in spec.split(",") if p]
        folder = assemble_parts(parts)
        return Checkpoint(spec, "ctranslate2", folder, sha256_file(folder / "model.bin"))
    path = Path(spec).expanduser()
    if path.is_dir():
        if _is_ct2(path):
            return Checkpoint(spec, "ctranslate2", path, sha256_file(path / "model.bin"))
        parts = sorted(path.glob("model.bin.part*"), key=lambda p: int(re.sub(r"\D", "", p.suffix) or 0))
        if parts:
            folder = assemble_parts(parts)
            return Checkpoint(spec, "ctranslate2", folder, sha256_file(folder / "model.bin"))
        if _is_hf(path):
            if not (path / "tokenizer.json").is_file():
                raise UserError(f"{path}: Hugging Face folder without tokenizer.json")
            return Checkpoint(spec, "hf-folder", path, _hf_weights_sha(path))
        raise UserError(f"{path}: neither a Hugging Face Whisper folder (config.json + model.safetensors) "
                        "nor a CTranslate2 folder (model.bin + tokenizer.json)")
    if path.exists():
        raise UserError(f"{path}: is a file; give the folder holding it")
    if spec.startswith((".", "/", "~")) or not _HF_ID.match(spec):
        raise UserError(f"checkpoint not found: {spec}")
    return _download(spec)


def _download(repo_id: str) -> Checkpoint:
    from huggingface_hub import snapshot_download
    from huggingface_hub.utils import HfHubHTTPError

    try:
        folder = Path(snapshot_download(repo_id, allow_patterns=[
            "*.json", "*.safetensors", "*.txt", "model.bin", "pytorch_model.bin"]))
    except (HfHubHTTPError, OSError, ValueError) as e:
        raise UserError(f"cannot download {repo_id} from Hugging Face: {str(e).splitlines()[0]}") from None
    if _is_ct2(folder):
        return Checkpoint(repo_id, "ctranslate2", folder, sha256_file(folder / "model.bin"))
    if not _is_hf(folder):
        raise UserError(f"{repo_id}: downloaded repository holds no Whisper weights")
    return Checkpoint(repo_id, "hf-id", folder, _hf_weights_sha(folder))


def load_model(ckpt: Checkpoint):
    """float32 WhisperForConditionalGeneration in eval mode, with eager attention (plain MatMul/Softmax
    in the graph), and its generation config."""
    if ckpt.kind == "ctranslate2":
        from .ct2_convert import load_ct2
        return load_ct2(ckpt.folder)
    from transformers import WhisperForConditionalGeneration

    try:
        model = WhisperForConditionalGeneration.from_pretrained(
            ckpt.folder, torch_dtype="float32", attn_implementation="eager")
    except (OSError, ValueError) as e:
        raise UserError(f"{ckpt.folder}: cannot load Whisper weights: {str(e).splitlines()[0]}") from None
    return model.eval()
