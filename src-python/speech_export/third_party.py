"""THIRD-PARTY list of the Python packages installed in this environment (the export venv), checked
against the licence allow-list in licenses/ — the same files the Maven build's license-maven-plugin
reads for the services' dependencies:

- allowed-licenses.txt   one licence name (SPDX id) per line
- license-aliases.txt    `Canonical|alias|alias…`: the names packages use for it
- python-overrides.txt   `package=licence` for packages that declare none (each with its source)

    python -m speech_export.third_party [--licenses-dir DIR] [--out FILE]

writes the list (to stdout or FILE) and exits 1, naming each package, when one declares no licence
or one that is not allowed."""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import sys
from dataclasses import dataclass
from pathlib import Path

LICENSES_DIR = Path(__file__).resolve().parents[2] / "licenses"
NONE_DECLARED = "none declared"
_EXPRESSION_SPLIT = re.compile(r"\s+(?:AND|OR)\s+")
_FREE_TEXT_CHARS = 80  # a longer License field is the licence's text, not its name


@dataclass(frozen=True)
class Policy:
    allowed: frozenset[str]
    aliases: dict[str, str]     # lower-case name → canonical name
    overrides: dict[str, str]   # normalised package name → licence

    def canonical(self, name: str) -> str:
        return self.aliases.get(name.strip().lower(), name.strip())


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    licences: tuple[str, ...]   # canonical names; empty when none is declared
    url: str


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def normalise(package: str) -> str:
    return re.sub(r"[-_.]+", "-", package).lower()


def read_policy(folder: Path = LICENSES_DIR) -> Policy:
    aliases = {}
    for line in _lines(folder / "license-aliases.txt"):
        canonical, *names = line.split("|")
        for name in [canonical, *names]:
            aliases[name.strip().lower()] = canonical.strip()
    overrides = {}
    for line in _lines(folder / "python-overrides.txt"):
        package, _, licence = line.partition("=")
        overrides[normalise(package)] = licence.split("#")[0].strip()
    return Policy(frozenset(_lines(folder / "allowed-licenses.txt")), aliases, overrides)


def declared(metadata) -> list[str]:
    """The licence names a distribution's metadata declares, best source first: the SPDX
    License-Expression (PEP 639), a short License field, else the License :: classifiers."""
    expression = metadata.get("License-Expression")
    if expression:
        return [term.strip("() ") for term in _EXPRESSION_SPLIT.split(expression)]
    field = (metadata.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= _FREE_TEXT_CHARS and field.upper() != "UNKNOWN":
        return [term.strip("() ") for term in _EXPRESSION_SPLIT.split(field)]
    return [c.split("::")[-1].strip() for c in metadata.get_all("Classifier") or []
            if c.startswith("License ::") and c.split("::")[-1].strip() != "OSI Approved"]


def package(metadata, policy: Policy) -> Package:
    name = metadata["Name"]
    override = policy.overrides.get(normalise(name))
    names = [override] if override else declared(metadata)
    urls = dict(u.split(",", 1) for u in metadata.get_all("Project-URL") or [] if "," in u)
    url = metadata.get("Home-page") or next((v.strip() for k, v in urls.items()
                                             if k.strip().lower() in ("homepage", "home", "source", "repository")),
                                            next(iter(urls.values()), "").strip())
    return Package(name, metadata["Version"], tuple(dict.fromkeys(policy.canonical(n) for n in names)), url)


def installed(policy: Policy) -> list[Package]:
    packages = {normalise(d.metadata["Name"]): package(d.metadata, policy)
                for d in importlib.metadata.distributions()}
    return sorted(packages.values(), key=lambda p: p.name.lower())


def problems(packages: list[Package], policy: Policy) -> list[str]:
    out = []
    for p in packages:
        if not p.licences:
            out.append(f"{p.name} {p.version}: declares no licence (add it to python-overrides.txt with its source)")
        for licence in p.licences:
            if licence not in policy.allowed:
                out.append(f"{p.name} {p.version}: licence {licence!r} is not in allowed-licenses.txt")
    return out


def render(packages: list[Package]) -> str:
    lines = [f"Lists of {len(packages)} third-party Python packages (the export environment).", ""]
    for p in packages:
        licences = " ".join(f"({n})" for n in p.licences) or f"({NONE_DECLARED})"
        lines.append(f"     {licences} {p.name} ({p.version}{' - ' + p.url if p.url else ''})")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m speech_export.third_party", description=__doc__.split("\n\n")[0])
    parser.add_argument("--licenses-dir", type=Path, default=LICENSES_DIR)
    parser.add_argument("--out", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    policy = read_policy(args.licenses_dir)
    packages = installed(policy)
    text = render(packages)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    found = problems(packages, policy)
    for line in found:
        print(f"third-party: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
