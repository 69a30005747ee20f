package dev.iovirt.platform.topology;

import java.util.List;
import java.util.stream.Collectors;

/** A topology file that cannot be used; its message lists every error, one per line. */
public final class TopologyException extends Exception {
    private final transient List<TopologyError> errors;

    public TopologyException(List<TopologyError> errors) {
        super(errors.stream().map(TopologyError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    /** Every error of the file, sorted by position. */
    public List<TopologyError> errors() {
        return errors;
    }
}
