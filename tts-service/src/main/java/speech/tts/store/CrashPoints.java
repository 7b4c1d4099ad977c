package speech.tts.store;

/**
 * Named points inside a multi-step write, for fault-injection tests: a test hook can stop the process
 * there (as a kill would) and check what a restart recovers. Production uses {@link #NONE}.
 */
@FunctionalInterface
public interface CrashPoints {

    CrashPoints NONE = step -> { };

    void reached(String step);
}
