"""The two exported graphs, as thin wrappers around transformers' Whisper modules (no model code of our own):

- EncoderGraph: input_features -> cross_k, cross_v [batch, n_layer, n_head, 1500, head_dim], computed
  by every decoder layer's own encoder_attn.k_proj / v_proj on the encoder output, once per window.
- DecoderGraph: one batched step over rows that each read their own slot of a fixed-capacity self
  K/V cache and their own window of cross K/V (both resident, shared by the caller across calls);
  returns the logits and only the new tokens' K/V, which the caller writes into the cache in place.

Graph I/O is float32 whatever the weights' dtype: fp16 models cast at the boundaries."""

from __future__ import annotations

import torch
from torch import nn
from transformers.cache_utils import DynamicCache, DynamicLayer, EncoderDecoderCache


def _heads(x: torch.Tensor, n_head: int) -> torch.Tensor:
    b, t, d = x.shape
    return x.view(b, t, n_head, d // n_head).transpose(1, 2)


class EncoderGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.encoder = model.model.encoder
        self.layers = model.model.decoder.layers
        self.n_head = model.config.decoder_attention_heads
        self.dtype = next(model.parameters()).dtype

    def forward(self, input_features: torch.Tensor):
        h = self.encoder(input_features.to(self.dtype), return_dict=True).last_hidden_state
        # Window first, so one window's K/V of every layer is one contiguous block.
        k = torch.stack([_heads(layer.encoder_attn.k_proj(h), self.n_head) for layer in self.layers], dim=1)
        v = torch.stack([_heads(layer.encoder_attn.v_proj(h), self.n_head) for layer in self.layers], dim=1)
        return k.float(), v.float()


def _layer(keys: torch.Tensor, values: torch.Tensor) -> DynamicLayer:
    # Filled directly rather than through update(): update() concatenates onto a 1-D empty tensor,
    # which the ONNX graph would keep as a rank-mismatched Concat.
    layer = DynamicLayer()
    layer.lazy_initialization(keys)
    layer.keys, layer.values = keys, values
    return layer


class DecoderGraph(nn.Module):
    """tokens [batch, n] at positions offsets[b] + (0..n-1) of each row; row b attends to the first
    offsets[b] entries of self_k/v[slots[b]] (capacity n_text_ctx, the rest masked) and to its new
    tokens causally, and cross-attends to cross_k/v[windows[b]]. The cache is read at its fixed
    capacity, so the bytes a call moves do not depend on how many tokens came before."""

    def __init__(self, model):
        super().__init__()
        self.decoder = model.model.decoder
        self.proj_out = model.proj_out
        self.dtype = next(model.parameters()).dtype
        self.max_position = model.config.max_target_positions - 1

    def forward(self, tokens, offsets, slots, self_k, self_v, windows, cross_k, cross_v):
        dt = self.dtype
        n_layer = self_k.shape[1]
        capacity = self_k.shape[3]
        past_k, past_v = self_k.index_select(0, slots).to(dt), self_v.index_select(0, slots).to(dt)
        rows_k, rows_v = cross_k.index_select(0, windows).to(dt), cross_v.index_select(0, windows).to(dt)
        self_cache, cross_cache = DynamicCache(), DynamicCache()
        self_cache.layers = [_layer(past_k[:, i], past_v[:, i]) for i in range(n_layer)]
        cross_cache.layers = [_layer(rows_k[:, i], rows_v[:, i]) for i in range(n_layer)]
        cache = EncoderDecoderCache(self_cache, cross_cache)
        for i in range(n_layer):
            cache.is_updated[i] = True  # cross K/V come from the encoder graph: never recomputed here

        batch, n = tokens.shape
        steps = torch.arange(n, device=tokens.device)
        position_ids = (offsets.unsqueeze(1) + steps.unsqueeze(0)).clamp(max=self.max_position)
        # Additive mask over [capacity + n] keys: a row's own past (< offsets[b]), then its new tokens causally.
        past_blocked = torch.arange(capacity, device=tokens.device).unsqueeze(0) >= offsets.unsqueeze(1)  # [batch, capacity]
        new_blocked = steps.unsqueeze(0) > steps.unsqueeze(1)  # [n, n]
        blocked = torch.cat([past_blocked.unsqueeze(1).expand(batch, n, capacity),
                             new_blocked.unsqueeze(0).expand(batch, n, n)], dim=2)
        mask = torch.zeros(blocked.shape, dtype=dt).masked_fill(blocked, torch.finfo(dt).min).unsqueeze(1)

        out = self.decoder(input_ids=tokens, attention_mask=mask,
                           encoder_hidden_states=rows_k[:, 0],  # only checked for None: cross K/V are cached
                           past_key_values=cache, use_cache=True, cache_position=steps + capacity,
                           position_ids=position_ids, return_dict=True)
        logits = self.proj_out(out.last_hidden_state)
        new_k = torch.stack([layer.keys[:, :, capacity:] for layer in self_cache.layers], dim=1)
        new_v = torch.stack([layer.values[:, :, capacity:] for layer in self_cache.layers], dim=1)
        return logits.float(), new_k.float(), new_v.float()
