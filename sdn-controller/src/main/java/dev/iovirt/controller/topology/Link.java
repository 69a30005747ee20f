package dev.iovirt.controller.topology;

/**
 * A unidirectional switch-to-switch link, found by an LLDP probe sent out of {@code src} and
 * received on {@code dst}. A cable or patch port shows up as two links, one per direction.
 *
 * @param src where the probe left
 * @param dst where it arrived
 */
public record Link(ConnectPoint src, ConnectPoint dst) {
}
