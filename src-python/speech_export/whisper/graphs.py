"""The two exported graphs, as thin wrappers around transformers' Whisper modules (no model code of our own):

- EncoderGraph: input_features -> cross_k, cross_v [n_layer, batch, n_head, 1500, head_dim], computed
  by every decoder layer's own encoder_attn.k_proj / v_proj on the encoder output, once per clip.
- DecoderGraph: tokens + self K/V cache (past may be 0) + cross K/V -> logits + grown self cache.

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
        k = torch.stack([_heads(layer.encoder_attn.k_proj(h), self.n_head) for layer in self.layers])
        v = torch.stack([_heads(layer.encoder_attn.v_proj(h), self.n_head) for layer in self.layers])
        return k.float(), v.float()


def _layer(keys: torch.Tensor, values: torch.Tensor) -> DynamicLayer:
    # Filled directly rather than through update(): update() concatenates onto a 1-D empty tensor,
    # which the ONNX graph would keep as a rank-mismatched Concat.
    layer = DynamicLayer()
    layer.lazy_initialization(keys)
    layer.keys, layer.values = keys, values
    return layer


class DecoderGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.decoder = model.model.decoder
        self.proj_out = model.proj_out
        self.dtype = next(model.parameters()).dtype

    def forward(self, tokens, self_k, self_v, cross_k, cross_v):
        dt = self.dtype
        n_layer = self_k.shape[0]
        self_cache, cross_cache = DynamicCache(), DynamicCache()
        self_cache.layers = [_layer(self_k[i].to(dt), self_v[i].to(dt)) for i in range(n_layer)]
        cross_cache.layers = [_layer(cross_k[i].to(dt), cross_v[i].to(dt)) for i in range(n_layer)]
        cache = EncoderDecoderCache(self_cache, cross_cache)
        for i in range(n_layer):
            cache.is_updated[i] = True  # cross K/V come from the encoder graph: never recomputed here

        # Positions continue after the cache: past is read from its shape, so past=0 works too.
        past = self_k.shape[3]
        batch, n = tokens.shape
        cache_position = torch.arange(n, device=tokens.device) + past
        position_ids = cache_position.unsqueeze(0).expand(batch, n)
        # Additive causal mask over [past + n] keys, 4-D so transformers uses it as is.
        key_pos = torch.arange(past + n, device=tokens.device)
        blocked = key_pos.unsqueeze(0) > cache_position.unsqueeze(1)
        mask = torch.zeros(blocked.shape, dtype=dt).masked_fill(blocked, torch.finfo(dt).min)
        mask = mask[None, None].expand(batch, 1, n, past + n)

        out = self.decoder(input_ids=tokens, attention_mask=mask,
                           encoder_hidden_states=cross_k[0],  # only checked for None: cross K/V are cached
                           past_key_values=cache, use_cache=True, cache_position=cache_position,
                           position_ids=position_ids, return_dict=True)
        logits = self.proj_out(out.last_hidden_state)
        new_k = torch.stack([layer.keys for layer in self_cache.layers])
        new_v = torch.stack([layer.values for layer in self_cache.layers])
        return logits.float(), new_k.float(), new_v.float()
