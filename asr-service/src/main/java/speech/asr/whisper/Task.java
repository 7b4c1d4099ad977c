package speech.asr.whisper;

/** What the decoder is asked to do; translation always targets English. */
public enum Task {
    TRANSCRIBE, TRANSLATE;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
