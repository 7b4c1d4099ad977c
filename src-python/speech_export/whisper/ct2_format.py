"""Reader for CTranslate2's `model.bin` (binary version >= 4, as written by ctranslate2.specs.ModelSpec).

Layout (little-endian): u32 binary_version, str spec_name, u32 spec_revision, u32 n_variables, then per
variable: str name, u8 rank, u32[rank] shape, u8 dtype_id, u32 n_bytes, bytes; then u32 n_aliases and
(str alias, str target) pairs. A str is u16 length (including the trailing NUL) + bytes."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import UserError

# Order of the DataType enum in ctranslate2 (include/ctranslate2/types.h / specs/model_spec.py).
_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")


@dataclass
class Ct2Model:
    spec: str
    revision: int
    binary_version: int
    variables: dict[str, np.ndarray] = field(default_factory=dict)

    def get(self, name: str) -> np.ndarray:
        return self.variables[name]


class _Reader:
    def __init__(self, data: memoryview):
        self.data, self.pos = data, 0

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise UserError("CTranslate2 model.bin is truncated (a split model missing a part?)")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str):
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size))

    def string(self) -> str:
        (n,) = self.unpack("H")
        return bytes(self.take(n)).rstrip(b"\0").decode("utf-8")


def _to_array(raw: memoryview, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    if dtype == "bfloat16":  # numpy has no bfloat16: it is the top half of a float32
        u16 = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        return u16.view(np.float32).reshape(shape)
    return np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape)


def read_model_bin(path: str | Path) -> Ct2Model:
    """Parses model.bin into numpy arrays (native dtypes; aliases resolved to the same array)."""
    data = memoryview(Path(path).read_bytes())
    r = _Reader(data)
    (version,) = r.unpack("I")
    if version < 4 or version > 6:
        raise UserError(f"{path}: unsupported CTranslate2 binary version {version} (expected 4..6)")
    model = Ct2Model(spec=r.string(), revision=r.unpack("I")[0], binary_version=version)
    (n_vars,) = r.unpack("I")
    for _ in range(n_vars):
        name = r.string()
        (rank,) = r.unpack("B")
        shape = r.unpack(f"{rank}I") if rank else ()
        dtype_id, n_bytes = r.unpack("BI")
        if dtype_id >= len(_DTYPES):
            raise UserError(f"{path}: unknown CTranslate2 dtype id {dtype_id} for {name}")
        model.variables[name] = _to_array(r.take(n_bytes), _DTYPES[dtype_id], tuple(shape))
    (n_alias,) = r.unpack("I")
    for _ in range(n_alias):
        alias, target = r.string(), r.string()
        model.variables[alias] = model.variables[target]
    return model


def dequantized(model: Ct2Model, name: str) -> np.ndarray:
    """`name` as float32. int8/int16 weights are stored as round(w * scale) with `<name>_scale`
    (per output row for int8, a scalar for int16), so w = q / scale."""
    value = model.variables[name]
    if value.dtype in (np.int8, np.int16):
        scale = model.variables.get(name + "_scale")
        if scale is None:
            raise UserError(f"quantized CTranslate2 variable {name} has no {name}_scale")
        scale = scale.astype(np.float32)
        if scale.ndim == 1:
            scale = scale.reshape((-1,) + (1,) * (value.ndim - 1))
        return value.astype(np.float32) / scale
    return value.astype(np.float32)
