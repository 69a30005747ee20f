package dev.iovirt.controller.meter;

import dev.iovirt.openflow.DatapathId;

/** The switch has no meter with this id. */
public final class UnknownMeterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownMeterException(DatapathId dpid, long meterId) {
        super("switch " + dpid + " has no meter " + meterId);
    }
}
