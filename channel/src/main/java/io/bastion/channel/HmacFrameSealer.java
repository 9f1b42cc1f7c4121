package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.security.keys.KeyLookup;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.keys.KeyStatus;
import io.bastion.security.mac.HmacSha256;
import io.bastion.security.mac.MacKey;
import io.bastion.security.mac.MacResult;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * HMAC-SHA256 sealing with keys from a {@link KeyRing}: per frame, the tag covers every byte of the
 * frame except the tag itself; per batch, one tag covers every byte of the run of frames except their
 * tag fields (see {@link FrameSealer}). One instance per thread; the key ring may be shared and rotated by
 * another thread.
 */
public final class HmacFrameSealer implements FrameSealer
{
    static
    {
        // The MAC writes and compares HmacSha256.TAG_LENGTH bytes at the frame's tag field: the two must agree, or
        // a tag would spill into the payload or leave bytes of the field unchecked.
        if (HmacSha256.TAG_LENGTH != FrameDescriptor.TAG_LENGTH)
        {
            throw new ExceptionInInitializerError("tag length " + HmacSha256.TAG_LENGTH +
                " does not fit the frame's tag field of " + FrameDescriptor.TAG_LENGTH);
        }
    }

    private final KeyRing keys;
    private final HmacSha256 mac = new HmacSha256();
    private final KeyLookup lookup = new KeyLookup();

    /**
     * Seal with the ring's current key, or verify against its accepted keys.
     *
     * @param keys the key ring for this channel and direction.
     */
    public HmacFrameSealer(final KeyRing keys)
    {
        this.keys = keys;
    }

    /**
     * {@inheritDoc}
     */
    public int sendingKeyId()
    {
        return KeyStatus.ACCEPTED == keys.current(lookup) ? lookup.keyId() : -1;
    }

    /**
     * {@inheritDoc}
     */
    public boolean seal(final MutableDirectBuffer buffer, final int offset, final int frameLength)
    {
        // Signs with the key chosen by the last sendingKeyId(), whose id the frame carries; a key
        // destroyed since then fails closed.
        if (null == lookup.key())
        {
            return false;
        }
        return MacResult.OK == mac.signSkippingTag(
            lookup.key(), buffer, offset, frameLength, offset + FrameDescriptor.TAG_OFFSET);
    }

    /**
     * {@inheritDoc}
     */
    public RejectReason verify(
        final DirectBuffer buffer, final int offset, final int frameLength, final int keyId, final long nowMs)
    {
        final KeyStatus status = keys.lookup(keyId, nowMs, lookup);
        if (KeyStatus.ACCEPTED != status)
        {
            return Refusals.of(status);
        }
        return Refusals.of(mac.verifySkippingTag(
            lookup.key(), buffer, offset, frameLength, offset + FrameDescriptor.TAG_OFFSET));
    }

    /**
     * {@inheritDoc}
     */
    public boolean sealBatch(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (null == lookup.key())
        {
            return false;
        }
        final int lastFrame = hashBatch(lookup.key(), buffer, offset, length);
        return lastFrame >= 0 && MacResult.OK == mac.finish(buffer, lastFrame + FrameDescriptor.TAG_OFFSET);
    }

    /**
     * {@inheritDoc}
     */
    public RejectReason verifyBatch(
        final DirectBuffer buffer, final int offset, final int length, final int keyId, final long nowMs)
    {
        final KeyStatus status = keys.lookup(keyId, nowMs, lookup);
        if (KeyStatus.ACCEPTED != status)
        {
            return Refusals.of(status);
        }
        final int lastFrame = hashBatch(lookup.key(), buffer, offset, length);
        if (lastFrame < 0)
        {
            return RejectReason.BAD_TAG;
        }
        return Refusals.of(mac.finishAndVerify(buffer, lastFrame + FrameDescriptor.TAG_OFFSET));
    }

    /**
     * Begin a tag and hash the run but its frames' tag fields: the bytes between two tag fields are contiguous (the
     * tail of one frame, then the head of the next), so k frames take k + 1 ranges.
     *
     * @return the offset of the last frame, whose tag field holds the batch's tag; -1 if the run is not whole frames.
     */
    private int hashBatch(final MacKey key, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!HmacSha256.inBounds(buffer, offset, length))
        {
            return -1;
        }
        final HmacSha256 mac = this.mac;
        // A destroyed key fails at finish, which reports it.
        mac.begin(key);
        int position = offset;
        int remaining = length;
        int hashFrom = offset;
        int lastFrame = -1;
        while (remaining > 0)
        {
            final int frameLength = BatchFrames.frameLengthAt(buffer, position, remaining);
            if (frameLength < 0)
            {
                return -1;
            }
            final int tagOffset = position + FrameDescriptor.TAG_OFFSET;
            mac.update(buffer, hashFrom, tagOffset - hashFrom);
            hashFrom = tagOffset + FrameDescriptor.TAG_LENGTH;
            lastFrame = position;
            position += frameLength;
            remaining -= frameLength;
        }
        mac.update(buffer, hashFrom, position - hashFrom);
        return lastFrame;
    }
}
