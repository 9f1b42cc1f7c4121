package io.bastion.channel.process;

import io.bastion.channel.RejectionHandler;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditOutcome;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts every refusal per source and reason, and writes each refusal and quarantine into an audit
 * log (the reason's name only: never payload or key bytes). Polling thread only.
 */
final class AuditingRejections implements RejectionHandler
{
    /** The channel name written into audit records. */
    static final String CHANNEL = "process-test";

    private final AuditLog audit;
    private final Map<Integer, Map<RejectReason, Integer>> bySource = new HashMap<>();
    private final Map<Integer, Integer> quarantines = new HashMap<>();

    AuditingRejections(final AuditLog audit)
    {
        this.audit = audit;
    }

    /**
     * The principal written for a source.
     *
     * @param sourceId the subscriber's source id.
     * @return the principal.
     */
    static String principal(final int sourceId)
    {
        return "source-" + sourceId;
    }

    public void onRejected(final int sourceId, final RejectReason reason)
    {
        bySource.computeIfAbsent(sourceId, (id) -> new EnumMap<>(RejectReason.class)).merge(reason, 1, Integer::sum);
        audit.log(AuditEventType.FRAME_REJECTED, AuditOutcome.REFUSED, principal(sourceId), CHANNEL, reason.name());
    }

    public void onQuarantined(final int sourceId)
    {
        quarantines.merge(sourceId, 1, Integer::sum);
        audit.log(AuditEventType.QUARANTINED, AuditOutcome.REFUSED, principal(sourceId), CHANNEL, "threshold");
    }

    int count(final int sourceId, final RejectReason reason)
    {
        return bySource.getOrDefault(sourceId, Map.of()).getOrDefault(reason, 0);
    }

    int structural(final int sourceId)
    {
        int total = 0;
        for (final Map.Entry<RejectReason, Integer> entry : bySource.getOrDefault(sourceId, Map.of()).entrySet())
        {
            total += entry.getKey().isStructural() ? entry.getValue() : 0;
        }
        return total;
    }

    int total(final int sourceId)
    {
        int total = 0;
        for (final int count : bySource.getOrDefault(sourceId, Map.of()).values())
        {
            total += count;
        }
        return total;
    }

    int quarantines(final int sourceId)
    {
        return quarantines.getOrDefault(sourceId, 0);
    }

    String describe()
    {
        return "rejections=" + bySource + " quarantines=" + quarantines;
    }
}
