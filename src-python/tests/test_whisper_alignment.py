"""alignment.onnx (word timestamps): its contract, its parity gate, and that its attention follows the
speech on a real clip when put through openai/whisper's timing recipe (here in numpy)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

from speech_export.parity import ParityError
from speech_export.whisper import parity as whisper_parity
from speech_export.whisper.audio import decode_audio, log_mel
from speech_export.whisper.tokens import special_tokens
from test_whisper_export import io

HEADS_TINY_EN = [[1, 0], [2, 0], [2, 5], [3, 0], [3, 1], [3, 2], [3, 3], [3, 4]]


def manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def test_alignment_graph_contract(exported_tiny_en):
    L, H, D = 4, 6, 64
    ins, outs = io(exported_tiny_en / "alignment.onnx")
    windows = ["n_windows", H, 1500, D]  # one per layer, as decoder.onnx takes them (format_version 3)
    assert ins == [("tokens", "int64", ["batch", "n_tokens"]), ("windows", "int64", ["batch"])] \
        + [(f"{s}_{i}", "float32", windows) for s in ("cross_k", "cross_v") for i in range(L)]
    assert outs == [("attention", "float32", ["batch", len(HEADS_TINY_EN), "n_tokens", 1500]),
                    ("token_probs", "float32", ["batch", "n_tokens"])]
    m = manifest(exported_tiny_en)
    assert m["alignment_heads"] == HEADS_TINY_EN
    assert m["graphs"]["alignment"]["file"] == "alignment.onnx" and "alignment.onnx" in m["files"]
    assert m["parity"]["max_abs_diff"]["alignment"] < 1e-3 and m["parity"]["tolerance"]["alignment"] == 1e-3


def _median_filter(x, width=7):
    pad = width // 2
    padded = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode="reflect")
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, width, axis=-1), axis=-1)


def _dtw(x):
    n, m = x.shape
    cost = np.full((n + 1, m + 1), np.inf)
    trace = -np.ones((n + 1, m + 1))
    cost[0, 0] = 0
    for j in range(1, m + 1):
        for i in range(1, n + 1):
            c0, c1, c2 = cost[i - 1, j - 1], cost[i - 1, j], cost[i, j - 1]
            c, t = (c0, 0) if c0 < c1 and c0 < c2 else (c1, 1) if c1 < c0 and c1 < c2 else (c2, 2)
            cost[i, j], trace[i, j] = x[i - 1, j - 1] + c, t
    i, j, path = n, m, []
    trace[0, :], trace[:, 0] = 2, 1
    while i > 0 or j > 0:
        path.append((i - 1, j - 1))
        i, j = (i - 1, j - 1) if trace[i, j] == 0 else (i - 1, j) if trace[i, j] == 1 else (i, j - 1)
    return np.array(path[::-1]).T


def test_attention_follows_the_speech(exported_tiny_en, jfk_wav):
    """timing.find_alignment's recipe on ORT's weights: each text token's time from DTW. JFK's 11 s
    clip: tokens in order, the first word within the first second, the last token in the final two seconds."""
    m = manifest(exported_tiny_en)
    sp = m["special_tokens"]
    audio = decode_audio(jfk_wav)
    num_frames = len(audio) // 160
    encoder = session(exported_tiny_en / "encoder.onnx")
    cross = dict(zip([o.name for o in encoder.get_outputs()], encoder.run(None, {"input_features": log_mel(audio, 80)})))
    text = [t for t in m["parity"]["tokens"] if t < sp["eot"]]
    tokens = [sp["sot"], sp["no_timestamps"], *text, sp["eot"]]
    attention, probs = session(exported_tiny_en / "alignment.onnx").run(
        None, {"tokens": np.array([tokens], np.int64), "windows": np.zeros(1, np.int64)} | cross)
    w = attention[0][:, :, :num_frames // 2].astype(np.float64)
    w = w / w.sum(-1, keepdims=True)  # = softmax of the raw scores over the real frames only
    w = (w - w.mean(-2, keepdims=True)) / w.std(-2, keepdims=True)
    matrix = _median_filter(w).mean(0)[1:-1]  # drop [sot] and eot, as timing.py (sot_sequence = [sot] here)
    text_indices, time_indices = _dtw(-matrix)
    jumps = np.pad(np.diff(text_indices), (1, 0), constant_values=1).astype(bool)
    times = time_indices[jumps] / 50.0  # one time per row: no_timestamps, then each text token
    assert len(times) == len(text) + 1 and np.all(np.diff(times) >= 0)
    assert times[1] < 1.0 and 9.0 < times[-1] <= num_frames / 100
    assert np.all((probs[0, 1:len(text) + 1] > 0) & (probs[0, 1:len(text) + 1] <= 1))
    assert probs[0, -1] == 0.0


def test_perturbed_alignment_graph_fails_parity(exported_tiny_en, tiny_en_model, jfk_wav, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(exported_tiny_en, bad)
    model = onnx.load(str(bad / "alignment.onnx"))
    init = next(i for i in model.graph.initializer if i.name.endswith("encoder_attn_layer_norm.bias"))
    init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init) + 0.5, init.name))
    onnx.save(model, str(bad / "alignment.onnx"))
    tol = whisper_parity.tolerances("fp32", None, None)
    with pytest.raises(ParityError, match=r"alignment\.attention max_abs_diff=\S+ > tolerance=1.0e-03"):
        whisper_parity.run(bad, tiny_en_model, jfk_wav, special_tokens(bad / "tokenizer.json"), {}, 3, tol, HEADS_TINY_EN)
