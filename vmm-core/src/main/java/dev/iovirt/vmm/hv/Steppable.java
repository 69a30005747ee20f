package dev.iovirt.vmm.hv;

/** An active part (vCPU, device backend) that the step driver can advance by one unit of work. */
@FunctionalInterface
public interface Steppable {
    /** Does one unit of work; returns false if there was nothing to do (the part is quiet). */
    boolean step();
}
