package dev.iovirt.platform.topology;

/**
 * The underlay link between two hosts (the path their VXLAN tunnel takes) and what it does to packets.
 *
 * @param a one host's name
 * @param b the other host's name, different from {@code a}
 * @param impairment delay, jitter, loss and rate, applied in each direction
 */
public record LinkSpec(String a, String b, Impairment impairment) {
}
