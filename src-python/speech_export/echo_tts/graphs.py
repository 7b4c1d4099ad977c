"""The five Echo-TTS graphs: export-friendly forward passes over the upstream modules, and their I/O
contract (`GRAPHS`, docs/echo-tts-graphs.md).

The wrappers hold the upstream modules (and so their weights) and reuse their sub-modules wherever
those trace cleanly (Linear, RMSNorm, LowRankAdaLN, MLP, the codec's convs and transformers). What
they replace, and why:
* RoPE: upstream multiplies complex tensors, which ONNX cannot express; here the same interleaved-pair
  rotation with real cos/sin tables, computed by upstream's `precompute_freqs_cis` and baked as
  initializers (fp32, sliced to the sequence length).
* Attention: in the encoders explicit MatMul/Softmax with boolean key masks. In the DiT step ONNX Runtime's
  fused `com.microsoft.MultiHeadAttention` over [self | text | speaker] keys in [B, L, H·D] layout: no
  per-head transposes and no [B, H, S, L] logits concatenated and sliced in memory (the unfused graph spent
  about a sixth of its step there); the batch-1 text/speaker K/V are expanded to the lanes per layer (small).
* RMS norms of the DiT step (q/k norms, the AdaLN's): ONNX Runtime's SimplifiedLayerNormalization with a unit
  scale, then upstream's weight or modulation: one pass over the activations instead of five (ONNX Runtime
  fuses only a norm whose scale is one constant vector, which q/k's [H, D] weight and the AdaLN's per-lane
  modulation are not). Same arithmetic in torch.
* `spk_kv_scale`: per-layer multiplier of the speaker K and V, instead of upstream's in-place mutation.
* Codec: weight norm is folded beforehand (checkpoint.fold_weight_norm); the VQ is written out
  (argmax of cosine, straight-through residual as upstream) to skip the dead post_module/upsample compute
  of `DAC.encode`; Snake and LayerScale are made plain out-of-place functions; the causal conv's
  Python-int right pad (always 0 for valid lengths) is dropped so lengths stay dynamic; PCA is folded in.
"""

from __future__ import annotations

import math
import types

import torch
import torch.nn.functional as F
from torch import nn

from ..ort_ops import MultiHeadAttention
from . import upstream

NEG_INF = float("-inf")

# name -> (input names, output names, dynamic axes)
GRAPHS = {
    "dac_encode": (["audio"], ["latent", "z_q", "codes"],
                   {"audio": {0: "N", 2: "L"}, "latent": {0: "N", 1: "T"}, "z_q": {0: "N", 2: "T"},
                    "codes": {0: "N", 2: "T"}}),
    "text_cond": (["text_ids", "text_mask"], ["text_k", "text_v"],
                  {"text_ids": {0: "B", 1: "Lt"}, "text_mask": {0: "B", 1: "Lt"},
                   "text_k": {1: "B", 2: "Lt"}, "text_v": {1: "B", 2: "Lt"}}),
    "speaker_cond": (["speaker_latent", "speaker_mask"], ["speaker_k", "speaker_v", "speaker_patch_mask"],
                     {"speaker_latent": {0: "B", 1: "Ts"}, "speaker_mask": {0: "B", 1: "Ts"},
                      "speaker_k": {1: "B", 2: "Lsp"}, "speaker_v": {1: "B", 2: "Lsp"},
                      "speaker_patch_mask": {0: "B", 1: "Lsp"}}),
    "dit_step": (["x", "t", "text_mask", "speaker_mask", "text_k", "text_v", "speaker_k", "speaker_v",
                  "spk_kv_scale"], ["v"],
                 {"x": {0: "B", 1: "S"}, "t": {0: "B"}, "text_mask": {0: "B", 1: "Lt"},
                  "speaker_mask": {0: "B", 1: "Lsp"}, "text_k": {1: "Bc", 2: "Lt"}, "text_v": {1: "Bc", 2: "Lt"},
                  "speaker_k": {1: "Bc", 2: "Lsp"}, "speaker_v": {1: "Bc", 2: "Lsp"}, "v": {0: "B", 1: "S"}}),
    # Bc: 1 (one prompt shared by every lane, broadcast by MatMul) or B (one K/V row per lane, so
    # the chunks of a long text run as lanes of the same step).
    "dac_decode": (["latent"], ["audio"], {"latent": {0: "N", 1: "T"}, "audio": {0: "N", 2: "samples"}}),
}


