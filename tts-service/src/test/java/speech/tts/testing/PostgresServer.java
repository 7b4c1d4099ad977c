package speech.tts.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from the machine's binaries (Debian package {@code postgresql};
 * {@code .ci/run} installs it): initdb into a temp folder, pg_ctl start on a free port, removed on
 * close. PostgreSQL refuses to run as root, so as root the cluster belongs to the {@code postgres} user.
 */
public final class PostgresServer implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public static PostgresServer start() throws Exception {
        Path initdb = ExternalServer.binary("speech.test.pg-initdb", candidates(), "PostgreSQL server binaries (apt-get install postgresql)");
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("speech-pg-");
        PostgresServer server = new PostgresServer(initdb.getParent(), dir, ExternalServer.freePort(), root);
        if (root) {
            ExternalServer.run(List.of("chown", "postgres:", dir.toString()), null);
        }
        Path data = dir.resolve("data");
        ExternalServer.run(server.command("initdb", "-D", data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"), null);
        ExternalServer.run(server.command("pg_ctl", "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                "-o", "-p " + server.port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), dir.resolve("log"));
        return server;
    }

    /** A new empty database on this cluster; its JDBC URL (user {@code postgres}, no password). */
    public String createDatabase(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() throws Exception {
        ExternalServer.run(command("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"), dir.resolve("log"));
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private List<String> command(String tool, String... args) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        return command;
    }

    private static List<Path> candidates() {
        List<Path> found = new ArrayList<>();
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.sorted(Comparator.reverseOrder()).forEach(v -> found.add(v.resolve("bin/initdb")));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        found.add(Path.of("/usr/bin/initdb"));
        found.add(Path.of("/usr/local/bin/initdb"));
        return found;
    }
}
