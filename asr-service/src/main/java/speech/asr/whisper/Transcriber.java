package speech.asr.whisper;

import ai.onnxruntime.OrtException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import speech.runtime.engine.Job;

/**
 * The long-form loop. The file is cut at silences into pieces of at most one window; the pieces are
 * decoded at the same time on {@code pool}; inside a piece, openai/whisper's seek loop runs window by
 * window with temperature fallback. Each window is encoded and decoded by the {@link WhisperEngine},
 * batched with the windows of every other piece and request (the piece's thread waits meanwhile).
 * Segments come out in order with times from the start of the file.
 */
public final class Transcriber {

    /** Boundaries are only moved within this distance of where the model put them. */
    private static final double BOUNDARY_RADIUS_SECONDS = 1.0;
    private static final double BOUNDARY_GAP_SECONDS = 0.05;

    /** The deadline of work started without a job of the caller's (tests, the CLI). */
    private static final Duration NO_DEADLINE = Duration.ofDays(1);

    private final WhisperEngine engine;
    private final WhisperModel model;
    private final ExecutorService pool;
    private final Segmenter segmenter;
    private final SilenceSplitter splitter;
    private final int parallelPieces;

    public Transcriber(WhisperEngine engine, ExecutorService pool) {
        this(engine, pool, Integer.MAX_VALUE);
    }

    /** At most {@code parallelPieces} pieces of one request run at once on {@code pool}. */
    public Transcriber(WhisperEngine engine, ExecutorService pool, int parallelPieces) {
        this(engine, pool, SilenceSplitter.of(engine.model().spec()), parallelPieces);
    }

    public Transcriber(WhisperEngine engine, ExecutorService pool, SilenceSplitter splitter, int parallelPieces) {
        this.engine = engine;
        this.parallelPieces = parallelPieces;
        this.model = engine.model();
        this.pool = pool;
        this.segmenter = Segmenter.of(model.spec());
        this.splitter = splitter;
    }

    /** {@link #transcribe(Job, float[], DecodingOptions, Consumer)} in a job of its own. */
    public Transcript transcribe(float[] samples, DecodingOptions options, Consumer<Segment> sink) {
        Job<Segment, Transcript> job = engine.open(NO_DEADLINE);
        try {
            Transcript t = transcribe(job, samples, options, sink);
            job.complete(t);
            return t;
        } finally {
            job.cancel(); // no-op once complete; frees lanes on failure
        }
    }

    /**
     * Transcribes (or translates) mono samples at the model's rate as part of {@code job} (its lanes
     * are dropped when it ends); {@code sink} sees each segment in order. The caller completes the job.
     */
    public Transcript transcribe(Job<?, ?> job, float[] samples, DecodingOptions options, Consumer<Segment> sink) {
        if (options.task() == Task.TRANSLATE && !model.spec().multilingual()) {
            throw new IllegalArgumentException("model " + model.id() + " is English-only and cannot translate");
        }
        double duration = samples.length / (double) model.spec().audio().sampleRate();
        List<SilenceSplitter.Piece> pieces = splitter.split(samples);
        // With VAD on, each piece waits only for the VAD up to its own end (see Vad.Scan), not for the whole file's.
        Vad.Scan speech = options.vadFilter() && model.vad().isPresent() ? model.vad().get().scan(samples) : null;
        // Per-window detection (multilingual) leaves the language to each window; else it is found once, on the first piece.
        String language = perWindowLanguage(options) ? languageOrDefault(options) : language(job, samples, pieces, speech, options);

        // Encoded once here; each piece starts its own context from it.
        List<Integer> promptTokens = options.initialPrompt() == null || options.initialPrompt().isBlank()
                ? List.of() : model.tokenizer().encode(" " + options.initialPrompt().strip());
        List<Future<List<Segment>>> futures = new ArrayList<>();
        Semaphore running = new Semaphore(parallelPieces);
        for (SilenceSplitter.Piece piece : pieces) {
            futures.add(pool.submit(() -> {
                running.acquire();
                try {
                    SilenceSplitter.Piece spoken = speechOnly(piece, speech);
                    return spoken == null ? List.<Segment>of() : transcribePiece(job, samples, spoken, options, language, promptTokens);
                } finally {
                    running.release();
                }
            }));
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
        String spoken = perWindowLanguage(options) && !segments.isEmpty() ? segments.getFirst().language() : language;
        return new Transcript(options.task(), spoken, duration, text, segments);
    }

    /** One piece: window after window from its start, each decoded with fallback, until its end. */
    List<Segment> transcribePiece(Job<?, ?> job, float[] samples, SilenceSplitter.Piece piece, DecodingOptions o,
                                  String language, List<Integer> promptTokens) throws Exception {
        WhisperManifest.Audio audio = model.spec().audio();
        int hop = audio.hopLength();
        int pieceFrames = piece.length() / hop;
        double pieceEnd = piece.end() / (double) audio.sampleRate();
        double lastSpeech = piece.start() / (double) audio.sampleRate(); // the splitter cut in a pause
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
            double offset = from / (double) audio.sampleRate();
            DecodeResult r;
            Segmenter.Split split;
            List<Segment> decoded;
            try (WhisperEngine.Window window = engine.encode(job, mel)) {
                String windowLanguage = perWindowLanguage(o) ? window.detectLanguage().keySet().iterator().next() : language;
                List<Integer> initial = WindowDecode.initialTokens(model, context, o, windowLanguage);
                r = Fallback.decode(o, t -> window.decode(initial, o, windowLanguage, t));
                if (Fallback.isSilence(r, o)) {
                    seek += segmentFrames;
                    continue;
                }
                split = segmenter.split(r.tokens(), segmentFrames);
                decoded = segments(split, r, from, pieceEnd, windowLanguage);
                if (o.wordTimestamps() && !decoded.isEmpty()) {
                    WordTimings.Result timed = words(window, decoded, o, windowLanguage, segmentFrames, offset, lastSpeech);
                    decoded = timed.segments();
                    lastSpeech = timed.lastSpeech();
                }
            }
            out.addAll(decoded);
            decoded.forEach(s -> context.addAll(s.tokens()));
            if (!o.conditionOnPreviousText() || r.temperature() > 0.5) {
                context.clear(); // openai: a high temperature's text is not worth conditioning on
            }
            seek += split.advanceFrames();
        }
        // With words, segment edges already sit on their first and last word (timing.py's rule).
        return o.wordTimestamps() ? out : alignToPauses(samples, out);
    }

