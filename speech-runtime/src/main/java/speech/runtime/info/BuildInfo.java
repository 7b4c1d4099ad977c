package speech.runtime.info;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Version, git commit and build time, filtered into {@code build-info.properties} at build time,
 * so /v1/info shows which code is really running.
 */
public record BuildInfo(String version, String gitCommit, boolean gitDirty, String buildTime) {

    public static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/build-info.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // Fall through to "unknown": /v1/info still answers.
        }
        return new BuildInfo(value(p, "version"), value(p, "git.commit"), "true".equals(p.getProperty("git.dirty")), value(p, "build.time"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "");
        return v.isBlank() || v.startsWith("${") ? "unknown" : v;
    }
}
