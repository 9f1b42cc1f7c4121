package io.bastion.bridge;

import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditOutcome;

/**
 * Where a bridge reports the events it audits: every handshake it completes or refuses and every rekey. Never
 * called on the data path per datagram (datagram refusals are counters, so a flood cannot flood the log) and never
 * given key material or payload bytes: the principal is a fingerprint, the detail a reason name or session id.
 * <p>
 * Implementations must be thread safe and must not block: the bridge calls them from its receiving and sending
 * threads.
 */
@FunctionalInterface
public interface BridgeAuditSink
{
    /** The channel name audit records of a bridge carry. */
    String CHANNEL = "bridge";

    /**
     * Report one event.
     *
     * @param type      what happened.
     * @param outcome   how it ended.
     * @param principal the peer's identity fingerprint, or what it presented.
     * @param detail    a short reason or description.
     */
    void onEvent(AuditEventType type, AuditOutcome outcome, String principal, String detail);

    /**
     * A sink that writes to a project audit log (which stamps, chains and writes off-thread).
     *
     * @param log the log; the caller keeps owning it.
     * @return the sink.
     */
    static BridgeAuditSink of(final AuditLog log)
    {
        return (type, outcome, principal, detail) -> log.log(type, outcome, principal, CHANNEL, detail);
    }

    /**
     * A sink that drops every event (counters still count).
     *
     * @return the sink.
     */
    static BridgeAuditSink none()
    {
        return (type, outcome, principal, detail) ->
        {
        };
    }
}
