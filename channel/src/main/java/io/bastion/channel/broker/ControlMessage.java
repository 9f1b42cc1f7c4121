package io.bastion.channel.broker;

import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.SourceAction;

/**
 * One received control message after {@link ControlMessages#parse}: either refused with a typed reason, or a
 * message of a known template with its fields copied out of the receive buffer.
 * <p>
 * Only the fields of {@link #templateId()} are set; the others are zero or null. Immutable after parsing; arrays
 * are owned by this object (nothing here is zeroed: nonces, public keys, signatures and tokens are not secrets, and
 * a SourceUpdate's key is sealed).
 */
final class ControlMessage
{
    final RejectReason refusedFor;
    final RejectReason detail;
    final int templateId;
    final int version;

    int minVersion;
    int maxVersion;
    byte[] nonce;
    byte[] ephemeralKey;
    byte[] varData;

    long sessionId;
    int keyId;
    int channelId;
    int producerId;
    int ringCapacity;
    /** Welcome: the ring the client writes; SourceUpdate: the publisher's ring. */
    String publishRingPath;
    String subscribeRingPath;

    SourceAction action;
    /**
     * SourceUpdate: for KEY_RETIRED how long the retired key stays accepted; for ADDED the ring position the
     * subscriber starts at (the broker's choice, never the ring's); for KEY_IN_USE the ring position of the
     * publisher's first frame under the new key.
     */
    long graceMs;
    long effectiveFromSequence;
    GoodbyeReason goodbyeReason;
    RejectReason refusalReason;

    private ControlMessage(
        final RejectReason refusedFor, final RejectReason detail, final int templateId, final int version)
    {
        this.refusedFor = refusedFor;
        this.detail = detail;
        this.templateId = templateId;
        this.version = version;
    }

    static ControlMessage refused(final RejectReason refusedFor, final RejectReason detail)
    {
        return new ControlMessage(refusedFor, detail, -1, 0);
    }

    static ControlMessage of(final int templateId, final int version)
    {
        return new ControlMessage(null, null, templateId, version);
    }

    boolean isValid()
    {
        return null == refusedFor;
    }

    /**
     * The reason a malformed message was refused: {@link RejectReason#PROTOCOL_VIOLATION} on the wire.
     *
     * @return the reason, or null when valid.
     */
    RejectReason refusedFor()
    {
        return refusedFor;
    }

    /**
     * The precise structural reason behind a refusal (for the audit record), such as {@code TRUNCATED}.
     *
     * @return the detail, or null when valid.
     */
    RejectReason detail()
    {
        return detail;
    }

    int templateId()
    {
        return templateId;
    }

    @Override
    public String toString()
    {
        return isValid() ? "ControlMessage{template=" + templateId + '}' :
            "ControlMessage{refused=" + refusedFor + '/' + detail + '}';
    }
}
