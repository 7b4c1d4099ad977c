package speech.tts.api;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import speech.tts.service.ModelRegistry;

/** Ready only once the default model's graphs are loaded; the body says why not otherwise. */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final ModelRegistry models;

    ModelReadiness(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("echo-tts-model").status(models.ready()).withData("status", models.status()).build();
    }
}