    /** The window's segments that carry text, in seconds from the start of the file. */
    private List<Segment> segments(Segmenter.Split split, DecodeResult r, int from, double pieceEnd, String language) {
        double offset = from / (double) model.spec().audio().sampleRate();
        List<Segment> out = new ArrayList<>();
        for (Segmenter.Piece p : split.pieces()) {
            String text = model.tokenizer().decode(p.tokens());
            double start = offset + p.start();
            double end = Math.min(offset + p.end(), pieceEnd); // never past the audio, even if the model says so
            if (!text.isBlank() && end > start) {
                out.add(new Segment(0, from / model.spec().audio().hopLength(), start, end, text, p.tokens(), r.temperature(),
                        r.avgLogprob(), r.compressionRatio(), r.noSpeechProb(), language, List.of()));
            }
        }
        return out;
    }

    /** Word timings of one window's segments: one alignment call over all their text, as timing.py does. */
    private WordTimings.Result words(WhisperEngine.Window window, List<Segment> segments, DecodingOptions o, String language,
                                     int frames, double offset, double lastSpeech) {
        WhisperManifest.SpecialTokens special = model.spec().special();
        List<Integer> text = segments.stream().flatMap(s -> s.tokens().stream()).filter(t -> t < special.eot()).toList();
        List<Integer> tokens = new ArrayList<>(List.of(special.sot()));
        if (model.spec().multilingual()) {
            tokens.add(model.spec().languages().get(language));
            tokens.add(o.task() == Task.TRANSLATE ? special.translate() : special.transcribe());
        }
        int sotLength = tokens.size();
        tokens.add(special.noTimestamps());
        tokens.addAll(text);
        tokens.add(special.eot());
        Aligner.Alignment a = window.align(tokens);
        List<WordTimings.Timing> timings = WordTimings.findAlignment(a.attention(), a.tokenProbs(), sotLength, text, frames,
                model.tokenizer(), language, 1 / model.spec().timePrecision());
        return WordTimings.addWordTimestamps(segments, timings, offset, lastSpeech, special.eot());
    }

    private boolean perWindowLanguage(DecodingOptions o) {
        return o.multilingual() && o.language() == null && model.spec().multilingual();
    }

    /**
     * With VAD on (and shipped with the model): the piece trimmed to the speech regions in it, null when
     * it has none. Cuts stay where the splitter put them, so nothing is lost or repeated.
     */
    private SilenceSplitter.Piece speechOnly(SilenceSplitter.Piece piece, Vad.Scan speech) {
        if (speech == null) {
            return piece;
        }
        List<Vad.Region> regions;
        try {
            regions = speech.before(piece.end());
        } catch (OrtException e) {
            throw new IllegalStateException("voice activity detection failed: " + e.getMessage(), e);
        }
        int start = Integer.MAX_VALUE;
        int end = Integer.MIN_VALUE;
        for (Vad.Region r : regions) {
            if (r.end() > piece.start() && r.start() < piece.end()) {
                start = Math.min(start, Math.max(piece.start(), r.start()));
                end = Math.max(end, Math.min(piece.end(), r.end()));
            }
        }
        return end - start >= model.spec().audio().hopLength() ? new SilenceSplitter.Piece(start, end) : null;
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

    /** The requested language, or the likeliest one on the first piece with speech (multilingual models). */
    private String language(Job<?, ?> job, float[] samples, List<SilenceSplitter.Piece> pieces, Vad.Scan speech, DecodingOptions o) {
        if (o.language() != null || !model.spec().multilingual()) {
            return languageOrDefault(o);
        }
        SilenceSplitter.Piece first = null;
        for (int i = 0; i < pieces.size() && first == null; i++) {
            first = speechOnly(pieces.get(i), speech);
        }
        if (first == null) {
            return languageOrDefault(o);
        }
        float[] mel = model.logMel().compute(samples, first.start(), first.end());
        try (WhisperEngine.Window window = engine.encode(job, mel)) {
            return window.detectLanguage().keySet().iterator().next();
        }
    }

    private String languageOrDefault(DecodingOptions o) {
        return o.language() != null ? o.language() : "en";
    }

    /** Detects the language of (the first window of) the samples: code → probability, likeliest first. */
    public Map<String, Double> detectLanguage(float[] samples) {
        int end = Math.min(samples.length, model.spec().audio().nSamples());
        Job<Void, Void> job = engine.open(NO_DEADLINE);
        try (WhisperEngine.Window window = engine.encode(job, model.logMel().compute(samples, 0, end))) {
            return window.detectLanguage();
        } finally {
            job.cancel();
        }
    }
}
