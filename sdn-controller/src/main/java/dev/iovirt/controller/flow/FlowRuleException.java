package dev.iovirt.controller.flow;

/**
 * A flow description that cannot become a valid flow mod; {@code field} names the offending part
 * as a path ({@code match.nw_src}, {@code actions[1].port}, {@code table}).
 */
public final class FlowRuleException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The path of the offending field in the description, or null for the whole. */
    private final String field;

    public FlowRuleException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
