package speech.runtime.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;
import speech.runtime.model.ModelRegistry;

/**
 * {@code /q/health/started} ({@code default-model}): DOWN while the default model loads and warms up, so
 * an orchestrator's startup probe (not liveness) times the load; UP once it loaded or was given up on
 * ({@code speech.models.startup-attempts} failures in a row), with data {@code model} and {@code reason}.
 */
@Startup
@ApplicationScoped
public class ModelStartup implements HealthCheck {

    private final Instance<ModelRegistry<?>> registries;

    ModelStartup(Instance<ModelRegistry<?>> registries) {
        this.registries = registries;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder check = HealthCheckResponse.named("default-model").up();
        for (ModelRegistry<?> registry : registries) {
            ModelRegistry.Startup s = registry.startup();
            check.status(s.done()).withData("model", s.model() == null ? "none" : s.model()).withData("reason", s.reason());
        }
        return check.build();
    }
}
