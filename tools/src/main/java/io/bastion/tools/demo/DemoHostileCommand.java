package io.bastion.tools.demo;

import io.bastion.channel.Publisher;
import io.bastion.client.ClientContext;
import io.bastion.client.HandshakeClient;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.codec.FrameDescriptor;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.token.Right;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.ExitCodes;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code bastion demo-hostile}, hidden: the demo's hostile process, a compromised plugin of the same user that holds
 * a publish token for {@value DemoSubscriberCommand#DATA_CHANNEL}. It
 * <ol>
 *   <li>edits its token to grant itself the subscribe right too (one flipped bit) and tries to subscribe with it:
 *   the broker refuses it ({@code refused INVALID_TOKEN});</li>
 *   <li>connects with its real token as a publisher (the broker gives it its own ring, producer id and key), maps
 *   its ring, and watches the other rings in the folder ({@code ready producer=P rings=R}); on a fan-out channel it
 *   first answers the broker as a publisher does, so that every subscriber is given its ring
 *   ({@link DemoHostileRing});</li>
 *   <li>copies a few of the good publisher's frames from its ring file as they are written
 *   ({@code copied N producer=G});</li>
 *   <li>writes raw records into its own ring: frames sealed with a made-up key under its key id ({@code BAD_TAG}),
 *   under a key id nobody issued ({@code UNKNOWN_KEY}), claiming the good publisher's producer id, the copied frames
 *   themselves (both {@code UNAUTHORIZED}: a ring carries only its own producer's frames) and truncated frames (a
 *   structural reason) ({@code attack ...});</li>
 *   <li>floods forged frames until its ring is no longer read: the subscriber (each of them) quarantined it
 *   ({@code flood frames=F unread=true}), then prints {@code done} and waits for the parent's {@code stop}.</li>
 * </ol>
 * It never writes into another process's ring: a second writer on a one-to-one ring corrupts it, and the library's
 * own tests cover tampering in place.
 */
@Command(
    name = "demo-hostile",
    hidden = true,
    mixinStandardHelpOptions = true,
    header = "The demo's hostile process (started by 'bastion demo --tamper').",
    description = "Tries a forged token, then writes forged, copied and truncated frames into its own ring on " +
        DemoSubscriberCommand.DATA_CHANNEL + " and floods it until the subscriber quarantines it.")
public final class DemoHostileCommand extends DemoChildCommand
{
    /** Frames of each kind written before the flood: few enough that all kinds come before the quarantine. */
    static final int FRAMES_PER_KIND = 4;

    private static final int FORGED_PAYLOAD = 32;
    private static final int UNKNOWN_KEY_OFFSET = 1_000;
    private static final int TOKEN_RIGHTS_OFFSET = 1;
    private static final long CAPTURE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long FLOOD_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long UNREAD_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long WRITE_PARK_NS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long WATCH_PARK_NS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long WAIT_PARK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final SecureRandom random = new SecureRandom();
    private PrintWriter out;
    private DemoHostileRing ring;
    private long sequence = 1;

    private DemoHostileCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    @Override
    int tokenCount()
    {
        return 1;
    }

    @Override
    int serve(final ParentLink parent, final PrintWriter out, final List<byte[]> tokens) throws IOException
    {
        final byte[] token = tokens.get(0);
        this.out = out;
        final ClientContext context = new ClientContext().directory(directory).token(token).conclude();
        tryForgedToken(context, token);
        final Session session;
        try
        {
            session = HandshakeClient.connect(context.socketPath(), token, context.brokerKey(),
                DemoSubscriberCommand.DATA_CHANNEL, Right.PUBLISH, context.handshakeTimeout());
        }
        catch (final HandshakeException ex)
        {
            throw new CommandFailure("the broker refused the hostile's real token: " + ex.reason());
        }
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        try (session; DemoHostileRing own = DemoHostileRing.open(files, session);
            RingSpy spy = RingSpy.open(files, directory, session))
        {
            ring = own;
            awaitReadable(parent);
            out.println("ready producer=" + session.producerId() + " rings=" + spy.ringCount());
            out.flush();
            final List<byte[]> copies = spy.capture(FRAMES_PER_KIND, CAPTURE_TIMEOUT_NS, own);
            final int goodProducer = spy.goodProducer() > 0 ? spy.goodProducer() : session.producerId() + 1;
            out.println("copied " + copies.size() + " producer=" + goodProducer);
            out.flush();
            attack(session, copies, goodProducer);
            flood(session);
            out.println("done");
            out.flush();
            while (!parent.received("stop") && !parent.isGone())
            {
                own.poll();
                LockSupport.parkNanos(WAIT_PARK_NS);
            }
        }
        return ExitCodes.OK;
    }

    /**
     * On a fan-out channel, wait until the broker attached the subscribers' regions to the ring (its first key
     * switch): frames written before go nowhere.
     */
    private void awaitReadable(final ParentLink parent)
    {
        final long deadlineNs = System.nanoTime() + CAPTURE_TIMEOUT_NS;
        while (!ring.isReadable())
        {
            ring.poll();
            if (parent.isGone())
            {
                throw new CommandFailure("the parent is gone");
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new CommandFailure("the broker gave its ring no reader within 10 s");
            }
            LockSupport.parkNanos(WRITE_PARK_NS);
        }
    }

    private void tryForgedToken(final ClientContext context, final byte[] token)
    {
        // The rights byte of the token's header (see TokenCodec): one bit more, and the plugin could read the stream.
        final byte[] forged = token.clone();
        forged[TOKEN_RIGHTS_OFFSET] ^= (byte)Right.SUBSCRIBE.bit();
        try
        {
            HandshakeClient.connect(context.socketPath(), forged, context.brokerKey(),
                DemoSubscriberCommand.DATA_CHANNEL, Right.SUBSCRIBE, context.handshakeTimeout()).close();
            throw new CommandFailure("the broker accepted a forged token");
        }
        catch (final HandshakeException ex)
        {
            out.println("refused " + ex.reason() + (ex.refusedByPeer() ? " by-broker" : " by-client"));
            out.flush();
        }
    }

    private void attack(final Session session, final List<byte[]> copies, final int goodProducer)
    {
        // The key the subscribers hold for its ring now: the first, or on a fan-out channel the one they joined at.
        final int keyId = ring.keyId();
        final byte[] realKey = session.keys().key(KeyDirection.INITIATOR_TO_RESPONDER, keyId);
        final int channelId = session.channelId();
        final int producerId = session.producerId();
        try (DemoForger genuine = new DemoForger(channelId, keyId, realKey);
            DemoForger madeUp = new DemoForger(channelId, keyId, randomKey());
            DemoForger unknown = new DemoForger(channelId, keyId + UNKNOWN_KEY_OFFSET, randomKey()))
        {
            Arrays.fill(realKey, (byte)0);
            for (int i = 0; i < FRAMES_PER_KIND; i++)
            {
                write(madeUp.forge(producerId, sequence++, FORGED_PAYLOAD));
            }
            for (int i = 0; i < FRAMES_PER_KIND; i++)
            {
                write(unknown.forge(producerId, sequence++, FORGED_PAYLOAD));
            }
            for (int i = 0; i < FRAMES_PER_KIND; i++)
            {
                // Sealed with its own real key: only the producer id lies.
                write(genuine.forge(goodProducer, sequence++, FORGED_PAYLOAD));
            }
            for (final byte[] copy : copies)
            {
                write(copy);
            }
            for (int i = 0; i < FRAMES_PER_KIND; i++)
            {
                final byte[] frame = genuine.forge(producerId, sequence++, FORGED_PAYLOAD);
                // Cut 1, 2 or 3 bytes off the end, and once below the smallest frame.
                final int length = i < FRAMES_PER_KIND - 1 ? frame.length - 1 - i : FrameDescriptor.HEADER_LENGTH;
                write(Arrays.copyOf(frame, length));
            }
        }
        out.println("attack bad-tag=" + FRAMES_PER_KIND + " unknown-key=" + FRAMES_PER_KIND + " wrong-producer=" +
            FRAMES_PER_KIND + " copies=" + copies.size() + " truncated=" + FRAMES_PER_KIND);
        out.flush();
    }

    private void flood(final Session session)
    {
        long frames = 0;
        boolean unread = false;
        final long startNs = System.nanoTime();
        long lastHead = -1;
        long headMovedNs = startNs;
        try (DemoForger madeUp = new DemoForger(session.channelId(), ring.keyId(), randomKey()))
        {
            final byte[] frame = madeUp.forge(session.producerId(), sequence++, FORGED_PAYLOAD);
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            while (System.nanoTime() - startNs < FLOOD_TIMEOUT_NS)
            {
                final boolean written = ring.write(Publisher.FRAME_RECORD_TYPE, buffer, 0, frame.length) > 0;
                if (written)
                {
                    frames++;
                }
                if (!written || 0 == (frames & 255))
                {
                    ring.poll();
                    if (!ring.hasReaders())
                    {
                        // Fan-out: every subscriber quarantined it, and the broker took their regions back.
                        unread = true;
                        break;
                    }
                    final long nowNs = System.nanoTime();
                    final long head = ring.heads();
                    if (head != lastHead)
                    {
                        lastHead = head;
                        headMovedNs = nowNs;
                    }
                    else if (ring.isBehind() && nowNs - headMovedNs > UNREAD_NS)
                    {
                        unread = true;
                        break;
                    }
                    if (!written)
                    {
                        LockSupport.parkNanos(WRITE_PARK_NS);
                    }
                }
            }
        }
        out.println("flood frames=" + frames + " unread=" + unread);
        out.flush();
    }

    private void write(final byte[] record)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(record);
        final long deadlineNs = System.nanoTime() + FLOOD_TIMEOUT_NS;
        while (ring.write(Publisher.FRAME_RECORD_TYPE, buffer, 0, record.length) < 0)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new CommandFailure("its own ring stayed full");
            }
            ring.poll();
            LockSupport.parkNanos(WRITE_PARK_NS);
        }
    }

    private byte[] randomKey()
    {
        final byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    /**
     * The other rings in the broker folder, mapped read-only the way any process of the user can, followed from
     * their tails as the other publishers write, to copy frames of this channel.
     */
    private static final class RingSpy implements AutoCloseable
    {
        private final List<DemoRingWatch> watches;
        private final int channelId;
        private final int ownProducer;
        private int goodProducer;

        private RingSpy(final List<DemoRingWatch> watches, final int channelId, final int ownProducer)
        {
            this.watches = watches;
            this.channelId = channelId;
            this.ownProducer = ownProducer;
        }

        static RingSpy open(final OwnerOnlyFiles files, final Path directory, final Session session)
                throws IOException
        {
            final List<DemoRingWatch> watches = new ArrayList<>();
            final long size = OneToOneRingDescriptor.producerRegionLength(session.ringCapacity());
            try (Stream<Path> listing = Files.list(directory))
            {
                for (final Path file : (Iterable<Path>)listing::iterator)
                {
                    final DemoRingWatch watch = DemoRingWatch.tryOpen(files, file, size, session);
                    if (null != watch)
                    {
                        watches.add(watch);
                    }
                }
            }
            return new RingSpy(watches, session.channelId(), session.producerId());
        }

        int ringCount()
        {
            return watches.size();
        }

        int goodProducer()
        {
            return goodProducer;
        }

        List<byte[]> capture(final int wanted, final long timeoutNs, final DemoHostileRing own)
        {
            final List<byte[]> copies = new ArrayList<>();
            final long deadlineNs = System.nanoTime() + timeoutNs;
            while (copies.size() < wanted && System.nanoTime() - deadlineNs < 0)
            {
                boolean moved = false;
                for (final DemoRingWatch watch : watches)
                {
                    moved |= watch.follow(copies, wanted, channelId, ownProducer);
                }
                own.poll();
                if (!moved)
                {
                    LockSupport.parkNanos(WATCH_PARK_NS);
                }
            }
            for (final DemoRingWatch watch : watches)
            {
                goodProducer = Math.max(goodProducer, watch.producerSeen());
            }
            return copies;
        }

        @Override
        public void close()
        {
            for (final DemoRingWatch watch : watches)
            {
                watch.close();
            }
        }
    }
}
