package dev.iovirt.platform.topology;

import java.util.Optional;

/**
 * A capture started with the topology.
 *
 * @param vm the VM whose vNIC is captured
 * @param nic the NIC's name ({@code eth0}, ...)
 * @param file the pcapng file to write, relative to the directory the topology runs in
 * @param filter a BPF expression in tcpdump syntax, already checked to compile, or empty for every packet
 */
public record CaptureSpec(String vm, String nic, String file, Optional<String> filter) {
    /** The capture point as the topology writes it, e.g. {@code web1.eth0}. */
    public String port() {
        return vm + "." + nic;
    }
}
