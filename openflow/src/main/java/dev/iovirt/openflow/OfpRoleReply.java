package dev.iovirt.openflow;

/**
 * OFPT_ROLE_REPLY (OF 1.3.5 §7.3.9).
 *
 * @param xid the transaction id
 * @param role the controller's role
 * @param generationId the master election generation id (ignored for EQUAL and NOCHANGE)
 */
public record OfpRoleReply(int xid, ControllerRole role, long generationId) implements OfpMessage {
    @Override
    public OfpType type() {
        return OfpType.ROLE_REPLY;
    }
}
