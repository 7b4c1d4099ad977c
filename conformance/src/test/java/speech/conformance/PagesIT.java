package speech.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.APIRequest;
import com.microsoft.playwright.APIRequestContext;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.JSHandle;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.options.RequestOptions;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services' own pages in a real browser (Debian's chromium through Playwright for Java): each page's main
 * flow and its error paths, one test each, against both packaged services behind a proxy that serves each under
 * a path prefix, each told the other's URL (the TTS service scores every generation with the ASR service).
 * Small limits make the error paths cheap: uploads of 2 MB (TTS) and 1 MB (ASR), voices of 3 s at least,
 * 300 characters of text. The microphone is chromium's fake device. Screenshots in target/pages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // each page's main flow before its error paths, as the pages are listed
class PagesIT {

    static final Path BASE = Path.of("").toAbsolutePath();
    static final Path SHOTS = BASE.resolve("target/pages");
    static final Path JFK = speech("short/en_jfk.wav");
    static final ObjectMapper JSON = new ObjectMapper();

    static PackagedService asr;
    static PackagedService tts;
    static PrefixProxy proxy;
    /** The browser's URLs of the services: under their prefixes on the proxy. */
    static String ASR;
    static String TTS;
    static Chromium chromium;
    /** The API calls a test makes around the pages (fetch in a browser's terms). */
    static APIRequestContext api;

    @TempDir
    static Path tmp;

    /** The pages the current test opened, each with the script errors it threw. */
    final List<Opened> opened = new ArrayList<>();

    record Opened(String url, BrowserContext context, List<String> errors) {
    }

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
        ASR = proxy.url("/speech/asr");
        TTS = proxy.url("/speech/tts");
        Files.createDirectories(SHOTS);
        // the fake camera and microphone, granted without asking; audio plays without a click
        chromium = Chromium.launch(List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required"));
        api = chromium.playwright.request().newContext(new APIRequest.NewContextOptions().setTimeout(300_000));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (chromium != null) {
            chromium.close();
        }
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

    /** Closes the test's pages and asserts their scripts threw nothing. */
    @AfterEach
    void done() {
        for (Opened page : opened) {
            page.context().close();
        }
        for (Opened page : opened) {
            assertEquals(List.of(), page.errors(), page.url() + ": script errors on the page");
        }
    }

    static Path speech(String file) {
        return Path.of(ConformanceIT.SHARED, "speech", file);
    }

    /** A fresh page (phone-sized when asked) whose script errors fail the test. */
    Page open(String url, boolean phone) {
        BrowserContext context = chromium.browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(phone ? 390 : 1200, phone ? 844 : 900).setIsMobile(phone).setHasTouch(phone)
                .setAcceptDownloads(true).setPermissions(List.of("microphone")));
        Page page = context.newPage();
        page.setDefaultTimeout(60_000);
        List<String> errors = new ArrayList<>();
        page.onPageError(errors::add);
        opened.add(new Opened(url, context, errors));
        page.navigate(url);
        page.waitForLoadState(LoadState.NETWORKIDLE);
        return page;
    }

    Page open(String url) {
        return open(url, false);
    }

