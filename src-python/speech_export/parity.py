"""Numeric parity between two runs of a model (e.g. ONNX Runtime vs PyTorch)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np


class ParityError(Exception):
    """Some comparison exceeded its tolerance; the message carries the numbers."""


@dataclass
class Row:
    name: str
    max_abs_diff: float
    tolerance: float
    shape: tuple

    @property
    def ok(self) -> bool:
        return bool(self.max_abs_diff <= self.tolerance)  # NaN fails


def max_abs_diff(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ParityError(f"shape mismatch {a.shape} vs {b.shape}")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def compare(actual: dict, expected: dict, tolerance: float | dict[str, float]) -> list[Row]:
    """One row per key of `expected`: max |actual - expected|, against a tolerance (per key or global)."""
    rows = []
    for name, exp in expected.items():
        tol = tolerance[name] if isinstance(tolerance, dict) else tolerance
        if name not in actual:
            raise ParityError(f"parity: '{name}' missing from the actual outputs")
        rows.append(Row(name, max_abs_diff(actual[name], exp), float(tol), tuple(np.shape(exp))))
    return rows


def format_table(rows: list[Row], title: str = "parity") -> str:
    width = max([len(r.name) for r in rows] + [4])
    lines = [f"{title}:", f"  {'name':<{width}}  {'max_abs_diff':>12}  {'tolerance':>10}  result"]
    for r in rows:
        lines.append(f"  {r.name:<{width}}  {r.max_abs_diff:12.3e}  {r.tolerance:10.1e}  {'ok' if r.ok else 'FAIL'}")
    return "\n".join(lines)


def check(rows: list[Row], title: str = "parity", out=sys.stderr) -> list[Row]:
    """Prints the table; raises ParityError listing every row over tolerance."""
    print(format_table(rows, title), file=out)
    bad = [r for r in rows if not r.ok]
    if bad:
        raise ParityError(f"{title} failed: " + "; ".join(
            f"{r.name} max_abs_diff={r.max_abs_diff:.3e} > tolerance={r.tolerance:.1e}" for r in bad))
    return rows
