package dev.iovirt.controller.acl;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The controller's ACL: rules kept here and installed on every switch. */
public interface AclService {
    /** The rules, by id. */
    List<AclRule> rules();

    Optional<AclRule> rule(long id);

    /**
     * Checks {@code rule} (refusals are {@link dev.iovirt.controller.flow.FlowRuleException} naming
     * the field), installs it on every connected switch, and completes with it under its new id; if
     * a switch refuses, it is removed from the others and the future fails with the switch's error.
     */
    CompletableFuture<AclRule> add(AclRule rule);

    /** Removes the rule from every switch and from the ACL; fails with {@link UnknownAclRuleException} if there is none. */
    CompletableFuture<Void> remove(long id);
}
