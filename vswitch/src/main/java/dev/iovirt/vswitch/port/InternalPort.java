package dev.iovirt.vswitch.port;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import java.nio.charset.StandardCharsets;

/**
 * An internal port: a network interface of the host's kernel that belongs to the switch, as Open
 * vSwitch's "internal" interfaces (and the bridge's LOCAL port). It is a Linux TAP device: what the
 * host's stack sends on the interface enters the switch; what the switch sends to this port the host
 * receives. Opened with {@code /dev/net/tun} (TUNSETIFF, IFF_TAP | IFF_NO_PI), needs CAP_NET_ADMIN.
 *
 * <pre>
 * host stack ─▶ tapN ─▶ read() on the reader thread ─▶ queue ─▶ receive()
 * transmit() ─▶ write() ─▶ tapN ─▶ host stack
 * </pre>
 */
public final class InternalPort implements FramePort, AutoCloseable {
    static final int MTU_FRAME = 65536;
    // linux/if_tun.h
    static final int IFF_TAP = 0x0002;
    static final int IFF_NO_PI = 0x1000;
    /** _IOW('T', 202, int). */
    static final long TUNSETIFF = 0x4004_54CAL;
    static final int O_RDWR = 2;
    static final short POLLIN = 1;

    /** The few libc calls a TAP device needs. */
    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, long request, IfReq ifr) throws LastErrorException;

        long read(int fd, byte[] buf, long count) throws LastErrorException;

        long write(int fd, byte[] buf, long count) throws LastErrorException;

        int poll(PollFd fd, int nfds, int timeoutMillis) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** struct ifreq: name, then the flags (the union is 24 bytes). */
    @Structure.FieldOrder({"name", "flags", "pad"})
    public static final class IfReq extends Structure {
        public byte[] name = new byte[16];
        public short flags;
        public byte[] pad = new byte[22];
    }

    /** struct pollfd. */
    @Structure.FieldOrder({"fd", "events", "revents"})
    public static final class PollFd extends Structure {
        public int fd;
        public short events;
        public short revents;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final String name;
    private final String device;
    private final int fd;
    private final ArrivedFrames arrived = new ArrivedFrames();
    private final PortCounters counters = new PortCounters();
    private final byte[] out = new byte[MTU_FRAME];
    private final Thread reader;
    private volatile boolean closed;

    private InternalPort(String name, String device, int fd) {
        this.name = name;
        this.device = device;
        this.fd = fd;
        this.reader = Thread.ofPlatform().daemon().name("internal-" + device).unstarted(this::read);
    }

    /**
     * Creates (or attaches to) the TAP interface {@code device}, at most 15 characters.
     *
     * @throws IllegalStateException with the system's reason (no /dev/net/tun, no permission)
     */
    public static InternalPort open(String name, String device) {
        byte[] ifName = device.getBytes(StandardCharsets.US_ASCII);
        if (ifName.length == 0 || ifName.length > 15) {
            throw new IllegalArgumentException("an interface name has 1 to 15 characters: '" + device + "'");
        }
        LibC c = Holder.LIBC;
        int fd;
        try {
            fd = c.open("/dev/net/tun", O_RDWR);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot open /dev/net/tun for " + device + ": errno " + e.getErrorCode(), e);
        }
        IfReq ifr = new IfReq();
        System.arraycopy(ifName, 0, ifr.name, 0, ifName.length);
        ifr.flags = (short) (IFF_TAP | IFF_NO_PI);
        try {
            c.ioctl(fd, TUNSETIFF, ifr);
        } catch (LastErrorException e) {
            c.close(fd);
            throw new IllegalStateException("cannot create TAP interface " + device + " (TUNSETIFF): errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1 ? " (operation not permitted: needs CAP_NET_ADMIN)" : ""), e);
        }
        InternalPort p = new InternalPort(name, device, fd);
        p.reader.start();
        return p;
    }

    private void read() {
        LibC c = Holder.LIBC;
        byte[] buf = new byte[MTU_FRAME];
        PollFd pfd = new PollFd();
        while (!closed) {
            pfd.fd = fd;
            pfd.events = POLLIN;
            pfd.revents = 0;
            try {
                // Poll with a timeout so that close() is noticed without a signal.
                if (c.poll(pfd, 1, 100) <= 0) {
                    continue;
                }
                long n = c.read(fd, buf, buf.length);
                if (n <= 0) {
                    continue;
                }
                arrived.offer(java.util.Arrays.copyOf(buf, (int) n));
            } catch (LastErrorException e) {
                if (!closed) {
                    counters.rxErrors++;
                }
            }
        }
    }

    /** The kernel interface's name. */
    public String device() {
        return device;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int receive(FrameBatch batch) {
        return arrived.drainInto(batch, counters);
    }

    @Override
    public int transmit(FrameBatch batch) {
        int sent = 0;
        for (int i = 0; i < batch.size(); i++) {
            Frame f = batch.get(i);
            int len = f.copyTo(out, 0);
            try {
                if (Holder.LIBC.write(fd, out, len) == len) {
                    counters.countTx(len);
                    sent++;
                } else {
                    counters.txDropped++;
                }
            } catch (LastErrorException e) {
                counters.txDropped++; // e.g. EIO while the interface is down
            }
        }
        return sent;
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public void setReceiveListener(Runnable listener) {
        arrived.setListener(listener);
    }

    @Override
    public void close() {
        closed = true;
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Holder.LIBC.close(fd);
    }

    @Override
    public String toString() {
        return "InternalPort[" + name + " as " + device + "]";
    }
}
