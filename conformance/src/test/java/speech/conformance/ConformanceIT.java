package speech.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The clients users really point at these services, against both packaged jars, each started once for
 * all of them: the official OpenAI SDKs (Python and Node), the OpenAPI linter on the served documents,
 * the generated Java clients, and Swagger UI in Chromium (Playwright for Java). The SDK and linter suites run
 * as their own processes; their output is printed and a non-zero exit fails the test with that output.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // quick checks first: a broken document fails in seconds
class ConformanceIT {

    static final Path BASE = Path.of("").toAbsolutePath();
    static final String SHARED = System.getProperty("speech.shared-dir");
    static final String MODELS = System.getProperty("speech.test.models-dir");

    static PackagedService asr;
    static PackagedService tts;

    @BeforeAll
    static void start() throws Exception {
        // One worker, a queue of one, one request admitted: the SDK suites can fill it and see RateLimitError (429 + Retry-After).
        asr = PackagedService.start("asr-service", Map.of("ASR_MODELS_DIR", MODELS, "ASR_DEFAULT_MODEL", "tiny.en",
                "ASR_CONCURRENCY", "1", "ASR_QUEUE_CAPACITY", "1", "SPEECH_ADMISSION_MAX_IN_FLIGHT", "1",
                // no waiting line at admission: a request that finds no slot is refused at once
                "SPEECH_ADMISSION_MAX_WAITING", "0"));
        Path data = BASE.resolve("target/tts-data");
        deleteTree(data);
        tts = PackagedService.start("tts-service", Map.of("TTS_MODELS_DIR", MODELS, "TTS_DEFAULT_MODEL", "echo-tts-tiny",
                "TTS_DATA_DIR", data.toString()));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (tts != null) {
            tts.close();
        }
        if (asr != null) {
            asr.close();
        }
    }

    @Test
    @Order(4)
    void officialPythonSdk() throws Exception {
        run(List.of(BASE.resolve("target/sdk-venv/bin/python").toString(), "-m", "unittest", "-v", "test_openai_sdk"),
                BASE.resolve("src/test/python"));
    }

    @Test
    @Order(5)
    void officialNodeSdk() throws Exception {
        run(List.of("node", "--test", "--test-reporter=spec", "src/test/js/openai-sdk.test.mjs"), BASE);
    }

    /**
     * Swagger UI in a real browser (Debian's chromium through Playwright for Java): "Try it out" uploads a recording
     * to /v1/audio/transcriptions and shows the transcript; on the TTS service it creates a voice and speaks with it.
     * Screenshots in target/swagger-ui.
     */
    @Test
    @Order(3)
    void swaggerUiInChromium() throws Exception {
        Path shots = Files.createDirectories(BASE.resolve("target/swagger-ui"));
        Path jfk = Path.of(SHARED, "speech", "short", "en_jfk.wav");
        try (Chromium chromium = Chromium.launch(List.of())) {
            Page page = chromium.browser.newPage(new Browser.NewPageOptions().setViewportSize(1400, 1800));
            page.setDefaultTimeout(60_000);

            // ASR: upload a recording, read the transcript in the response body
            page.navigate(asr.url + "/q/swagger-ui");
            Locator transcribe = tryItOut(page, "post", "/v1/audio/transcriptions");
            formField(transcribe, "file").locator("input[type=file]").setInputFiles(jfk);
            // the form offers timestamp_granularities[]=segment, which goes with verbose_json
            formField(transcribe, "response_format").locator("select").selectOption("verbose_json");
            Locator t = execute(transcribe);
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("asr-transcription.png")).setFullPage(true));
            assertEquals(200, status(t), t.first().innerText());
            String body = t.locator(".response-col_description .microlight, .response-col_description pre").first().innerText().toLowerCase();
            assertTrue(body.contains("ask not what your country can do for you"), body);

