package io.bastion.channel;

import io.bastion.codec.RejectReason;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * How a channel seals frames and checks seals, chosen per channel. Publisher and subscriber call
 * this interface and never name a MAC themselves. Implementations are not thread safe: one per
 * publishing or polling thread. {@link #seal} and {@link #verify} allocate nothing and throw
 * nothing.
 */
public interface FrameSealer
{
    /**
     * The key id to stamp into the next frame, or a negative value if no sending key is available.
     *
     * @return the current sending key id, or -1.
     */
    int sendingKeyId();

    /**
     * Seal an encoded frame in place with the key chosen by the last {@link #sendingKeyId()} call:
     * compute the tag over every byte but the tag and write it.
     *
     * @param buffer      holding the frame.
     * @param offset      of the frame in {@code buffer}.
     * @param frameLength of the frame.
     * @return true if sealed; false if the key stamped by {@link #sendingKeyId()} is gone (rotated out
     *         or destroyed meanwhile): the frame must not be published.
     */
    boolean seal(MutableDirectBuffer buffer, int offset, int frameLength);

    /**
     * Check the seal of a structurally valid frame. The key id is looked up first, so an unknown or
     * revoked key costs no MAC work.
     *
     * @param buffer      holding the frame (a private copy, unless zero-copy was chosen).
     * @param offset      of the frame in {@code buffer}.
     * @param frameLength of the frame.
     * @param keyId       the frame's key id, already read once by the caller.
     * @param nowMs       the subscriber's cached epoch time, for key expiry.
     * @return {@link RejectReason#NONE} if the seal is good, else the refusal: {@link RejectReason#UNKNOWN_KEY},
     *         {@link RejectReason#REVOKED_KEY}, {@link RejectReason#EXPIRED_KEY} or {@link RejectReason#BAD_TAG}
     *         (as {@code HmacFrameSealer} maps its key ring's and its MAC's verdicts). Never null.
     */
    RejectReason verify(DirectBuffer buffer, int offset, int frameLength, int keyId, long nowMs);
}
