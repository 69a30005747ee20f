package dev.iovirt.platform.run;

import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.platform.capture.CaptureTap;

/**
 * A port as the switch sees it (a vNIC's, a tunnel's, an SR-IOV NIC's uplink), with every frame
 * that crosses it, both ways, given to its capture point's {@link CaptureTap} (where tcpdump on the
 * VM's tap device, or on the switch's port, would see them). Every capturable port is one, so that a
 * capture can start on it at any time; with no capture there it checks the tap's empty array and
 * passes the batch on. Recording is done on the thread that moves the frames.
 */
final class CapturingPort extends ForwardingPort {
    private final CaptureTap tap;

    /** {@code port} with its frames given to {@code tap}. */
    CapturingPort(FramePort port, CaptureTap tap) {
        super(port);
        this.tap = tap;
    }

    @Override
    public int receive(FrameBatch batch) {
        int before = batch.size();
        int n = port.receive(batch);
        if (!tap.isEmpty()) {
            for (int i = before; i < batch.size(); i++) {
                tap.record(batch.get(i));
            }
        }
        return n;
    }

    @Override
    public int transmit(FrameBatch batch) {
        if (!tap.isEmpty()) {
            for (int i = 0; i < batch.size(); i++) {
                tap.record(batch.get(i));
            }
        }
        return port.transmit(batch);
    }
}