            // TTS: create a voice from the same recording, then speak with it by name
            page.navigate(tts.url + "/q/swagger-ui");
            Locator create = tryItOut(page, "post", "/v1/voices");
            formField(create, "name").locator("input[type=text]").fill("swagger-jfk");
            formField(create, "file").locator("input[type=file]").setInputFiles(jfk);
            Locator c = execute(create);
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("tts-voice-created.png")).setFullPage(true));
            assertEquals(201, status(c), c.first().innerText());

            Locator speak = tryItOut(page, "post", "/v1/audio/speech");
            speak.locator("textarea.body-param__text").fill(new ObjectMapper().writeValueAsString(
                    Map.of("model", "tts-1", "input", "Hello from Swagger.", "voice", "swagger-jfk")));
            Locator s = execute(speak);
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("tts-speech.png")).setFullPage(true));
            assertEquals(200, status(s), s.first().innerText());
            // Swagger UI renders an audio answer as a player (or a download link) and shows its real type
            String headers = s.locator(".response-col_description").first().innerText().toLowerCase();
            assertTrue(headers.contains("content-type: audio/mpeg"), headers);
            assertTrue(s.locator("audio, a[download]").count() > 0, "no audio player or download link");
        }
    }

    /** Opens one operation's block, presses "Try it out" and returns the block. */
    static Locator tryItOut(Page page, String method, String route) {
        Locator block = page.locator(".opblock-" + method).filter(new Locator.FilterOptions()
                .setHas(page.locator(".opblock-summary-path[data-path=\"" + route + "\"]"))).first();
        block.locator(".opblock-summary").first().click();
        block.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Try it out")).click();
        return block;
    }

    /** Presses Execute and waits for the live response; returns the block's response rows. */
    static Locator execute(Locator block) {
        block.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Execute")).click();
        Locator live = block.locator(".live-responses-table .response");
        live.first().waitFor(new Locator.WaitForOptions().setTimeout(300_000));
        return live;
    }

    /** The status code of a live response. */
    static int status(Locator live) {
        return Integer.parseInt(live.locator(".response-col_status").first().innerText().trim());
    }

    /** A multipart field of the request body (Swagger UI renders each as a table row named after the property). */
    static Locator formField(Locator block, String name) {
        return block.locator("tr[data-property-name=\"" + name + "\"]");
    }

    @Test
    @Order(1)
    void servedOpenApiDocumentsLintWithoutErrors() throws Exception {
        Path dir = Files.createDirectories(BASE.resolve("target/openapi"));
        List<String> command = new ArrayList<>(List.of(BASE.resolve("node_modules/.bin/redocly").toString(), "lint", "--config", "redocly.yaml"));
        for (PackagedService service : List.of(asr, tts)) {
            Path doc = dir.resolve(service.name + ".json");
            Files.writeString(doc, service.get("/q/openapi?format=json"));
            command.add(doc.toString());
        }
        run(command, BASE); // redocly exits non-zero on any error; redocly.yaml explains the warnings it keeps
    }

    /**
     * Every status the services' @QuarkusTest API tests saw (their %test access log: "METHOD path status")
     * is documented for that operation in the served document. Requests to paths or methods that are
     * no operation (the tests' unknown-endpoint checks) are not operations, so not checked.
     */
    @Test
    @Order(1)
    void statusesTheApiTestsObserveAreDocumented() throws Exception {
        List<String> undocumented = new ArrayList<>();
        int checked = 0;
        for (PackagedService service : List.of(asr, tts)) {
            Path observed = BASE.resolveSibling(service.name).resolve("target/api-tests-observed-statuses.log");
            assertTrue(Files.isRegularFile(observed), observed + " is missing: the module's API tests run before this (./mvnw -B verify)");
            JsonNode paths = new ObjectMapper().readTree(service.get("/q/openapi?format=json")).path("paths");
            for (String line : Files.readAllLines(observed)) {
                String[] f = line.trim().split(" ");
                if (f.length != 3 || !f[1].startsWith("/v1/")) {
                    continue;
                }
                var operation = operation(paths, f[0].toLowerCase(java.util.Locale.ROOT), f[1]);
                if (operation.isPresent()) {
                    checked++;
                    if (!operation.get().path("responses").has(f[2])) {
                        undocumented.add(service.name + ": " + line.trim());
                    }
                }
            }
        }
        assertTrue(checked > 50, "only " + checked + " API-test requests matched an operation");
        assertEquals(List.of(), undocumented.stream().distinct().toList(), "statuses the API tests saw but the document does not list");
    }

    /** The documented operation for a concrete path: templates like /v1/voices/{id} match one segment per parameter. */
    static java.util.Optional<JsonNode> operation(JsonNode paths, String method, String path) {
        for (var it = paths.fields(); it.hasNext(); ) {
            var entry = it.next();
            String regex = entry.getKey().replaceAll("\\{[^/]+}", "[^/]+");
            if (path.matches(regex) && entry.getValue().has(method)) {
                return java.util.Optional.of(entry.getValue().get(method));
            }
        }
        return java.util.Optional.empty();
    }

    @Test
    @Order(2)
    void generatedJavaClientsTalkToBothServices() throws Exception {
        File jfk = Path.of(SHARED, "speech", "short", "en_jfk.wav").toFile();
        var asrClient = new speech.client.asr.ApiClient();
        asrClient.updateBaseUri(asr.url);
        assertTrue(new speech.client.asr.api.ModelsApi(asrClient).listModels().getData().stream().anyMatch(m -> "tiny.en".equals(m.getId())));
        var transcript = new speech.client.asr.api.TranscriptionApi(asrClient)
                .createTranscription(jfk, "tiny.en", "en", null, "json", null, null, null, List.of(), List.of(), null, null, null, null).getTranscription();
        assertTrue(transcript.getText().toLowerCase().contains("ask not what your country can do for you"), transcript.getText());
        var missing = assertThrows(speech.client.asr.ApiException.class, () -> new speech.client.asr.api.ModelsApi(asrClient).retrieveModel("nope"));
        assertEquals(404, missing.getCode());
        assertTrue(missing.getResponseBody().contains("model_not_found"), missing.getResponseBody());

        var ttsClient = new speech.client.tts.ApiClient();
        ttsClient.updateBaseUri(tts.url);
        var voices = new speech.client.tts.api.VoicesApi(ttsClient);
        var voice = voices.createVoiceWithHttpInfo("generated-client-jfk", jfk);
        assertEquals(201, voice.getStatusCode());
        assertEquals(voice.getData().getId(), voices.getVoice(voice.getData().getId()).getId());
        // Speech through both operations: the client writes the audio to a file (openapi-generator ≥ 7.15's "native" download).
        var speechApi = new speech.client.tts.api.SpeechApi(ttsClient);
        File wav = speechApi.createSpeech(new speech.client.tts.model.CreateSpeechRequest().input("Hello from a generated client.")
                .voice(voice.getData().getId()).responseFormat(speech.client.tts.model.CreateSpeechRequest.ResponseFormatEnum.WAV));
        assertWav(wav);
        File nativeWav = speechApi.speak(new speech.client.tts.model.SpeechRequest().text("Hello again.").voiceId(voice.getData().getId())
                .format(speech.client.tts.model.SpeechRequest.FormatEnum.WAV).numSteps(4).seed(7L));
        assertWav(nativeWav);
        var refused = assertThrows(speech.client.tts.ApiException.class, () -> speechApi.createSpeech(
                new speech.client.tts.model.CreateSpeechRequest().input("Hello.").voice("no-such-voice")));
        assertEquals(404, refused.getCode());
        assertTrue(refused.getResponseBody().contains("voice_not_found"), refused.getResponseBody());
        var ttsModels = new speech.client.tts.api.ModelsApi(ttsClient);
        assertTrue(ttsModels.listModels().getData().stream().anyMatch(m -> "echo-tts-tiny".equals(m.getId())));
        assertEquals("echo-tts-tiny", ttsModels.retrieveModel("echo-tts-tiny").getId());
        assertEquals(404, assertThrows(speech.client.tts.ApiException.class, () -> ttsModels.retrieveModel("nope")).getCode());
        voices.deleteVoice(voice.getData().getId());
        assertEquals(404, assertThrows(speech.client.tts.ApiException.class, () -> voices.getVoice(voice.getData().getId())).getCode());
    }

    /** A RIFF/WAVE file with more than its header: real audio, not a JSON body saved as a file. */
    static void assertWav(File file) throws IOException {
        byte[] bytes = Files.readAllBytes(file.toPath());
        assertTrue(bytes.length > 44 + 1000, file + ": " + bytes.length + " bytes");
        assertEquals("RIFF", new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("WAVE", new String(bytes, 8, 4, java.nio.charset.StandardCharsets.US_ASCII));
        Files.delete(file.toPath());
    }

    /** Runs one suite, told the services' URLs; its output is printed, a non-zero exit fails. */
    static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(BASE.resolve("target"));
        Path out = Files.createTempFile(BASE.resolve("target"), "suite", ".log");
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().putAll(Map.of("ASR_URL", asr.url, "TTS_URL", tts.url));
        pb.environment().put("SPEECH_SHARED_DIR", SHARED);
        pb.environment().putAll(Map.of("REDOCLY_TELEMETRY", "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE", "true", "NO_COLOR", "1"));
        Process p = pb.start();
        boolean done = p.waitFor(20, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        System.out.println(output);
        assertEquals(0, done ? p.exitValue() : -1, String.join(" ", command) + (done ? "" : " timed out") + ":\n" + output);
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