    /** The Speak page linked to with a voice (as the Voices page does): that voice is chosen. */
    Page openSpeak(String voiceId) {
        Page page = open(TTS + "/ui/speak.html?voice=" + voiceId);
        assertEquals(voiceId, page.getByLabel("Voice").inputValue());
        return page;
    }

    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
    }

    /** POST /v1/voices from a file; the new voice's id. */
    static String createVoice(String name) throws IOException {
        APIResponse r = api.post(TTS + "/v1/voices", RequestOptions.create().setMultipart(FormData.create().set("name", name)
                .set("file", new FilePayload(JFK.getFileName().toString(), "audio/wav", Files.readAllBytes(JFK)))));
        assertEquals(201, r.status(), r.text());
        return JSON.readTree(r.text()).path("id").asText();
    }

    /** A quick generation through the API (few steps, short window); its id. */
    static String generate(String text, String voiceId) {
        Map<String, Object> body = new HashMap<>(Map.of("text", text, "num_steps", 2, "sequence_length", 40));
        if (voiceId != null) {
            body.put("voice_id", voiceId);
        }
        APIResponse r = api.post(TTS + "/v1/speech", RequestOptions.create().setData(body));
        assertEquals(200, r.status(), r.status() == 200 ? "" : r.text());
        r.body();
        return r.headers().get("x-generation-id");
    }

    static Locator.FilterOptions hasText(String text) {
        return new Locator.FilterOptions().setHasText(text);
    }

    static Locator.FilterOptions hasText(Pattern text) {
        return new Locator.FilterOptions().setHasText(text);
    }

    static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name);
    }

    static Locator button(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, named(name));
    }

    static Locator button(Locator within, String name) {
        return within.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name));
    }

    /** The page's button with exactly this name ("Speak", not "Speak again"). */
    static Locator exactButton(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, named(name).setExact(true));
    }

    static Locator exactLabel(Page page, String label) {
        return page.getByLabel(label, new Page.GetByLabelOptions().setExact(true));
    }

    static Locator dialogButton(Page page, String name) {
        return button(page.getByRole(AriaRole.DIALOG), name);
    }

    /** The text of a page's message area once it says something. */
    static String messageOf(Page page, String selector) {
        return messageOf(page, selector, Pattern.compile("\\S"));
    }

    /** The text of a page's message area once it says what {@code expected} finds. */
    static String messageOf(Page page, String selector, Pattern expected) {
        Locator m = page.locator(selector);
        m.filter(hasText(expected)).waitFor();
        return m.innerText().trim();
    }

    static void waitFor(Locator locator, double timeoutMs) {
        locator.waitFor(new Locator.WaitForOptions().setTimeout(timeoutMs));
    }

    static void waitDetached(Locator locator) {
        locator.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.DETACHED));
    }

    /** Counts the page's POSTs to one API path, to prove that a refused file never left the browser. */
    static List<String> countRequests(Page page, Pattern pattern) {
        List<String> seen = new ArrayList<>();
        page.onRequest(r -> {
            if (pattern.matcher(r.url()).find() && "POST".equals(r.method())) {
                seen.add(r.url());
            }
        });
        return seen;
    }

    record Downloaded(String name, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        String head(int n) {
            return new String(bytes, 0, Math.min(n, bytes.length), StandardCharsets.ISO_8859_1);
        }
    }

    static Downloaded downloaded(Page page, Runnable click) throws IOException {
        Download d = page.waitForDownload(click);
        Path file = tmp.resolve(d.suggestedFilename());
        d.saveAs(file);
        return new Downloaded(d.suggestedFilename(), Files.readAllBytes(file));
    }

    /** A file named like audio that holds text. */
    static Path textFile(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    /** Whether a page's audio element starts playing (its play() promise resolves). */
    static boolean plays(Locator audio) {
        return (Boolean) audio.evaluate("a => a.play().then(() => true, () => false)");
    }

    static void assertMatches(String regex, String actual) {
        assertMatches(Pattern.compile(regex), actual);
    }

    static void assertMatches(Pattern pattern, String actual) {
        assertTrue(pattern.matcher(actual).find(), () -> "“" + actual + "” does not match /" + pattern + "/");
    }

    static void assertNoMatch(String regex, String actual) {
        assertFalse(Pattern.compile(regex).matcher(actual).find(), () -> "“" + actual + "” matches /" + regex + "/");
    }

    /** The first group of {@code regex} in {@code text}; fails when it does not match. */
    static String group(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), () -> "“" + text + "” does not match /" + regex + "/");
        return m.group(1);
    }

    static Pattern caseless(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }

    // ---------------------------------------------------------------- Voices

    @Test
    @Order(1)
    @DisplayName("voices: upload shows size and length, creates, lists with preview, renames, deletes after confirmation")
    void voicesMainFlow() throws IOException {
        String name = "page-jfk-" + System.currentTimeMillis(); // names need not be unique: this one is, to find it
        Page page = open(TTS + "/ui/voices.html");
        exactLabel(page, "Name").fill(name);
        page.getByLabel("Upload a file").setInputFiles(JFK);
        page.locator("#picked").filter(hasText("11.0 s")).waitFor();
        assertMatches("en_jfk\\.wav: 344 KB, 11\\.0 s", page.locator("#picked").innerText());
        button(page, "Create voice").click();
        messageOf(page, "#create-message", Pattern.compile("Voice “" + name + "” created \\(11\\.0 s of reference\\)"));
        Locator item = page.locator("#voices li", new Page.LocatorOptions().setHasText(name));
        item.waitFor();
        Locator preview = item.locator("audio");
        assertMatches("/speech/tts/v1/voices/voice_[0-9a-f]+/audio$", (String) preview.evaluate("a => a.src"));
        assertTrue(plays(preview), "the preview does not play");
        shot(page, "voices");

        // rename in place (Escape first: nothing changes), then the new name everywhere
        String id = item.getAttribute("data-voice");
        Locator voice = page.locator("#voices li[data-voice=\"" + id + "\"]");
        button(voice, "Rename " + name).click();
        assertEquals("rename-" + id, page.evaluate("() => document.activeElement.id"), "the name field has the focus");
        page.keyboard().press("Escape");
        assertEquals(name, voice.locator("h3").innerText());
        button(voice, "Rename " + name).click();
        String renamed = name + " renamed";
        voice.getByLabel("New name for " + name).fill(renamed);
        button(voice, "Save").click();
        messageOf(page, "#list-message", Pattern.compile("Renamed to “" + renamed + "”"));
        voice.locator("h3", new Locator.LocatorOptions().setHasText(renamed)).waitFor();
        assertEquals(renamed, JSON.readTree(api.get(TTS + "/v1/voices/" + id).text()).path("name").asText());

        // cancelling the confirmation keeps it; confirming deletes it
        button(voice, "Delete " + renamed).click();
        dialogButton(page, "Cancel").click();
        assertEquals(1, voice.count());
        button(voice, "Delete " + renamed).click();
        dialogButton(page, "Delete").click();
        messageOf(page, "#list-message", Pattern.compile("Voice “" + renamed + "” deleted"));
        waitDetached(voice);
    }

    @Test
    @Order(2)
    @DisplayName("voices: a microphone recording becomes a voice")
    void voicesFromMicrophone() {
        Page page = open(TTS + "/ui/voices.html");
        exactLabel(page, "Name").fill("page-mic");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile("Record"))).click();
        waitFor(page.locator("#recording").filter(hasText(Pattern.compile("Recording… 4 s"))), 20_000);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile("Stop recording"))).click();
        page.locator("#picked").filter(hasText(Pattern.compile("^recording\\.\\w+: .+, [\\d.]+ s$"))).waitFor();
        double seconds = Double.parseDouble(group(", ([\\d.]+) s$", page.locator("#picked").innerText()));
        assertTrue(seconds >= 3.5 && seconds < 30, "recorded " + seconds + " s");
        button(page, "Create voice").click();
        assertMatches("Voice “page-mic” created", messageOf(page, "#create-message"));
        page.locator("#voices li", new Page.LocatorOptions().setHasText("page-mic")).waitFor();
        shot(page, "voices-recorded");
    }

    @Test
    @Order(3)
    @DisplayName("voices error: a file over the upload limit is refused before sending")
    void voicesFileTooLarge() throws IOException {
        Path big = tmp.resolve("big.wav");
        byte[] jfk = Files.readAllBytes(JFK);
        Files.write(big, Arrays.copyOf(jfk, jfk.length + 2_100_000)); // the recording, then zeros
        Page page = open(TTS + "/ui/voices.html");
        List<String> posts = countRequests(page, Pattern.compile("/v1/voices$"));
        exactLabel(page, "Name").fill("page-big");
        page.getByLabel("Upload a file").setInputFiles(big);
        assertMatches("^Too large: 2\\.3 MB; the limit is 1\\.9 MB\\.$", messageOf(page, "#create-message"));
        button(page, "Create voice").click();
        assertMatches("Too large", messageOf(page, "#create-message"));
        assertEquals("alert", page.locator("#create-message").getAttribute("role"));
        assertEquals(List.of(), posts);
        shot(page, "voices-too-large");
    }

    @Test
    @Order(4)
    @DisplayName("voices error: a file that is not audio gets the service's message, not JSON")
    void voicesFileNotAudio() throws IOException {
        Path notAudio = textFile("notes.wav", "these are meeting notes, not a recording\n".repeat(50));
        Page page = open(TTS + "/ui/voices.html");
        exactLabel(page, "Name").fill("page-notes");
        page.getByLabel("Upload a file").setInputFiles(notAudio);
        page.locator("#picked").filter(hasText("unknown length")).waitFor();
        button(page, "Create voice").click();
        String text = messageOf(page, "#create-message");
        assertMatches(caseless("^The request was refused: .*(audio|decode)"), text);
        assertNoMatch("[{}]", text);
        shot(page, "voices-not-audio");
    }

    @Test
    @Order(5)
    @DisplayName("voices error: a recording shorter than the minimum is refused with the limit")
    void voicesRecordingTooShort() {
        Page page = open(TTS + "/ui/voices.html");
        List<String> posts = countRequests(page, Pattern.compile("/v1/voices$"));
        exactLabel(page, "Name").fill("page-short");
        page.getByLabel("Upload a file").setInputFiles(speech("short/fr_bonjour.wav"));
        assertMatches("^Too short: 1\\.2 s; a voice needs at least 3 s of speech\\.$", messageOf(page, "#create-message"));
        button(page, "Create voice").click();
        assertEquals(List.of(), posts);
    }

    // ---------------------------------------------------------------- Speak

    @Test
    @Order(6)
    @DisplayName("speak: counted text, voice, advanced defaults, streamed playback, stored result, download in each format, round-trip score")
    void speakMainFlow() throws IOException {
        String voiceId = createVoice("speak-jfk");
        Page page = openSpeak(voiceId);
        String text = "Ask not what your country can do for you.";
        exactLabel(page, "Text").fill(text);
        assertEquals(text.length() + " / 300 characters", page.locator("#count").innerText());

        page.getByText("Advanced: sampler settings").click();
        assertEquals("40", page.getByLabel("Steps").inputValue());
        assertEquals("3", page.getByLabel("Text guidance").inputValue());
        assertEquals("8", page.getByLabel("Speaker guidance").inputValue());
        page.getByLabel("Steps").fill("4");
        page.getByLabel("Length (latents; empty = model's)").fill("40");
        page.getByLabel("Seed").fill("5");

        // keyboard only: focus the button and press Enter
        exactButton(page, "Speak").focus();
        page.keyboard().press("Enter");
        try {
            page.locator("#progress").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE));
        } catch (TimeoutError alreadyOver) {
            // may already be over on a fast machine
        }
        assertMatches("^Done\\.$", messageOf(page, "#message"));
        page.locator("#result").waitFor();
        assertMatches("s of audio, made in .* · seed 5$", page.locator("#facts").innerText());
        assertMatches("/speech/tts/v1/generations/gen_[0-9a-f]+/audio$", (String) page.locator("#audio").evaluate("a => a.src"));
        // the score arrives once the ASR service has heard it
        waitFor(page.locator("#score").filter(hasText(Pattern.compile("^Round trip: [\\d.]+% of words wrong"))), 120_000);
        shot(page, "speak");

        assertEquals(List.of("wav", "flac", "mp3", "opus", "aac", "pcm"),
                page.locator("#downloads button").evaluateAll("bs => bs.map((b) => b.dataset.format)"));
        Downloaded wav = downloaded(page, () -> button(page, "Download wav").click());
        assertEquals("RIFF", wav.head(4));
        Downloaded flac = downloaded(page, () -> button(page, "Download flac").click());
        assertEquals("fLaC", flac.head(4));
        Downloaded mp3 = downloaded(page, () -> button(page, "Download mp3").click());
        assertMatches("\\.mp3$", mp3.name());
        assertTrue(mp3.head(3).equals("ID3") || ((mp3.bytes()[0] & 0xff) == 0xff && (mp3.bytes()[1] & 0xe0) == 0xe0), "not MP3");
        Downloaded opus = downloaded(page, () -> button(page, "Download opus").click());
        assertEquals("OggS", opus.head(4));
    }

    @Test
    @Order(7)
    @DisplayName("speak error: text over the limit is counted, marked invalid and cannot be sent")
    void speakTextTooLong() {
        Page page = open(TTS + "/ui/speak.html");
        exactLabel(page, "Text").fill("x".repeat(305));
        assertEquals("305 / 300 characters — 5 too many", page.locator("#count").innerText());
        assertEquals("true", exactLabel(page, "Text").getAttribute("aria-invalid"));
        assertTrue(exactButton(page, "Speak").isDisabled());
        shot(page, "speak-too-long");
        exactLabel(page, "Text").fill("x".repeat(300));
        assertTrue(exactButton(page, "Speak").isEnabled());
    }

    @Test
    @Order(8)
    @DisplayName("speak error: a voice deleted meanwhile gets the service's message and leaves the list")
    void speakUnknownVoice() throws IOException {
        String voiceId = createVoice("speak-gone");
        Page page = openSpeak(voiceId);
        assertEquals(204, api.delete(TTS + "/v1/voices/" + voiceId).status());
        exactLabel(page, "Text").fill("Nobody is here.");
        exactButton(page, "Speak").click();
        assertMatches("^Not found: no voice '.*'", messageOf(page, "#message"));
        waitDetached(page.locator("#voice option[value=\"" + voiceId + "\"]"));
        shot(page, "speak-unknown-voice");
    }

    // ---------------------------------------------------------------- History

    @Test
    @Order(9)
    @DisplayName("history: newest first with text, voice, length, time taken and score; plays, downloads, pages, deletes")
    void historyMainFlow() throws IOException {
        String voiceId = createVoice("history-jfk");
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            ids.add(generate("History line number " + i + ".", voiceId));
        }
        Page page = open(TTS + "/ui/history.html");
        Locator items = page.locator("#generations > li");
        items.first().waitFor();
        assertEquals(10, items.count());
        Locator first = items.first();
        assertEquals(ids.get(11), first.getAttribute("data-generation"));
        assertEquals("History line number 12.", first.locator("blockquote").innerText());
        assertMatches("^history-jfk · [\\d.]+ s of audio · made in [\\d.]+ s · ", first.locator(".meta").first().innerText());
        assertMatches("1–10 of \\d+", page.locator("#pager").innerText());
        // scores arrive one by one; the page refreshes while some are pending
        waitFor(first.locator(".score").filter(hasText(Pattern.compile("^Round trip: "))), 180_000);
        assertTrue(plays(first.locator("audio")), "does not play");
        Downloaded mp3 = downloaded(page, () -> button(first, "mp3").click());
        assertEquals(ids.get(11) + ".mp3", mp3.name());
        shot(page, "history");

        button(page, "Older →").click();
        page.locator("#pager").filter(hasText(Pattern.compile("11–\\d+ of"))).waitFor();
        assertEquals(ids.get(1), items.first().getAttribute("data-generation"));
        button(page, "← Newer").click();
        page.locator("#pager").filter(hasText(Pattern.compile("1–10 of"))).waitFor();

        int total = Integer.parseInt(group("of (\\d+)", page.locator("#pager").innerText()));
        button(items.first(), "Delete this generation").click();
        dialogButton(page, "Delete").click();
        assertMatches("Generation deleted", messageOf(page, "#message"));
        page.locator("#pager").filter(hasText("of " + (total - 1))).waitFor();
        assertEquals(ids.get(10), items.first().getAttribute("data-generation"));
        assertEquals(404, api.get(TTS + "/v1/generations/" + ids.get(11)).status());
    }

    @Test
    @Order(10)
    @DisplayName("history error: deleting a generation already gone says so")
    void historyGenerationAlreadyDeleted() {
        String id = generate("Deleted elsewhere.", null);
        Page page = open(TTS + "/ui/history.html");
        Locator item = page.locator("#generations > li[data-generation=\"" + id + "\"]");
        item.waitFor();
        assertEquals(204, api.delete(TTS + "/v1/generations/" + id).status());
        button(item, "Delete this generation").click();
        dialogButton(page, "Delete").click();
        assertMatches("^Not found: no generation with this id", messageOf(page, "#message"));
        waitDetached(item);
    }

    // ---------------------------------------------------------------- Transcribe

    @Test
    @Order(11)
    @DisplayName("transcribe: a dropped file, model and language, transcript with timestamps, play from a line, four downloads")
    void transcribeMainFlow() throws IOException {
        Page page = open(ASR + "/ui/transcribe.html");
        assertEquals("tiny.en", page.getByLabel("Model").inputValue());
        // a real drop: the file goes through a DataTransfer onto the drop zone
        String data = Base64.getEncoder().encodeToString(Files.readAllBytes(JFK));
        JSHandle transfer = page.evaluateHandle("""
                (b64) => {
                  const dt = new DataTransfer();
                  dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'en_jfk.wav', { type: 'audio/wav' }));
                  return dt;
                }""", data);
        page.locator("#drop").dispatchEvent("drop", Map.of("dataTransfer", transfer));
        page.locator("#picked").filter(hasText("en_jfk.wav: 344 KB, 11.0 s")).waitFor();
        page.getByLabel("Spoken language").fill("en");
        exactButton(page, "Transcribe").click();
        assertMatches("^Done in ", messageOf(page, "#message"));
        Locator lines = page.locator("#segments button");
        assertTrue(lines.count() >= 1);
        assertMatches("ask not what your country can do for you", String.join(" ", lines.allInnerTexts()).toLowerCase());
        assertMatches("^00:00\\.\\d → 00:\\d\\d\\.\\d$", lines.first().locator("time").innerText());
        assertMatches("11\\.0 s · language en · model tiny\\.en", page.locator("#facts").innerText());

        Locator last = lines.last();
        double start = Double.parseDouble(last.getAttribute("data-start"));
        last.click();
        assertEquals("true", last.getAttribute("aria-current"));
        double at = ((Number) page.locator("#audio").evaluate("a => a.currentTime")).doubleValue();
        assertTrue(Math.abs(at - start) < 0.5, "audio at " + at + ", line starts at " + start);
        shot(page, "transcribe");

        Downloaded txt = downloaded(page, () -> button(page, "Download txt").click());
        assertEquals("en_jfk.txt", txt.name());
        assertMatches("ask not what your country", txt.text().toLowerCase());
        String srt = downloaded(page, () -> button(page, "Download srt").click()).text();
        assertMatches("^1\n00:00:\\d\\d,\\d{3} --> 00:00:\\d\\d,\\d{3}\n\\S", srt);
        String vtt = downloaded(page, () -> button(page, "Download vtt").click()).text();
        assertMatches("^WEBVTT\n\n00:00:\\d\\d\\.\\d{3} --> ", vtt);
        JsonNode json = JSON.readTree(downloaded(page, () -> button(page, "Download json").click()).text());
        assertEquals("tiny.en", json.path("x_model").asText());
        assertTrue(json.path("segments").size() >= 1);
    }

    @Test
    @Order(12)
    @DisplayName("transcribe: a microphone recording is transcribed")
    void transcribeFromMicrophone() {
        Page page = open(ASR + "/ui/transcribe.html");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile("Record"))).click();
        waitFor(page.locator("#recording").filter(hasText(Pattern.compile("Recording… 2 s"))), 20_000);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile("Stop recording"))).click();
        page.locator("#picked").filter(hasText(Pattern.compile("^recording\\.\\w+: "))).waitFor();
        exactButton(page, "Transcribe").click();
        assertMatches("^Done in ", messageOf(page, "#message"));
        page.locator("#result").waitFor();
        assertMatches("· model tiny\\.en$", page.locator("#facts").innerText());
    }

    @Test
    @Order(13)
    @DisplayName("transcribe error: a file over the upload limit is refused before sending")
    void transcribeFileTooLarge() {
        Page page = open(ASR + "/ui/transcribe.html");
        List<String> posts = countRequests(page, Pattern.compile("/v1/audio/"));
        page.getByLabel(Pattern.compile("Drop an audio or video file")).setInputFiles(speech("short/en_jfk_44k_stereo.flac"));
        assertMatches("^Too large: 1\\.1 MB; the limit is 977 KB\\.$", messageOf(page, "#message"));
        exactButton(page, "Transcribe").click();
        assertEquals(List.of(), posts);
        shot(page, "transcribe-too-large");
    }

    @Test
    @Order(14)
    @DisplayName("transcribe error: a file that is not audio gets the service's message")
    void transcribeFileNotAudio() throws IOException {
        Path notAudio = textFile("slides.mp3", "not a recording at all\n".repeat(40));
        Page page = open(ASR + "/ui/transcribe.html");
        page.getByLabel(Pattern.compile("Drop an audio or video file")).setInputFiles(notAudio);
        exactButton(page, "Transcribe").click();
        String text = messageOf(page, "#message");
        assertMatches("^The request was refused: ", text);
        assertNoMatch("[{}]", text);
        shot(page, "transcribe-not-audio");
    }

    @Test
    @Order(15)
    @DisplayName("transcribe error: translating with an English-only model gets the service's message")
    void transcribeTranslateWithEnglishOnlyModel() {
        Page page = open(ASR + "/ui/transcribe.html");
        page.getByLabel(Pattern.compile("Drop an audio or video file")).setInputFiles(JFK);
        page.getByLabel("Translate into English").check();
        exactButton(page, "Transcribe").click();
        assertMatches(caseless("^The request was refused: .*(English-only|multilingual)"), messageOf(page, "#message"));
    }

    // ---------------------------------------------------------------- every page

    @Test
    @Order(16)
    @DisplayName("every page: labelled controls, links to the other service under its prefix, fits a phone")
    void everyPageOnAPhone() {
        for (String url : List.of(TTS + "/ui/voices.html", TTS + "/ui/speak.html", TTS + "/ui/history.html", ASR + "/ui/transcribe.html")) {
            Page page = open(url, true);
            Object unlabelled = page.locator("input:not([type=hidden]), select, textarea").evaluateAll("""
                    (controls) => controls.filter((c) => !(c.labels?.length || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby')))
                        .map((c) => c.id)""");
            assertEquals(List.of(), unlabelled, url + ": controls without a label");
            List<?> width = (List<?>) page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]");
            int scrollWidth = ((Number) width.get(0)).intValue();
            int screenWidth = ((Number) width.get(1)).intValue();
            assertTrue(scrollWidth <= screenWidth, url + ": " + scrollWidth + " px wide on a " + screenWidth + " px screen");
            Locator other = page.locator("header .other a");
            other.waitFor();
            assertEquals(url.startsWith(TTS) ? ASR + "/ui/transcribe.html" : TTS + "/ui/speak.html", other.getAttribute("href"));
            // the first Tab reaches the skip link, which leads to the content
            page.keyboard().press("Tab");
            assertEquals("Skip to content", page.evaluate("() => document.activeElement.textContent"));
            shot(page, "phone-" + url.substring(url.lastIndexOf('/') + 1).replace(".html", ""));
        }
    }
}
