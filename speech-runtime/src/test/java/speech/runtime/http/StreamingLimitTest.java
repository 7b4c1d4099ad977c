package speech.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Bodies without a Content-Length (chunked) are held to the same limits as declared ones, counted while they
 * stream in: an upload past {@code speech.upload.max-bytes} and a JSON body past {@code speech.json.max-bytes}
 * get the 413 JSON long before the client has sent them whole, on the normalised path too, and the part of an
 * upload already spooled is deleted; the refused upload is answered once, with no ERROR in the log. A chunked upload inside the limit still works. Raw sockets, so the
 * chunks are on the wire as written.
 */
@QuarkusTest
@TestProfile(StreamingLimitTest.SmallLimits.class)
class StreamingLimitTest {

    static final long LIMIT = 2L << 20;
    static final long JSON_LIMIT = 64L << 10;
    static final String BOUNDARY = "streaming-limit";

    static final Path UPLOADS = Path.of("target/streaming-limit-uploads");
    /** Left by a request of a process killed an hour ago, and by one of another replica still running. */
    static final Path ORPHAN = UPLOADS.resolve("resteasy-reactive1orphanupload");
    static final Path IN_PROGRESS = UPLOADS.resolve("resteasy-reactive2runningupload");

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.createDirectories(UPLOADS);
                Files.setLastModifiedTime(Files.write(ORPHAN, new byte[1]), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
                Files.write(IN_PROGRESS, new byte[1]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("speech.upload.max-bytes", Long.toString(LIMIT), "speech.json.max-bytes", Long.toString(JSON_LIMIT),
                    "speech.upload.dir", "target/streaming-limit-uploads");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    UploadDir uploads;

    @Test
    void theUploadFolderIsTheSettingAndStartupRemovedOnlyItsOrphans() throws Exception {
        assertEquals(UPLOADS, uploads.dir());
        assertFalse(Files.exists(ORPHAN), "the killed request's upload is removed at startup");
        assertTrue(Files.exists(IN_PROGRESS), "a young upload may be another replica's request: kept");
        Files.delete(IN_PROGRESS);
    }

    @Test
    void aChunkedUploadPastTheLimitIsRefusedWhileStreaming() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
                }
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            for (String path : new String[] {"/v1/ops-test/form", "//v1/ops-test/form"}) {
                Answer a = sendChunked(path, "multipart/form-data; boundary=" + BOUNDARY, multipartHead(), 64L << 20);
                assertTrue(a.head().startsWith("HTTP/1.1 413"), path + ": " + a.head() + a.body());
                assertTrue(a.head().toLowerCase().contains("content-type: application/json"), a.head());
                assertTrue(a.body().contains("\"payload_too_large\""), a.body());
                assertTrue(a.sentWhenAnswered() < 16L << 20, path + ": answered after " + a.sentWhenAnswered() + " bytes of 64 MiB: " + a.head() + a.body());
            }
            assertNoSpooledUploadLeft();
            // The refused request goes on until its parser sees the closed connection. When it answered a second time,
            // the ERROR came before the next exchange was over; a second's grace also catches a slower one.
            Thread.sleep(1_000);
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(List.of(), errors, "a refused upload is answered once, without an ERROR in the log");
    }

    @Test
    void aChunkedUploadInsideTheLimitIsAccepted() throws Exception {
        Answer a = sendChunked("/v1/ops-test/form", "multipart/form-data; boundary=" + BOUNDARY, multipartHead(), LIMIT / 2,
                ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        assertTrue(a.head().startsWith("HTTP/1.1 200"), a.head() + a.body());
        assertEquals(Long.toString(LIMIT / 2), a.body().strip());
    }

    @Test
    void aChunkedJsonBodyPastItsLimitIsRefusedWhileStreaming() throws Exception {
        Answer a = sendChunked("/v1/ops-test/json", "application/json", "{\"text\":\"".getBytes(StandardCharsets.US_ASCII), 64L << 20);
        assertTrue(a.head().startsWith("HTTP/1.1 413"), a.head() + a.body());
        assertTrue(a.body().contains("\"payload_too_large\""), a.body());
        assertTrue(a.sentWhenAnswered() < 16L << 20, "answered after " + a.sentWhenAnswered() + " bytes");
    }

    private void assertNoSpooledUploadLeft() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long left;
        do {
            try (Stream<Path> files = Files.list(uploads.dir())) {
                left = files.filter(f -> !f.equals(IN_PROGRESS)).count();
            }
        } while (left > 0 && System.nanoTime() < deadline && sleep());
        assertEquals(0, left, "spooled parts of refused uploads are deleted");
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    private static byte[] multipartHead() {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    record Answer(String head, String body, long sentWhenAnswered) {
    }

    private Answer sendChunked(String path, String contentType, byte[] head, long payload) throws Exception {
        return sendChunked(path, contentType, head, payload, null);
    }

    /** Sends head, {@code payload} zero bytes and tail as 64 KiB chunks on one thread while this one reads the answer. */
    private Answer sendChunked(String path, String contentType, byte[] head, long payload, byte[] tail) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: " + contentType
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    chunk(out, head);
                    byte[] zeros = new byte[64 << 10];
                    for (long n = 0; n < payload; n += zeros.length) {
                        chunk(out, java.util.Arrays.copyOf(zeros, (int) Math.min(zeros.length, payload - n)));
                        sent.addAndGet(zeros.length);
                        Thread.sleep(1); // at most 64 MiB/s: the answer's timing tells how far the server read

                    }
                    if (tail != null) {
                        chunk(out, tail);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException closedByServer) {
                    // expected once the server has answered a refused body
                }
            });
            InputStream in = socket.getInputStream();
            String head0 = readHead(in);
            long sentThen = sent.get();
            String body = readBody(in, head0);
            socket.close();
            writer.get(30, TimeUnit.SECONDS);
            return new Answer(head0, body, sentThen);
        }
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Content-Length bodies (the services' answers are small); chunked ones are read to the close. */
    private static String readBody(InputStream in, String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return new String(in.readNBytes(Integer.parseInt(line.substring(15).strip())), StandardCharsets.UTF_8);
            }
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
