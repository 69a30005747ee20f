package dev.iovirt.controller.openflow;

import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.OfpError;

/** The switch answered a request with OFPT_ERROR (OF 1.3.5 §7.4.4). */
public final class OpenFlowErrorException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The error message the switch sent. */
    private final transient OfpError error;

    public OpenFlowErrorException(OfpError error) {
        super("switch refused the request: " + describe(error));
        this.error = error;
    }

    public OfpError error() {
        return error;
    }

    private static String describe(OfpError e) {
        try {
            ErrorCode c = e.error();
            return c.name() + " (" + c.message() + ")";
        } catch (RuntimeException unknown) {
            return "type " + e.errorType() + " code " + e.code();
        }
    }
}
