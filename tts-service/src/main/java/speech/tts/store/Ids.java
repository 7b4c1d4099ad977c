package speech.tts.store;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Random ids with a type prefix; anything else (paths, SQL, overlong input) is never a valid id. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SHAPE = Pattern.compile("[a-z]{2,8}_[0-9a-f]{24}");

    private Ids() {
    }

    public static String next(String prefix) {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return prefix + "_" + HexFormat.of().formatHex(b);
    }

    public static boolean valid(String prefix, String id) {
        return id != null && id.startsWith(prefix + "_") && SHAPE.matcher(id).matches();
    }
}
