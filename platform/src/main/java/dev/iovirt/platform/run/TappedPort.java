package dev.iovirt.platform.run;

import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;

/** A switch port that shows every frame crossing it to the run's observer. */
final class TappedPort extends ForwardingPort {
    private final String host;
    private final RunObserver observer;

    TappedPort(String host, FramePort port, RunObserver observer) {
        super(port);
        this.host = host;
        this.observer = observer;
    }

    @Override
    public int receive(FrameBatch batch) {
        int before = batch.size();
        int n = port.receive(batch);
        for (int i = before; i < batch.size(); i++) {
            observer.frame(host, name(), true, batch.get(i));
        }
        return n;
    }

    @Override
    public int transmit(FrameBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            observer.frame(host, name(), false, batch.get(i));
        }
        return port.transmit(batch);
    }
}
