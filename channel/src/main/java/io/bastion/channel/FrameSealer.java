package io.bastion.channel;

import io.bastion.codec.RejectReason;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * How a channel seals frames and checks seals, chosen per channel. Publisher and subscriber call
 * this interface and never name a MAC themselves. Implementations are not thread safe: one per
 * publishing or polling thread. {@link #seal}, {@link #verify}, {@link #sealBatch} and {@link #verifyBatch}
 * allocate nothing and throw nothing.
 * <p>
 * A channel's {@link SealingMode} says which pair is used: {@link SealingMode#HMAC_PER_FRAME} seals each frame alone
 * ({@link #seal}, {@link #verify}); {@link SealingMode#HMAC_BATCH} seals a run of frames under one tag
 * ({@link #sealBatch}, {@link #verifyBatch}). A batch is a run of whole frames back to back; its tag covers every
 * byte of the run except the frames' tag fields and is written into the last frame's tag field; the tag fields of the
 * other frames are zero (the subscriber checks that before it verifies, so they need not be hashed).
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

    /**
     * Seal a batch in place with the key chosen by the last {@link #sendingKeyId()} call: compute one tag over every
     * byte of the run of frames except their tag fields, and write it into the last frame's tag field. Every frame
     * already carries that key id and a zero tag field.
     *
     * @param buffer holding the run of frames.
     * @param offset of the first frame in {@code buffer}.
     * @param length of the run: the frames' lengths add up to it exactly.
     * @return true if sealed; false if the key is gone, or the run is not whole frames that tile it: the batch must
     *         not be published.
     */
    boolean sealBatch(MutableDirectBuffer buffer, int offset, int length);

    /**
     * Check the one tag of a batch whose frames the caller validated: each a well-formed frame, together tiling the
     * run exactly, all of one key id, every tag field but the last zero. The key id is looked up first, so an
     * unknown or revoked key costs no MAC work.
     *
     * @param buffer holding the run (a private copy).
     * @param offset of the first frame in {@code buffer}.
     * @param length of the run.
     * @param keyId  the key id every frame of the batch carries.
     * @param nowMs  the subscriber's cached epoch time, for key expiry.
     * @return {@link RejectReason#NONE} if the tag is good, else the refusal, as for {@link #verify}. Never null.
     */
    RejectReason verifyBatch(DirectBuffer buffer, int offset, int length, int keyId, long nowMs);
}
