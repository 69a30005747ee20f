package dev.iovirt.platform.run;

import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import java.util.ArrayDeque;

/**
 * Two frame ports joined back to back, as OVS's patch ports: what one end transmits, the other
 * receives. In a run it joins an SR-IOV NIC's uplink (the embedded switch's wire) to its
 * hypervisor's switch. Frames are copied; each direction holds at most {@link #QUEUE} of them and
 * drops (counted) beyond.
 */
final class PatchCable {
    /** Frames one direction holds before it drops. */
    static final int QUEUE = 1024;

    private final End a;
    private final End b;

    PatchCable(String nameA, String nameB) {
        a = new End(nameA);
        b = new End(nameB);
        a.peer = b;
        b.peer = a;
    }

    FramePort a() {
        return a;
    }

    FramePort b() {
        return b;
    }

    private static final class End implements FramePort {
        private final String name;
        private final ArrayDeque<byte[]> arrived = new ArrayDeque<>();
        private final PortCounters counters = new PortCounters();
        private End peer;
        private Runnable listener;

        End(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int receive(FrameBatch batch) {
            int n = 0;
            while (!batch.isFull() && !arrived.isEmpty()) {
                byte[] f = arrived.poll();
                if (batch.add(f, 0, f.length)) {
                    counters.countRx(f.length);
                    n++;
                } else {
                    counters.rxErrors++;
                }
            }
            return n;
        }

        @Override
        public int transmit(FrameBatch batch) {
            int n = 0;
            for (int i = 0; i < batch.size(); i++) {
                if (peer.arrived.size() >= QUEUE) {
                    counters.txDropped++;
                    continue;
                }
                byte[] f = batch.get(i).toBytes();
                peer.arrived.add(f);
                counters.countTx(f.length);
                n++;
            }
            if (n > 0 && peer.listener != null) {
                peer.listener.run();
            }
            return n;
        }

        @Override
        public PortCounters counters() {
            return counters;
        }

        @Override
        public void setReceiveListener(Runnable listener) {
            this.listener = listener;
        }
    }
}
