package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.FrameWriter;
import io.bastion.codec.RejectReason;
import io.bastion.security.aead.AeadAlgorithm;
import io.bastion.security.aead.FrameAead;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AeadFrameSealerTest
{
    private static final int PAYLOAD = 40;

    private final ReceivedFrames frames = new ReceivedFrames();
    private final List<byte[]> received = frames.payloads;
    private final List<Long> sequences = frames.sequences;

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void framesCrossTheRingEncryptedAndArriveDecryptedInOrder(final AeadAlgorithm algorithm)
    {
        final ChannelRig rig =
            new ChannelRig(1000, (keys) -> new AeadFrameSealer(keys, algorithm, FrameAead.DEFAULT_FRAME_LIMIT));
        final byte[] secret = "the order book of a trading desk".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 500; i++)
        {
            final int length = i % 300;
            // Every other frame carries the secret text (zero-padded to its length), so a plaintext ring would show it.
            final byte[] payload = i % 2 == 0 ?
                Arrays.copyOf(secret, Math.max(length, secret.length)) : ChannelRig.payload(i, length).byteArray();
            final UnsafeBuffer buffer = new UnsafeBuffer(payload);
            assertTrue(rig.publisher.offer(buffer, 0, buffer.capacity(), 5) > 0, "offer " + i);
            assertFalse(contains(rig.producerRegion, secret), "the ring holds no plaintext");
            drain(rig);
        }
        assertEquals(500, received.size());
        for (int i = 0; i < 500; i++)
        {
            final byte[] expected = i % 2 == 0 ?
                Arrays.copyOf(secret, Math.max(i % 300, secret.length)) : ChannelRig.payload(i, i % 300).byteArray();
            assertArrayEquals(expected, received.get(i), "payload " + i);
            assertEquals(i + 1, sequences.get(i));
        }
        assertTrue(rig.rejections.isEmpty(), rig.rejections.toString());
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void everyBitFlipOfAnEncryptedFrameIsRefused(final AeadAlgorithm algorithm)
    {
        final KeyRing keys = ring();
        final byte[] sealed = sealedFrame(new AeadFrameSealer(keys, algorithm, 100), 7);
        final AeadFrameSealer verifier = new AeadFrameSealer(keys, algorithm, 100);
        assertEquals(RejectReason.NONE, check(verifier, sealed.clone()));

        for (int bit = 0; bit < sealed.length * Byte.SIZE; bit++)
        {
            final byte[] frame = sealed.clone();
            frame[bit / Byte.SIZE] ^= (byte)(1 << (bit % Byte.SIZE));
            assertNotEquals(RejectReason.NONE, check(verifier, frame), "bit " + bit);
        }
        assertEquals(RejectReason.NONE, check(verifier, sealed.clone()), "and the intact frame still opens");
    }

    @Test
    void aSubscriberWithTheWrongKeyDispatchesNothingAndCountsBadTags()
    {
        final ChannelRig rig = new ChannelRig(1000, AeadFrameSealer::new);
        rig.receiveKeys.rotate(2, ChannelRig.KEY_2, 0);
        rig.receiveKeys.revoke(1);
        rig.sendKeys.rotate(2, ChannelRig.key(9), 0);
        for (int i = 0; i < 10; i++)
        {
            assertTrue(rig.publisher.offer(ChannelRig.payload(i, PAYLOAD), 0, PAYLOAD, 5) > 0);
        }
        drain(rig);

        assertTrue(received.isEmpty());
        assertEquals(10, rig.rejections.size());
        assertTrue(rig.rejections.stream().allMatch((r) -> r.endsWith(":" + RejectReason.BAD_TAG)), rig.rejections
            .toString());
    }

    @Test
    void anExhaustedKeyStopsThePublisherForGoodAfterItsLimitOfFramesAllDelivered()
    {
        final long limit = 6;
        final ChannelRig rig = new ChannelRig(1000, (keys) -> new AeadFrameSealer(keys, AeadAlgorithm.AES_GCM, limit));
        int sent = 0;
        while (rig.publisher.offer(ChannelRig.payload(sent, PAYLOAD), 0, PAYLOAD, 5) > 0)
        {
            sent++;
        }
        assertEquals(limit, sent, "a key seals its limit of frames, no more");
        // NO_SENDING_KEY stops a publisher for good (ChannelStatus): it publishes nothing more, even once keys
        // rotate; its session ends and a new one starts under a new key.
        rig.sendKeys.rotate(2, ChannelRig.KEY_2, 0);
        assertEquals(ChannelStatus.NO_SENDING_KEY,
            rig.publisher.offer(ChannelRig.payload(sent, PAYLOAD), 0, PAYLOAD, 5));
        drain(rig);

        assertEquals(limit, received.size());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), sequences);
        assertTrue(rig.rejections.isEmpty(), rig.rejections.toString());
    }

    @Test
    void aRotatedKeySealsASpaceOfItsOwnWhileTheSequenceCarriesOnSoNoNonceRepeats()
    {
        final KeyRing keys = ring();
        final AeadFrameSealer sealer = new AeadFrameSealer(keys, AeadAlgorithm.AES_GCM, 3);
        final AeadFrameSealer verifier = new AeadFrameSealer(keys, AeadAlgorithm.AES_GCM, 3);
        long sequence = 1;
        for (; sequence <= 3; sequence++)
        {
            assertEquals(RejectReason.NONE, check(verifier, sealedFrame(sealer, sequence)));
        }
        assertFalse(trySeal(sealer, sequence), "key 1 is exhausted");
        assertFalse(trySeal(sealer, sequence - 1), "and never seals a sequence twice");

        keys.rotate(2, ChannelRig.KEY_2, 60_000);
        for (; sequence <= 6; sequence++)
        {
            final byte[] frame = sealedFrame(sealer, sequence);
            assertEquals(2, new UnsafeBuffer(frame).getInt(FrameDescriptor.HEADER_LENGTH + 12,
                FrameDescriptor.BYTE_ORDER));
            assertEquals(RejectReason.NONE, check(verifier, frame));
        }
        assertFalse(trySeal(sealer, sequence), "key 2 is exhausted too");
    }

    @Test
    void theAeadKeyIsHkdfExpandOfTheChannelKeyWithTheDocumentedInfo() throws Exception
    {
        final KeyRing keys = ring();
        final byte[] sealed = sealedFrame(new AeadFrameSealer(keys, AeadAlgorithm.AES_GCM, 100), 3);

        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(ChannelRig.KEY_1, "HmacSHA256"));
        mac.update(AeadFrameSealer.KEY_INFO.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte)1);
        final byte[] aeadKey = mac.doFinal();
        final FrameAead opener = FrameAead.forOpening(AeadAlgorithm.AES_GCM, aeadKey, 1);

        final int payloadOffset = FrameDescriptor.payloadOffset(FrameDescriptor.BLOCK_LENGTH);
        final byte[] tag = Arrays.copyOfRange(sealed, FrameDescriptor.TAG_OFFSET,
            FrameDescriptor.TAG_OFFSET + FrameAead.TAG_LENGTH);
        Arrays.fill(sealed, FrameDescriptor.TAG_OFFSET, FrameDescriptor.TAG_OFFSET + FrameDescriptor.TAG_LENGTH,
            (byte)0);
        assertEquals(FrameAead.OK,
            opener.open(sealed, 0, payloadOffset, payloadOffset, PAYLOAD, tag, 0, 3));
        assertArrayEquals(ChannelRig.payload(3, PAYLOAD).byteArray(),
            Arrays.copyOfRange(sealed, payloadOffset, payloadOffset + PAYLOAD));
    }

    @Test
    void aFrameWithoutAPrivateHeapCopyIsRefusedNotDecryptedInShared()
    {
        final KeyRing keys = ring();
        final byte[] sealed = sealedFrame(new AeadFrameSealer(keys), 3);
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(sealed.length));
        offHeap.putBytes(0, sealed);

        assertEquals(RejectReason.PROTOCOL_VIOLATION,
            new AeadFrameSealer(keys).verify(offHeap, 0, sealed.length, 1, 0));
    }

    @Test
    void closingZeroesEveryBuiltKeyAndARevokedKeyIsRefusedBeforeAnyCipherWork()
    {
        final KeyRing keys = ring();
        final AeadFrameSealer sealer = new AeadFrameSealer(keys);
        final byte[] sealed = sealedFrame(sealer, 3);
        final AeadFrameSealer verifier = new AeadFrameSealer(keys);
        assertEquals(RejectReason.NONE, check(verifier, sealed.clone()));

        keys.revoke(1);
        assertEquals(RejectReason.REVOKED_KEY, check(verifier, sealed.clone()));
        verifier.close();
        sealer.close();
        assertEquals(-1, sealer.sendingKeyId());
    }

    private int drain(final ChannelRig rig)
    {
        return frames.drain(rig.subscriber);
    }

    private static KeyRing ring()
    {
        final KeyRing keys = new KeyRing(ChannelRig.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, () -> 0);
        keys.rotate(1, ChannelRig.KEY_1, 0);
        return keys;
    }

    /** As the subscriber checks a record: structure first, then the seal. */
    private static RejectReason check(final AeadFrameSealer verifier, final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final RejectReason structure = FrameValidator.strict().validate(buffer, 0, frame.length);
        if (RejectReason.NONE != structure)
        {
            return structure;
        }
        final int keyId = buffer.getInt(FrameDescriptor.HEADER_LENGTH + 12, FrameDescriptor.BYTE_ORDER);
        return verifier.verify(buffer, 0, frame.length, keyId, 0);
    }

    private static boolean trySeal(final AeadFrameSealer sealer, final long sequence)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameDescriptor.frameLength(PAYLOAD)]);
        final FrameWriter writer = new FrameWriter();
        final int length = writer.wrap(buffer, 0, buffer.capacity(), PAYLOAD);
        writer.keyId(sealer.sendingKeyId()).sequence(sequence);
        return sealer.seal(buffer, 0, length);
    }

    private static byte[] sealedFrame(final AeadFrameSealer sealer, final long sequence)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameDescriptor.frameLength(PAYLOAD)]);
        final FrameWriter writer = new FrameWriter();
        final int length = writer.wrap(buffer, 0, buffer.capacity(), PAYLOAD);
        writer.channelId(ChannelRig.CHANNEL_ID).producerId(ChannelRig.PRODUCER_ID).keyId(sealer.sendingKeyId())
            .sequence(sequence).timestamp(1).messageTypeId(3).flags(0)
            .putPayload(ChannelRig.payload(sequence, PAYLOAD), 0);
        assertTrue(sealer.seal(buffer, 0, length));
        return buffer.byteArray();
    }

    private static boolean contains(final org.agrona.DirectBuffer region, final byte[] needle)
    {
        final byte[] bytes = new byte[region.capacity()];
        region.getBytes(0, bytes);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (bytes[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
