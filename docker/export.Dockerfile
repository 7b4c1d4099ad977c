# syntax=docker/dockerfile:1.7
# The export step: PyTorch checkpoints -> ONNX graphs + manifest.json in the models volume. Run once
# (docker compose runs it before the services); it skips models that are already exported and up to date.
#   docker build -f docker/export.Dockerfile -t speech-export .
#   docker run --rm -v speech-models:/models speech-export                      # Whisper tiny.en (offline)
#   docker run --rm -v speech-models:/models -e ASR_EXPORT_CHECKPOINT=openai/whisper-large-v3-turbo \
#              -e EXPORT_ECHO_TTS=1 speech-export                               # from Hugging Face
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /licenses/ffmpeg \
    && ffmpeg -hide_banner -buildconf > /licenses/ffmpeg/buildconf.txt \
    && cp /usr/share/doc/ffmpeg/copyright /licenses/ffmpeg/copyright \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin speech \
    && mkdir -p /models /opt/venv /licenses && chown speech:speech /models /opt/venv /licenses
WORKDIR /app
COPY bin/python-env bin/export-models bin/
COPY src-python/requirements-export.txt src-python/
# bin/python-env's venv with the export's own pins only (no test tools), and torch's CPU-only wheels: the
# export runs on the CPU, so the CUDA libraries of PyPI's torch wheels would be gigabytes of nothing.
USER 10001:10001
ENV SPEECH_VENV_HOME=/opt/venv \
    SPEECH_PYTHON_REQUIREMENTS=/app/src-python/requirements-export.txt \
    SPEECH_TORCH_INDEX=https://download.pytorch.org/whl/cpu \
    XDG_CACHE_HOME=/tmp/cache \
    HF_HOME=/tmp/hf
RUN bin/python-env && rm -rf /tmp/cache
COPY onnx-export/export onnx-export/
COPY src-python/speech_export/ src-python/speech_export/
# Notices: LICENSE, NOTICE and THIRD-PARTY-python.txt of this venv (ffmpeg's are written above), checked against the allow-list
# (the build fails on a package whose licence is missing or not listed).
COPY LICENSE NOTICE /licenses/
COPY licenses/ licenses/
RUN PYTHONPATH=src-python "$(bin/python-env)/bin/python" -m speech_export.third_party \
      --out /licenses/THIRD-PARTY-python.txt
LABEL org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.title="speech-export" \
      org.opencontainers.image.description="Third-party notices in /licenses; each exported model's licence in its manifest.json"
# Precisions (docker run -e to change): Whisper fp32 (or fp16), Echo-TTS fp16 (or bf16, fp32: twice the memory).
ENV SPEECH_MODELS_DIR=/models \
    ASR_EXPORT_CHECKPOINT=packaged:tiny.en \
    ASR_EXPORT_PRECISION=fp32 \
    ECHO_TTS_PRECISION=fp16
VOLUME ["/models"]
ENTRYPOINT ["bin/export-models"]
