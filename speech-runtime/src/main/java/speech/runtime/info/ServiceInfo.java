package speech.runtime.info;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.enterprise.context.ApplicationScoped;
import speech.runtime.config.RuntimeConfig;
import speech.runtime.ort.OrtSessions;

/**
 * The part of /v1/info every service shares: which build runs and on which execution provider. A
 * service's own info record carries it as {@code @JsonUnwrapped ServiceInfo service} next to its fields.
 */
public record ServiceInfo(String service, String version, @JsonProperty("git_commit") String gitCommit,
                          @JsonProperty("git_dirty") boolean gitDirty, @JsonProperty("build_time") String buildTime,
                          @JsonProperty("execution_provider") String executionProvider,
                          @JsonProperty("provider_fallback_reason") String providerFallbackReason, String gpu) {

    /** Builds the shared part now (the provider is known once the first model loaded). */
    @ApplicationScoped
    public static class Source {

        private static final BuildInfo BUILD = BuildInfo.load();

        private final RuntimeConfig config;
        private final OrtSessions sessions;

        Source(RuntimeConfig config, OrtSessions sessions) {
            this.config = config;
            this.sessions = sessions;
        }

        public ServiceInfo now() {
            return new ServiceInfo(config.service().name(), BUILD.version(), BUILD.gitCommit(), BUILD.gitDirty(), BUILD.buildTime(),
                    sessions.providerInUse(), sessions.fallbackReason().orElse(null), sessions.gpuName().orElse(null));
        }
    }
}
