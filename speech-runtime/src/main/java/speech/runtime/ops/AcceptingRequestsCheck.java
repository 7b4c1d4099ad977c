package speech.runtime.ops;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness "accepting-requests": DOWN from the first moment of a graceful shutdown. */
@Readiness
@ApplicationScoped
public class AcceptingRequestsCheck implements HealthCheck {

    private final GracefulShutdown shutdown;

    AcceptingRequestsCheck(GracefulShutdown shutdown) {
        this.shutdown = shutdown;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("accepting-requests").status(!shutdown.shuttingDown()).build();
    }
}
