package speech.asr.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import speech.asr.Text;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.testing.Http;
import speech.runtime.testing.TestData;

/**
 * /v1/realtime?intent=transcription with a plain WebSocket client: a real recording played in 100 ms
 * appends (faster than real time) is cut into turns by the server VAD and each committed item's text is
 * the recording's; manual commits at 16 kHz in the beta dialect; bad input gets error events and the
 * session goes on; a client that never reads is closed; what is wrong before the upgrade is a JSON 4xx.
 */
@QuarkusTest
class RealtimeSocketTest {

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void waitUntilReady() {
        Http.awaitReady(() -> given().get("/q/health/ready").statusCode());
    }

    @Test
    void serverVadCommitsEachClipAndItsTextArrives() throws Exception {
        // The first 6 clips of the long recording (0.75 s of silence between them), as 24 kHz PCM16.
        JsonNode truth = new ObjectMapper().readTree(TestData.speech("long/en_concat_ground_truth_long.segments.json").toFile());
        List<JsonNode> clips = new ArrayList<>();
        truth.path("segments").forEach(clips::add);
        clips = clips.subList(0, 6);
        double end = clips.get(5).path("end").asDouble();
        float[] audio = FfmpegDecoder.defaults().decode(TestData.speech("long/en_concat_ground_truth_long.wav"), 24_000).samples();
        audio = Arrays.copyOf(Arrays.copyOf(audio, (int) ((end + 0.3) * 24_000)), (int) ((end + 1.8) * 24_000)); // then 1.5 s of silence

        try (RealtimeClient c = RealtimeClient.connect(base, "?intent=transcription")) {
            JsonNode created = c.expect("session.created", 60);
            assertEquals("server_vad", created.path("session").path("audio").path("input").path("turn_detection").path("type").asText());
            c.send(Map.of("type", "session.update", "session", Map.of("type", "transcription", "audio", Map.of("input", Map.of(
                    "format", Map.of("type", "audio/pcm", "rate", 24_000),
                    "transcription", Map.of("model", "gpt-4o-transcribe", "language", "en"),
                    "turn_detection", Map.of("type", "server_vad", "threshold", 0.5, "prefix_padding_ms", 300, "silence_duration_ms", 400))))));
            JsonNode updated = c.expect("session.updated", 30);
            assertEquals("tiny.en", updated.path("session").path("audio").path("input").path("transcription").path("model").asText());

            for (int at = 0; at < audio.length; at += 2400) {
                c.append(audio, at, Math.min(audio.length, at + 2400));
                Thread.sleep(25); // 100 ms of audio every 25 ms: four times real time
            }
            c.send(Map.of("type", "input_audio_buffer.clear")); // answered after every append before it was judged
            boolean cleared = false;
            List<String> committed = new ArrayList<>();
            Map<String, StringBuilder> deltas = new HashMap<>();
            Map<String, String> completed = new HashMap<>();
            List<Long> starts = new ArrayList<>();
            String open = null;
            while (!cleared || completed.size() < committed.size()) {
                JsonNode e = c.next(180);
                String item = e.path("item_id").asText();
                switch (e.path("type").asText()) {
                    case "input_audio_buffer.speech_started" -> {
                        assertEquals(null, open, "speech started twice");
                        open = item;
                        starts.add(e.path("audio_start_ms").asLong());
                    }
                    case "input_audio_buffer.speech_stopped" -> {
                        assertEquals(open, item);
                        open = null;
                    }
                    case "input_audio_buffer.committed" -> {
                        assertEquals(committed.isEmpty() ? "null" : committed.get(committed.size() - 1), e.path("previous_item_id").asText("null"));
                        committed.add(item);
                    }
                    case "conversation.item.input_audio_transcription.delta" -> {
                        // items are transcribed several at once, but each one's events follow the previous item's
                        assertTrue(completed.keySet().containsAll(committed.subList(0, committed.indexOf(item))), "delta of " + item + " early");
                        deltas.computeIfAbsent(item, k -> new StringBuilder()).append(e.path("delta").asText());
                    }
                    case "conversation.item.input_audio_transcription.completed" -> {
                        assertEquals(committed.get(completed.size()), item, "completed in commit order");
                        assertEquals(deltas.getOrDefault(item, new StringBuilder()).toString(), e.path("transcript").asText());
                        completed.put(item, e.path("transcript").asText());
                    }
                    case "input_audio_buffer.cleared" -> cleared = true;
                    default -> throw new AssertionError("unexpected event " + e);
                }
            }
            assertEquals(null, open, "a turn still open after 1.5 s of silence");
            // Every clip starts a turn (the gaps are longer than the silence that ends one; a clip's own pauses
            // may split it further), and the turns inside each clip carry its text.
            assertEquals(committed.size(), starts.size());
            assertTrue(committed.size() >= clips.size(), "turns: " + completed);
            for (JsonNode clip : clips) {
                double from = clip.path("start").asDouble() * 1000 - 250;
                double to = clip.path("end").asDouble() * 1000;
                StringBuilder text = new StringBuilder();
                boolean startsHere = false;
                for (int i = 0; i < starts.size(); i++) {
                    double speech = starts.get(i) + 300; // audio_start_ms includes the prefix padding
                    if (speech >= from && speech < to) {
                        text.append(completed.get(committed.get(i)));
                        startsHere |= speech < from + 1050;
                    }
                }
                assertTrue(startsHere, "no turn starts at the clip at " + clip.path("start") + " s; turns at " + starts);
                List<String> ref = Text.spokenWords(clip.path("text").asText());
                List<String> hyp = Text.spokenWords(text.toString());
                assertTrue(Text.editDistance(ref, hyp) <= Math.max(1, ref.size() / 4), hyp + " for " + ref);
            }
        }
    }

