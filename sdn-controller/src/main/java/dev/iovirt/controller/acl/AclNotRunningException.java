package dev.iovirt.controller.acl;

/** A rule was added while the ACL app is not running: nothing would enforce it. */
public final class AclNotRunningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AclNotRunningException() {
        super("the ACL app is not running (start the controller with --apps acl,...)");
    }
}
