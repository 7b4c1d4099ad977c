import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bin/transcribe --live (run as a single-file Java program): plays a file at real-time speed, or the
 * microphone, through ffmpeg as 24 kHz PCM16 into /v1/realtime?intent=transcription with server VAD and
 * prints each turn's text as it arrives. --latency also reports, per turn, the time from the end of its
 * speech (audio_end_ms, mapped to when that audio was sent) to its completed event, and the median.
 *
 * usage: java LiveTranscribe.java [--model M] [--language L] [--speed X] [--latency] (--mic | FILE)
 * env: ASR_URL (default http://localhost:8080), SPEECH_API_KEY, FFMPEG (default ffmpeg)
 */
public class LiveTranscribe {

    static final int RATE = 24_000;
    static final int CHUNK_BYTES = RATE / 10 * 2; // 100 ms of PCM16

    public static void main(String[] args) throws Exception {
        String model = null, language = null, input = null;
        double speed = 1.0;
        boolean latency = false, mic = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = args[++i];
                case "--language" -> language = args[++i];
                case "--speed" -> speed = Double.parseDouble(args[++i]);
                case "--latency" -> latency = true;
                case "--mic" -> mic = true;
                default -> input = args[i];
            }
        }
        if (!mic && input == null) {
            System.err.println("usage: bin/transcribe --live [--model M] [--language L] [--speed X] [--latency] (--mic | FILE)");
            System.exit(1);
        }
        String base = System.getenv().getOrDefault("ASR_URL", "http://localhost:8080").replaceAll("/$", "");
        String ffmpeg = System.getenv().getOrDefault("FFMPEG", "ffmpeg");
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-v", "error"));
        cmd.addAll(mic ? List.of("-f", "alsa", "-i", "default") : List.of("-i", input));
        cmd.addAll(List.of("-f", "s16le", "-ac", "1", "-ar", Integer.toString(RATE), "-"));

        Map<Long, Long> sentAt = new ConcurrentHashMap<>(); // audio ms → nanoTime it was sent
        Map<String, Long> speechEnd = new ConcurrentHashMap<>();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger open = new AtomicInteger();
        AtomicLong lastEvent = new AtomicLong(System.nanoTime());
        CountDownLatch closed = new CountDownLatch(1);
        boolean report = latency;

        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        String key = System.getenv("SPEECH_API_KEY");
        if (key != null && !key.isBlank()) {
            builder.header("Authorization", "Bearer " + key.strip());
        }
        StringBuilder partial = new StringBuilder();
        WebSocket ws = builder.buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/v1/realtime?intent=transcription"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    event(partial.toString());
                    partial.setLength(0);
                }
                socket.request(1);
                return null;
            }

            private void event(String json) {
                lastEvent.set(System.nanoTime());
                String item = string(json, "item_id");
                switch (string(json, "type")) {
                    case "input_audio_buffer.speech_stopped" -> speechEnd.put(item, Long.parseLong(number(json, "audio_end_ms")));
                    case "input_audio_buffer.committed" -> open.incrementAndGet();
                    case "conversation.item.input_audio_transcription.delta" -> {
                        System.out.print(string(json, "delta"));
                        System.out.flush();
                    }
                    case "conversation.item.input_audio_transcription.completed" -> {
                        System.out.println();
                        Long end = speechEnd.get(item);
                        Long sent = end == null ? null : sentAt.get(end / 100 * 100 + 100);
                        if (report && sent != null) {
                            double s = (System.nanoTime() - sent) / 1e9;
                            latencies.add(s);
                            System.err.printf(Locale.ROOT, "  [%s: %.2f s from the end of speech]%n", item, s);
                        }
                        open.decrementAndGet();
                    }
                    case "conversation.item.input_audio_transcription.failed", "error" -> System.err.println("server: " + json);
                    default -> { }
                }
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                closed.countDown();
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                System.err.println("connection failed: " + error.getMessage());
                closed.countDown();
            }
        }).join();
        String session = "{\"type\":\"session.update\",\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":"
                + RATE + "},\"transcription\":{" + (model == null ? "" : "\"model\":\"" + model + "\"")
                + (language == null ? "" : (model == null ? "" : ",") + "\"language\":\"" + language + "\"") + "}}}}}";
        ws.sendText(session, true).join();

        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long start = System.nanoTime();
        long sentBytes = 0;
        try (InputStream pcm = p.getInputStream()) {
            byte[] chunk;
            while ((chunk = pcm.readNBytes(CHUNK_BYTES)).length > 0) {
                if (!mic) { // a file at real-time speed: wait until this chunk's audio would have been spoken
                    long due = start + (long) (sentBytes / 2.0 / RATE / speed * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                send(ws, chunk);
                sentBytes += chunk.length;
                sentAt.put(Math.round(sentBytes / 2.0 / RATE * 1000), System.nanoTime());
            }
        }
        send(ws, new byte[RATE * 2]); // one second of silence ends the last turn
        long quiet = System.nanoTime();
        while (closed.getCount() > 0 && (open.get() > 0 || System.nanoTime() - quiet < 2_000_000_000L)
                && System.nanoTime() - lastEvent.get() < 30_000_000_000L) {
            Thread.sleep(100);
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        if (report && !latencies.isEmpty()) {
            List<Double> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.err.printf(Locale.ROOT, "median latency from end of speech to completed: %.2f s over %d turns (max %.2f s)%n",
                    sorted.get(sorted.size() / 2), sorted.size(), sorted.get(sorted.size() - 1));
        }
    }

    static void send(WebSocket ws, byte[] pcm) {
        ws.sendText("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + Base64.getEncoder().encodeToString(pcm) + "\"}", true).join();
    }

    /** A top-level string field of a server event (enough JSON for these flat fields). */
    static String string(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) {
            return "";
        }
        String s = m.group(1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    static String number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9]+)").matcher(json);
        return m.find() ? m.group(1) : "0";
    }
}
