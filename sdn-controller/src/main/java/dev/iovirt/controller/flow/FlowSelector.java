package dev.iovirt.controller.flow;

import java.util.Map;

/**
 * Which flow entries a delete removes (OFPFC_DELETE / OFPFC_DELETE_STRICT, OF 1.3.5 §6.4).
 *
 * @param table a table id, or null for all tables (strict needs one)
 * @param priority the exact priority; only used by a strict delete
 * @param cookie with {@code cookieMask}: only entries whose cookie matches; null for any
 * @param match field name → value text; entries this match covers (non-strict) or equals (strict)
 * @param strict true for DELETE_STRICT: the entry with exactly this match and priority
 */
public record FlowSelector(Integer table, Integer priority, Long cookie, Map<String, String> match, boolean strict) {
    public FlowSelector {
        match = Map.copyOf(match);
    }

    /** Every entry of every table. */
    public static FlowSelector all() {
        return new FlowSelector(null, null, null, Map.of(), false);
    }
}
