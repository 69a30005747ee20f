package dev.iovirt.platform.run;

import java.util.List;

/**
 * A valid topology that this build cannot run yet: each reason names the part of the file and the
 * piece of the platform that is missing. Nothing was started.
 */
public final class NotRunnableException extends Exception {
    private final List<String> reasons;

    public NotRunnableException(List<String> reasons) {
        super(String.join("; ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
