"""No import cycle inside `speech_export`: the graph of its modules' imports (read with `ast`, lazy imports
inside functions included, since a cycle through them breaks the same way once both run) is acyclic."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1]


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Dotted name → file for every module of `package` under `root` (a package is its __init__.py)."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imported(name: str, path: Path, node: ast.AST, modules: dict[str, Path]) -> list[str]:
    """The package's modules that one import statement loads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in modules]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    # `from .pkg import name`: name may be a submodule (an edge to it) or an attribute of pkg
    targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
    return [t for t in targets if t in modules]


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    modules = module_names(root, package)
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = {t for node in ast.walk(tree) for t in _imported(name, path, node, modules) if t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, …, a], or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_speech_export_has_no_import_cycle():
    graph = import_graph(SRC, "speech_export")
    # the reader sees the imports that matter (relative, `from . import x`, lazy ones inside functions)
    assert "speech_export.echo_tts.parity" in graph["speech_export.echo_tts.export"]
    assert "speech_export.echo_tts.upstream" in graph["speech_export.echo_tts.graphs"]
    assert "speech_export.whisper.parity" in graph["speech_export.whisper.export"]
    assert "speech_export.echo_tts.export" in graph["speech_export.echo_tts.cli"]  # inside run()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_test_only_code_stays_out_of_the_package():
    names = module_names(SRC, "speech_export")
    assert not [n for n in names if n.rsplit(".", 1)[-1].startswith("test")], names


@pytest.mark.parametrize("files, cycle", [
    ({"a.py": "from . import b\n", "b.py": "def f():\n    from .a import g\n"}, ["pkg.a", "pkg.b", "pkg.a"]),
    ({"a.py": "import pkg.sub.c\n", "sub/__init__.py": "", "sub/c.py": "from .. import a\n"},
     ["pkg.a", "pkg.sub.c", "pkg.a"]),
    ({"a.py": "from . import b\n", "b.py": "import os\n"}, None),
])
def test_cycles_are_found(tmp_path, files, cycle):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    for rel, text in files.items():
        (tmp_path / "pkg" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / rel).write_text(text)
    assert find_cycle(import_graph(tmp_path, "pkg")) == cycle
