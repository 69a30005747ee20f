package dev.iovirt.packet.capture;

import java.io.IOException;

/** A capture file that is not valid pcap or pcapng; the message says where and what. */
public final class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public CaptureFormatException(String message) {
        super(message);
    }
}