def rope_tables(head_dim: int, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """cos/sin [n, head_dim/2] exactly as upstream's complex table holds them (fp32)."""
    model_mod, _, _ = upstream.modules()
    fc = model_mod.precompute_freqs_cis(head_dim, n)
    return fc.real.float().contiguous(), fc.imag.float().contiguous()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Interleaved pairs (x[2j], x[2j+1]) rotated by position angles; x [B, S, H, D], cos/sin [S, D/2]."""
    xf = x.float()
    xf = xf.reshape(xf.shape[0], xf.shape[1], xf.shape[2], -1, 2)
    a, b = xf[..., 0], xf[..., 1]
    c, s = cos[:, None, :], sin[:, None, :]
    out = torch.stack([a * c - b * s, a * s + b * c], dim=-1).flatten(3)
    return out.type_as(x)


def attention(q, k, v, mask):
    """softmax(q kᵀ/√d, masked) v. q [B, H, S, D]; k, v [B|1, H, L, D]; mask bool, True = may attend,
    broadcastable to [B, H, S, L]. Logits and softmax in fp32 (fp16 q·k can overflow: keys reach ~500)."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = torch.matmul(q.float(), k.float().transpose(-1, -2)) * scale
    scores = scores.masked_fill(~mask, NEG_INF)
    p = torch.softmax(scores, dim=-1).to(v.dtype)
    return torch.matmul(p, v)


class _RmsNorm(torch.autograd.Function):
    """x · rsqrt(mean(x², last axis) + eps) in fp32, as upstream's RMSNorm and LowRankAdaLN before their weight
    or modulation; exported as SimplifiedLayerNormalization (an ONNX Runtime op of the default domain)."""

    @staticmethod
    def forward(ctx, x, eps: float, width: int):
        return x * torch.rsqrt(torch.pow(x, 2).mean(dim=-1, keepdim=True) + eps)

    @staticmethod
    def symbolic(g, x, eps: float, width: int):
        ones = g.op("Constant", value_t=torch.ones(width))
        out = g.op("SimplifiedLayerNormalization", x, ones, axis_i=-1, epsilon_f=eps, stash_type_i=1)
        return out.setType(x.type())


def _rms_norm(norm, x, width: int):
    """upstream RMSNorm(x) over the last axis of `width` values."""
    return (_RmsNorm.apply(x.float(), norm.eps, width) * norm.weight).to(x.dtype)


def _adaln(adaln, x, cond_embed, width: int):
    """upstream LowRankAdaLN.forward with the norm above: (modulated x, tanh gate)."""
    shift, scale, gate = cond_embed.chunk(3, dim=-1)
    shift = adaln.shift_up(adaln.shift_down(F.silu(shift))) + shift
    scale = adaln.scale_up(adaln.scale_down(F.silu(scale))) + scale
    gate = adaln.gate_up(adaln.gate_down(F.silu(gate))) + gate
    y = _RmsNorm.apply(x.float(), adaln.eps, width) * (scale + 1) + shift
    return y.to(x.dtype), torch.tanh(gate)


# ---------------------------------------------------------------- text / speaker encoders

def _encoder_block(block, x, mask, cos, sin):
    """upstream EncoderTransformerBlock with real RoPE."""
    attn = block.attention
    h = block.attention_norm(x)
    b, s = h.shape[0], h.shape[1]
    q = attn.q_norm(attn.wq(h).reshape(b, s, attn.num_heads, -1))
    k = attn.k_norm(attn.wk(h).reshape(b, s, attn.num_heads, -1))
    v = attn.wv(h).reshape(b, s, attn.num_heads, -1)
    gate = attn.gate(h)
    q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
    o = attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), mask).transpose(1, 2)
    o = o.reshape(b, s, -1) * torch.sigmoid(gate)
    x = x + attn.wo(o)
    return x + block.mlp(block.mlp_norm(x))


