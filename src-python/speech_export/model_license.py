"""The licence of every checkpoint an export reads, recorded in manifest.json as

    "license": {"id": "CC-BY-NC-SA-4.0", "non_commercial": true,
                "checkpoints": [{"role": "dit", "source": "jordand/echo-tts-base",
                                 "license": "CC-BY-NC-SA-4.0", "declared_by": "model card (README.md)"}, ...]}

Where it is read, first found wins: the `--license` option, the model card (`license:` in the
front matter of README.md, as Hugging Face writes it), the metadata of the Python package that ships
the weights. When none says, the licence is "NOASSERTION" (SPDX: nothing declared) and `declared_by`
says so plainly. Roles: "whisper"; "dit" and "codec" (Echo-TTS); a VAD export adds its checkpoint
as role "vad" through the same `find`."""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import asdict, dataclass
from pathlib import Path

NONE_DECLARED = "NOASSERTION"
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_NON_COMMERCIAL = re.compile(r"(^|[-_ ])NC([-_ ]|$)|non-?commercial", re.I)
# Hugging Face writes SPDX ids in lower case; the services show the SPDX spelling.
_SPDX_CASE = {"mit": "MIT", "apache-2.0": "Apache-2.0", "bsd-2-clause": "BSD-2-Clause",
              "bsd-3-clause": "BSD-3-Clause", "mpl-2.0": "MPL-2.0", "gpl-3.0": "GPL-3.0-only",
              "openrail": "OpenRAIL", "other": "LicenseRef-other", "unknown": NONE_DECLARED}


@dataclass(frozen=True)
class CheckpointLicense:
    role: str
    source: str
    license: str
    declared_by: str


def spdx(name: str) -> str:
    name = name.strip().strip("'\"")
    lower = name.lower()
    if lower in _SPDX_CASE:
        return _SPDX_CASE[lower]
    return name.upper() if lower.startswith("cc") else name


def from_model_card(readme: Path) -> str | None:
    """`license:` of a model card's YAML front matter (the first line after it for a list)."""
    if not readme.is_file():
        return None
    match = _FRONT_MATTER.match(readme.read_text(encoding="utf-8", errors="replace"))
    if not match:
        return None
    lines = match.group(1).splitlines()
    for i, line in enumerate(lines):
        key, _, value = line.partition(":")
        if key.strip() == "license":
            if value.strip():
                return spdx(value)
            items = [l.strip()[1:] for l in lines[i + 1:i + 2] if l.strip().startswith("-")]
            return spdx(items[0]) if items else None
    return None


def from_package(path: Path) -> tuple[str, str] | None:
    """(licence, "PyPI package NAME VERSION") of the installed distribution holding `path`."""
    from .third_party import declared, read_policy

    parts = path.resolve().parts
    if "site-packages" not in parts or parts.index("site-packages") + 1 >= len(parts):
        return None
    top = parts[parts.index("site-packages") + 1]
    for dist_name in importlib.metadata.packages_distributions().get(top, []):
        meta = importlib.metadata.metadata(dist_name)
        names = declared(meta)
        if names:
            policy = read_policy()
            return (" AND ".join(policy.canonical(n) for n in names),
                    f"PyPI package {meta['Name']} {meta['Version']} (its metadata)")
    return None


def _from_hub(repo_id: str) -> str | None:
    from huggingface_hub import hf_hub_download
    try:
        return from_model_card(Path(hf_hub_download(repo_id, "README.md")))
    except Exception:  # offline, gated, no card: the licence is then simply not declared
        return None


def find(role: str, source: str, path: Path | None = None, given: str | None = None,
         hub_id: str | None = None) -> CheckpointLicense:
    """The licence of one checkpoint: `source` as given on the command line, `path` its local file
    or folder, `hub_id` its Hugging Face repo when it came from there."""
    if given:
        return CheckpointLicense(role, source, spdx(given), "--license option")
    folder = path if path is None or path.is_dir() else path.parent
    card = (from_model_card(folder / "README.md") if folder else None) or (_from_hub(hub_id) if hub_id else None)
    if card:
        return CheckpointLicense(role, source, card, "model card (README.md)")
    package = from_package(path) if path else None
    if package:
        return CheckpointLicense(role, source, *package)
    return CheckpointLicense(role, source, NONE_DECLARED,
                             "none declared: no --license option, model card or package metadata")


def manifest_field(checkpoints: list[CheckpointLicense]) -> dict:
    ids = list(dict.fromkeys(c.license for c in checkpoints))
    return {"id": " AND ".join(ids),
            "non_commercial": any(_NON_COMMERCIAL.search(i) for i in ids),
            "checkpoints": [asdict(c) for c in checkpoints]}
