"""Saving ONNX graphs and describing/hashing the files of an export folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
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
    if _weight_bytes(model) < _PROTOBUF_LIMIT - (64 << 20):  # margin for the rest of the proto
        onnx.save(model, str(path))
        return [path]
    onnx.save(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
              location=data.name, size_threshold=1024)
    return [path, data]


def _weight_bytes(model: onnx.ModelProto) -> int:
    """Size of the initializers, summed tensor by tensor: ByteSize() of a > 2 GiB proto raises
    instead of answering, which is the very case this must detect."""
    return sum(len(t.raw_data) if t.HasField("raw_data") else t.ByteSize() for t in model.graph.initializer)


def resave(src: str | os.PathLike, dst: str | os.PathLike, shapes: dict[str, list] | None = None) -> list[Path]:
    """Loads a graph (with any external data torch.onnx.export scattered next to it, e.g. into a
    temp folder), shares tied weights, fixes I/O shapes (see set_io_shapes) and saves it to `dst`."""
    model = onnx.load(str(src), load_external_data=True)
    share_transposed_weights(model)
    if shapes:
        set_io_shapes(model, shapes)
    return save_model(model, dst)


def set_io_shapes(model: onnx.ModelProto, shapes: dict[str, list]) -> None:
    """Sets the declared shape of graph inputs/outputs: ints are fixed dims, strings named dynamic axes.
    The exporter leaves some outputs with generated names (e.g. after a Cast) where the contract has numbers."""
    for v in list(model.graph.input) + list(model.graph.output):
        if v.name not in shapes:
            continue
        dims = v.type.tensor_type.shape.dim
        del dims[:]
        for d in shapes[v.name]:
            dim = dims.add()
            if isinstance(d, int):
                dim.dim_value = d
            else:
                dim.dim_param = d


def share_transposed_weights(model: onnx.ModelProto) -> int:
    """Tied weights (an embedding reused as the output projection) are exported twice: once for the
    Gather, once pre-transposed for the MatMul. Replace the copy by a Transpose of the original, which
    halves the size of a decoder graph. Returns how many were replaced."""
    from onnx import helper, numpy_helper

    inits = {i.name: i for i in model.graph.initializer}
    gathered = {n.input[0] for n in model.graph.node if n.op_type == "Gather" and n.input[0] in inits}
    replaced = 0
    for node in list(model.graph.node):
        if node.op_type != "MatMul" or node.input[1] not in inits:
            continue
        b = inits[node.input[1]]
        for name in gathered:
            g = inits[name]
            if len(b.dims) != 2 or list(b.dims) != list(reversed(g.dims)):
                continue
            if not np.array_equal(numpy_helper.to_array(b), numpy_helper.to_array(g).T):
                continue
            out = name + "_transposed"
            model.graph.node.insert(list(model.graph.node).index(node),
                                    helper.make_node("Transpose", [name], [out], perm=[1, 0], name=out))
            old = node.input[1]
            node.input[1] = out
            if not any(old in n.input for n in model.graph.node):
                model.graph.initializer.remove(b)
            replaced += 1
            break
    return replaced


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
