"""`onnx-export/export echo-tts ...` (see docs/echo-tts-graphs.md)."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--checkpoint", default="jordand/echo-tts-base",
                   help="DiT: Hugging Face id, folder (pytorch_model.safetensors or dit.safetensors, "
                        "pca_state.safetensors, optional config.json) or a .safetensors file")
    p.add_argument("--codec", default="jordand/fish-s1-dac-min",
                   help="S1-DAC codec: Hugging Face id, folder or .safetensors file (either weight-norm key format)")
    p.add_argument("--pca", default=None, help="pca_state.safetensors (default: next to the DiT checkpoint)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--precision", choices=("fp32", "fp16", "bf16"), default="fp32",
                   help="DiT weights/compute precision (graph I/O stays float32; the codec stays fp32)")
    p.add_argument("--license", default=None,
                   help="SPDX id of the DiT weights' licence (default: from the model card)")
    p.add_argument("--codec-license", default=None,
                   help="SPDX id of the codec weights' licence (default: from the model card)")
    p.add_argument("--random-weights", action="store_true",
                   help="real architecture with random weights, no download (size/time/memory benchmark)")
    p.add_argument("--skip-parity", action="store_true", help="do not run the ONNX Runtime vs PyTorch check")
    p.add_argument("--graphs", default=None,
                   help="comma-separated subset of dac_encode,text_cond,speaker_cond,dit_step,dac_decode")
    p.add_argument("--threads", type=int, default=None, help="torch intra-op threads")


def run(args: argparse.Namespace) -> int:
    import json
    import torch

    from .export import export
    from .graphs import GRAPHS
    from .. import UserError
    if args.threads:
        torch.set_num_threads(args.threads)
    graphs = tuple(GRAPHS) if not args.graphs else tuple(g.strip() for g in args.graphs.split(","))
    unknown = [g for g in graphs if g not in GRAPHS]
    if unknown:
        raise UserError(f"unknown graph(s) {', '.join(unknown)}; choose from {', '.join(GRAPHS)}")
    manifest = export(None if args.random_weights else args.checkpoint,
                      None if args.random_weights else args.codec, args.out, precision=args.precision,
                      pca=args.pca, random_weights=args.random_weights, parity=not args.skip_parity,
                      graphs=graphs, licenses=(args.license, args.codec_license))
    print(json.dumps({"out": args.out, "timings": manifest["timings"],
                      "parity_passed": (manifest["parity"] or {}).get("passed")}, indent=2))
    return 0
