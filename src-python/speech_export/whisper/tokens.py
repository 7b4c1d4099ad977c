"""Special token ids and languages, read from tokenizer.json (never hard-coded: tiny.en and
large-v3 number them differently)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .. import UserError

_SPECIALS = {
    "eot": ["<|endoftext|>"], "sot": ["<|startoftranscript|>"], "translate": ["<|translate|>"],
    "transcribe": ["<|transcribe|>"], "sot_lm": ["<|startoflm|>"], "sot_prev": ["<|startofprev|>"],
    "no_speech": ["<|nospeech|>", "<|nocaptions|>"], "no_timestamps": ["<|notimestamps|>"],
}
_LANG = re.compile(r"^<\|([a-z]{2,3}|haw|yue)\|>$")


@lru_cache(maxsize=8)
def _vocab(path: str) -> dict[str, int]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    vocab = dict(data.get("model", {}).get("vocab", {}))
    for t in data.get("added_tokens", []):
        vocab[t["content"]] = t["id"]
    return vocab


def special_tokens(tokenizer_json: str | Path) -> dict[str, int]:
    vocab = _vocab(str(tokenizer_json))
    out = {}
    for key, names in _SPECIALS.items():
        ids = [vocab[n] for n in names if n in vocab]
        if not ids:
            raise UserError(f"{tokenizer_json}: no {names[0]} token: not a Whisper tokenizer")
        out[key] = ids[0]
    # Timestamps follow <|notimestamps|> (older tokenizers do not list them as tokens).
    out["timestamp_begin"] = out["no_timestamps"] + 1
    return out


def language_tokens(tokenizer_json: str | Path) -> dict[str, int]:
    """{"en": 50259, ...}: the <|xx|> tokens between <|startoftranscript|> and <|translate|>."""
    vocab = _vocab(str(tokenizer_json))
    sp = special_tokens(tokenizer_json)
    langs = {}
    for name, i in vocab.items():
        m = _LANG.match(name)
        if m and sp["sot"] < i < sp["translate"]:
            langs[m.group(1)] = i
    return dict(sorted(langs.items(), key=lambda kv: kv[1]))