    @Test
    void manualCommitsAt16kHzInTheBetaDialect() throws Exception {
        float[] jfk = FfmpegDecoder.defaults().decode(TestData.speech("short/en_jfk.wav"), 16_000).samples();
        try (RealtimeClient c = RealtimeClient.connect(base, "?intent=transcription", "OpenAI-Beta", "realtime=v1")) {
            c.expect("transcription_session.created", 60);
            Map<String, Object> session = new HashMap<>();
            session.put("input_audio_format", "pcm16");
            session.put("input_audio_sample_rate", 16_000);
            session.put("input_audio_transcription", Map.of("model", "tiny.en"));
            session.put("turn_detection", null);
            c.send(Map.of("type", "transcription_session.update", "session", session));
            JsonNode updated = c.expect("transcription_session.updated", 30);
            assertTrue(updated.path("session").path("turn_detection").isNull());
            for (int at = 0; at < jfk.length; at += 8000) {
                c.append(jfk, at, Math.min(jfk.length, at + 8000));
            }
            c.send(Map.of("type", "input_audio_buffer.commit"));
            JsonNode committed = c.expect("input_audio_buffer.committed", 30);
            assertTrue(committed.path("previous_item_id").isNull());
            JsonNode done;
            while (!(done = c.next(120)).path("type").asText().equals("conversation.item.input_audio_transcription.completed")) {
                assertEquals("conversation.item.input_audio_transcription.delta", done.path("type").asText(), done.toString());
            }
            assertEquals(committed.path("item_id").asText(), done.path("item_id").asText());
            assertEquals(TranscriptionResourceTest.JFK_TEXT, Text.normalize(done.path("transcript").asText()));
            assertEquals(11.0, done.path("usage").path("seconds").asDouble(), 0.05);
        }
    }

