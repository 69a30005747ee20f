package dev.iovirt.nfv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A {@link NetworkFunction.Output} that keeps what a function emitted, for tests. */
public final class Emitted implements NetworkFunction.Output {
    /** One emitted frame. */
    public record Frame(int port, byte[] bytes) {
    }

    public final List<Frame> frames = new ArrayList<>();

    @Override
    public void emit(int port, byte[] frame, int off, int len) {
        frames.add(new Frame(port, Arrays.copyOfRange(frame, off, off + len)));
    }

    /** The frames emitted since the last call, and forgets them. */
    public List<Frame> take() {
        List<Frame> l = List.copyOf(frames);
        frames.clear();
        return l;
    }

    /** Passes {@code frame} (a copy: functions rewrite in place) through {@code f} and returns what came out. */
    public static List<Frame> run(NetworkFunction f, int port, byte[] frame, long now) {
        Emitted out = new Emitted();
        byte[] copy = frame.clone();
        f.process(port, copy, 0, copy.length, now, out);
        return out.frames;
    }
}
