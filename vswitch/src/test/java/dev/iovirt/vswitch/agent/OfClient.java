package dev.iovirt.vswitch.agent;

import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpMessage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A controller at the other end of a real TCP connection, with blocking reads bounded by a socket
 * timeout: a test waits for what it expects and fails (instead of hanging) if it never comes.
 */
final class OfClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    OfClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static OfClient connect(int port) throws IOException {
        return new OfClient(new Socket("127.0.0.1", port));
    }

    void send(OfpMessage m) throws IOException {
        out.write(OfpCodec.encode(m));
        out.flush();
    }

    /** The next message, or an AssertionError after 10 s of silence. */
    OfpMessage next() throws IOException {
        byte[] header = new byte[8];
        try {
            in.readFully(header);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the switch sent nothing for 10 s");
        }
        int len = (header[2] & 0xFF) << 8 | header[3] & 0xFF;
        byte[] msg = new byte[len];
        System.arraycopy(header, 0, msg, 0, 8);
        in.readFully(msg, 8, len - 8);
        try {
            return OfpCodec.decode(msg);
        } catch (OfpException e) {
            throw new AssertionError("the switch sent a message our codec refuses: " + e.getMessage(), e);
        }
    }

    /** The next message of {@code type}, skipping others (echo requests, port status). */
    <T> T next(Class<T> type) throws IOException {
        for (int i = 0; i < 1000; i++) {
            OfpMessage m = next();
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in 1000 messages");
    }

    /** True once the switch has closed the connection (read returns end of stream). */
    boolean closedBySwitch() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
