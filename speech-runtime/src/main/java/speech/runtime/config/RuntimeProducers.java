package speech.runtime.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import jakarta.enterprise.inject.Produces;
import speech.runtime.audio.AudioEncoder;
import speech.runtime.audio.AudioProbe;
import speech.runtime.audio.FfmpegDecoder;
import speech.runtime.ort.OrtSessions;
import speech.runtime.ort.OrtSettings;

/** One OrtSessions, decoder, probe and encoder per service, built from {@link RuntimeConfig}. */
@ApplicationScoped
public class RuntimeProducers {

    @Produces
    @ApplicationScoped
    OrtSessions ortSessions(RuntimeConfig config) {
        RuntimeConfig.Ort ort = config.ort();
        return new OrtSessions(new OrtSettings(ort.provider().name().toLowerCase(Locale.ROOT), ort.deviceId(), ort.intraOpThreads(), ort.interOpThreads(),
                ort.gpuMemLimitBytes()));
    }

    @Produces
    @ApplicationScoped
    FfmpegDecoder ffmpegDecoder(RuntimeConfig config) {
        return new FfmpegDecoder(config.ffmpeg().path(), config.ffmpeg().timeout());
    }

    @Produces
    @ApplicationScoped
    AudioProbe audioProbe(RuntimeConfig config) {
        return new AudioProbe(config.ffmpeg().probePath(), config.ffmpeg().timeout());
    }

    @Produces
    @ApplicationScoped
    AudioEncoder audioEncoder(RuntimeConfig config) {
        return new AudioEncoder(config.ffmpeg().path());
    }
}
