package speech.asr.whisper;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The long-form loop. The file is cut at silences into pieces of at most one window; the pieces are
 * decoded at the same time on {@code pool}; inside a piece, openai/whisper's seek loop runs window by
 * window with temperature fallback. Segments come out in order with times from the start of the file.
 */
public final class Transcriber {

    /** Boundaries are only moved within this distance of where the model put them. */
    private static final double BOUNDARY_RADIUS_SECONDS = 1.0;
    private static final double BOUNDARY_GAP_SECONDS = 0.05;

    private final WhisperModel model;
    private final ExecutorService pool;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Segmenter segmenter;
    private final SilenceSplitter splitter;

    public Transcriber(WhisperModel model, ExecutorService pool) {
        this(model, pool, SilenceSplitter.of(model.spec()));
    }

    public Transcriber(WhisperModel model, ExecutorService pool, SilenceSplitter splitter) {
        this.model = model;
        this.pool = pool;
        this.encoder = model.encoder();
        this.decoder = model.decoder();
        this.segmenter = Segmenter.of(model.spec());
        this.splitter = splitter;
    }

    /** Transcribes (or translates) mono samples at the model's rate; {@code sink} sees each segment in order. */
    public Transcript transcribe(float[] samples, DecodingOptions options, Consumer<Segment> sink) {
        if (options.task() == Task.TRANSLATE && !model.spec().multilingual()) {
            throw new IllegalArgumentException("model " + model.id() + " is English-only and cannot translate");
        }
        double duration = samples.length / (double) model.spec().audio().sampleRate();
        List<SilenceSplitter.Piece> pieces = splitter.split(samples);
        String language = pieces.isEmpty() ? languageOrDefault(options) : language(samples, pieces.get(0), options);

        // Encoded once here; each piece starts its own context from it.
        List<Integer> promptTokens = options.initialPrompt() == null || options.initialPrompt().isBlank()
                ? List.of() : model.tokenizer().encode(" " + options.initialPrompt().strip());
        List<Future<List<Segment>>> futures = new ArrayList<>();
        for (SilenceSplitter.Piece piece : pieces) {
            futures.add(pool.submit(() -> transcribePiece(samples, piece, options, language, promptTokens)));
        }
        List<Segment> segments = new ArrayList<>();
        try {
            for (Future<List<Segment>> future : futures) {
                for (Segment s : future.get()) {
                    Segment numbered = s.withId(segments.size());
                    segments.add(numbered);
                    sink.accept(numbered);
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new CancellationException("transcription was cancelled");
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException("decoding failed", e.getCause());
        }
        String text = String.join("", segments.stream().map(Segment::text).toList()).strip();
        return new Transcript(options.task(), language, duration, text, segments);
    }

    /** One piece: window after window from its start, each decoded with fallback, until its end. */
    List<Segment> transcribePiece(float[] samples, SilenceSplitter.Piece piece, DecodingOptions o, String language,
                                  List<Integer> promptTokens) throws Exception {
        WhisperManifest.Audio audio = model.spec().audio();
        int hop = audio.hopLength();
        int pieceFrames = piece.length() / hop;
        double pieceEnd = piece.end() / (double) audio.sampleRate();
        List<Integer> context = new ArrayList<>(promptTokens);
        List<Segment> out = new ArrayList<>();
        int seek = 0;
        while (seek < pieceFrames) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("transcription was cancelled");
            }
            int from = piece.start() + seek * hop;
            int segmentFrames = Math.min(audio.nFrames(), pieceFrames - seek);
            float[] mel = model.logMel().compute(samples, from, Math.min(piece.end(), from + audio.nSamples()));
            Encoder.CrossKv cross = encoder.encode(mel);
            List<Integer> prompt = List.copyOf(context);
            DecodeResult r = Fallback.decode(o, t -> decoder.decode(cross, prompt, o, language, t));
            if (Fallback.isSilence(r, o)) {
                seek += segmentFrames;
                continue;
            }
            Segmenter.Split split = segmenter.split(r.tokens(), segmentFrames);
            double offset = from / (double) audio.sampleRate();
            for (Segmenter.Piece p : split.pieces()) {
                String text = model.tokenizer().decode(p.tokens());
                double start = offset + p.start();
                double end = Math.min(offset + p.end(), pieceEnd); // never past the audio, even if the model says so
                if (text.isBlank() || end <= start) {
                    continue;
                }
                out.add(new Segment(0, from / hop, start, end, text, p.tokens(), r.temperature(), r.avgLogprob(),
                        r.compressionRatio(), r.noSpeechProb()));
                context.addAll(p.tokens());
            }
            if (!o.conditionOnPreviousText() || r.temperature() > 0.5) {
                context.clear(); // openai: a high temperature's text is not worth conditioning on
            }
            seek += split.advanceFrames();
        }
        return alignToPauses(samples, out);
    }

    /** Touching segments get their shared boundary moved into the nearby pause (see SilenceSplitter#alignBoundary). */
    private List<Segment> alignToPauses(float[] samples, List<Segment> segments) {
        List<Segment> out = new ArrayList<>(segments);
        for (int i = 1; i < out.size(); i++) {
            Segment prev = out.get(i - 1);
            Segment cur = out.get(i);
            if (cur.start() - prev.end() > BOUNDARY_GAP_SECONDS) {
                continue;
            }
            double[] pause = splitter.alignBoundary(samples, cur.start(), BOUNDARY_RADIUS_SECONDS,
                    prev.start() + BOUNDARY_GAP_SECONDS, cur.end() - BOUNDARY_GAP_SECONDS);
            out.set(i - 1, prev.withTimes(prev.start(), pause[0]));
            out.set(i, cur.withTimes(pause[1], cur.end()));
        }
        return out;
    }

    /** The requested language, or the likeliest one on the first piece (multilingual models). */
    private String language(float[] samples, SilenceSplitter.Piece first, DecodingOptions o) {
        if (o.language() != null || !model.spec().multilingual()) {
            return languageOrDefault(o);
        }
        try {
            float[] mel = model.logMel().compute(samples, first.start(), first.end());
            Map<String, Double> probs = decoder.detectLanguage(encoder.encode(mel));
            return probs.keySet().iterator().next();
        } catch (OrtException e) {
            throw new IllegalStateException("language detection failed: " + e.getMessage(), e);
        }
    }

    private String languageOrDefault(DecodingOptions o) {
        return o.language() != null ? o.language() : "en";
    }

    /** Detects the language of (the first window of) the samples: code → probability, likeliest first. */
    public Map<String, Double> detectLanguage(float[] samples) throws OrtException {
        int end = Math.min(samples.length, model.spec().audio().nSamples());
        return decoder.detectLanguage(encoder.encode(model.logMel().compute(samples, 0, end)));
    }
}
