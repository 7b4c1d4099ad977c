"""Loading Echo-TTS checkpoints (DiT, S1-DAC codec, PCA state) into the upstream modules.

Sources are Hugging Face ids (downloaded like upstream does, with `hf_hub_download`), folders or single
safetensors files. A folder may carry a `config.json` with tiny constructor arguments (the fixture
format); without one, the real model's hyper-parameters (upstream's hard-coded ones) are used.
Every mismatch between a file and the architecture is reported as a CheckpointError naming the keys,
before anything is exported.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file

from .. import UserError, model_license
from . import upstream

DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}

DIT_REPO = "jordand/echo-tts-base"
CODEC_REPO = "jordand/fish-s1-dac-min"

# upstream load_model_from_hf's hard-coded EchoDiT arguments (the real checkpoint has no config)
REAL_DIT_ARGS = dict(
    latent_size=80, model_size=2048, num_layers=24, num_heads=16, intermediate_size=5888, norm_eps=1e-5,
    text_vocab_size=256, text_model_size=1280, text_num_layers=14, text_num_heads=10, text_intermediate_size=3328,
    speaker_patch_size=4, speaker_model_size=1280, speaker_num_layers=14, speaker_num_heads=10,
    speaker_intermediate_size=3328, timestep_embed_size=512, adaln_rank=256,
)

DIT_FILES = ("pytorch_model.safetensors", "dit.safetensors")
CODEC_FILES = ("pytorch_model.safetensors", "codec.safetensors", "codec_legacy_weightnorm.safetensors")
PCA_FILE = "pca_state.safetensors"


class CheckpointError(UserError):
    """A checkpoint that cannot be loaded into the architecture (wrong file, corrupt, mismatched)."""


def is_blockwise_key(key: str) -> bool:
    """Upstream's filter (load_model_from_hf(delete_blockwise_modules=True)): keys only the blockwise
    sampler (continuation/streaming) uses. Blockwise generation is not exported, so they are dropped."""
    return (key.startswith("latent_encoder.") or key.startswith("latent_norm")
            or ".wk_latent" in key or ".wv_latent" in key)


def drop_blockwise(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v for k, v in state.items() if not is_blockwise_key(k)}


@dataclass
class Source:
    """Where the files of one model come from."""
    spec: str            # as given on the command line
    kind: str            # hf-id | folder | file
    weights: Path
    config: dict | None  # parsed config.json next to the weights, if any
    folder: Path | None = None


def _read_config(folder: Path) -> dict | None:
    p = folder / "config.json"
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text())
    except json.JSONDecodeError as e:
        raise CheckpointError(f"{p}: not valid JSON ({e})") from e


def _hf_download(repo: str, filename: str) -> Path:
    from huggingface_hub import hf_hub_download
    try:
        return Path(hf_hub_download(repo, filename, token=os.environ.get("HF_TOKEN")))
    except Exception as e:  # network, auth, missing file: all fatal here
        raise CheckpointError(f"cannot download {filename} from Hugging Face repo {repo}: {e}") from e


def resolve(spec: str, candidates: tuple[str, ...], what: str) -> Source:
    """A local file, a local folder (first of `candidates` present) or a Hugging Face repo id."""
    p = Path(spec)
    if p.is_file():
        return Source(spec, "file", p, _read_config(p.parent), p.parent)
    if p.is_dir():
        for name in candidates:
            if (p / name).is_file():
                return Source(spec, "folder", p / name, _read_config(p), p)
        raise CheckpointError(f"{what} folder {p} holds none of {', '.join(candidates)}")
    if spec.count("/") == 1 and not spec.startswith((".", "/")):
        weights = _hf_download(spec, candidates[0])
        return Source(spec, "hf-id", weights, _read_config(weights.parent), weights.parent)
    raise CheckpointError(f"{what} {spec!r} is neither a file, a folder nor a Hugging Face repo id")


def read_safetensors(path: Path, what: str) -> dict[str, torch.Tensor]:
    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise CheckpointError(f"{what} {path}: not a readable safetensors file ({e})") from e


def check_state(state: dict[str, torch.Tensor], expected: dict[str, torch.Size], what: str,
                ignore_missing=lambda k: False) -> None:
    """Missing, unexpected and wrongly shaped keys, all reported at once."""
    missing = sorted(k for k in expected if k not in state and not ignore_missing(k))
    unexpected = sorted(k for k in state if k not in expected)
    wrong = sorted(f"{k}: file {tuple(state[k].shape)} vs model {tuple(expected[k])}"
                   for k in state if k in expected and tuple(state[k].shape) != tuple(expected[k]))
    problems = []
    for label, items in (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong)):
        if items:
            more = f" … (+{len(items) - 8} more)" if len(items) > 8 else ""
            problems.append(f"{len(items)} {label}: {', '.join(items[:8])}{more}")
    if problems:
        raise CheckpointError(f"{what} does not match the architecture: " + "; ".join(problems))
    bad = [k for k, v in state.items() if v.is_floating_point() and not torch.isfinite(v.float()).all()]
    if bad:
        raise CheckpointError(f"{what}: non-finite values in {', '.join(bad[:8])}")


# ---------------------------------------------------------------- DiT

def dit_args(config: dict | None) -> dict:
    if config is None:
        return dict(REAL_DIT_ARGS)
    if "dit" in config and "constructor_args" in config["dit"]:  # fixture format
        return dict(config["dit"]["constructor_args"])
    if set(REAL_DIT_ARGS) <= set(config):  # a plain EchoDiT kwargs dict
        return {k: config[k] for k in REAL_DIT_ARGS}
    return dict(REAL_DIT_ARGS)  # e.g. an unrelated HF config: upstream ignores it too


def build_dit(args: dict, device="meta", dtype=torch.float32):
    model_mod, _, _ = upstream.modules()
    with torch.device(device):
        model = model_mod.EchoDiT(**args)
    return model.to(dtype) if device != "meta" else model


def load_dit(source: Source, dtype=torch.float32):
    """EchoDiT with the checkpoint's weights (blockwise modules dropped), eval mode, `dtype`."""
    args = dit_args(source.config)
    model = build_dit(args)
    expected = {k: v.shape for k, v in model.state_dict().items() if not is_blockwise_key(k)}
    state = read_safetensors(source.weights, "DiT checkpoint")
    n_blockwise = sum(is_blockwise_key(k) for k in state)
    state = drop_blockwise(state)
    check_state(state, expected, f"DiT checkpoint {source.weights}")
    state = {k: v.to(dtype) for k, v in state.items()}
    model.load_state_dict(state, strict=False, assign=True)
    remove_blockwise_modules(model)
    return model.eval(), args, {"tensors": len(state), "dropped_blockwise": n_blockwise}


