"""`export whisper` arguments; the work is in export.py."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--checkpoint", required=True,
                   help="Hugging Face id, HF folder, CTranslate2 folder, or CTranslate2 model.bin parts (comma-separated)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--precision", choices=["fp32", "fp16"], default="fp32")
    p.add_argument("--quantize", choices=["int8"], default=None, help="int8 weights (fp32 only)")
    p.add_argument("--model-name", default=None, help="name in the manifest (default: from the checkpoint)")
    p.add_argument("--parity-audio", default=None, help="clip for the parity check (default: shared en_jfk.wav)")
    p.add_argument("--parity-steps", type=int, default=20, help="greedy decoder steps compared")
    p.add_argument("--tolerance", type=float, default=None, help="override the parity tolerance (abs)")
    p.add_argument("--license", default=None,
                   help="SPDX id of the weights' licence (default: from the model card or package metadata)")
    p.add_argument("--skip-parity", action="store_true", help="no parity check (not recommended)")


def run(args: argparse.Namespace) -> int:
    from .export import export_from_args
    export_from_args(args)
    return 0
