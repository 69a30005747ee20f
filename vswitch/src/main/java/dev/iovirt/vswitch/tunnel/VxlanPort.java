package dev.iovirt.vswitch.tunnel;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.packet.Vni;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jctools.queues.SpscArrayQueue;

/**
 * A tunnel port to one remote VTEP (RFC 7348): what the switch transmits is encapsulated with a
 * VXLAN header and sent by UDP; what arrives from that remote is decapsulated and received with
 * its VNI as the frame's tunnel id (OpenFlow's tunnel_id). The VNI on transmit is the frame's
 * tunnel id ({@code key=flow}, set by an OpenFlow set_field) or a fixed key.
 *
 * <p>Tunnels are ports, not special cases of the classifier (STYLE.md): a flow outputs to this
 * port like to any other.
 */
public final class VxlanPort implements FramePort {
    /** Datagrams waiting to be received, at most; beyond it they are dropped and counted. */
    static final int QUEUE = 4096;

    private final String name;
    private final VxlanEndpoint endpoint;
    private final InetSocketAddress remote;
    private final Vni fixedKey;
    private final SpscArrayQueue<ByteBuf> arrived = new SpscArrayQueue<>(QUEUE);
    private final PortCounters counters = new PortCounters();
    private volatile Runnable listener;
    private volatile long rxDroppedQueueFull;
    private Tap tap;

    /**
     * Sees the UDP payload (VXLAN header and inner frame, RFC 7348 §5) of every datagram this port
     * sends, and of every datagram from its remote when the switch takes it, on the switch's thread:
     * a capture of the underlay.
     */
    @FunctionalInterface
    public interface Tap {
        /**
         * @param outgoing true for a datagram this port sends to its remote, false for one from it
         * @param payload the datagram's UDP payload, valid only during the call
         */
        void datagram(boolean outgoing, byte[] payload, int offset, int length);
    }

    /** Sets (or with null, removes) the tap; call it on the switch's thread or before the port moves frames. */
    public void setTap(Tap tap) {
        this.tap = tap;
    }

    /** The local VTEP's address: the source of what this port sends. */
    public InetSocketAddress local() {
        return endpoint.localAddress();
    }

    /**
     * @param fixedKey the VNI for every transmitted frame, or null to use each frame's tunnel id
     */
    public VxlanPort(String name, VxlanEndpoint endpoint, InetSocketAddress remote, Vni fixedKey) {
        this.name = name;
        this.endpoint = endpoint;
        this.remote = remote;
        this.fixedKey = fixedKey;
        endpoint.register(this);
    }

    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public String name() {
        return name;
    }

    /** Called on the endpoint's event loop with a valid VXLAN datagram from this port's remote. */
    void enqueue(ByteBuf datagram) {
        ByteBuf kept = datagram.retain();
        if (!arrived.offer(kept)) {
            kept.release();
            rxDroppedQueueFull++;
            return;
        }
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }

    @Override
    public int receive(FrameBatch batch) {
        counters.rxDropped = rxDroppedQueueFull;
        int n = 0;
        ByteBuf d;
        while (!batch.isFull() && (d = arrived.poll()) != null) {
            try {
                int at = d.readerIndex();
                int vni = d.getInt(at + 4) >>> 8;
                int len = d.readableBytes() - Vxlan.HEADER;
                Frame f = batch.add();
                if (len > f.capacity()) {
                    batch.removeLast();
                    counters.rxErrors++;
                    continue;
                }
                d.getBytes(at + Vxlan.HEADER, f.buffer(), f.offset(), len);
                f.setLength(len);
                if (tap != null) {
                    byte[] payload = new byte[d.readableBytes()];
                    d.getBytes(at, payload);
                    tap.datagram(false, payload, 0, payload.length);
                }
                f.setTunnelId(vni);
                counters.countRx(len);
                n++;
            } finally {
                d.release();
            }
        }
        return n;
    }

    @Override
    public int transmit(FrameBatch batch) {
        List<DatagramPacket> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Frame f = batch.get(i);
            long vni = fixedKey != null ? fixedKey.value() : f.tunnelId();
            if (vni < 0 || vni > Vxlan.MAX_VNI) {
                counters.txDropped++; // a tunnel id wider than 24 bits has no VXLAN encoding
                continue;
            }
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Vxlan.HEADER + f.length());
            buf.writeByte(Vxlan.FLAG_I).writeMedium(0).writeMedium((int) vni).writeByte(0);
            buf.writeBytes(f.buffer(), f.offset(), f.length());
            if (tap != null) {
                byte[] payload = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), payload);
                tap.datagram(true, payload, 0, payload.length);
            }
            out.add(new DatagramPacket(buf, remote));
            counters.countTx(f.length());
        }
        if (!out.isEmpty()) {
            endpoint.send(out);
        }
        return out.size();
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public void setReceiveListener(Runnable listener) {
        this.listener = listener;
    }

    /** Stops receiving; queued datagrams are released. */
    public void close() {
        endpoint.unregister(this);
        for (ByteBuf d; (d = arrived.poll()) != null; ) {
            d.release();
        }
    }

    @Override
    public String toString() {
        return "VxlanPort[" + name + " -> " + remote + (fixedKey != null ? ", key=" + fixedKey : ", key=flow") + "]";
    }
}
