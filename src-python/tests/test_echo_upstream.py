"""The installed `echo-tts` package vs upstream commit 2ed95fc (the fixtures' code), by git blob id."""

from speech_export.echo_tts import upstream

# echo-tts 0.1.4's inference.py is a packaging rewrite of upstream's (see docs/echo-tts-graphs.md,
# "Upstream code"): package-relative imports, local model paths, an EchoTTS class, a WAV branch in
# load_audio, comments removed. The numerics the export and the fixtures use are unchanged.
PYPI_0_1_4_INFERENCE = "f258dd397ccdbceb47f04ba13897e6873ff0247c"


def test_model_and_autoencoder_are_upstream_2ed95fc():
    blobs = upstream.blob_check()
    assert blobs["model.py"]["match"], blobs["model.py"]
    assert blobs["autoencoder.py"]["match"], blobs["autoencoder.py"]


def test_inference_py_is_the_known_packaging_variant():
    blobs = upstream.blob_check()
    assert blobs["inference.py"]["installed"] in (upstream.UPSTREAM_BLOBS["inference.py"], PYPI_0_1_4_INFERENCE), blobs


def test_upstream_modules_import_without_audio_io():
    model, autoencoder, inference = upstream.modules()
    assert hasattr(model, "EchoDiT") and hasattr(autoencoder, "build_ae")
    assert callable(inference.sample_euler_cfg_independent_guidances)
    import sys
    assert "torchcodec" not in sys.modules or not isinstance(sys.modules["torchcodec"], upstream._AudioIoUnavailable)
