package speech.runtime.audio;

/** Input that is not audio ffmpeg can decode (or is empty); its message is safe to show the user. */
public class AudioDecodeException extends RuntimeException {

    public AudioDecodeException(String message) {
        super(message);
    }
}
