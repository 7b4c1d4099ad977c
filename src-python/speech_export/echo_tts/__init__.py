"""Echo-TTS (DiT + Fish S1-DAC codec) export to ONNX graphs for the Java TTS sampler."""
