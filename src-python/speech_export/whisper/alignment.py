"""alignment.onnx: the cross-attention of the model's alignment heads over a window's decoded text, for
word timestamps (openai/whisper's timing.find_alignment; the DTW and word rules run in the service).

A graph apart from decoder.onnx, run once per decoded window with its cross K/V: decoding without
words pays nothing, and the decoder's contract stays as it is.

- in  tokens  i64 [batch, n_tokens]: [*sot_sequence, no_timestamps, *text_tokens, eot] (timing.py's)
- in  windows i64 [batch]; cross_k_<l>, cross_v_<l> f32 [n_windows, n_text_head, n_audio_ctx, head_dim] per
  decoder layer l: the encoder's outputs and the service's buffers, as decoder.onnx takes them
- out attention   f32 [batch, n_alignment_heads, n_tokens, n_audio_ctx]: softmax weights of the
  alignment heads in manifest order (transformers' output_attentions). timing.py softmaxes the raw
  scores over the window's real frames only: the caller renormalises over those (the same thing).
- out token_probs f32 [batch, n_tokens]: probability of tokens[t + 1] after tokens[..t], softmax over
  the text vocabulary (ids < eot) as timing.py's word probabilities; the last position is 0."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from transformers.cache_utils import DynamicCache, DynamicLayer, EncoderDecoderCache

from ..onnx_files import resave
from ..parity import Row
from .contract import layer_names

OUTPUTS = ["attention", "token_probs"]


def inputs(n_layer: int) -> list[str]:
    return ["tokens", "windows"] + layer_names(n_layer, "cross_k", "cross_v")


def axes(n_layer: int) -> dict:
    return ({"tokens": {0: "batch", 1: "n_tokens"}, "windows": {0: "batch"},
             "attention": {0: "batch", 2: "n_tokens"}, "token_probs": {0: "batch", 1: "n_tokens"}}
            | {name: {0: "n_windows"} for name in layer_names(n_layer, "cross_k", "cross_v")})

# Max abs diff of the attention weights (in [0, 1]) and token probabilities against PyTorch.
TOLERANCES = {"fp32": 1e-3, "fp16": 5e-2, "int8": 0.5}


def _layer(keys: torch.Tensor, values: torch.Tensor) -> DynamicLayer:
    # Filled directly rather than through update(): update() concatenates onto a 1-D empty tensor,
    # which the ONNX graph would keep as a rank-mismatched Concat.
    layer = DynamicLayer()
    layer.lazy_initialization(keys)
    layer.keys, layer.values = keys, values
    return layer


class AlignmentGraph(nn.Module):
    """transformers' WhisperDecoder over the whole sequence (causal, no self cache) with the window's
    cross K/V from the encoder graph, returning the alignment heads' cross-attention weights."""

    def __init__(self, model, heads: list[list[int]], eot: int):
        super().__init__()
        self.decoder = model.model.decoder
        self.proj_out = model.proj_out
        self.dtype = next(model.parameters()).dtype
        self.heads = [(int(layer), int(head)) for layer, head in heads]
        self.eot = eot

    def forward(self, tokens, windows, *cross):
        dt = self.dtype
        n_layer = len(cross) // 2
        # Gathered once per window's text (not per token): [batch, n_text_layer, n_text_head, n_audio_ctx, head_dim]
        rows_k = torch.stack([c.index_select(0, windows) for c in cross[:n_layer]], 1).to(dt)
        rows_v = torch.stack([c.index_select(0, windows) for c in cross[n_layer:]], 1).to(dt)
        batch, n = tokens.shape
        empty = rows_k[:, 0, :, :0]  # [batch, heads, 0, head_dim]: no past, of the rank update() concatenates to
        self_cache, cross_cache = DynamicCache(), DynamicCache()
        self_cache.layers = [_layer(empty, empty) for _ in range(n_layer)]
        cross_cache.layers = [_layer(rows_k[:, i], rows_v[:, i]) for i in range(n_layer)]
        cache = EncoderDecoderCache(self_cache, cross_cache)
        for i in range(n_layer):
            cache.is_updated[i] = True  # cross K/V come from the encoder graph
        steps = torch.arange(n, device=tokens.device)
        blocked = steps.unsqueeze(0) > steps.unsqueeze(1)
        mask = torch.zeros(blocked.shape, dtype=dt).masked_fill(blocked, torch.finfo(dt).min)
        mask = mask.unsqueeze(0).unsqueeze(0).expand(batch, 1, n, n)
        out = self.decoder(input_ids=tokens, attention_mask=mask, encoder_hidden_states=rows_k[:, 0],
                           past_key_values=cache, use_cache=True, cache_position=steps,
                           output_attentions=True, return_dict=True)
        attention = torch.stack([out.cross_attentions[layer][:, head] for layer, head in self.heads], dim=1)
        logits = self.proj_out(out.last_hidden_state).float()[:, :, :self.eot]
        probs = logits.softmax(dim=-1)
        following = tokens[:, 1:].clamp(max=self.eot - 1).unsqueeze(-1)  # eot itself is not a text token
        token_probs = torch.cat([probs[:, :-1].gather(2, following).squeeze(-1),
                                 torch.zeros(batch, 1, dtype=probs.dtype)], dim=1)
        return attention.float(), token_probs