class TextCond(nn.Module):
    """text_ids i64 [B, Lt], text_mask bool [B, Lt] → text_k, text_v [Ld, B, Lt, H, D]."""

    def __init__(self, dit, max_len: int = 768):
        super().__init__()
        self.dit = dit
        enc = dit.text_encoder
        cos, sin = rope_tables(enc.head_dim, max_len)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)

    def forward(self, text_ids, text_mask):
        enc = self.dit.text_encoder
        x = enc.text_embedding(text_ids)
        n = text_ids.shape[1]
        cos, sin = self.cos[:n], self.sin[:n]
        mask = text_mask[:, None, None, :]  # key mask, bidirectional
        for block in enc.blocks:
            x = _encoder_block(block, x, mask, cos, sin)
        state = self.dit.text_norm(x)
        kv = [blk.attention.get_kv_cache_text(state) for blk in self.dit.blocks]
        return (torch.stack([k for k, _ in kv]).float(), torch.stack([v for _, v in kv]).float())


class SpeakerCond(nn.Module):
    """speaker_latent f32 [B, Ts, 80], speaker_mask bool [B, Ts] →
    speaker_k, speaker_v [Ld, B, Ts/4, H, D], speaker_patch_mask bool [B, Ts/4]."""

    def __init__(self, dit, max_patches: int = 6400 // 4):
        super().__init__()
        self.dit = dit
        enc = dit.speaker_encoder
        cos, sin = rope_tables(enc.head_dim, max_patches)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)

    def forward(self, speaker_latent, speaker_mask):
        enc = self.dit.speaker_encoder
        dtype = enc.in_proj.weight.dtype
        b = speaker_latent.shape[0]
        x = speaker_latent.to(dtype).reshape(b, -1, speaker_latent.shape[2] * enc.patch_size)  # frame-major patches
        x = enc.in_proj(x) / 6.0
        n = x.shape[1]
        pos = torch.arange(n, device=x.device)
        causal = (pos[None, :] <= pos[:, None])[None, None]  # [1, 1, P, P]
        cos, sin = self.cos[:n], self.sin[:n]
        for block in enc.blocks:
            x = _encoder_block(block, x, causal, cos, sin)
        state = self.dit.speaker_norm(x)
        kv = [blk.attention.get_kv_cache_speaker(state) for blk in self.dit.blocks]
        patch_mask = speaker_mask[:, :: enc.patch_size]
        return (torch.stack([k for k, _ in kv]).float(), torch.stack([v for _, v in kv]).float(), patch_mask)


# ---------------------------------------------------------------- DiT step

