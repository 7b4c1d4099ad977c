"""Test-only: writes what the Java tests read into onnx-export/target/models (run by
onnx-export/export-test-models, never shipped in the export image)."""
