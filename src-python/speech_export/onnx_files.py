"""Saving ONNX graphs and describing/hashing the files of an export folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import onnx

# protobuf cannot serialise a model of 2 GiB or more: bigger graphs keep their weights in a side file.
_PROTOBUF_LIMIT = 2**31 - 1

_DTYPES = {
    onnx.TensorProto.FLOAT: "float32",
    onnx.TensorProto.FLOAT16: "float16",
    onnx.TensorProto.DOUBLE: "float64",
    onnx.TensorProto.INT64: "int64",
    onnx.TensorProto.INT32: "int32",
    onnx.TensorProto.INT8: "int8",
    onnx.TensorProto.UINT8: "uint8",
    onnx.TensorProto.BOOL: "bool",
}


def save_model(model: onnx.ModelProto, path: str | os.PathLike) -> list[Path]:
    """Saves `model`, with external data only when it would not fit in one protobuf.

    Returns the files written (the graph, plus `<name>.data` when external)."""
    path = Path(path)
    data = path.with_name(path.name + ".data")
    for stale in (path, data):
        stale.unlink(missing_ok=True)
    if model.ByteSize() < _PROTOBUF_LIMIT:
        onnx.save(model, str(path))
        return [path]
    onnx.save(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
              location=data.name, size_threshold=1024)
    return [path, data]


def resave(src: str | os.PathLike, dst: str | os.PathLike) -> list[Path]:
    """Loads a graph (with any external data torch.onnx.export scattered next to it, e.g. into a
    temp folder) and saves it to `dst` via save_model."""
    return save_model(onnx.load(str(src), load_external_data=True), dst)


def _dim(d) -> int | str:
    if d.HasField("dim_value"):
        return int(d.dim_value)
    return d.dim_param or "?"


def _value_info(v) -> dict:
    t = v.type.tensor_type
    return {"name": v.name, "dtype": _DTYPES.get(t.elem_type, str(t.elem_type)),
            "shape": [_dim(d) for d in t.shape.dim]}


def describe_graph(path: str | os.PathLike) -> dict:
    """Names, dtypes and (symbolic) shapes of a saved graph's inputs and outputs."""
    model = onnx.load(str(path), load_external_data=False)
    init = {i.name for i in model.graph.initializer}
    return {
        "file": Path(path).name,
        "inputs": [_value_info(v) for v in model.graph.input if v.name not in init],
        "outputs": [_value_info(v) for v in model.graph.output],
    }


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def hash_files(folder: str | os.PathLike, exclude: tuple[str, ...] = ("manifest.json",)) -> dict[str, str]:
    """sha256 of every file in `folder` (recursively, '/'-separated relative names), sorted by name."""
    folder = Path(folder)
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in exclude:
            out[rel] = sha256_file(p)
    return out
