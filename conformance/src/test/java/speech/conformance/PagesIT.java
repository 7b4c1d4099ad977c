package speech.conformance;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services' own pages in Debian's chromium (playwright-core, src/test/js/pages.test.mjs): each page's main
 * flow and its error paths, against both packaged services behind a proxy that serves each under a path prefix,
 * each told the other's URL
 * (the TTS service scores every generation with the ASR service). Small limits make the error paths cheap:
 * uploads of 2 MB (TTS) and 1 MB (ASR), voices of 3 s at least, 300 characters of text.
 * Screenshots in target/pages.
 */
class PagesIT {

    static final Path BASE = Path.of("").toAbsolutePath();

    static PackagedService asr;
    static PackagedService tts;
    static PrefixProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        int asrPort = PackagedService.freePort();
        int ttsPort = PackagedService.freePort();
        // the browser sees both services under prefixes of one origin, as behind an ingress
        proxy = PrefixProxy.start(Map.of("/speech/asr", "http://127.0.0.1:" + asrPort, "/speech/tts", "http://127.0.0.1:" + ttsPort));
        asr = PackagedService.start("asr-service", asrPort, Map.of("ASR_MODELS_DIR", ConformanceIT.MODELS,
                "ASR_DEFAULT_MODEL", "tiny.en", "SPEECH_UPLOAD_MAX_BYTES", "1000000", "ASR_TTS_URL", proxy.url("/speech/tts")));
        Path data = BASE.resolve("target/pages-tts-data");
        ConformanceIT.deleteTree(data);
        // the round trip goes to the ASR service directly; the pages link to it through the proxy
        tts = PackagedService.start("tts-service", ttsPort, Map.of("TTS_MODELS_DIR", ConformanceIT.MODELS,
                "TTS_DEFAULT_MODEL", "echo-tts-tiny", "TTS_DATA_DIR", data.toString(), "SPEECH_UPLOAD_MAX_BYTES", "2000000",
                "TTS_VOICES_MIN_SECONDS", "3", "TTS_SPEECH_MAX_TEXT_CHARS", "300", "TTS_ASR_URL", asr.url,
                "TTS_ASR_PAGE_URL", proxy.url("/speech/asr")));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (tts != null) {
            tts.close();
        }
        if (asr != null) {
            asr.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void pagesInChromium() throws Exception {
        ConformanceIT.run(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec", "src/test/js/pages.test.mjs"), BASE,
                Map.of("ASR_URL", proxy.url("/speech/asr"), "TTS_URL", proxy.url("/speech/tts"), "SCREENSHOTS", BASE.resolve("target/pages").toString()));
    }
}
