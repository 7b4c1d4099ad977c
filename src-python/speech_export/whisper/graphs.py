"""The two exported graphs, built from transformers' Whisper modules (their weights and layers; the
encoder's self-attention is ONNX Runtime's fused MultiHeadAttention, the decoder's attention is written out
here so the caches are read where they lie):

- EncoderGraph: input_features -> cross_k_<l>, cross_v_<l> [batch, n_head, 1500, head_dim] per decoder
  layer l, computed by that layer's own encoder_attn.k_proj / v_proj on the encoder output, once per window.
- DecoderGraph: one batched step over rows that each read their own slot of fixed-capacity self K/V
  caches and their own window of cross K/V, one tensor per layer, resident and shared by the caller
  across calls; returns the logits asked for and only the new tokens' K/V, which the caller writes
  into the cache in place.

Graph I/O is float32 whatever the weights' dtype: fp16 models cast at the boundaries, and attention
(scores, softmax, the products with the caches) runs in float32."""

from __future__ import annotations

import torch
from torch import nn

from ..ort_ops import MultiHeadAttention


def _heads(x: torch.Tensor, n_head: int) -> torch.Tensor:
    b, t, d = x.shape
    return x.view(b, t, n_head, d // n_head).transpose(1, 2)


def _merge(x: torch.Tensor) -> torch.Tensor:
    b, h, t, d = x.shape
    return x.transpose(1, 2).reshape(b, t, h * d)


def _pad_row(x: torch.Tensor) -> torch.Tensor:
    """x with one zero row appended on axis 0: index len(x) is "no row" in the index tables below."""
    return torch.cat([x, torch.zeros_like(x[:1])], dim=0)


class EncoderGraph(nn.Module):
    """transformers' WhisperEncoder.forward (eval: no dropout, layer drop or head mask) with each self-attention
    as ONNX Runtime's MultiHeadAttention in float32: the explicit per-head MatMul/Softmax/Transpose attention
    was about 40 % of the encoder pass on CPU."""

    def __init__(self, model):
        super().__init__()
        self.encoder = model.model.encoder
        self.layers = model.model.decoder.layers
        self.n_head = model.config.decoder_attention_heads
        self.dtype = next(model.parameters()).dtype

    def forward(self, input_features: torch.Tensor):
        enc = self.encoder
        x = nn.functional.gelu(enc.conv1(input_features.to(self.dtype)))
        x = nn.functional.gelu(enc.conv2(x))
        h = x.permute(0, 2, 1) + enc.embed_positions.weight
        for layer in enc.layers:
            att = layer.self_attn
            y = layer.self_attn_layer_norm(h)
            # the symbolic's scale 1/√head_dim is upstream's att.scaling on q
            o = MultiHeadAttention.apply(att.q_proj(y).float(), att.k_proj(y).float(), att.v_proj(y).float(), None,
                                         att.num_heads, att.head_dim)
            h = h + att.out_proj(o.to(self.dtype))
            y = layer.final_layer_norm(h)
            h = h + layer.fc2(layer.activation_fn(layer.fc1(y)))
        h = enc.layer_norm(h)
        # One tensor per layer, so the service keeps each layer's windows in one buffer the decoder
        # reads without slicing.
        k = [_heads(layer.encoder_attn.k_proj(h), self.n_head).float() for layer in self.layers]
        v = [_heads(layer.encoder_attn.v_proj(h), self.n_head).float() for layer in self.layers]
        return (*k, *v)


class DecoderGraph(nn.Module):
    """tokens [batch, n] at positions offsets[b] + (0..n-1) of each row. Row b attends to the first
    offsets[b] entries of slot slots[b] of every self_k_<l>/self_v_<l> [n_slots, n_head, capacity,
    head_dim] (the rest masked) and to its new tokens causally, and cross-attends to the window w with
    b in window_rows[w] of cross_k_<l>/cross_v_<l> [n_windows, n_head, 1500, head_dim].

    No cache is gathered or copied: the (small) queries are moved into slot order and window order
    instead — slot s gets the query of the row in it, window w the queries of its rows (a [n_windows,
    group] table, rows of one window side by side; index batch = none) — so every cache tensor is
    only read, once per call, by one batched MatMul. Reads are at the caches' fixed capacity, so what
    a call costs does not grow with the tokens so far."""

    def __init__(self, model):
        super().__init__()
        self.decoder = model.model.decoder
        self.proj_out = model.proj_out
        self.dtype = next(model.parameters()).dtype
        self.n_layer = model.config.decoder_layers
        self.n_head = model.config.decoder_attention_heads
        self.max_position = model.config.max_target_positions - 1

    def forward(self, tokens, offsets, slots, window_rows, reads, *caches):
        n_layer, dt = self.n_layer, self.dtype
        self_k, self_v = caches[:n_layer], caches[n_layer:2 * n_layer]
        cross_k, cross_v = caches[2 * n_layer:3 * n_layer], caches[3 * n_layer:]
        n_windows, group = window_rows.shape
        capacity = self_k[0].shape[2]

        # Index tables from tensors only (no Python ints from data), so every size stays dynamic.
        row_ids = torch.cumsum(torch.ones_like(slots), 0) - 1                               # [batch] 0..batch-1
        no_row = torch.ones_like(slots).sum()                                                # batch
        slot_rows = (torch.zeros_like(self_k[0][:, 0, 0, 0], dtype=torch.long) + no_row).scatter(0, slots, row_ids)
        cells = torch.cumsum(torch.ones_like(window_rows.reshape(-1)), 0) - 1                # w * group + g
        row_cell = torch.zeros_like(_pad_row(slots)).scatter(0, window_rows.reshape(-1), cells)[:-1]  # [batch]

        steps = torch.cumsum(torch.ones_like(tokens[0]), 0) - 1                             # [n]
        positions = (offsets.unsqueeze(1) + steps.unsqueeze(0)).clamp(max=self.max_position)
        h = self.decoder.embed_tokens(tokens) + self.decoder.embed_positions.weight[positions]

        lowest = torch.finfo(torch.float32).min
        past_blocked = (torch.cumsum(torch.ones_like(self_k[0][0, 0, :, 0], dtype=torch.long), 0) - 1).unsqueeze(0) \
            >= offsets.unsqueeze(1)                                                          # [batch, capacity]
        past_mask = torch.zeros_like(past_blocked, dtype=torch.float32).masked_fill(past_blocked, lowest)[:, None, None, :]
        new_blocked = steps.unsqueeze(0) > steps.unsqueeze(1)                                # [n, n]
        new_mask = torch.zeros_like(new_blocked, dtype=torch.float32).masked_fill(new_blocked, lowest)

        new_k, new_v = [], []
        for i, layer in enumerate(self.decoder.layers):
            att = layer.self_attn
            x = layer.self_attn_layer_norm(h)
            q = _heads(att.q_proj(x) * att.scaling, self.n_head).float()                     # [batch, head, n, d]
            k = _heads(att.k_proj(x), self.n_head).float()
            v = _heads(att.v_proj(x), self.n_head).float()
            new_k.append(k)
            new_v.append(v)
            past = torch.matmul(_pad_row(q)[slot_rows], self_k[i].transpose(-1, -2))[slots]  # [batch, head, n, capacity]
            weights = torch.softmax(torch.cat([past + past_mask, torch.matmul(q, k.transpose(-1, -2)) + new_mask], -1), -1)
            w_past, w_new = weights[..., :capacity], weights[..., capacity:]
            o = torch.matmul(_pad_row(w_past)[slot_rows], self_v[i])[slots] + torch.matmul(w_new, v)
            h = h + att.out_proj(_merge(o).to(dt))

            att = layer.encoder_attn
            x = layer.encoder_attn_layer_norm(h)
            q = _heads(att.q_proj(x) * att.scaling, self.n_head).float()
            batch_head, n, d = q.shape[1], q.shape[2], q.shape[3]
            qw = _pad_row(q)[window_rows].transpose(1, 2).reshape(n_windows, batch_head, group * n, d)
            ow = torch.matmul(torch.softmax(torch.matmul(qw, cross_k[i].transpose(-1, -2)), -1), cross_v[i])
            o = ow.reshape(n_windows, batch_head, group, n, d).transpose(1, 2).reshape(n_windows * group, batch_head, n, d)[row_cell]
            h = h + att.out_proj(_merge(o).to(dt))

            x = layer.final_layer_norm(h)
            h = h + layer.fc2(layer.activation_fn(layer.fc1(x)))

        h = self.decoder.layer_norm(h)
        h = torch.gather(h, 1, reads.unsqueeze(-1).expand(-1, -1, h.shape[-1]))              # [batch, n_reads, d_model]
        logits = self.proj_out(h)
        return logits.float(), torch.stack(new_k, 1), torch.stack(new_v, 1)
