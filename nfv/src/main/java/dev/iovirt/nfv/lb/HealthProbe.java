package dev.iovirt.nfv.lb;

/** How the load balancer checks that a backend is alive. */
public enum HealthProbe {
    /** An ICMP echo request to the backend's address (RFC 792); an echo reply is a success. */
    ICMP_ECHO,
    /**
     * A TCP SYN to the backend's service port (RFC 9293 §3.5): a SYN-ACK is a success (answered with
     * a RST so no connection is left half open), a RST is an immediate failure (connection refused,
     * as HAProxy's layer-4 check counts it). Only for TCP services.
     */
    TCP_SYN
}
