# syntax=docker/dockerfile:1.7
# ASR service (Whisper on ONNX Runtime) for machines without a GPU: a small JRE base and the CPU
# onnxruntime artifact. GPU machines: docker/asr.Dockerfile. Build from the repository root:
#   docker build -f docker/asr.cpu.Dockerfile --build-arg GIT_COMMIT="$(git rev-parse HEAD)" -t speech-asr:cpu .
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
COPY asr-service/src/ asr-service/src/
# No .git in the build context: /v1/info gets the commit from this argument (the build time is the image's).
ARG GIT_COMMIT=unknown
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl asr-service -am package -DskipTests \
      -Dgit.commit.id.full="${GIT_COMMIT}" -Dgit.dirty=false
# ONNX Runtime's native libraries, unpacked once here instead of into /tmp at
# every start (the JVM is pointed at them with -Donnxruntime.native.path), then removed from the jar
# so the image does not carry them twice (the jar also holds the Windows builds).
WORKDIR /onnxruntime
RUN jar xf /src/asr-service/target/quarkus-app/lib/main/com.microsoft.onnxruntime.onnxruntime-*.jar ai/onnxruntime/native/linux-x64 \
    && mv ai/onnxruntime/native/linux-x64/* . && rm -rf ai && ls -l
WORKDIR /tmp/ort-classes
RUN ort="$(ls /src/asr-service/target/quarkus-app/lib/main/com.microsoft.onnxruntime.onnxruntime-*.jar)" \
    && jar xf "$ort" && rm -rf ai/onnxruntime/native && rm "$ort" && jar cfm "$ort" META-INF/MANIFEST.MF .

FROM ${JRE_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /licenses/ffmpeg \
    && ffmpeg -hide_banner -buildconf > /licenses/ffmpeg/buildconf.txt \
    && cp /usr/share/doc/ffmpeg/copyright /licenses/ffmpeg/copyright \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin speech \
    && mkdir -p /models && chown speech:speech /models
COPY --from=build /onnxruntime/ /opt/onnxruntime/lib/
# The fast-jar in layers, least often changed first: a code change rebuilds only the small app/ layers.
COPY --from=build /src/asr-service/target/quarkus-app/lib/ /app/lib/
COPY --from=build /src/asr-service/target/quarkus-app/quarkus-run.jar /app/
COPY --from=build /src/asr-service/target/quarkus-app/quarkus/ /app/quarkus/
COPY --from=build /src/asr-service/target/quarkus-app/app/ /app/app/
# Notices: the project's LICENSE and NOTICE, THIRD-PARTY.txt of the jar's dependencies (written and
# checked against licenses/allowed-licenses.txt by the build), ffmpeg's copyright and build configuration.
COPY LICENSE NOTICE /licenses/
COPY --from=build /src/asr-service/target/licenses/ /licenses/
LABEL org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.title="speech-asr" \
      org.opencontainers.image.description="Third-party notices in /licenses; model licences in each model's manifest.json and /v1/models"
WORKDIR /app
# Heap and direct memory are fixed sizes (JAVA_TOOL_OPTIONS; override both for bigger pods): decoded audio
# lives on the heap, tensors in direct memory; ONNX Runtime's weights and activations come on top, natively.
ENV QUARKUS_HTTP_HOST=0.0.0.0 \
    QUARKUS_HTTP_PORT=8080 \
    ASR_MODELS_DIR=/models/asr \
    ASR_DEFAULT_MODEL=whisper-tiny.en \
    SPEECH_ORT_PROVIDER=cpu \
    JAVA_TOOL_OPTIONS="-Xmx3g -XX:MaxDirectMemorySize=512m" \
    XDG_CACHE_HOME=/tmp/cache
VOLUME ["/models"]
EXPOSE 8080
USER 10001:10001
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
    CMD ["sh", "-c", "curl -fsS \"http://127.0.0.1:${QUARKUS_HTTP_PORT}/q/health/ready\" > /dev/null || exit 1"]
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-Donnxruntime.native.path=/opt/onnxruntime/lib", "-jar", "/app/quarkus-run.jar"]
