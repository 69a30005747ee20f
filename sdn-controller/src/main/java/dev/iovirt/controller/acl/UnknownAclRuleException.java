package dev.iovirt.controller.acl;

/** No ACL rule has this id. */
public final class UnknownAclRuleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownAclRuleException(long id) {
        super("no ACL rule with id " + id);
    }
}