def io_shapes(cfg, n_heads: int) -> dict[str, list]:
    n_layer, n_head = cfg.decoder_layers, cfg.decoder_attention_heads
    windows = ["n_windows", n_head, cfg.max_source_positions, cfg.d_model // n_head]
    return ({"tokens": ["batch", "n_tokens"], "windows": ["batch"]}
            | {name: windows for name in layer_names(n_layer, "cross_k", "cross_v")}
            | {"attention": ["batch", n_heads, "n_tokens", cfg.max_source_positions], "token_probs": ["batch", "n_tokens"]})


def export_graph(model, out: Path, heads: list[list[int]], eot: int, tmp: Path, opset: int) -> float:
    """Traces AlignmentGraph into out/alignment.onnx; returns the seconds it took."""
    t = time.perf_counter()
    cfg = model.config
    n_layer, n_head = cfg.decoder_layers, cfg.decoder_attention_heads
    cross = [torch.zeros(2, n_head, cfg.max_source_positions, cfg.d_model // n_head) for _ in range(2 * n_layer)]  # distinct inputs
    tokens = torch.tensor([[cfg.decoder_start_token_id, 1, 2, eot]] * 2, dtype=torch.long)
    windows = torch.tensor([1, 0], dtype=torch.long)
    torch.onnx.export(AlignmentGraph(model, heads, eot), (tokens, windows, *cross), str(tmp / "alignment.onnx"),
                      input_names=inputs(n_layer), output_names=OUTPUTS, dynamic_axes=axes(n_layer), opset_version=opset,
                      dynamo=False, do_constant_folding=True)
    resave(tmp / "alignment.onnx", out / "alignment.onnx", io_shapes(cfg, len(heads)))
    return time.perf_counter() - t


def parity_rows(session, model, heads: list[list[int]], eot: int, tokens: list[int], encoder_hidden: torch.Tensor,
                cross: list[np.ndarray], tolerance: float) -> list[Row]:
    """ORT's alignment.onnx against transformers' own forward (output_attentions) on the same tokens;
    `cross` is the encoder graph's outputs for one window."""
    feed = {"tokens": np.array([tokens], np.int64), "windows": np.zeros(1, np.int64)}
    attention, token_probs = session.run(None, feed | dict(zip(inputs(len(cross) // 2)[2:], cross)))
    with torch.no_grad():
        out = model(encoder_outputs=(encoder_hidden,), decoder_input_ids=torch.tensor([tokens]), output_attentions=True)
        ref = torch.stack([out.cross_attentions[layer][0, head] for layer, head in heads]).numpy()
        probs = out.logits[0, :, :eot].softmax(dim=-1).numpy()
    ref_probs = np.array([probs[t, tokens[t + 1]] if tokens[t + 1] < eot else probs[t, eot - 1]
                          for t in range(len(tokens) - 1)] + [0.0])
    return [Row("alignment.attention", float(np.abs(attention[0] - ref).max()), tolerance, attention.shape),
            Row("alignment.token_probs", float(np.abs(token_probs[0] - ref_probs).max()), tolerance, token_probs.shape)]
