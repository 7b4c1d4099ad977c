package speech.runtime.ops;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import speech.runtime.model.ModelRegistry;

/**
 * The service's model registry from start to stop: its default model starts loading (in the background)
 * at startup, readiness ({@code default-model}: data {@code model} and {@code reason}, and {@code warm_up} /
 * {@code warm_up_ms}: what its warm-up inference ran and how long it took) is UP once it has loaded and
 * warmed up, and the registry closes at shutdown, after {@link GracefulShutdown} drained the queues.
 */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final Instance<ModelRegistry<?>> registries;

    ModelReadiness(Instance<ModelRegistry<?>> registries) {
        this.registries = registries;
    }

    void start(@Observes StartupEvent event) {
        registries.forEach(ModelRegistry::start);
    }

    void stop(@Observes ShutdownEvent event) {
        registries.forEach(ModelRegistry::close);
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder check = HealthCheckResponse.named("default-model").up();
        // One registry per service; a service without models is ready as far as models go.
        for (ModelRegistry<?> registry : registries) {
            ModelRegistry.Readiness r = registry.readiness();
            check.status(r.ready()).withData("model", r.model() == null ? "none" : r.model()).withData("reason", r.reason());
            r.warmUp().ifPresent(w -> check.withData("warm_up", w.what()).withData("warm_up_ms", w.took().toMillis()));
        }
        return check.build();
    }
}
