package dev.iovirt.controller.openflow;

import java.time.Duration;

/**
 * Timers of the OpenFlow channel.
 *
 * @param echoInterval how long a connection may stay silent before the controller sends ECHO_REQUEST
 * @param requestTimeout how long a request (echo, barrier, multipart, role) waits for its reply
 * @param handshakeTimeout how long a new connection has to finish HELLO, FEATURES and PORT_DESC
 * @param workerThreads Netty event loops serving switch connections (each connection stays on one)
 * @param tls the listener's certificate and key for OpenFlow over TLS, or null for plain TCP
 */
public record ControllerConfig(Duration echoInterval, Duration requestTimeout, Duration handshakeTimeout, int workerThreads,
                               Tls tls) {
    /**
     * OpenFlow over TLS (OF 1.3.5 §6.3.3): the controller's certificate chain and private key, PEM
     * files (the key in PKCS#8). Switches are not asked for a certificate.
     *
     * @param certificateChain the PEM certificate chain
     * @param privateKey the PEM PKCS#8 private key
     */
    public record Tls(java.nio.file.Path certificateChain, java.nio.file.Path privateKey) {
    }

    /** The default OpenFlow port (IANA, OF 1.3.5 §6.3.1). */
    public static final int DEFAULT_PORT = 6653;

    /** One event loop per core, not Netty's two: a loop per core keeps wake-ups (and so latency) down. */
    public ControllerConfig(Duration echoInterval, Duration requestTimeout, Duration handshakeTimeout) {
        this(echoInterval, requestTimeout, handshakeTimeout, Runtime.getRuntime().availableProcessors(), null);
    }

    /** 5 s echo interval, 5 s request timeout, 10 s handshake, as ovs-vswitchd's probe defaults suggest. */
    public static ControllerConfig defaults() {
        return new ControllerConfig(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    public ControllerConfig withWorkerThreads(int n) {
        return new ControllerConfig(echoInterval, requestTimeout, handshakeTimeout, n, tls);
    }

    public ControllerConfig withTls(Tls tls) {
        return new ControllerConfig(echoInterval, requestTimeout, handshakeTimeout, workerThreads, tls);
    }
}
