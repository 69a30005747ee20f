package dev.iovirt.platform.topology;

/**
 * Where the SDN controller listens.
 *
 * @param openflow the OpenFlow 1.3 endpoint the switches connect to
 * @param api the northbound REST API
 */
public record ControllerSpec(HostPort openflow, HostPort api) {
    /** OpenFlow on 127.0.0.1:6653 (the IANA port), the REST API on 127.0.0.1:8181. */
    public static final ControllerSpec DEFAULT = new ControllerSpec(new HostPort("127.0.0.1", 6653), new HostPort("127.0.0.1", 8181));
}
