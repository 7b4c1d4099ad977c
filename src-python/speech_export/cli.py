"""`onnx-export/export <model> ...`: one subcommand per model family.

Each subcommand lives in its own module exposing `add_arguments(parser)` and `run(args) -> int`;
heavy imports (torch, transformers) stay inside `run` so `--help` is fast."""

from __future__ import annotations

import argparse
import importlib
import sys

from . import UserError
from .parity import ParityError

# subcommand -> (module, one-line help)
COMMANDS = {
    "whisper": ("speech_export.whisper.cli", "Whisper (transformers) -> encoder.onnx + decoder.onnx"),
    "echo-tts": ("speech_export.echo_tts.cli", "Echo-TTS (DiT + S1-DAC) -> dac_encode/text_cond/speaker_cond/dit_step/dac_decode"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onnx-export/export", description="Export speech models to ONNX.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="MODEL")
    for name, (module, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        mod = importlib.import_module(module)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except ParityError as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