    @Test
    void badInputGetsErrorEventsAndTheSessionGoesOn() throws Exception {
        try (RealtimeClient c = RealtimeClient.connect(base, "?intent=transcription")) {
            c.expect("session.created", 60);
            c.sendRaw("this is not JSON");
            assertEquals("invalid_json", c.expect("error", 10).path("error").path("code").asText());
            c.send(Map.of("type", "response.create", "event_id", "e1"));
            JsonNode unknown = c.expect("error", 10).path("error");
            assertEquals("unknown_event", unknown.path("code").asText());
            assertEquals("e1", unknown.path("event_id").asText());
            c.send(Map.of("type", "input_audio_buffer.append", "audio", "%%% not base64"));
            assertEquals("invalid_audio", c.expect("error", 10).path("error").path("code").asText());
            c.send(Map.of("type", "input_audio_buffer.append", "audio", Base64.getEncoder().encodeToString(new byte[3])));
            assertEquals("invalid_audio", c.expect("error", 10).path("error").path("code").asText());
            c.send(Map.of("type", "input_audio_buffer.append", "audio", Base64.getEncoder().encodeToString(new byte[1_100_000])));
            assertEquals("append_too_large", c.expect("error", 10).path("error").path("code").asText());
            c.socket.sendBinary(ByteBuffer.wrap(new byte[64]), true).get(10, TimeUnit.SECONDS);
            assertEquals("invalid_frame", c.expect("error", 10).path("error").path("code").asText());
            c.send(Map.of("type", "session.update", "session", Map.of("audio", Map.of("input", Map.of("format", Map.of("type", "audio/pcmu"))))));
            JsonNode format = c.expect("error", 10).path("error");
            assertEquals("invalid_value", format.path("code").asText());
            assertEquals("session.audio.input.format.type", format.path("param").asText());
            c.send(Map.of("type", "session.update", "session", Map.of("audio", Map.of("input", Map.of("transcription", Map.of("prompt", "x".repeat(3000)))))));
            assertEquals("session.audio.input.transcription.prompt", c.expect("error", 10).path("error").path("param").asText());
            c.send(Map.of("type", "session.update", "session", Map.of("audio", Map.of("input", Map.of("transcription", Map.of("model", "nope"))))));
            assertEquals("model_not_found", c.expect("error", 30).path("error").path("code").asText());
            c.send(Map.of("type", "input_audio_buffer.commit"));
            assertEquals("input_audio_buffer_commit_empty", c.expect("error", 10).path("error").path("code").asText());
            // still the same healthy session
            c.send(Map.of("type", "input_audio_buffer.clear"));
            c.expect("input_audio_buffer.cleared", 10);
            // a message past the transport's limit (2 MiB) closes the socket cleanly, with 1009
            c.sendRaw("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + "A".repeat(3_000_000) + "\"}");
            assertEquals(1009, c.closed.get(30, TimeUnit.SECONDS));
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aClientThatNeverReadsIsClosedAndTheServerStaysHealthy() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(8192);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1/realtime?intent=transcription HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
            // Each clear is answered with input_audio_buffer.cleared; the client reads none of them, and with
            // the socket buffers full the server's queue for this client passes its bound.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    byte[] clear = maskedTextFrame("{\"type\":\"input_audio_buffer.clear\"}".getBytes(StandardCharsets.UTF_8));
                    for (int i = 0; i < 200_000; i++) {
                        out.write(clear);
                    }
                } catch (IOException e) {
                    // the server closed the connection: what this test waits for
                }
            });
            writer.join(Duration.ofSeconds(120));
            // Drain what was sent: the stream must end (close frame, EOF or reset), not keep the socket open.
            byte[] buffer = new byte[1 << 16];
            try {
                while (in.read(buffer) >= 0) {
                    // discard
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server still holds the connection of a client that does not read", e);
            } catch (IOException reset) {
                // closed by the server with unread data in flight
            }
        }
        given().get("/q/health/ready").then().statusCode(200);
        try (RealtimeClient c = RealtimeClient.connect(base, "?intent=transcription")) {
            c.expect("session.created", 60);
        }
    }

    /** A client-to-server text frame (clients must mask). */
    private static byte[] maskedTextFrame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put((byte) 0x81);
        if (payload.length < 126) {
            b.put((byte) (0x80 | payload.length));
        } else if (payload.length < 65_536) {
            b.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            b.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        byte[] mask = {1, 2, 3, 4};
        b.put(mask);
        for (int i = 0; i < payload.length; i++) {
            b.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void wrongRequestsAreJson4xxBeforeTheUpgrade() {
        given().get("/v1/realtime?intent=transcription").then().statusCode(400).body("error.code", equalTo("websocket_required"));
        given().header("Upgrade", "websocket").header("Connection", "Upgrade").get("/v1/realtime?intent=conversation")
                .then().statusCode(400).body("error.param", equalTo("intent"));
    }
}
