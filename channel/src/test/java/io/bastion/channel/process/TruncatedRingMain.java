package io.bastion.channel.process;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.ChannelStatus;
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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM that publishes into and polls from one named-file ring (both sides in this process, on their own
 * mappings), waits for the test to truncate the ring's file from another process, then keeps offering and polling
 * for a while. It prints what the publisher and the subscriber reported; an error escaping either kills it.
 * <p>
 * Arguments: ring path, capacity. Stdin: {@code go} once the file is truncated.
 */
public final class TruncatedRingMain
{
    private static final int CHANNEL_ID = 5;
    private static final int PRODUCER_ID = 2;

    private TruncatedRingMain()
    {
    }

    /**
     * Run.
     *
     * @param args ring path, capacity.
     * @throws Exception if the ring cannot be mapped.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path ring = Path.of(args[0]);
        final int capacity = Integer.parseInt(args[1]);
        final RingFiles ringFiles = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()));
        final MappedRing producerSide = ringFiles.mapAsProducer(ring, capacity);
        final MappedRing consumerSide = ringFiles.mapAsConsumer(ring, capacity);
        final byte[] key = new byte[32];
        key[0] = 7;
        final KeyRing sendKeys =
            new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, System::currentTimeMillis);
        final KeyRing receiveKeys =
            new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, System::currentTimeMillis);
        sendKeys.rotate(1, key, 0);
        receiveKeys.rotate(1, key, 0);
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(128 * 1024, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(32 * 1024, 64)));
        final Publisher publisher = new Publisher(
            new OneToOneRingProducer(producerSide.producerRegion(), producerSide.consumerRegion(),
                System::currentTimeMillis),
            new HmacFrameSealer(sendKeys), CHANNEL_ID, PRODUCER_ID, System::nanoTime,
            new ChannelCounters(counters, "pub"));
        final RejectReason[] lastRejection = new RejectReason[1];
        final Subscriber subscriber = new Subscriber(CHANNEL_ID, 1024, new HmacFrameSealer(receiveKeys),
            new QuarantinePolicy(4, 1000, 60_000_000_000L, 60_000_000_000L),
            new RejectionHandler()
            {
                public void onRejected(final int sourceId, final RejectReason reason)
                {
                    lastRejection[0] = reason;
                }

                public void onQuarantined(final int sourceId)
                {
                    System.out.println("quarantined " + lastRejection[0]);
                }
            },
            System::currentTimeMillis, new ChannelCounters(counters, "sub"));
        final int source = subscriber.addSource(
            new OneToOneRingConsumer(consumerSide.producerRegion(), consumerSide.consumerRegion(),
                System::currentTimeMillis),
            PRODUCER_ID);
        subscriber.doWork();
        publisher.doWork();

        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final long[] received = new long[1];
        for (int i = 0; i < 100; i++)
        {
            if (publisher.offer(payload, 0, payload.capacity(), 1) < 0)
            {
                throw new IllegalStateException("offer refused before the truncation");
            }
            subscriber.poll((buffer, offset, length, frame) -> received[0]++, 10);
        }
        System.out.println("ready " + received[0]);

        final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        if (!"go".equals(stdin.readLine()))
        {
            return;
        }
        long lastOffer = 0;
        final long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() - end < 0)
        {
            publisher.doWork();
            final long result = publisher.offer(payload, 0, payload.capacity(), 1);
            if (result < 0)
            {
                lastOffer = result;
            }
            subscriber.doWork();
            subscriber.poll((buffer, offset, length, frame) -> received[0]++, 10);
        }
        System.out.println("publisher " + ChannelStatus.describe(lastOffer) + " faulted=" + publisher.isFaulted());
        System.out.println("subscriber quarantined=" + subscriber.isQuarantined(source) + " alive=" +
            subscriber.isSourceAlive(source, 60_000));
        System.out.println("done");
    }
}