class DitStep(nn.Module):
    """One EchoDiT velocity evaluation over B lanes with batch-1 conditioning caches.

    Keys per layer: [self | text | speaker] (no latent keys: blockwise is not exported)."""

    def __init__(self, dit, max_len: int = 640):
        super().__init__()
        self.dit = dit
        cos, sin = rope_tables(dit.head_dim, max_len)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)

    def _attention(self, attn, x, cos, sin, k_cond, v_cond, key_mask):
        b, s = x.shape[0], x.shape[1]
        q = _rms_norm(attn.q_norm, attn.wq(x).reshape(b, s, attn.num_heads, attn.head_dim), attn.head_dim)
        k = _rms_norm(attn.k_norm, attn.wk(x).reshape(b, s, attn.num_heads, attn.head_dim), attn.head_dim)
        v = attn.wv(x)
        gate = attn.gate(x)
        half = attn.num_heads // 2  # RoPE on the first half of the heads only (upstream chunk(2, dim=-2))
        width = attn.num_heads * attn.head_dim
        q = torch.cat([apply_rope(q[:, :, :half], cos, sin), q[:, :, half:]], dim=2).reshape(b, s, width)
        k = torch.cat([apply_rope(k[:, :, :half], cos, sin), k[:, :, half:]], dim=2).reshape(b, s, width)
        # keys [self | text | speaker]; conditioning K/V of one row (Bc = 1) serve every lane.
        # Logits in fp32 whatever the weights' dtype (reduced-precision q·k can overflow fp16: keys reach ~500).
        k_all = torch.cat([k.float(), k_cond.expand(b, -1, -1)], dim=1)
        v_all = torch.cat([v.float(), v_cond.float().expand(b, -1, -1)], dim=1)
        o = MultiHeadAttention.apply(q.float(), k_all, v_all, key_mask, attn.num_heads, attn.head_dim).to(v.dtype)
        return attn.wo(o * torch.sigmoid(gate))

    def forward(self, x, t, text_mask, speaker_mask, text_k, text_v, speaker_k, speaker_v, spk_kv_scale):
        model_mod, _, _ = upstream.modules()
        dit = self.dit
        dtype = dit.in_proj.weight.dtype
        s = x.shape[1]
        cos, sin = self.cos[:s], self.sin[:s]
        self_keys = torch.ones_like(x[:, :, 0], dtype=torch.bool)  # a lane's own latents are always visible
        key_mask = torch.cat([self_keys, text_mask, speaker_mask], dim=1).to(torch.int32)  # [B, S + Lt + Lsp]
        cond_embed = dit.cond_module(model_mod.get_timestep_embedding(t, dit.timestep_embed_size).to(dtype))
        cond_embed = cond_embed[:, None]
        h = dit.in_proj(x.to(dtype))
        width = dit.in_proj.out_features
        bc = text_k.shape[1]
        for i, block in enumerate(dit.blocks):
            # [Bc, L, H, D] → [Bc, L, H·D]; speaker K and V scaled per layer ("force speaker")
            k_cond = torch.cat([text_k[i], speaker_k[i] * spk_kv_scale[i]], dim=1).reshape(bc, -1, text_k.shape[3] * text_k.shape[4])
            v_cond = torch.cat([text_v[i], speaker_v[i] * spk_kv_scale[i]], dim=1).reshape(bc, -1, text_v.shape[3] * text_v.shape[4])
            y, g = _adaln(block.attention_adaln, h, cond_embed, width)
            h = h + g * self._attention(block.attention, y, cos, sin, k_cond.float(), v_cond, key_mask)
            y, g = _adaln(block.mlp_adaln, h, cond_embed, width)
            h = h + g * block.mlp(y)
        h = dit.out_norm(h)
        return dit.out_proj(h).float()


# ---------------------------------------------------------------- codec

def _plain_snake(self, x):
    # upstream's snake() is @torch.jit.script; same arithmetic as a plain function (x is 3-D here)
    return x + (self.alpha + 1e-9).reciprocal() * torch.sin(self.alpha * x).pow(2)


def _plain_layer_scale(self, x):
    return x * self.gamma  # upstream LayerScale(inplace=True) uses mul_


def _causal_conv(self, x):
    # upstream CausalConvNet adds a right pad of `ideal_length - length` with ideal_length computed by
    # math.ceil on Python ints: traced, that becomes (trace-time constant − dynamic length), which crops
    # every other length to the traced one. For lengths divisible by the stride (the graph contract:
    # L % 2048 == 0 for encode, any T for decode) that pad is exactly 0, so only the left pad remains.
    return self.conv(F.pad(x, (self.padding, 0))).contiguous()


def make_exportable(dac) -> None:
    """Instance-level forward swaps (the package is not edited)."""
    _, ae, _ = upstream.modules()
    for m in dac.modules():
        if isinstance(m, ae.CausalConvNet):
            m.forward = types.MethodType(_causal_conv, m)
        elif isinstance(m, ae.Snake1d):
            m.forward = types.MethodType(_plain_snake, m)
        elif isinstance(m, ae.LayerScale):
            m.forward = types.MethodType(_plain_layer_scale, m)


