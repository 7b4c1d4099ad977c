"""Export of the speech platform's models (Whisper, Echo-TTS) to ONNX graphs for ONNX Runtime."""

__version__ = "0.1.0"


class UserError(Exception):
    """A problem the user can fix (bad path, bad option): the CLI prints one line and exits 2,
    without a stack trace."""
