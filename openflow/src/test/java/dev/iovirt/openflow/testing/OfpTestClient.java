package dev.iovirt.openflow.testing;

import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.MultipartAssembler;
import dev.iovirt.openflow.OfpBarrierReply;
import dev.iovirt.openflow.OfpBarrierRequest;
import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpHello;
import dev.iovirt.openflow.OfpMessage;
import dev.iovirt.openflow.OfpMultipartReply;
import dev.iovirt.openflow.OfpMultipartRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A scripted controller over TCP or a Unix socket (Open vSwitch's {@code br0.mgmt}): send
 * messages, read what the switch answers, decoded. Every read waits at most {@link #TIMEOUT} for
 * the switch; a silent or undecodable peer fails the test with an {@link AssertionError} instead
 * of hanging it.
 */
public final class OfpTestClient implements AutoCloseable {
    /** How long a read waits for the peer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final SocketChannel ch;
    private final Selector selector;
    private int nextXid = 0x1000;

    private OfpTestClient(SocketChannel ch) throws IOException {
        this.ch = ch;
        ch.configureBlocking(false);
        this.selector = Selector.open();
        ch.register(selector, SelectionKey.OP_READ);
    }

    /** Connects to {@code address} (an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}) and exchanges HELLOs. */
    public static OfpTestClient connect(SocketAddress address) throws IOException {
        SocketChannel ch = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        ch.connect(address);
        OfpTestClient c = new OfpTestClient(ch);
        c.send(OfpHello.of(c.nextXid()));
        OfpMessage hello = c.receive();
        if (!(hello instanceof OfpHello h) || h.negotiate(1 << OfpMessage.VERSION) != OfpMessage.VERSION) {
            c.close();
            throw new AssertionError("the peer does not speak OpenFlow 1.3: " + hello);
        }
        return c;
    }

    /** A fresh transaction id. */
    public int nextXid() {
        return nextXid++;
    }

    public void send(OfpMessage m) throws IOException {
        sendRaw(OfpCodec.encode(m));
    }

    /** Sends bytes as they are (for malformed-input tests). */
    public void sendRaw(byte[] wire) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(wire);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** The next message from the peer, which must arrive within {@link #TIMEOUT} and decode. */
    public OfpMessage receive() throws IOException {
        byte[] header = readFully(8);
        int length = (header[2] & 0xFF) << 8 | header[3] & 0xFF;
        if (length < 8) {
            throw new AssertionError("the peer sent a header of length " + length);
        }
        byte[] all = new byte[length];
        System.arraycopy(header, 0, all, 0, 8);
        System.arraycopy(readFully(length - 8), 0, all, 8, length - 8);
        try {
            return OfpCodec.decode(all);
        } catch (OfpException e) {
            throw new AssertionError("could not decode what the peer sent: " + e.getMessage() + "\n" + HexFormat.of().formatHex(all), e);
        }
    }

    /** Sends {@code requests} and a barrier; returns everything the peer sends before the barrier reply. */
    public List<OfpMessage> transact(OfpMessage... requests) throws IOException {
        for (OfpMessage r : requests) {
            send(r);
        }
        int barrier = nextXid();
        send(new OfpBarrierRequest(barrier));
        List<OfpMessage> replies = new ArrayList<>();
        for (OfpMessage m = receive(); !(m instanceof OfpBarrierReply b && b.xid() == barrier); m = receive()) {
            replies.add(m);
        }
        return replies;
    }

    /** The whole reply to a multipart request, however many parts the peer splits it into. */
    public MpReply multipart(MpRequest body) throws IOException {
        MultipartAssembler assembler = new MultipartAssembler();
        for (OfpMessage m : transact(OfpMultipartRequest.of(nextXid(), body))) {
            if (!(m instanceof OfpMultipartReply part)) {
                throw new AssertionError("expected a multipart reply to " + body + ", got " + m);
            }
            OfpMultipartReply whole = assembler.add(part);
            if (whole != null) {
                return whole.body();
            }
        }
        throw new AssertionError("no complete reply to " + body);
    }

    private byte[] readFully(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (b.hasRemaining()) {
            int r = ch.read(b);
            if (r < 0) {
                throw new AssertionError("the peer closed the connection");
            }
            if (r == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the peer sent nothing for " + TIMEOUT);
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
            }
        }
        return b.array();
    }

    @Override
    public void close() throws IOException {
        selector.close();
        ch.close();
    }
}
