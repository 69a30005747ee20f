package dev.iovirt.vmm.mem;

/**
 * A DMA to a guest-physical address that is not the VM's RAM, or a write to its ROM. A malicious or
 * buggy guest driver causes this by programming a bad address; the device model must catch it and
 * record a device error, never let it reach the host.
 */
public final class DmaFaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DmaFaultException(String message) {
        super(message);
    }
}
