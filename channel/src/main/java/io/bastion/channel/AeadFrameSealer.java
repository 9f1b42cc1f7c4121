package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.FrameDecoder;
import io.bastion.security.aead.AeadAlgorithm;
import io.bastion.security.aead.FrameAead;
import io.bastion.security.keys.KeyLookup;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.keys.KeyStatus;
import io.bastion.security.mac.HmacSha256;
import io.bastion.security.mac.MacKey;
import io.bastion.security.mac.MacResult;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Seals frames by encrypting their payload with an AEAD ({@link FrameAead}), for channels whose threat model includes
 * a reader of memory pages: a core dump, a swap file, a same-user reader of a named ring file. The ring then holds
 * only ciphertext.
 * <p>
 * <b>What is covered.</b> The associated data is every byte of the frame before the payload: the message header, the
 * block (frame length, channel, producer, key id, sequence, timestamp, message type, flags) with its 32-byte tag field
 * taken as zeros, and the payload length. The text is the payload. The AEAD's 16-byte tag goes in the first half of
 * the tag field; the second half must be zero, and a frame whose second half is not is refused, so every bit of the
 * frame is checked. The nonce is the key id and the frame's sequence ({@link FrameAead}).
 * <p>
 * <b>Keys.</b> The channel's key ring is the same as for the MAC: the broker hands over, rotates and revokes the
 * same keys. Each key is turned into its AEAD key by HKDF-Expand (RFC 5869) with the channel key as the pseudorandom
 * key and the info {@value #KEY_INFO}: {@code HMAC-SHA256(channelKey, info || 0x01)}. Keys are per channel and per
 * publisher (its direction), so the AEAD keys are too. The first frame under a key builds its cipher (an allocation
 * once per key); later frames reuse it. A revoked or expired key is refused by the key ring before any cipher work.
 * <p>
 * <b>Sequence space.</b> Sealing refuses (returns false, so the publisher sends nothing and reports
 * {@link ChannelStatus#NO_SENDING_KEY}) once the sending key has sealed the number of frames given at construction,
 * or when a sequence is not above the last sealed under that key: no nonce is ever used twice, and exhaustion forces
 * a rotation, after which the publisher's sequence carries on under the new key.
 * <p>
 * <b>Decryption happens in place.</b> {@link #verify} decrypts the subscriber's private copy of the frame, so it
 * needs a heap copy: a buffer without a backing array (a zero-copy view of the ring) is refused with
 * {@link RejectReason#PROTOCOL_VIOLATION}. On any refusal the copy's payload is left in an unspecified state and
 * nothing is dispatched.
 * <p>
 * Thread safety: none; one instance per publishing or polling thread, as {@link FrameSealer} says. {@link #close()}
 * zeroes the AEAD keys it built.
 */
public final class AeadFrameSealer implements FrameSealer, AutoCloseable
{
    /** The HKDF info that turns a channel key into its AEAD key. */
    public static final String KEY_INFO = "bastion-frame-aead-v1";

    /** How many receiving keys keep a built cipher at once: a rotation's grace holds two or three. */
    static final int CACHED_KEYS = 4;

    private static final int AEAD_TAG_OFFSET = FrameDescriptor.TAG_OFFSET;
    private static final int UNUSED_TAG_OFFSET = FrameDescriptor.TAG_OFFSET + FrameAead.TAG_LENGTH;
    private static final int UNUSED_TAG_LENGTH = FrameDescriptor.TAG_LENGTH - FrameAead.TAG_LENGTH;
    private static final int SEQUENCE_OFFSET = FrameDescriptor.HEADER_LENGTH + FrameDecoder.sequenceEncodingOffset();
    private static final UnsafeBuffer INFO;

    static
    {
        final byte[] info = (KEY_INFO + '\u0001').getBytes(StandardCharsets.US_ASCII);
        INFO = new UnsafeBuffer(info);
    }

    private final KeyRing keys;
    private final AeadAlgorithm algorithm;
    private final long frameLimit;
    private final HmacSha256 hmac = new HmacSha256();
    private final KeyLookup lookup = new KeyLookup();
    private final byte[] derived = new byte[FrameAead.KEY_LENGTH];
    private final UnsafeBuffer derivedBuffer = new UnsafeBuffer(derived);
    private final byte[] tag = new byte[FrameAead.TAG_LENGTH];

    private MacKey sendingSource;
    private FrameAead sending;

    private final MacKey[] receivingSources = new MacKey[CACHED_KEYS];
    private final FrameAead[] receiving = new FrameAead[CACHED_KEYS];
    private int nextSlot;

    /**
     * A sealer over a channel's key ring.
     *
     * @param keys          the channel's keys in this direction.
     * @param algorithm     the AEAD; both ends of a channel must use the same.
     * @param frameLimit how many frames one key may seal, {@link FrameAead#DEFAULT_FRAME_LIMIT} unless a
     *                      test needs a small space.
     */
    public AeadFrameSealer(final KeyRing keys, final AeadAlgorithm algorithm, final long frameLimit)
    {
        if (null == keys || null == algorithm || frameLimit <= 0)
        {
            throw new IllegalArgumentException("keys, algorithm and a positive sequence limit are required");
        }
        this.keys = keys;
        this.algorithm = algorithm;
        this.frameLimit = frameLimit;
    }

    /**
     * A sealer with AES-GCM, the faster of the two here (BENCHMARKS.md), and the default sequence limit.
     *
     * @param keys the channel's keys in this direction.
     */
    public AeadFrameSealer(final KeyRing keys)
    {
        this(keys, AeadAlgorithm.AES_GCM, FrameAead.DEFAULT_FRAME_LIMIT);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int sendingKeyId()
    {
        return KeyStatus.ACCEPTED == keys.current(lookup) ? lookup.keyId() : -1;
    }

    /**
     * Encrypt the payload in place and write the tag, with the key chosen by the last {@link #sendingKeyId()}.
     *
     * @param buffer      holding the frame, private to the publisher and backed by an array.
     * @param offset      of the frame in {@code buffer}.
     * @param frameLength of the frame.
     * @return true if sealed; false if the key is gone, its sequence space is exhausted, the sequence does not
     * increase, or the buffer has no backing array: the frame must not be published.
     */
    @Override
    public boolean seal(final MutableDirectBuffer buffer, final int offset, final int frameLength)
    {
        final MacKey key = lookup.key();
        final byte[] array = buffer.byteArray();
        if (null == key || null == array)
        {
            return false;
        }
        if (sendingSource != key)
        {
            if (!rebuildSending(key, lookup.keyId()))
            {
                return false;
            }
        }
        final int base = buffer.wrapAdjustment() + offset;
        final long sequence = buffer.getLong(offset + SEQUENCE_OFFSET, FrameDescriptor.BYTE_ORDER);
        final int payloadOffset = FrameDescriptor.payloadOffset(blockLength(buffer, offset));
        Arrays.fill(array, base + AEAD_TAG_OFFSET, base + AEAD_TAG_OFFSET + FrameDescriptor.TAG_LENGTH, (byte)0);
        return FrameAead.OK == sending.seal(array, base, payloadOffset, base + payloadOffset,
            frameLength - payloadOffset, array, base + AEAD_TAG_OFFSET, sequence);
    }

    /**
     * Check the frame's key, then its tag, and decrypt its payload in place.
     *
     * @param buffer      the subscriber's private heap copy of the frame.
     * @param offset      of the frame in {@code buffer}.
     * @param frameLength of the frame.
     * @param keyId       the frame's key id, already read once by the caller.
     * @param nowMs       the subscriber's cached epoch time, for key expiry.
     * @return {@link RejectReason#NONE}, a key refusal ({@link RejectReason#UNKNOWN_KEY},
     * {@link RejectReason#REVOKED_KEY}, {@link RejectReason#EXPIRED_KEY}), {@link RejectReason#BAD_TAG} for any change
     * to the frame, or {@link RejectReason#PROTOCOL_VIOLATION} for a buffer with no backing array.
     */
    @Override
    public RejectReason verify(
        final DirectBuffer buffer, final int offset, final int frameLength, final int keyId, final long nowMs)
    {
        final KeyStatus status = keys.lookup(keyId, nowMs, lookup);
        if (KeyStatus.ACCEPTED != status)
        {
            return Refusals.of(status);
        }
        final byte[] array = buffer.byteArray();
        if (null == array)
        {
            return RejectReason.PROTOCOL_VIOLATION;
        }
        final FrameAead opener = receivingFor(lookup.key(), keyId);
        if (null == opener)
        {
            return RejectReason.REVOKED_KEY;
        }
        final int base = buffer.wrapAdjustment() + offset;
        for (int i = 0; i < UNUSED_TAG_LENGTH; i++)
        {
            if (0 != array[base + UNUSED_TAG_OFFSET + i])
            {
                return RejectReason.BAD_TAG;
            }
        }
        final long sequence = buffer.getLong(offset + SEQUENCE_OFFSET, FrameDescriptor.BYTE_ORDER);
        final int payloadOffset = FrameDescriptor.payloadOffset(blockLength(buffer, offset));
        System.arraycopy(array, base + AEAD_TAG_OFFSET, tag, 0, FrameAead.TAG_LENGTH);
        Arrays.fill(array, base + AEAD_TAG_OFFSET, base + AEAD_TAG_OFFSET + FrameAead.TAG_LENGTH, (byte)0);
        final int opened = opener.open(
            array, base, payloadOffset, base + payloadOffset, frameLength - payloadOffset, tag, 0, sequence);
        switch (opened)
        {
            case FrameAead.OK:
                return RejectReason.NONE;
            case FrameAead.KEY_DESTROYED:
                return RejectReason.REVOKED_KEY;
            default:
                return RejectReason.BAD_TAG;
        }
    }

    /**
     * Not supported: AEAD sealing has no batch form yet ({@link SealingMode#HMAC_BATCH} channels seal with
     * {@link HmacFrameSealer}). Refuses, so a publisher configured so publishes nothing.
     *
     * @param buffer holding the run of frames.
     * @param offset of the first frame.
     * @param length of the run.
     * @return false, always.
     */
    @Override
    public boolean sealBatch(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        return false;
    }

    /**
     * Not supported: AEAD sealing has no batch form yet, so no batch record is ever accepted.
     *
     * @param buffer holding the run.
     * @param offset of the first frame.
     * @param length of the run.
     * @param keyId  the batch's key id.
     * @param nowMs  the subscriber's cached epoch time.
     * @return {@link RejectReason#PROTOCOL_VIOLATION}, always.
     */
    @Override
    public RejectReason verifyBatch(
        final DirectBuffer buffer, final int offset, final int length, final int keyId, final long nowMs)
    {
        return RejectReason.PROTOCOL_VIOLATION;
    }

    /**
     * Zero every AEAD key this sealer built.
     */
    @Override
    public void close()
    {
        if (null != sending)
        {
            sending.destroy();
            sending = null;
            sendingSource = null;
        }
        for (int i = 0; i < CACHED_KEYS; i++)
        {
            if (null != receiving[i])
            {
                receiving[i].destroy();
                receiving[i] = null;
                receivingSources[i] = null;
            }
        }
    }

    private boolean rebuildSending(final MacKey key, final int keyId)
    {
        if (null != sending)
        {
            sending.destroy();
            sending = null;
            sendingSource = null;
        }
        final FrameAead built = build(key, keyId, true);
        if (null == built)
        {
            return false;
        }
        sending = built;
        sendingSource = key;
        return true;
    }

    private FrameAead receivingFor(final MacKey key, final int keyId)
    {
        for (int i = 0; i < CACHED_KEYS; i++)
        {
            if (receivingSources[i] == key && receiving[i].keyId() == keyId)
            {
                return receiving[i];
            }
        }
        final FrameAead built = build(key, keyId, false);
        if (null == built)
        {
            return null;
        }
        final int slot = freeOrOldestSlot();
        if (null != receiving[slot])
        {
            receiving[slot].destroy();
        }
        receiving[slot] = built;
        receivingSources[slot] = key;
        return built;
    }

    private int freeOrOldestSlot()
    {
        for (int i = 0; i < CACHED_KEYS; i++)
        {
            if (null == receiving[i] || receivingSources[i].isDestroyed())
            {
                return i;
            }
        }
        final int slot = nextSlot;
        nextSlot = (slot + 1) % CACHED_KEYS;
        return slot;
    }

    /**
     * HKDF-Expand of the channel key into the AEAD key; null if the channel key was destroyed meanwhile.
     */
    private FrameAead build(final MacKey key, final int keyId, final boolean forSealing)
    {
        try
        {
            if (MacResult.OK != hmac.sign(key, INFO, 0, INFO.capacity(), derivedBuffer, 0))
            {
                return null;
            }
            return forSealing ?
                FrameAead.forSealing(algorithm, derived, keyId, frameLimit) :
                FrameAead.forOpening(algorithm, derived, keyId);
        }
        finally
        {
            Arrays.fill(derived, (byte)0);
        }
    }

    private static int blockLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, FrameDescriptor.BYTE_ORDER) & 0xFFFF;
    }
}
