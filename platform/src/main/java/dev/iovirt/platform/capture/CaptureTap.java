package dev.iovirt.platform.capture;

import dev.iovirt.packet.Frame;
import java.util.Arrays;

/**
 * One capture point of a run as the frames see it: the {@link CaptureFile.Point}s (of one capture or
 * several) that take the frames crossing it now. Captures start and stop while the run goes on
 * (the topology's at the start, {@code POST /api/v1/captures} later), so every place that can be a
 * capture point has its tap from the start, usually empty.
 *
 * <p>Invariant: the array of points is replaced, never changed (copy on write), so the thread that
 * moves the frames reads it once per frame without a lock, and a frame crossing a tap without points
 * costs one volatile read and a length check, nothing allocated.
 */
public final class CaptureTap {
    private static final CaptureFile.Point[] NONE = {};
    /** The point's name ({@code web1.eth0}, {@code hv1:vxlan-hv2}). */
    private final String name;
    private volatile CaptureFile.Point[] points = NONE;

    public CaptureTap(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Whether no capture takes this point now. */
    public boolean isEmpty() {
        return points.length == 0;
    }

    /** Gives {@code frame}, seen now at this point, to every capture that takes it. */
    public void record(Frame frame) {
        CaptureFile.Point[] p = points;
        if (p.length == 0) {
            return;
        }
        byte[] bytes = frame.toBytes();
        for (CaptureFile.Point point : p) {
            point.record(bytes, 0, bytes.length);
        }
    }

    /** From now on {@code point} takes this point's frames. */
    public synchronized void add(CaptureFile.Point point) {
        CaptureFile.Point[] p = Arrays.copyOf(points, points.length + 1);
        p[p.length - 1] = point;
        points = p;
    }

    /** From now on {@code point} takes no more of this point's frames (a frame being recorded may still reach it). */
    public synchronized void remove(CaptureFile.Point point) {
        points = Arrays.stream(points).filter(p -> p != point).toArray(CaptureFile.Point[]::new);
    }
}
