package speech.runtime.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An over-limit upload from a client that writes its whole body before reading (as most HTTP libraries
 * do) gets the 413 JSON, not a reset; a sender that never stops is answered and cut off within the
 * linger bound. Raw sockets, so nothing in between buffers or retries.
 */
@QuarkusTest
class UploadLimitDrainTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aClientThatSendsTheWholeOversizedBodyFirstReadsThe413() throws Exception {
        long size = 60L << 20; // over the 25 MiB default, under the drain bound
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000); // the server closes after the answer; a hang fails here
            OutputStream out = socket.getOutputStream();
            out.write(head(size).getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 16];
            for (long sent = 0; sent < size; sent += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, size - sent));
            }
            out.flush();
            String answer = readAll(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.contains("\"payload_too_large\""), answer);
        }
    }

    @Test
    void anEndlessSenderIsAnsweredAndCutOffWithinTheLingerBound() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) BoundedDrain.MAX_LINGER_MS * 3);
            OutputStream out = socket.getOutputStream();
            out.write(head(10L << 30).getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            // Trickle bytes (far below the byte bound) until the server closes the connection.
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    while (true) {
                        out.write(new byte[1024]);
                        out.flush();
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the server cut the connection: expected
                }
            });
            String answer = readAll(socket.getInputStream());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(seconds < BoundedDrain.MAX_LINGER_MS / 1000.0 * 2, "answered after " + seconds + " s");
            socket.shutdownOutput();
            writer.get(BoundedDrain.MAX_LINGER_MS, TimeUnit.MILLISECONDS);
        }
    }

    private String head(long contentLength) {
        return "POST /v1/ops-test/upload HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** The answer up to the server's close (the 413 carries Connection: close). */
    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
