package dev.iovirt.openflow.netty;

import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpException;

/**
 * A message that {@link OfpFrameDecoder} could not decode, travelling up the pipeline in its place.
 *
 * @param error what was wrong, with the OFPT_ERROR to send back
 */
public record OfpMalformed(OfpException error) {
    /** The OFPT_ERROR the peer should get. */
    public OfpError reply() {
        return error.toErrorMessage();
    }

    /** True if the connection must be closed after the reply. */
    public boolean isFatal() {
        return error.isFatal();
    }
}
