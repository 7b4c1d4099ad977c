package speech.runtime.ops;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import speech.runtime.work.InferenceQueue;

/** A minimal API for the ops tests: one quick endpoint, one that holds an inference job until released. */
@Path("/v1/ops-test")
public class OpsTestApp {

    /** The held job: {@code entered} opens when it runs, it returns once {@code release} opens. */
    public static final class Held {
        static volatile CountDownLatch entered = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);

        static void reset() {
            entered = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }
    }

    @Singleton
    static class Queues {
        @Produces
        @Singleton
        InferenceQueue queue(MeterRegistry registry) {
            return new InferenceQueue("ops-test", 1, 4, 1, registry);
        }
    }

    @Inject
    InferenceQueue queue;

    @GET
    @Path("hello")
    public String hello() {
        return "hello";
    }

    @GET
    @Path("held")
    public String held() {
        return queue.submit(() -> {
            Held.entered.countDown();
            return Held.release.await(20, TimeUnit.SECONDS) ? "finished" : "never released";
        }, Duration.ofSeconds(30));
    }
}
