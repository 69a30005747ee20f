package dev.iovirt.controller.device;

import dev.iovirt.openflow.DatapathId;

/** No switch with this datapath id is connected. */
public final class UnknownDeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownDeviceException(DatapathId id) {
        super("no switch with datapath id " + id + " is connected");
    }
}
