"""The real Echo-TTS architecture with random weights (`--random-weights`): export size, time and memory
benchmarks without downloading anything (bench/echo_export_fullsize.sh)."""

from __future__ import annotations

import torch

from . import checkpoint as ckpt
from . import upstream


def random_dit(args: dict, dtype=torch.float16, seed: int = 0):
    """std 1/sqrt(fan_in) for matrices, small biases, norms at 1."""
    model = ckpt.build_dit(args)
    ckpt.remove_blockwise_modules(model)
    model = model.to_empty(device="cpu").to(dtype)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim >= 2:
                fan_in = p.shape[-1]
                p.copy_((torch.randn(p.shape, generator=g, dtype=torch.float32) / fan_in ** 0.5).to(dtype))
            elif name.endswith("bias"):
                p.copy_((0.02 * torch.randn(p.shape, generator=g)).to(dtype))
            else:
                p.fill_(1.0)
    return model.eval()


def random_codec():
    """upstream build_ae() on real tensors: upstream init, small random alphas/gammas, weight norm folded."""
    _, ae, _ = upstream.modules()
    dac = ae.build_ae().to_empty(device="cpu")
    with torch.no_grad():
        g = torch.Generator().manual_seed(1)
        for name, p in dac.named_parameters():
            if name.endswith("alpha") or name.endswith("original0"):
                p.uniform_(0.5, 1.5, generator=g)
            elif p.ndim >= 2:
                p.normal_(0, 1 / max(1, p[0].numel()) ** 0.5, generator=g)
            elif name.endswith("gamma"):
                p.uniform_(0.1, 0.5, generator=g)
            elif name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.zero_()
        for m in dac.modules():
            if "freqs_cis" in getattr(m, "_buffers", {}) and m._buffers["freqs_cis"] is not None:
                fc = ae.precompute_freqs_cis(m.config.block_size, m.config.head_dim, m.config.rope_base)
                m._buffers["freqs_cis"] = fc.float()
            if "causal_mask" in getattr(m, "_buffers", {}):
                m._buffers["causal_mask"] = None
    ckpt.fold_weight_norm(dac)
    return dac.eval()


def random_models(precision: str = "fp32") -> ckpt.Models:
    torch.manual_seed(0)
    args = dict(ckpt.REAL_DIT_ARGS)
    dit = random_dit(args, ckpt.DTYPES[precision])
    dac = random_codec()
    g = torch.Generator().manual_seed(2)
    comps = torch.linalg.qr(torch.randn(1024, 80, generator=g))[0].t().contiguous()
    pca = ckpt.Pca(comps, torch.zeros(1024), 1 / 18)
    return ckpt.Models(dit, args, dac, None, pca, {"kind": "random", "checkpoint": None, "codec": None})
