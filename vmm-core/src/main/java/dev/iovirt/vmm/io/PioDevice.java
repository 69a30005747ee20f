package dev.iovirt.vmm.io;

/** A device model's port-I/O registers, reached from I/O-instruction exits. {@code offset} is relative to the device's base port. */
public interface PioDevice {
    /** An IN of {@code size} bytes (1, 2 or 4); the value in the low bytes. */
    int ioRead(int offset, int size);

    /** An OUT of {@code size} bytes. */
    void ioWrite(int offset, int size, int value);
}
