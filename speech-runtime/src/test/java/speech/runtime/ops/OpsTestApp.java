package speech.runtime.ops;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import speech.runtime.engine.BatchScheduler;
import speech.runtime.engine.EngineLimits;
import speech.runtime.engine.Item;
import speech.runtime.engine.Job;
import speech.runtime.work.InferenceQueue;

/**
 * A minimal API for the ops tests: one quick endpoint, one that holds an inference job until released,
 * one that holds an engine step until released.
 */
@Path("/v1/ops-test")
public class OpsTestApp {

    /** The held job: {@code entered} opens when it runs, it returns once {@code release} opens. */
    public static final class Held {
        static volatile CountDownLatch entered = new CountDownLatch(1);
        static volatile CountDownLatch engineEntered = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);

        static void reset() {
            entered = new CountDownLatch(1);
            engineEntered = new CountDownLatch(1);
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

        @Produces
        @Singleton
        BatchScheduler<Item<String, String>, String> engine(MeterRegistry registry) {
            return new BatchScheduler<>("ops-test", EngineLimits.ofRows(1, 4, 1), items -> {
                Held.engineEntered.countDown();
                String out = Held.release.await(20, TimeUnit.SECONDS) ? "finished" : "never released";
                return items.stream().map(item -> out).toList();
            }, registry);
        }

        void close(@Disposes BatchScheduler<Item<String, String>, String> engine) {
            engine.close();
        }
    }

    @Inject
    InferenceQueue queue;

    @Inject
    BatchScheduler<Item<String, String>, String> engine;

    @GET
    @Path("hello")
    public String hello() {
        return "hello";
    }

    /** A multipart upload: answers the size of its file part. */
    @POST
    @Path("form")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public String form(@RestForm("file") FileUpload file) {
        return Long.toString(file == null ? -1 : file.size());
    }

    public record Echo(String text) {
    }

    /** A JSON body: answers the length of its text. */
    @POST
    @Path("json")
    @Consumes(MediaType.APPLICATION_JSON)
    public String json(Echo body) {
        return Integer.toString(body.text().length());
    }

    /** Fails as a closed resource would (a pool disposed under a request). */
    @GET
    @Path("fail")
    public String fail() {
        throw new IllegalStateException("Connection pool has been disposed.");
    }

    @GET
    @Path("held")
    public String held() {
        return queue.submit(() -> {
            Held.entered.countDown();
            return Held.release.await(20, TimeUnit.SECONDS) ? "finished" : "never released";
        }, Duration.ofSeconds(30));
    }

    @GET
    @Path("held-engine")
    public String heldEngine() {
        Job<Void, String> job = engine.open(Duration.ofSeconds(30));
        Item<String, String> item = new Item<>(job, "held");
        item.result().thenAccept(job::complete);
        engine.submit(item);
        return job.await();
    }
}
