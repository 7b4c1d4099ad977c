# syntax=docker/dockerfile:1.7
# TTS service (Echo-TTS on ONNX Runtime) for NVIDIA GPUs: the CUDA base image plus only the libraries
# ONNX Runtime's CUDA provider loads (CUDA 12 + cuDNN 9), and the onnxruntime_gpu artifact (-Pgpu).
# CPU-only machines: docker/tts.cpu.Dockerfile. Build from the repository root:
#   docker build -f docker/tts.Dockerfile --build-arg GIT_COMMIT="$(git rev-parse HEAD)" -t speech-tts:gpu .
# Models are not in the image: mount the volume the export image fills (docker/export.Dockerfile)
# at /models; voices and generations live in the /data volume.
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-base-ubuntu22.04
ARG JDK_IMAGE=eclipse-temurin:25-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:25-jre-noble

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY bin/lib/java-env bin/lib/
COPY speech-runtime/pom.xml speech-runtime/
COPY onnx-export/pom.xml onnx-export/
COPY asr-service/pom.xml asr-service/
COPY tts-service/pom.xml tts-service/
COPY docker/pom.xml docker/
# the licence allow-list the build checks every dependency against (license-maven-plugin)
COPY licenses/ licenses/
COPY speech-runtime/src/ speech-runtime/src/
COPY tts-service/src/ tts-service/src/
# No .git in the build context: /v1/info gets the commit from this argument (the build time is the image's).
ARG GIT_COMMIT=unknown
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -Pgpu -pl tts-service -am package -DskipTests \
      -Dgit.commit.id.full="${GIT_COMMIT}" -Dgit.dirty=false
# ONNX Runtime's native libraries (incl. the CUDA provider), unpacked once here instead of into /tmp at
# every start (the JVM is pointed at them with -Donnxruntime.native.path), then removed from the jar
# so the image does not carry them twice (the jar also holds the Windows builds). The TensorRT provider is
# dropped: it needs TensorRT, which the image does not carry, and the services only ask for CUDA or CPU.
WORKDIR /onnxruntime
RUN jar xf /src/tts-service/target/quarkus-app/lib/main/com.microsoft.onnxruntime.onnxruntime_gpu-*.jar ai/onnxruntime/native/linux-x64 \
    && mv ai/onnxruntime/native/linux-x64/* . && rm -rf ai \
    && rm -f libonnxruntime_providers_tensorrt.so && ls -l
WORKDIR /tmp/ort-classes
RUN ort="$(ls /src/tts-service/target/quarkus-app/lib/main/com.microsoft.onnxruntime.onnxruntime_gpu-*.jar)" \
    && jar xf "$ort" && rm -rf ai/onnxruntime/native && rm "$ort" && jar cfm "$ort" META-INF/MANIFEST.MF .

FROM ${JRE_IMAGE} AS jre

FROM ${CUDA_IMAGE}
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH \
    LANG=C.UTF-8
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
# What ONNX Runtime 1.29's libonnxruntime_providers_cuda.so loads: it links cuBLAS/cuBLASLt, cuRAND and cudart
# (in the base image; libcuda comes from the driver) and dlopens cuDNN 9 and NVRTC; versions match CUDA_IMAGE (12.8).
# cuFFT is dlopened only for FFT ops, which no exported graph has (test_*_export.py::test_no_graph_needs_cufft).
# Not the runtime image's NPP, cuSOLVER, cuSPARSE, nvJPEG, cuFFT: nothing loads them; no headers, no TensorRT.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg curl ca-certificates \
       libcublas-12-8 libcurand-12-8 cuda-nvrtc-12-8 libcudnn9-cuda-12 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /licenses/ffmpeg \
    && ffmpeg -hide_banner -buildconf > /licenses/ffmpeg/buildconf.txt \
    && cp /usr/share/doc/ffmpeg/copyright /licenses/ffmpeg/copyright \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin speech \
    && mkdir -p /models /data && chown speech:speech /models /data
COPY --from=build /onnxruntime/ /opt/onnxruntime/lib/
# The fast-jar in layers, least often changed first: a code change rebuilds only the small app/ layers.
COPY --from=build /src/tts-service/target/quarkus-app/lib/ /app/lib/
COPY --from=build /src/tts-service/target/quarkus-app/quarkus-run.jar /app/
COPY --from=build /src/tts-service/target/quarkus-app/quarkus/ /app/quarkus/
COPY --from=build /src/tts-service/target/quarkus-app/app/ /app/app/
# Notices: the project's LICENSE and NOTICE, THIRD-PARTY.txt of the jar's dependencies (written and
# checked against licenses/allowed-licenses.txt by the build), ffmpeg's copyright and build configuration.
COPY LICENSE NOTICE /licenses/
COPY --from=build /src/tts-service/target/licenses/ /licenses/
LABEL org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.title="speech-tts" \
      org.opencontainers.image.description="Third-party notices in /licenses; model licences in each model's manifest.json and /v1/models"
WORKDIR /app
# Heap and direct memory are fixed sizes (JAVA_TOOL_OPTIONS; override both for bigger pods): direct memory holds
# the speaker cache (tts.voices.speaker-cache-bytes, 2 GiB) and the batch K/V (tts.speech.max-batch-kv-bytes, 1 GiB);
# ONNX Runtime's weights and activations come on top, natively.
ENV QUARKUS_HTTP_HOST=0.0.0.0 \
    QUARKUS_HTTP_PORT=8081 \
    TTS_MODELS_DIR=/models/tts \
    TTS_DATA_DIR=/data \
    SPEECH_ORT_PROVIDER=cuda \
    JAVA_TOOL_OPTIONS="-Xmx2g -XX:MaxDirectMemorySize=4g" \
    XDG_CACHE_HOME=/tmp/cache
VOLUME ["/models", "/data"]
EXPOSE 8081
USER 10001:10001
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
    CMD ["sh", "-c", "curl -fsS \"http://127.0.0.1:${QUARKUS_HTTP_PORT}/q/health/ready\" > /dev/null || exit 1"]
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-Donnxruntime.native.path=/opt/onnxruntime/lib", "-jar", "/app/quarkus-run.jar"]
