package io.bastion.bridge;

import io.bastion.broker.Bastion;
import io.bastion.broker.BrokerContext;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.security.token.Right;
import io.bastion.test.TestFolders;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * What the forwarding tests share: embedded brokers in owner-only folders, tokens, the two bridge nodes' contexts, a
 * thread that runs a node's duty cycle, a publisher that sends numbered frames and a subscriber that checks them.
 */
final class ForwardingRig
{
    static final String CHANNEL = "fwd.prices";
    static final int PAYLOAD_LENGTH = 40;
    static final long WAIT_MS = 90_000;
    private static final long HOUR_MS = 3_600_000;
    private static final List<Node> NODES = new CopyOnWriteArrayList<>();

    private ForwardingRig()
    {
    }

    static String user()
    {
        try
        {
            return Files.getOwner(Path.of("/proc/self")).getName();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Broker A: the origin host. */
    static Bastion originBroker(final Path temp) throws IOException
    {
        return Bastion.launchEmbedded(new BrokerContext().directory(TestFolders.ownerOnly(temp, "broker-a")));
    }

    /** Broker B: the receiving host, where {@link #CHANNEL} is relayed. */
    static Bastion relayBroker(final Path temp, final String folder) throws IOException
    {
        return Bastion.launchEmbedded(new BrokerContext().directory(TestFolders.ownerOnly(temp, folder))
            .relayedChannel(CHANNEL));
    }

    static ClientContext client(final Bastion bastion, final Right right)
    {
        return new ClientContext().directory(bastion.broker().context().directory())
            .token(bastion.issueToken(user(), CHANNEL, right.bit(), System.currentTimeMillis(), HOUR_MS));
    }

    /** The sending host: forwards {@link #CHANNEL} of broker A; the bridge's identity is broker A's. */
    static ChannelForwardingContext sendingNode(
        final Path temp, final Bastion local, final PublicKey peerBroker, final BridgeRole role, final int localPort,
        final int peerPort) throws IOException
    {
        return sendingNode(temp, "bridge-a", local, peerBroker, role, localPort, peerPort);
    }

    /** The sending host, its bridge's driver under {@code folder} (a restarted one needs a folder of its own). */
    static ChannelForwardingContext sendingNode(
        final Path temp, final String folder, final Bastion local, final PublicKey peerBroker, final BridgeRole role,
        final int localPort, final int peerPort) throws IOException
    {
        return new ChannelForwardingContext()
            .bridgeContext(bridge(temp, folder, role, localPort, peerPort))
            .broker(local.broker())
            .peerBrokerKey(peerBroker)
            .forwardContext(client(local, Right.SUBSCRIBE))
            .forwardChannels(CHANNEL);
    }

    /** The receiving host: relays {@link #CHANNEL} into broker B; the bridge's identity is broker B's. */
    static ChannelForwardingContext receivingNode(
        final Path temp, final String folder, final Bastion local, final PublicKey peerBroker, final BridgeRole role,
        final int localPort, final int peerPort) throws IOException
    {
        return new ChannelForwardingContext()
            .bridgeContext(bridge(temp, folder, role, localPort, peerPort))
            .broker(local.broker())
            .peerBrokerKey(peerBroker)
            .relayContext(client(local, Right.RELAY))
            .relayChannels(CHANNEL);
    }

    private static BridgeContext bridge(
        final Path temp, final String folder, final BridgeRole role, final int localPort, final int peerPort)
            throws IOException
    {
        return new BridgeContext()
            .role(role)
            .localEndpoint(BridgeRig.endpoint(localPort))
            .peerEndpoint(BridgeRig.endpoint(peerPort))
            .directory(TestFolders.ownerOnly(temp, folder));
    }

    /**
     * Short watchdog settings for a test that restarts a bridge: keepalive 100 ms, session timeout 1.5 s (a loaded
     * 2-CPU CI machine can starve a thread for a few hundred ms, which would time a live session out; that is no
     * failure, but the test then counts more timeouts and sessions than one, so it asserts at least one).
     */
    static ChannelForwardingContext watched(final ChannelForwardingContext context)
    {
        context.bridgeContext().keepaliveIntervalMs(100).sessionTimeoutMs(1_500).handshakeResendMs(200);
        return context;
    }

    static void await(final String what, final BooleanSupplier condition)
    {
        await(what, condition, () -> sleep(1));
    }

    static void await(final String what, final BooleanSupplier condition, final Runnable step)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what + describeNodes());
            }
            step.run();
        }
    }

    private static String describeNodes()
    {
        final StringBuilder text = new StringBuilder();
        for (final Node node : NODES)
        {
            text.append("\n  ").append(node.name).append(": ").append(node.describe());
        }
        return text.toString();
    }

    static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** Frame {@code n}'s payload: {@code n}, then bytes derived from it. */
    static void fill(final UnsafeBuffer buffer, final long n)
    {
        buffer.putLong(0, n);
        for (int i = Long.BYTES; i < PAYLOAD_LENGTH; i++)
        {
            buffer.putByte(i, (byte)(n * 31 + i));
        }
    }

    static boolean payloadIs(final DirectBuffer buffer, final int offset, final int length, final long n)
    {
        if (PAYLOAD_LENGTH != length || buffer.getLong(offset) != n)
        {
            return false;
        }
        for (int i = Long.BYTES; i < PAYLOAD_LENGTH; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(n * 31 + i))
            {
                return false;
            }
        }
        return true;
    }

    /** A thread that runs one node's duty cycle (the initiator connects first) and closes it on stop. */
    static final class Node implements AutoCloseable
    {
        final ChannelForwarding forwarding;
        private final String name;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile Throwable failure;

        Node(final ChannelForwardingContext context, final boolean initiator) throws Exception
        {
            forwarding = ChannelForwarding.launch(context);
            name = (initiator ? "initiator " : "responder ") + context.bridgeContext().localEndpoint();
            NODES.add(this);
            thread = new Thread(() ->
            {
                final IdleStrategy idle = new BackoffIdleStrategy(1, 10, 1_000, 100_000);
                try
                {
                    if (initiator)
                    {
                        forwarding.connect(WAIT_MS);
                    }
                    while (running)
                    {
                        idle.idle(forwarding.doWork());
                    }
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                }
                finally
                {
                    forwarding.close();
                }
            }, "forwarding-" + (initiator ? "initiator" : "responder"));
            thread.start();
        }

        /**
         * The node's counters, for a failure message: what the bridge and the forwarding did.
         *
         * @return one line.
         */
        String describe()
        {
            final BridgeCounters b = forwarding.bridge().counters();
            final ForwardingCounters f = forwarding.counters();
            final StringBuilder text = new StringBuilder()
                .append("connected=").append(forwarding.bridge().isConnected())
                .append(" handshakes=").append(b.handshakes().get())
                .append(" refused=").append(b.handshakesRefused().get())
                .append(" timeouts=").append(b.sessionTimeouts().get())
                .append(" datagramsIn=").append(b.datagramsIn().get())
                .append(" framesOut=").append(b.framesOut().get())
                .append(" delivered=").append(b.framesDelivered().get())
                .append(" backPressure=").append(b.backPressure().get())
                .append(" notConnected=").append(b.notConnected().get())
                .append(" rejections=").append(b.totalRejections());
            for (final BridgeRejectReason reason : BridgeRejectReason.values())
            {
                if (b.rejections(reason) > 0)
                {
                    text.append(' ').append(reason).append('=').append(b.rejections(reason));
                }
            }
            return text.append(" | sessions=").append(f.sessions().get())
                .append(" forwarded=").append(f.framesForwarded().get())
                .append(" keysResent=").append(f.keysResent().get())
                .append(" held=").append(f.forwardHeld().get())
                .append(" queueBytes=").append(f.queueBytes().get())
                .append(" republished=").append(f.framesRepublished().get())
                .append(" relaysOpened=").append(f.relaysOpened().get())
                .append(" relaysClosed=").append(f.relaysClosed().get())
                .append(" relaysRefused=").append(f.relaysRefused().get())
                .append(" keysAdded=").append(f.keysAdded().get())
                .append(" republishHeld=").append(f.republishHeld().get())
                .append(" droppedUnknownSource=").append(f.droppedUnknownSource().get())
                .append(" droppedRelayClosed=").append(f.droppedRelayClosed().get())
                .append(" refusedTotal=").append(f.refusedTotal().get())
                .toString();
        }

        void check()
        {
            if (null != failure)
            {
                throw new AssertionError("node failed", failure);
            }
        }

        @Override
        public void close() throws InterruptedException
        {
            running = false;
            thread.join(WAIT_MS);
            NODES.remove(this);
            check();
        }
    }

    /**
     * Publishes frames 1..count on broker A, calling {@code before} with each number first; with a hold, frames from
     * {@code holdFrom} on wait (the publisher's duty cycle kept running) until {@link #release()}.
     */
    static final class Origin implements AutoCloseable
    {
        final PublisherClient publisher;
        private final Thread thread;
        private final long holdFrom;
        private volatile boolean released;
        private volatile long sent;
        private volatile boolean stop;
        private volatile long stoppedWith;
        private volatile Throwable failure;

        Origin(final ClientContext context, final long count, final LongConsumer before) throws Exception
        {
            this(context, count, before, Long.MAX_VALUE);
        }

        Origin(final ClientContext context, final long count, final LongConsumer before, final long holdFrom)
                throws Exception
        {
            this.holdFrom = holdFrom;
            publisher = PublisherClient.connect(context, CHANNEL);
            thread = new Thread(() ->
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
                final IdleStrategy idle = new BackoffIdleStrategy(1, 10, 1_000, 100_000);
                try
                {
                    for (long n = 1; n <= count && !stop; n++)
                    {
                        while (n >= this.holdFrom && !released && !stop)
                        {
                            publisher.doWork();
                            sleep(1);
                        }
                        before.accept(n);
                        fill(buffer, n);
                        while (!stop)
                        {
                            publisher.doWork();
                            final long result = publisher.offer(buffer, 0, PAYLOAD_LENGTH, 1);
                            if (result > 0)
                            {
                                sent = n;
                                break;
                            }
                            if (ChannelStatus.NOT_CONNECTED != result && ChannelStatus.BACK_PRESSURED != result &&
                                ChannelStatus.ADMIN_ACTION != result)
                            {
                                stoppedWith = result;
                                return;
                            }
                            idle.idle();
                        }
                        idle.reset();
                    }
                    while (!stop)
                    {
                        // Keep the session's duty cycle alive (rotations, heartbeats) until the test is done.
                        publisher.doWork();
                        sleep(1);
                    }
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                }
            }, "origin-publisher");
            thread.start();
        }

        /** Let the held frames go. */
        void release()
        {
            released = true;
        }

        long sent()
        {
            return sent;
        }

        long stoppedWith()
        {
            return stoppedWith;
        }

        @Override
        public void close() throws InterruptedException
        {
            stop = true;
            thread.join(WAIT_MS);
            publisher.close();
            if (null != failure)
            {
                throw new AssertionError("publisher failed", failure);
            }
        }
    }

    /**
     * Subscribes on broker B and checks each frame: its payload is frame {@code n}'s, {@code n} rises by one (or,
     * with gaps allowed, rises), the origin producer id is the one given.
     */
    static final class Destination implements AutoCloseable
    {
        final Queue<String> keyEvents = new ConcurrentLinkedQueue<>();
        final Queue<String> errors = new ConcurrentLinkedQueue<>();
        private final SubscriberClient subscriber;
        private final Thread thread;
        private final boolean gapsAllowed;
        private volatile long received;
        private volatile long last;
        private volatile long gaps;
        private volatile long rejections;
        private volatile boolean stop;
        private volatile Throwable failure;
        private volatile int producerId;

        Destination(final ClientContext context, final boolean gapsAllowed) throws Exception
        {
            this.gapsAllowed = gapsAllowed;
            subscriber = SubscriberClient.connect(context, CHANNEL, new RejectionHandler()
            {
                public void onRejected(final int sourceId, final RejectReason reason)
                {
                    rejections++;
                    errors.add("rejected " + reason);
                }

                public void onQuarantined(final int sourceId)
                {
                    errors.add("quarantined " + sourceId);
                }
            });
            subscriber.keyObserver((producer, keyId, action, keyBytes) -> keyEvents.add(keyId + " " + action));
            final FrameHandler handler = this::onFrame;
            thread = new Thread(() ->
            {
                final IdleStrategy idle = new BackoffIdleStrategy(1, 10, 1_000, 100_000);
                try
                {
                    while (!stop)
                    {
                        idle.idle(subscriber.doWork() + subscriber.poll(handler, 64));
                    }
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                }
            }, "destination-subscriber");
            thread.start();
        }

        private void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
        {
            final long n = buffer.getLong(offset);
            final long expected = last + 1;
            if (0 == producerId)
            {
                producerId = frame.producerId();
            }
            if (frame.producerId() != producerId)
            {
                errors.add("frame " + n + " from producer " + frame.producerId() + ", not " + producerId);
            }
            if (!payloadIs(buffer, offset, length, n))
            {
                errors.add("frame " + n + " payload differs");
            }
            if (n != expected)
            {
                if (n < expected || !gapsAllowed)
                {
                    errors.add("frame " + n + " after " + last);
                }
                if (n > expected)
                {
                    gaps += n - expected;
                }
            }
            if (n > last)
            {
                last = n;
            }
            received++;
        }

        long received()
        {
            return received;
        }

        long last()
        {
            return last;
        }

        long gaps()
        {
            return gaps;
        }

        long rejections()
        {
            return rejections;
        }

        int producerId()
        {
            return producerId;
        }

        boolean isClosed()
        {
            return subscriber.isClosed();
        }

        boolean sawKey(final String event)
        {
            return keyEvents.contains(event);
        }

        @Override
        public void close() throws InterruptedException
        {
            stop = true;
            thread.join(WAIT_MS);
            subscriber.close();
            if (null != failure)
            {
                throw new AssertionError("subscriber failed", failure);
            }
        }
    }
}
