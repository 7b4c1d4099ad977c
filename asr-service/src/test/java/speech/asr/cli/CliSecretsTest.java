package speech.asr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability / safe by default for bin/transcribe (the same lib/cli.sh serves bin/speak and bin/voices):
 * the API key never appears in a process's arguments, and a form value starting with '@' is sent as
 * text, never as the content of a local file. A loopback HTTP server stands in for the service.
 */
class CliSecretsTest {

    private static final String KEY = "cli-secret-key-" + System.nanoTime();

    @TempDir
    Path dir;

    @Test
    void theKeyStaysOutOfProcessArgumentsAndAtValuesAreText() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> argsWithKey = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            // While the request is in flight, every process's arguments are what `ps` would show.
            argsWithKey.addAll(processArgumentsContaining(KEY));
            seen.add(exchange.getRequestHeaders().getFirst("Authorization"));
            seen.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            Cli.Run run = Cli.transcribe(base.toURL(), Map.of("SPEECH_API_KEY", KEY), "--model", "@" + secret, "--format", "text",
                    Cli.clip("en_jfk.wav").toString());
            assertEquals(0, run.exit(), run.err());
        } finally {
            server.stop(0);
        }
        assertEquals(2, seen.size(), "one request reached the server");
        assertEquals("Bearer " + KEY, seen.get(0), "the key is still sent");
        assertTrue(seen.get(1).contains("@" + secret), "the model value is sent as text");
        assertFalse(seen.get(1).contains("TOP-SECRET-CONTENT"), "no local file is uploaded for an '@' value");
        assertTrue(argsWithKey.isEmpty(), "the key is in process arguments: " + argsWithKey);
    }

    private static List<String> processArgumentsContaining(String needle) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (cmdline.contains(needle)) {
                        found.add(cmdline);
                    }
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("/proc is not readable", e);
        }
        return found;
    }
}
