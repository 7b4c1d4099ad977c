package speech.tts.store;

import java.nio.file.Path;


/**
 * Child process for {@link VoiceStoreCrashTest}: creates one voice and halts the JVM at the named
 * step, the way a kill -9 would (no finally blocks, no shutdown hooks, no database close).
 */
public final class VoiceStoreCrashChild {

    public static final int HALTED = 77;

    private VoiceStoreCrashChild() {
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        String crashAt = args[1];
        VoiceStore store = new VoiceStore(VoiceStoreCrashTest.dataSource(data), new FileBlobStore(data), step -> {
            if (step.equals(crashAt)) {
                Runtime.getRuntime().halt(HALTED);
            }
        }).init();
        store.create(VoiceStoreCrashTest.newVoice(Path.of(args[2]), "victim"));
        System.exit(0);
    }

}