def remove_blockwise_modules(model) -> None:
    # The blockwise modules stay on the meta device; remove them so nothing can touch them.
    for name in ("latent_encoder", "latent_norm"):
        if hasattr(model, name):
            delattr(model, name)
    for block in model.blocks:
        for name in ("wk_latent", "wv_latent"):
            if hasattr(block.attention, name):
                delattr(block.attention, name)


# ---------------------------------------------------------------- codec

def _codec_spec(config: dict | None) -> dict | None:
    """Tiny codec arguments in the fixture format, or None for upstream's build_ae()."""
    if config and isinstance(config.get("codec"), dict) and "dac_constructor_args" in config["codec"]:
        return config["codec"]
    return None


def build_codec(spec: dict | None):
    """Upstream `build_ae()` for the real codec, or the same construction with the tiny numbers."""
    _, ae, _ = upstream.modules()
    with torch.device("meta"):
        if spec is None:
            return ae.build_ae()
        qt = dict(spec["quantizer_transformer"])
        window = qt.pop("window_size")
        causal = qt.pop("causal")
        input_dim = qt.pop("input_dim")
        q_config = ae.ModelArgs(**qt)

        def make_transformer():
            return ae.WindowLimitedTransformer(causal=causal, window_size=window, input_dim=input_dim,
                                               config=q_config)

        qargs = {k: v for k, v in spec["quantizer_constructor_args"].items()
                 if k not in ("class_", "pre_module", "post_module")}
        qargs["downsample_factor"] = tuple(qargs["downsample_factor"])
        quantizer = ae.DownsampleResidualVectorQuantize(**qargs, pre_module=make_transformer(),
                                                        post_module=make_transformer())
        defaults = dict(spec["transformer_general_config_defaults"])

        def transformer_general_config(**kw):
            return ae.ModelArgs(**{**defaults, **kw})

        return ae.DAC(**spec["dac_constructor_args"], quantizer=quantizer,
                      transformer_general_config=transformer_general_config)


WN_NEW = (".parametrizations.weight.original0", ".parametrizations.weight.original1")
WN_OLD = (".weight_g", ".weight_v")


def normalize_weight_norm_keys(state: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], str]:
    """Legacy `weight_g`/`weight_v` → torch's parametrization names (g = original0, v = original1)."""
    out, n_old, n_new = {}, 0, 0
    for k, v in state.items():
        for old, new in zip(WN_OLD, WN_NEW):
            if k.endswith(old):
                k = k[: -len(old)] + new
                n_old += 1
                break
        else:
            n_new += k.endswith(WN_NEW)
        out[k] = v
    fmt = "mixed" if n_old and n_new else "legacy" if n_old else "parametrizations" if n_new else "none"
    return out, fmt


