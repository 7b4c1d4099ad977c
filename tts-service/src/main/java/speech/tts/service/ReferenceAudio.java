package speech.tts.service;

import java.util.Map;
import speech.runtime.audio.AudioDecodeException;
import speech.runtime.audio.AudioProbe;

/** The media type a voice's reference is stored and served as, from what ffprobe found in it. */
final class ReferenceAudio {

    private static final Map<String, String> MEDIA_TYPES = Map.ofEntries(
            Map.entry("wav", "audio/wav"), Map.entry("mp3", "audio/mpeg"), Map.entry("flac", "audio/flac"),
            Map.entry("ogg", "audio/ogg"), Map.entry("mov", "audio/mp4"), Map.entry("matroska", "audio/webm"),
            Map.entry("aiff", "audio/aiff"), Map.entry("aac", "audio/aac"), Map.entry("caf", "audio/x-caf"),
            Map.entry("au", "audio/basic"), Map.entry("amr", "audio/amr"), Map.entry("w64", "audio/x-w64"));

    private ReferenceAudio() {
    }

    /** The media type of the container; 400 (as {@link AudioDecodeException}) when there is no audio. */
    static String mediaType(AudioProbe.Result probe) {
        if (!probe.hasAudio()) {
            throw new AudioDecodeException("the file contains no audio stream");
        }
        return probe.formats().stream().map(MEDIA_TYPES::get).filter(t -> t != null).findFirst().orElse("application/octet-stream");
    }
}
