package speech.tts.service;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;
import speech.tts.config.TtsConfig;

/**
 * The speaker cache and the batch K/V are direct memory: when their budgets exceed -XX:MaxDirectMemorySize, a busy
 * service would fail with "Direct buffer memory" long after start. Said once, at start, with the fix.
 */
@ApplicationScoped
class DirectMemoryCheck {

    private static final Logger LOG = Logger.getLogger(DirectMemoryCheck.class);

    void onStart(@Observes StartupEvent event, TtsConfig config) {
        problem(maxDirectMemory(), config.voices().speakerCacheBytes(), config.speech().maxBatchKvBytes()).ifPresent(LOG::warn);
    }

    /** The warning when the two budgets do not fit in {@code maxDirect} bytes. */
    static Optional<String> problem(long maxDirect, long speakerCache, long batchKv) {
        if (speakerCache + batchKv <= maxDirect) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "direct memory is %d MiB but tts.voices.speaker-cache-bytes (%d MiB) + "
                + "tts.speech.max-batch-kv-bytes (%d MiB) may use more: raise -XX:MaxDirectMemorySize (TTS_JAVA_MEMORY, the image's "
                + "JAVA_TOOL_OPTIONS) or lower the budgets", maxDirect >> 20, speakerCache >> 20, batchKv >> 20));
    }

    /** -XX:MaxDirectMemorySize, or the JVM's default when unset (the maximum heap). */
    static long maxDirectMemory() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long set = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
        return set > 0 ? set : Runtime.getRuntime().maxMemory();
    }
}
