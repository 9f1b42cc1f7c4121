package io.bastion.channel.process;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.MappedRing;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.RingFiles;
import io.bastion.channel.Subscriber;
import io.bastion.codec.FrameReader;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.rate.QuarantinePolicy;
import io.bastion.security.replay.StrictReplayGuard;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.util.Map;

/**
 * A child process that subscribes to one one-to-one ring in files and checks every frame it is
 * handed: its sequence must be the previous one plus one, its message type and payload exactly
 * those {@link Wire} derives from that sequence. Anything else is a mismatch.
 * <p>
 * Arguments ({@code key=value}): {@code ring}, {@code capacity}, {@code key}, {@code key-id},
 * {@code producer-id}, {@code expect} (frames to receive; -1: run until killed),
 * {@code deadline-ms}. Prints {@code ready} once its heartbeat is published, then
 * {@code SUMMARY received=N mismatches=M rejections=R gaps=G quarantined=Q lastSeq=S}; exits 0
 * only if it received {@code expect} frames with no mismatch and no rejection.
 */
public final class SubscriberMain
{
    private SubscriberMain()
    {
    }

    /**
     * Run the subscriber.
     *
     * @param args {@code key=value} arguments, see the class description.
     * @throws Exception if the files or keys cannot be opened.
     */
    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> opts = Wire.parse(args);
        final long deadlineNs = PublisherMain.deadlineNs(opts);
        final long expect = Long.parseLong(opts.get("expect"));
        final MappedRing mapped = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()))
            .mapAsConsumer(Path.of(opts.get("ring")), Integer.parseInt(opts.get("capacity")));
        final KeyRing keys = new KeyRing(
            Wire.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        keys.rotate(Integer.parseInt(opts.get("key-id")), KeyFiles.read(Path.of(opts.get("key"))), 0);
        final ChannelCounters counters = Wire.counters("sub");
        final Subscriber subscriber = new Subscriber(Wire.CHANNEL_ID, Wire.MAX_FRAME, Wire.sealer(opts, keys),
            new QuarantinePolicy(4, 16, 60_000_000_000L, Long.MAX_VALUE), RejectionHandler.NONE,
            SystemEpochClock.INSTANCE, counters).heartbeatIntervalMs(50);
        final int source = subscriber.addSource(
            new OneToOneRingConsumer(mapped.producerRegion(), mapped.consumerRegion(), SystemEpochClock.INSTANCE),
            Integer.parseInt(opts.get("producer-id")), new StrictReplayGuard(1));
        subscriber.doWork();
        System.out.println("ready");
        System.out.flush();

        final Checker checker = new Checker();
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 200_000);
        long iteration = 0;
        boolean timedOut = false;
        while (expect < 0 || checker.received < expect)
        {
            final int read = subscriber.poll(checker, 256);
            if (0 == read || (++iteration & 15) == 0)
            {
                subscriber.doWork();
                if (System.nanoTime() - deadlineNs > 0)
                {
                    timedOut = true;
                    break;
                }
            }
            if (0 == read)
            {
                idle.idle();
            }
            else
            {
                idle.reset();
            }
        }
        final long rejections = Wire.totalRejections(counters);
        System.out.println(Wire.SUMMARY + " received=" + checker.received + " mismatches=" + checker.mismatches +
            " rejections=" + rejections + " gaps=" + counters.sequenceGaps() +
            " quarantined=" + subscriber.isQuarantined(source) + " lastSeq=" + checker.expected +
            " timedOut=" + timedOut);
        System.out.flush();
        System.exit(!timedOut && 0 == checker.mismatches && 0 == rejections ? 0 : 1);
    }

    /**
     * Checks each dispatched frame against the sequence it should carry.
     */
    static final class Checker implements FrameHandler
    {
        long received;
        long mismatches;
        long expected;

        public void onFrame(
            final DirectBuffer buffer,
            final int offset,
            final int length,
            final FrameReader frame)
        {
            final long sequence = frame.sequence();
            expected++;
            if (sequence != expected || frame.messageTypeId() != Wire.messageType(sequence) ||
                !Wire.matches(buffer, offset, length, sequence))
            {
                mismatches++;
                expected = sequence;
            }
            received++;
        }
    }
}
