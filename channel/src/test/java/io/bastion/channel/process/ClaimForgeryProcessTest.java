package io.bastion.channel.process;

import io.bastion.test.TestFolders;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.FrameClaim;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.MappedRing;
import io.bastion.channel.Publisher;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.RingFiles;
import io.bastion.channel.Subscriber;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.rate.QuarantinePolicy;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attack 1 of the issue on rings no other process can open: a process of the same user maps a ring file and rewrites
 * a frame's payload. It may do so while the application holds a claim (between write and seal), or after the
 * commit; either way the subscriber's handler must never see its bytes. The attacker is {@code python3}, a separate
 * process, working on the named-file rings (the fallback where anonymous memory is missing).
 */
class ClaimForgeryProcessTest
{
    private static final String GENUINE = "GENUINE-PAYLOAD-";
    private static final String FORGED = "FORGED!-PAYLOAD-";
    private static final int CAPACITY = 64 * 1024;
    private static final int CHANNEL_ID = 9;
    private static final int PRODUCER_ID = 3;

    @TempDir
    Path temp;

    private final List<String> dispatched = new ArrayList<>();
    private final List<RejectReason> rejected = new ArrayList<>();
    private Path ring;
    private MappedRing producerSide;
    private MappedRing consumerSide;
    private Publisher publisher;
    private Subscriber subscriber;
    private Path attacker;

    @BeforeEach
    void connect() throws Exception
    {
        final Path dir = TestFolders.ownerOnly(temp, "rings");
        ring = ProcessFolders.oneToOneRing(dir, "prices", CAPACITY);
        final RingFiles ringFiles = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()));
        producerSide = ringFiles.mapAsProducer(ring, CAPACITY);
        consumerSide = ringFiles.mapAsConsumer(ring, CAPACITY);
        final byte[] key = new byte[32];
        key[0] = 1;
        final KeyRing sendKeys = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, () -> 1L);
        final KeyRing receiveKeys = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, () -> 1L);
        sendKeys.rotate(1, key, 0);
        receiveKeys.rotate(1, key, 0);
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(128 * 1024, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(32 * 1024, 64)));
        publisher = new Publisher(
            new OneToOneRingProducer(producerSide.producerRegion(), producerSide.consumerRegion(), () -> 1L),
            new HmacFrameSealer(sendKeys), CHANNEL_ID, PRODUCER_ID, () -> 1L, new ChannelCounters(counters, "pub"));
        subscriber = new Subscriber(CHANNEL_ID, 4096, new HmacFrameSealer(receiveKeys),
            new QuarantinePolicy(4, 1000, 60_000_000_000L, 60_000_000_000L),
            new RejectionHandler()
            {
                public void onRejected(final int sourceId, final RejectReason reason)
                {
                    rejected.add(reason);
                }

                public void onQuarantined(final int sourceId)
                {
                }
            },
            () -> 1L, new ChannelCounters(counters, "sub"));
        subscriber.addSource(
            new OneToOneRingConsumer(consumerSide.producerRegion(), consumerSide.consumerRegion(), () -> 1L),
            PRODUCER_ID);
        subscriber.doWork();
        publisher.doWork();
        assertTrue(publisher.isConnected());

        attacker = temp.resolve("rewrite_ring.py");
        try (InputStream script = Objects.requireNonNull(
            ClaimForgeryProcessTest.class.getResourceAsStream("rewrite_ring.py")))
        {
            Files.copy(script, attacker);
        }
    }

    @AfterEach
    void close()
    {
        producerSide.close();
        consumerSide.close();
    }

    @Test
    void bytesRewrittenInTheRingWhileTheApplicationHoldsAClaimAreNeverSealed() throws Exception
    {
        final FrameClaim claim = new FrameClaim();
        final byte[] payload = GENUINE.repeat(4).getBytes(StandardCharsets.US_ASCII);
        assertTrue(publisher.tryClaim(payload.length, 1, claim) > 0);
        claim.buffer().putBytes(claim.offset(), payload);

        // The claimed record sits in shared memory now; the attacker rewrites whatever of the payload it finds there.
        final int rewritten = rewrite(GENUINE, FORGED);
        assertTrue(claim.commit() > 0);
        pollAll();

        assertEquals(0, rewritten, "the payload reached shared memory before it was sealed");
        assertEquals(List.of(GENUINE.repeat(4)), dispatched);
        assertEquals(List.of(), rejected);
    }

    @Test
    void bytesRewrittenInTheRingAfterTheCommitAreRefusedAsABadTag() throws Exception
    {
        final byte[] payload = GENUINE.repeat(4).getBytes(StandardCharsets.US_ASCII);
        assertTrue(publisher.offer(new UnsafeBuffer(payload), 0, payload.length, 1) > 0);

        assertEquals(4, rewrite(GENUINE, FORGED));
        pollAll();

        assertEquals(List.of(), dispatched);
        assertEquals(List.of(RejectReason.BAD_TAG), rejected);
    }

    private void pollAll()
    {
        while (subscriber.poll((buffer, offset, length, frame) ->
            dispatched.add(buffer.getStringWithoutLengthAscii(offset, length)), 16) > 0)
        {
            subscriber.doWork();
        }
    }

    private int rewrite(final String from, final String to) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(
            "/usr/bin/python3", attacker.toString(), RingFiles.producerFile(ring).toString(), from, to)
            .redirectErrorStream(true)
            .start();
        final String output;
        try (InputStream out = process.getInputStream())
        {
            output = new String(out.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "attacker hung");
        assertEquals(0, process.exitValue(), output);
        return Integer.parseInt(output);
    }
}
