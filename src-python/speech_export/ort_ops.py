"""ONNX Runtime contrib ops the exports write directly (CPU and CUDA kernels both exist; not standard ONNX)."""

from __future__ import annotations

import math

import torch


class MultiHeadAttention(torch.autograd.Function):
    """softmax(q kᵀ/√head_dim [+ key mask]) v with q [B, S, H·D], k and v [B, L, H·D]; key_mask int32 [B, L]
    (1 = may attend; every row has a visible key) or None. Exported as com.microsoft.MultiHeadAttention: one
    kernel instead of per-head transposes and [B, H, S, L] logits in memory. Its masked keys get -10000 added,
    which exp() takes to 0 in fp32, as -inf here. Logits and softmax in fp32 (fp16 q·k can overflow)."""

    @staticmethod
    def forward(ctx, q, k, v, key_mask, num_heads: int, head_dim: int):
        b, s, l = q.shape[0], q.shape[1], k.shape[1]
        heads = lambda t, n: t.reshape(b, n, num_heads, -1).transpose(1, 2)  # noqa: E731
        scores = torch.matmul(heads(q, s).float(), heads(k, l).float().transpose(-1, -2)) / math.sqrt(head_dim)
        if key_mask is not None:
            scores = scores.masked_fill(~key_mask[:, None, None, :].bool(), float("-inf"))
        o = torch.matmul(torch.softmax(scores, dim=-1).to(v.dtype), heads(v, l))
        return o.transpose(1, 2).reshape(b, s, -1)

    @staticmethod
    def symbolic(g, q, k, v, key_mask, num_heads: int, head_dim: int):
        from torch.onnx import symbolic_opset9
        mask = [] if key_mask is None else [symbolic_opset9.unused(g), key_mask]  # (no bias, mask)
        out = g.op("com.microsoft::MultiHeadAttention", q, k, v, *mask, num_heads_i=num_heads,
                   scale_f=1.0 / math.sqrt(head_dim))
        return out.setType(q.type())  # shaped as q: keeps the graph's output shapes known
