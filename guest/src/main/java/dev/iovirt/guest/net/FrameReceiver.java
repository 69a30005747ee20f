package dev.iovirt.guest.net;

/** Takes a received frame; the bytes are valid only during the call (the buffer is reused). */
@FunctionalInterface
public interface FrameReceiver {
    void receive(byte[] frame, int off, int len);
}
