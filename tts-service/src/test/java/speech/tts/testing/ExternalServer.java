package speech.tts.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the real servers the storage tests start have in common: free ports, finding binaries, waiting. */
final class ExternalServer {

    private ExternalServer() {
    }

    /** A port that is free now, and whose +10000 companion (SeaweedFS' gRPC default) is free too. */
    static int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (port < 55000 && free(port + 10000)) {
                    return port;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first existing executable: an explicit setting, then the candidates; fails loudly with how to install it. */
    static Path binary(String setting, List<Path> candidates, String howToInstall) {
        Optional<String> explicit = Optional.ofNullable(System.getProperty(setting))
                .or(() -> Optional.ofNullable(System.getenv(setting.toUpperCase().replace('.', '_').replace('-', '_'))));
        if (explicit.isPresent()) {
            return Path.of(explicit.get());
        }
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("missing test prerequisite: " + howToInstall
                        + " (or set " + setting + "); looked in " + candidates));
    }

    static void awaitPort(int port, Duration timeout, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited (" + process.exitValue() + "):\n" + tail(log));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        throw new IllegalStateException("server not listening on " + port + " after " + timeout + ":\n" + tail(log));
    }

    static String run(List<String> command, Path log) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed:\n" + out + (log == null ? "" : tail(log)));
        }
        return out;
    }

    static String tail(Path log) {
        try {
            String text = Files.exists(log) ? Files.readString(log) : "";
            return text.substring(Math.max(0, text.length() - 4000));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