def _vq(vq, z):
    """Upstream VectorQuantize at inference: code = argmax cosine; returns (code, straight-through out)."""
    z_e = vq.in_proj(z)                                     # [N, d, T]
    enc = F.normalize(z_e.transpose(1, 2), dim=-1)           # [N, T, d]
    cb = F.normalize(vq.codebook.weight, dim=-1)             # [K, d]
    dist = (enc.pow(2).sum(-1, keepdim=True) - 2 * torch.matmul(enc, cb.t())
            + cb.pow(2).sum(1, keepdim=True).t())
    code = torch.argmax(-dist, dim=-1)                       # [N, T]
    z_q = F.embedding(code, vq.codebook.weight).transpose(1, 2)
    return code, vq.out_proj(z_e + (z_q - z_e))


class _CodecGraph(nn.Module):
    """The codec (made exportable) and the PCA state as graph constants, in fp32 whatever the codec's dtype
    (docs/echo-tts-graphs.md#pca)."""

    def __init__(self, dac, pca):
        super().__init__()
        make_exportable(dac)  # idempotent: the encode and decode graphs share one codec
        self.dac = dac
        self.register_buffer("pca_components", pca.components.float().clone(), persistent=False)
        self.register_buffer("pca_mean", pca.mean.float().clone(), persistent=False)
        self.latent_scale = float(pca.latent_scale)


class DacEncode(_CodecGraph):
    """audio [N, 1, L] (L % 2048 == 0) → latent [N, L/2048, 80], z_q [N, C, L/2048], codes i64 [N, 1+n, L/2048]."""

    def forward(self, audio):
        q = self.dac.quantizer
        z = self.dac.encoder(audio)
        z = q.downsample(z)
        z = q.pre_module(z)
        codes = []
        code, st = _vq(q.semantic_quantizer.quantizers[0], z)
        codes.append(code)
        residual = z - st
        for vq in q.quantizer.quantizers:
            code, st = _vq(vq, residual)
            codes.append(code)
            residual = residual - st
        # encode_zq: z_q recomputed from the codes (raw codebook rows), summed in upstream's order
        z_sem = 0.0 + q.semantic_quantizer.quantizers[0].out_proj(
            F.embedding(codes[0], q.semantic_quantizer.quantizers[0].codebook.weight).transpose(1, 2))
        z_res = 0.0
        for i, vq in enumerate(q.quantizer.quantizers):
            z_res = z_res + vq.out_proj(F.embedding(codes[i + 1], vq.codebook.weight).transpose(1, 2))
        z_q = (z_sem + z_res).float()
        latent = torch.matmul(z_q.transpose(1, 2) - self.pca_mean, self.pca_components.t()) * self.latent_scale
        return latent, z_q, torch.stack(codes, dim=1)


class DacDecode(_CodecGraph):
    """latent [N, T, 80] → audio [N, 1, 2048·T] (PCA inverse, post_module, upsample, decoder)."""

    def forward(self, latent):
        z_q = torch.matmul(latent / self.latent_scale, self.pca_components) + self.pca_mean
        z_q = z_q.transpose(1, 2)
        q = self.dac.quantizer
        z = q.upsample(q.post_module(z_q))
        return self.dac.decoder(z).float()


def graph_modules(m) -> dict[str, nn.Module]:
    """One wrapper per entry of GRAPHS over the loaded models (`checkpoint.Models`)."""
    return {
        "dac_encode": DacEncode(m.dac, m.pca).eval(),
        "text_cond": TextCond(m.dit).eval(),
        "speaker_cond": SpeakerCond(m.dit).eval(),
        "dit_step": DitStep(m.dit).eval(),
        "dac_decode": DacDecode(m.dac, m.pca).eval(),
    }
