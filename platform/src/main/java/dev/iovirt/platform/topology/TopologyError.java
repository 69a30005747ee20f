package dev.iovirt.platform.topology;

import java.util.Comparator;
import java.util.Objects;

/**
 * One mistake in a topology file, where it is and what to do about it.
 *
 * @param file the file name as the user gave it (or the built-in topology's name)
 * @param line the 1-based line of the node that is wrong
 * @param column the 1-based column (in characters) of that node
 * @param message a full sentence saying what was found, what was expected and, where it helps, a suggestion
 */
public record TopologyError(String file, int line, int column, String message) implements Comparable<TopologyError> {
    private static final Comparator<TopologyError> ORDER = Comparator.comparing(TopologyError::file)
            .thenComparingInt(TopologyError::line)
            .thenComparingInt(TopologyError::column)
            .thenComparing(TopologyError::message);

    public TopologyError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
    }

    @Override
    public int compareTo(TopologyError o) {
        return ORDER.compare(this, o);
    }

    /** {@code file:line:column: message}, the shape compilers use and editors jump to. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
