package dev.iovirt.platform.run;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.platform.capture.CaptureFile;
import java.util.List;

/**
 * A port as the switch sees it (a vNIC's, a tunnel's, an SR-IOV NIC's uplink), with every frame
 * that crosses it, both ways, given to its capture points ({@link CaptureFile.Point}: where tcpdump
 * on the VM's tap device, or on the switch's port, would see them). Recording is done on the thread
 * that moves the frames.
 */
final class CapturingPort extends ForwardingPort {
    private final List<CaptureFile.Point> points;

    /** {@code port} with each of {@code points} (of one or several captures) seeing its frames. */
    CapturingPort(FramePort port, List<CaptureFile.Point> points) {
        super(port);
        this.points = List.copyOf(points);
    }

    @Override
    public int receive(FrameBatch batch) {
        int before = batch.size();
        int n = port.receive(batch);
        for (int i = before; i < batch.size(); i++) {
            record(batch.get(i));
        }
        return n;
    }

    @Override
    public int transmit(FrameBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            record(batch.get(i));
        }
        return port.transmit(batch);
    }

    private void record(Frame f) {
        byte[] bytes = f.toBytes();
        for (CaptureFile.Point point : points) {
            point.record(bytes, 0, bytes.length);
        }
    }
}
