package speech.asr.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import speech.asr.service.ModelRegistry;

/** Live while the process runs; ready once the default model is loaded (with the reason when not). */
@ApplicationScoped
public class HealthChecks {

    @Inject
    ModelRegistry models;

    @Liveness
    HealthCheck alive() {
        return () -> HealthCheckResponse.up("asr");
    }

    @Readiness
    HealthCheck defaultModel() {
        return () -> HealthCheckResponse.named("default-model")
                .status(models.defaultReady())
                .withData("model", models.defaultId())
                .withData("reason", models.defaultStatus())
                .build();
    }
}