def load_codec(source: Source):
    """S1-DAC with folded weight norm, fp32 RoPE tables (bf16-rounded values kept), no unused masks."""
    spec = _codec_spec(source.config)
    dac = build_codec(spec)
    expected = {k: v.shape for k, v in dac.state_dict().items()}
    state = read_safetensors(source.weights, "codec checkpoint")
    state, wn_format = normalize_weight_norm_keys(state)
    # upstream never reads the causal_mask buffers (WindowLimitedTransformer builds its own mask)
    state = {k: v for k, v in state.items() if not k.endswith("causal_mask")}
    check_state(state, expected, f"codec checkpoint {source.weights}",
                ignore_missing=lambda k: k.endswith("causal_mask"))
    state = {k: (v.float() if v.dtype in (torch.bfloat16, torch.float16) else v) for k, v in state.items()}
    dac.load_state_dict(state, strict=False, assign=True)
    for m in dac.modules():
        if "causal_mask" in getattr(m, "_buffers", {}):
            m._buffers["causal_mask"] = None
    fold_weight_norm(dac)
    leftover = [n for n, t in list(dac.named_parameters()) + list(dac.named_buffers()) if t.is_meta]
    if leftover:
        raise CheckpointError(f"codec checkpoint {source.weights}: no values for {', '.join(leftover[:8])}")
    return dac.eval(), spec, {"tensors": len(state), "weight_norm": wn_format}


def fold_weight_norm(module: torch.nn.Module) -> int:
    """w = g·v/‖v‖ baked into plain weights, computed by torch's own parametrization (same numbers)."""
    from torch.nn.utils import parametrize
    n = 0
    for m in module.modules():
        if parametrize.is_parametrized(m, "weight"):
            parametrize.remove_parametrizations(m, "weight", leave_parametrized=True)
            n += 1
    return n


# ---------------------------------------------------------------- PCA

@dataclass
class Pca:
    components: torch.Tensor  # (80, C)
    mean: torch.Tensor        # (C,)
    latent_scale: float
    path: Path | None = None
    extra: dict = field(default_factory=dict)


def load_pca(path: Path, codec_latent_dim: int) -> Pca:
    t = read_safetensors(path, "PCA state")
    missing = [k for k in ("pca_components", "pca_mean", "latent_scale") if k not in t]
    if missing:
        raise CheckpointError(f"PCA state {path}: missing {', '.join(missing)}")
    comps, mean, scale = t["pca_components"].float(), t["pca_mean"].float(), t["latent_scale"]
    if scale.numel() != 1:  # 0-d or one element are both seen; anything else is wrong
        raise CheckpointError(f"PCA state {path}: latent_scale has shape {tuple(scale.shape)}, expected one number")
    if comps.ndim != 2 or comps.shape[1] != codec_latent_dim or mean.shape != (codec_latent_dim,):
        raise CheckpointError(f"PCA state {path}: pca_components {tuple(comps.shape)} / pca_mean {tuple(mean.shape)} "
                              f"do not fit the codec latent dim {codec_latent_dim}")
    return Pca(comps, mean, float(scale.item()), path)


def pca_path(dit_source: Source, pca: str | None) -> Path:
    if pca:
        return Path(pca)
    if dit_source.folder is not None and (dit_source.folder / PCA_FILE).is_file():
        return dit_source.folder / PCA_FILE
    if dit_source.kind == "hf-id":
        return _hf_download(dit_source.spec, PCA_FILE)
    raise CheckpointError(f"no {PCA_FILE} next to the DiT checkpoint {dit_source.spec}")


# ---------------------------------------------------------------- all of it

@dataclass
class Models:
    """The upstream modules one export works on."""
    dit: torch.nn.Module
    dit_args: dict
    dac: torch.nn.Module
    codec_spec: dict | None
    pca: Pca
    source: dict = field(default_factory=dict)
    licenses: list = field(default_factory=list)  # model_license.CheckpointLicense of the DiT and the codec


def load_models(checkpoint: str, codec: str, pca: str | None = None, precision: str = "fp32",
                licenses: tuple[str | None, str | None] = (None, None)) -> Models:
    """DiT in `precision`, codec in fp32 (upstream's default), PCA next to the DiT unless given.
    `licenses`: the DiT's and the codec's SPDX ids as given (None: read from the model cards)."""
    dit_src = resolve(checkpoint, DIT_FILES, "DiT checkpoint")
    codec_src = resolve(codec, CODEC_FILES, "codec checkpoint")
    dit, args, dit_info = load_dit(dit_src, DTYPES[precision])
    dac, spec, codec_info = load_codec(codec_src)
    pca_state = load_pca(pca_path(dit_src, pca), dac.latent_dim)
    source = {"checkpoint": checkpoint, "codec": codec, "kind": dit_src.kind, "dit_file": dit_src.weights.name,
              "codec_file": codec_src.weights.name, "codec_weight_norm": codec_info["weight_norm"],
              "dit_tensors": dit_info["tensors"], "dropped_blockwise_tensors": dit_info["dropped_blockwise"]}
    found = [model_license.find(role, src.spec, src.weights, given, src.spec if src.kind == "hf-id" else None)
             for role, src, given in (("dit", dit_src, licenses[0]), ("codec", codec_src, licenses[1]))]
    return Models(dit, args, dac, spec, pca_state, source, found)
