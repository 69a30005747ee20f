package dev.iovirt.platform.run;

import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;

/** A port that stands in front of another and passes everything through; subclasses change what they must. */
abstract class ForwardingPort implements FramePort {
    protected final FramePort port;

    ForwardingPort(FramePort port) {
        this.port = port;
    }

    @Override
    public String name() {
        return port.name();
    }

    @Override
    public int receive(FrameBatch batch) {
        return port.receive(batch);
    }

    @Override
    public int transmit(FrameBatch batch) {
        return port.transmit(batch);
    }

    @Override
    public PortCounters counters() {
        return port.counters();
    }

    @Override
    public boolean isLinkUp() {
        return port.isLinkUp();
    }

    @Override
    public void setReceiveListener(Runnable listener) {
        port.setReceiveListener(listener);
    }
}
