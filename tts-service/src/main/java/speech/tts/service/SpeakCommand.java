package speech.tts.service;

import speech.tts.echo.SamplerSettings;

/**
 * One speech request as the api layer parsed it (both APIs map onto it); the service checks it
 * against the model, the voice and the limits.
 *
 * @param voice    voice id (or, when {@code voiceByName}, an id or a name); null = unconditioned speech
 * @param model    model id; null = the default model
 * @param format   output format name (wav, flac, mp3, opus, pcm …)
 * @param seed     noise seed; null = a random one, reported back
 * @param speed    playback speed factor applied after synthesis (1 = as generated)
 * @param sampler  the request's sampler fields, applied to {@link SamplerSettings#defaults}
 * @param verify   regenerate while the round-trip score is worse than asked; null = one generation
 */
public record SpeakCommand(String text, String voice, boolean voiceByName, String model, String format, Long seed, double speed,
                           SamplerSettings.Overrides sampler, Verify verify) {

    /** Up to {@code attempts} generations (new seed each) until one's word error rate is at most {@code maxWer}; the best is kept. */
    public record Verify(double maxWer, int attempts) {
        public static final int MAX_ATTEMPTS = 5;
    }
}
