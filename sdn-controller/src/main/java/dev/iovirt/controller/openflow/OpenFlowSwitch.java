package dev.iovirt.controller.openflow;

import dev.iovirt.openflow.ControllerRole;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.MpReply;
import dev.iovirt.openflow.MpRequest;
import dev.iovirt.openflow.OfpFeaturesReply;
import dev.iovirt.openflow.OfpMessage;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * One connected switch as the controller's apps and managers see it: a handshaken OpenFlow 1.3
 * channel. Messages the controller originates get a fresh xid from {@link #nextXid()}; requests are
 * correlated with their replies by xid (OF 1.3.5 §6.1.2), with a timeout.
 *
 * <p>Thread safety: every method may be called from any thread. {@link #write} called on the
 * switch's own event loop (as packet-in processors are) is flushed once at the end of the read
 * batch; called elsewhere it is flushed at once.
 */
public interface OpenFlowSwitch {
    /** The datapath id from FEATURES_REPLY. */
    DatapathId dpid();

    /** The FEATURES_REPLY of the handshake. */
    OfpFeaturesReply features();

    /** The switch's address (the TCP peer). */
    SocketAddress remoteAddress();

    /** A fresh transaction id for a controller-originated message. */
    int nextXid();

    /** Sends {@code message} without waiting for anything. */
    void write(OfpMessage message);

    /**
     * Sends the message {@code build} makes with a fresh xid and completes with the switch's reply of
     * the same xid (for multipart, all parts merged), or exceptionally with
     * {@link OpenFlowErrorException} if the switch answers OFPT_ERROR, {@link RequestTimeoutException}
     * after the request timeout, {@link SwitchDisconnectedException} if the connection drops.
     */
    CompletableFuture<OfpMessage> request(IntFunction<OfpMessage> build);

    /** A multipart request whose merged reply body is returned. */
    CompletableFuture<MpReply> multipart(MpRequest body);

    /**
     * Sends the message {@code build} makes, then a BARRIER_REQUEST; completes normally when the
     * barrier reply arrives without an error for the message before it (the switch has applied it,
     * OF 1.3.5 §6.2), exceptionally with the switch's error otherwise.
     */
    CompletableFuture<Void> sendWithBarrier(IntFunction<OfpMessage> build);

    /** A BARRIER_REQUEST/REPLY round trip (OF 1.3.5 §7.3.8). */
    CompletableFuture<Void> barrier();

    /** A ROLE_REQUEST (OF 1.3.5 §7.3.9); completes with the role the switch replied. */
    CompletableFuture<ControllerRole> requestRole(ControllerRole role, long generationId);

    /** The last role the switch confirmed; EQUAL until a role request says otherwise (OF 1.3.5 §6.3.7). */
    ControllerRole role();

    /** True until the connection closes. */
    boolean isConnected();

    /** Closes the connection; the switch is then removed from the registry. */
    void disconnect();
}
