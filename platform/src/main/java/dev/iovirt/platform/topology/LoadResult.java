package dev.iovirt.platform.topology;

import java.util.List;

/** What loading a topology gives: a valid topology, or every error of the file and no topology. */
public sealed interface LoadResult {
    /** The file was valid. */
    record Loaded(Topology topology) implements LoadResult {
    }

    /** The file was not valid. */
    record Rejected(List<TopologyError> errors) implements LoadResult {
        /** @param errors at least one error, sorted by position */
        public Rejected {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("a rejected topology has at least one error");
            }
        }
    }

    /** The topology, or a {@link TopologyException} carrying every error. */
    default Topology orElseThrow() throws TopologyException {
        return switch (this) {
            case Loaded l -> l.topology();
            case Rejected r -> throw new TopologyException(r.errors());
        };
    }

    /** The errors; empty for a valid topology. */
    default List<TopologyError> errors() {
        return this instanceof Rejected r ? r.errors() : List.of();
    }
}
