"""Whisper export: checkpoint loading (HF id, HF folder, CTranslate2 folder), ONNX graphs, manifest, parity."""
