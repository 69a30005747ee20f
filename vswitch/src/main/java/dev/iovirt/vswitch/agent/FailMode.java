package dev.iovirt.vswitch.agent;

/**
 * What the switch does while none of its controllers is connected, as Open vSwitch's
 * {@code fail_mode} (ovs-vswitchd.conf.db(5), Bridge table).
 */
public enum FailMode {
    /** Nothing changes: installed flows stay and go on deciding; table misses go nowhere. */
    SECURE,
    /**
     * The switch behaves as a MAC-learning switch (every packet takes the NORMAL action) until a
     * controller connects again; then the controller's flows decide once more.
     */
    STANDALONE
}
