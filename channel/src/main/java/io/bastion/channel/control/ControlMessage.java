package io.bastion.channel.control;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.SealingMode;
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
public final class ControlMessage
{
    /** Why the message was refused, or null when it is valid. */
    public final RejectReason refusedFor;
    /** The structural reason behind a refusal, or null. */
    public final RejectReason detail;
    /** The SBE template id of the message, or -1 when refused. */
    public final int templateId;
    final int version;

    /** Hello: the lowest protocol version the client speaks. */
    public int minVersion;
    /** Hello: the highest protocol version the client speaks. */
    public int maxVersion;
    /** Hello and Challenge: the sender's 32-byte nonce. */
    public byte[] nonce;
    /** Hello and Challenge: the sender's raw X25519 public key. */
    public byte[] ephemeralKey;
    /** Challenge: the signature; Credentials: the sealed token; KeyUpdate and SourceUpdate: the sealed key. */
    public byte[] varData;

    /** Welcome: the session id. */
    public long sessionId;
    /** Welcome, KeyUpdate and SourceUpdate: the key id. */
    public int keyId;
    /** Welcome and SourceUpdate: the channel id. */
    public int channelId;
    /** Welcome and SourceUpdate: the producer id. */
    public int producerId;
    /** Welcome and SourceUpdate: the ring capacity in bytes. */
    public int ringCapacity;
    /** Welcome: the ring the client writes; SourceUpdate: the publisher's ring. */
    public String publishRingPath;
    /** Welcome: the ring the client reads. */
    public String subscribeRingPath;
    /** Welcome: how the channel's frames are sealed. */
    public SealingMode sealing;
    /** Welcome: how many subscribers the channel takes at once, and what its publishers do about a slow one. */
    public ChannelFanOut fanOut;

    /** SourceUpdate: what changed. */
    public SourceAction action;
    /**
     * SourceUpdate: for KEY_RETIRED how long the retired key stays accepted; for ADDED the ring position the
     * subscriber starts at (the broker's choice, never the ring's); for KEY_IN_USE the ring position of the
     * publisher's first frame under the new key.
     */
    public long graceMs;
    long effectiveFromSequence;
    /** Goodbye: why the session ends. */
    public GoodbyeReason goodbyeReason;
    /** Refusal: why the other side refused. */
    public RejectReason refusalReason;

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

    /**
     * Whether the message parsed; only then are its fields meaningful.
     *
     * @return true when valid.
     */
    public boolean isValid()
    {
        return null == refusedFor;
    }

    /**
     * The reason a malformed message was refused: {@link RejectReason#PROTOCOL_VIOLATION} on the wire.
     *
     * @return the reason, or null when valid.
     */
    public RejectReason refusedFor()
    {
        return refusedFor;
    }

    /**
     * The precise structural reason behind a refusal (for the audit record), such as {@code TRUNCATED}.
     *
     * @return the detail, or null when valid.
     */
    public RejectReason detail()
    {
        return detail;
    }

    /**
     * The SBE template id of the message.
     *
     * @return the id, or -1 when refused.
     */
    public int templateId()
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
