package speech.runtime.testing;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Clients that send one request after another without back-off for a time window, each on its own
 * connection (HTTP/1.1): what every status counted, how many 200s finished inside the window, how many
 * requests failed (I/O error or client timeout), the slowest answer, and the body of the first answer per
 * error status (for {@link ErrorAnswers}).
 */
public final class Flood {

    /** @param ok 200s finished inside the window (requests admitted earlier and finished after it do not count) */
    public record Result(Map<Integer, Integer> statuses, int ok, int failures, long slowestMillis, Map<Integer, ErrorAnswers.Answer> errors) {
        @Override
        public String toString() {
            return "statuses " + statuses + ", ok in window " + ok + ", failures " + failures + ", slowest " + slowestMillis + " ms";
        }
    }

    private Flood() {
    }

    /** Runs {@code clients} threads for {@code window}; each request is {@code request.get()} with {@code requestTimeout}. */
    public static Result run(int clients, Duration window, Duration requestTimeout, Supplier<HttpRequest.Builder> request)
            throws InterruptedException {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<Integer, ErrorAnswers.Answer> errors = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger okInWindow = new AtomicInteger();
        AtomicLong slowest = new AtomicLong();
        long deadline = System.nanoTime() + window.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().name("flood-" + i).start(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                while (System.nanoTime() < deadline) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = client.send(request.get().timeout(requestTimeout).build(), HttpResponse.BodyHandlers.ofByteArray());
                        statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                        if (r.statusCode() == 200 && System.nanoTime() < deadline) {
                            okInWindow.incrementAndGet();
                        } else if (r.statusCode() >= 400) {
                            errors.putIfAbsent(r.statusCode(), ErrorAnswers.Answer.of(r));
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                    slowest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(window.plus(requestTimeout).toMillis());
        }
        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach((s, n) -> counts.put(s, n.get()));
        return new Result(counts, okInWindow.get(), failures.get(), slowest.get(), Map.copyOf(errors));
    }

    /** The window from {@code -Dspeech.flood.seconds} (the 60 s), else {@code fallback}. */
    public static Duration window(Duration fallback) {
        String seconds = System.getProperty("speech.flood.seconds");
        return seconds == null || seconds.isBlank() ? fallback : Duration.ofSeconds(Long.parseLong(seconds.strip()));
    }
}
