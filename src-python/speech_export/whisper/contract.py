"""Names, axes and shapes of the Whisper graphs (format_version 3, docs/whisper-graphs.md), and the feed
of one decoder row, shared by the export, its parity check and the Python tests."""

from __future__ import annotations

import numpy as np

# 3: per-layer cache tensors read in place (queries moved to slot / window order), logits only at `reads`.
FORMAT_VERSION = 3


def layer_names(n_layer: int, *stems: str) -> list[str]:
    return [f"{stem}_{i}" for stem in stems for i in range(n_layer)]


def encoder_outputs(n_layer: int) -> list[str]:
    return layer_names(n_layer, "cross_k", "cross_v")


def decoder_inputs(n_layer: int) -> list[str]:
    return ["tokens", "offsets", "slots", "window_rows", "reads"] + layer_names(n_layer, "self_k", "self_v", "cross_k", "cross_v")


DECODER_OUTPUTS = ["logits", "new_k", "new_v"]


def encoder_axes(n_layer: int) -> dict:
    return {"input_features": {0: "batch"}} | {name: {0: "batch"} for name in encoder_outputs(n_layer)}


def decoder_axes(n_layer: int) -> dict:
    return ({"tokens": {0: "batch", 1: "n_tokens"}, "offsets": {0: "batch"}, "slots": {0: "batch"},
             "window_rows": {0: "n_windows", 1: "group"}, "reads": {0: "batch", 1: "n_reads"},
             "logits": {0: "batch", 1: "n_reads"}, "new_k": {0: "batch", 3: "n_tokens"}, "new_v": {0: "batch", 3: "n_tokens"}}
            | {name: {0: "n_slots", 2: "capacity"} for name in layer_names(n_layer, "self_k", "self_v")}
            | {name: {0: "n_windows"} for name in layer_names(n_layer, "cross_k", "cross_v")})


def io_shapes(n_mels: int, n_frames: int, n_layer: int, n_head: int, head_dim: int, audio_ctx: int, vocab: int) -> dict:
    """Graph I/O shapes exactly as docs/whisper-graphs.md states them."""
    cross = ["batch", n_head, audio_ctx, head_dim]
    cache = ["n_slots", n_head, "capacity", head_dim]
    windows = ["n_windows", n_head, audio_ctx, head_dim]
    new = ["batch", n_layer, n_head, "n_tokens", head_dim]
    return {
        "encoder": {"input_features": ["batch", n_mels, n_frames]} | {name: cross for name in encoder_outputs(n_layer)},
        "decoder": {"tokens": ["batch", "n_tokens"], "offsets": ["batch"], "slots": ["batch"],
                    "window_rows": ["n_windows", "group"], "reads": ["batch", "n_reads"]}
                   | {name: cache for name in layer_names(n_layer, "self_k", "self_v")}
                   | {name: windows for name in layer_names(n_layer, "cross_k", "cross_v")}
                   | {"logits": ["batch", "n_reads", vocab], "new_k": new, "new_v": new},
    }


class OneRow:
    """One decoder row on slot 0 of its own cache and window 0 of `cross` (the encoder's outputs for one
    window, in encoder_outputs order): step() feeds new tokens, writes their K/V in place, returns the
    logits of every new position [1, n, vocab]."""

    def __init__(self, decoder, cross: list[np.ndarray], n_layer: int, capacity: int):
        self.decoder, self.n_layer, self.cross = decoder, n_layer, cross
        _, n_head, _, head_dim = cross[0].shape
        self.self_k = [np.zeros((1, n_head, capacity, head_dim), np.float32) for _ in range(n_layer)]
        self.self_v = [np.zeros((1, n_head, capacity, head_dim), np.float32) for _ in range(n_layer)]

    def step(self, tokens: list[int], offset: int) -> np.ndarray:
        n = len(tokens)
        feed = {"tokens": np.array([tokens], np.int64), "offsets": np.array([offset], np.int64),
                "slots": np.zeros(1, np.int64), "window_rows": np.zeros((1, 1), np.int64),
                "reads": np.arange(n, dtype=np.int64)[None]}
        names = decoder_inputs(self.n_layer)[5:]
        feed |= dict(zip(names, self.self_k + self.self_v + list(self.cross)))
        logits, new_k, new_v = self.decoder.run(None, feed)
        for i in range(self.n_layer):
            self.self_k[i][0, :, offset:offset + n] = new_k[0, i]
            self.self_v[i][0, :, offset:offset + n] = new_v[0, i]
        return logits
