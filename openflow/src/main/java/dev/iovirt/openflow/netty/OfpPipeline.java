package dev.iovirt.openflow.netty;

import io.netty.channel.ChannelPipeline;

/** Installs the OpenFlow codec in a pipeline, for the switch agent and the controller alike. */
public final class OfpPipeline {
    /** The handler names this class uses. */
    public static final String DECODER = "ofp-decoder";
    public static final String ENCODER = "ofp-encoder";
    public static final String ERRORS = "ofp-errors";

    private OfpPipeline() {
    }

    /**
     * Adds frame decoder, encoder and error responder at the end of {@code p}; the application's
     * handler goes after them and receives {@code OfpMessage}s (and {@link OfpMalformed}s, already
     * answered).
     */
    public static ChannelPipeline install(ChannelPipeline p) {
        return p.addLast(DECODER, new OfpFrameDecoder())
                .addLast(ENCODER, OfpEncoder.INSTANCE)
                .addLast(ERRORS, OfpErrorResponder.INSTANCE);
    }
}
