package speech.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * A model folder's {@code manifest.json}, as written by the export step. Each service reads its
 * typed fields from {@link #root()}; this class owns the file itself and its integrity check.
 *
 * @param dir    the model folder
 * @param root   the parsed manifest
 * @param sha256 sha256 of manifest.json itself (it names every other file's hash, so it identifies the model)
 */
public record Manifest(Path dir, JsonNode root, String sha256) {

    public static final String FILE = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static boolean isModelDir(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    public static Manifest read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            byte[] bytes = Files.readAllBytes(file);
            return new Manifest(dir, JSON.readTree(bytes), hex(digest().digest(bytes)));
        } catch (IOException e) {
            throw new ModelException("cannot read " + file.getFileName() + " of model " + dir.getFileName() + ": " + e.getMessage());
        }
    }

    /** Checks every file listed under {@code files} against its sha256; a stale or partial copy fails here. */
    public Manifest verifyFiles() {
        JsonNode files = root.path("files");
        if (!files.isObject() || files.isEmpty()) {
            throw new ModelException("manifest of model " + dir.getFileName() + " lists no files");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Path file = dir.resolve(entry.getKey()).normalize();
            if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
                throw new ModelException("model " + dir.getFileName() + " is missing " + entry.getKey());
            }
            String actual = sha256(file);
            if (!actual.equalsIgnoreCase(entry.getValue().asText())) {
                throw new ModelException("model " + dir.getFileName() + ": sha256 of " + entry.getKey()
                        + " is " + actual + ", manifest says " + entry.getValue().asText() + " (re-run the export)");
            }
        }
        return this;
    }

    /** The weights' licence (manifest {@code license}), shown by /v1/models and /v1/info. */
    public ModelLicense license() {
        return ModelLicense.from(root.path("license"));
    }

    public Path file(String relative) {
        return dir.resolve(relative);
    }

    public String text(String field) {
        JsonNode node = root.path(field);
        if (node.isMissingNode() || node.isNull()) {
            throw new ModelException("manifest of model " + dir.getFileName() + " has no " + field);
        }
        return node.asText();
    }

    public static String sha256(Path file) {
        MessageDigest digest = digest();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
