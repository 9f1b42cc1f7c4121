package io.bastion.tools.demo;

import io.bastion.bridge.BridgeContext;
import io.bastion.bridge.BridgeCounters;
import io.bastion.bridge.BridgeRole;
import io.bastion.bridge.ChannelForwarding;
import io.bastion.bridge.ChannelForwardingContext;
import io.bastion.bridge.ForwardingCounters;
import io.bastion.broker.Bastion;
import io.bastion.broker.BrokerContext;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.token.Right;
import io.bastion.tools.bridge.BridgeCountersFile;
import io.bastion.tools.cli.KeyFiles;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code bastion demo --bridge}: the two-host picture on loopback, in this process. Broker A and broker B, each in an
 * owner-only folder of its own, broker B declaring {@link #CHANNEL} relayed; two forwarding bridges over Aeron UDP on
 * 127.0.0.1, each signing with its broker's identity and pinning the other broker's; a publisher on broker A and a
 * subscriber on broker B that checks every payload byte, in order, under the origin's tags.
 * <p>
 * Each of the four runs on a thread of its own, so the demo measures the whole path: ring, bridge, AES-GCM, Aeron,
 * bridge, ring.
 * <p>
 * Each bridge keeps its counters where {@code bastion stat} finds them, as {@code bastion bridge} does
 * ({@link BridgeCountersFile}): {@code DIR/host-a/bridge-<pid>.counters} and {@code DIR/host-b/bridge-<pid>.counters},
 * deleted when its bridge closes. SIGINT or SIGTERM stops the demo and closes everything before the process ends.
 */
final class DemoBridge
{
    /** The channel forwarded from broker A and relayed into broker B. */
    static final String CHANNEL = "demo.bridge";

    /** The longest payload that fits one bridge datagram at the default MTU, with room for the frame's header. */
    static final int MAX_PAYLOAD = 1024;

    private static final long TOKEN_VALIDITY_MS = TimeUnit.HOURS.toMillis(1);
    private static final long CONNECT_MS = 60_000;
    private static final long STALL_MS = 60_000;
    private static final long CLOSE_WAIT_MS = 30_000;

    private final Path directory;
    private final String user;
    private final PrintWriter out;
    private final long messages;
    private final int size;
    private volatile boolean stopped;

    /**
     * The run's settings.
     *
     * @param directory the demo's folder: the brokers' folders go inside.
     * @param user      the user the tokens are for.
     * @param out       where the report goes.
     * @param messages  frames to send.
     * @param size      payload bytes of each.
     */
    DemoBridge(final Path directory, final String user, final PrintWriter out, final long messages, final int size)
    {
        this.directory = directory;
        this.user = user;
        this.out = out;
        this.messages = messages;
        this.size = size;
    }

    /**
     * Run it and print the report.
     *
     * @return what went wrong, empty if every frame was verified on broker B.
     * @throws IOException          if a folder, broker or bridge cannot be set up.
     * @throws InterruptedException if interrupted while waiting.
     */
    List<String> run() throws IOException, InterruptedException
    {
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        files.ensureDirectory(directory);
        final Path folderA = files.ensureDirectory(directory.resolve("host-a"));
        final Path folderB = files.ensureDirectory(directory.resolve("host-b"));
        final List<String> failures = new ArrayList<>();
        Bastion brokerA = null;
        Bastion brokerB = null;
        Worker sending = null;
        Worker receiving = null;
        Destination destination = null;
        Origin origin = null;
        final CountDownLatch closed = new CountDownLatch(1);
        final Thread hook = stopOnSignal(closed);
        try
        {
            brokerA = Bastion.launchEmbedded(new BrokerContext().directory(folderA));
            brokerB = Bastion.launchEmbedded(new BrokerContext().directory(folderB).relayedChannel(CHANNEL));
            out.println("host A      broker on " + brokerA.broker().socketPath() + ", identity " +
                KeyFiles.fingerprint(brokerA.identityPublicKey()));
            out.println("host B      broker on " + brokerB.broker().socketPath() + ", identity " +
                KeyFiles.fingerprint(brokerB.identityPublicKey()) + "; " + CHANNEL + " is relayed");
            out.flush();

            final int portA = freePort();
            final int portB = freePort();
            destination = new Destination(client(brokerB, Right.SUBSCRIBE), messages, size);
            sending = Worker.launch(new ChannelForwardingContext()
                .bridgeContext(bridge(BridgeRole.RESPONDER, folderA, portA, portB))
                .broker(brokerA.broker())
                .peerBrokerKey(brokerB.identityPublicKey())
                .forwardContext(client(brokerA, Right.SUBSCRIBE))
                .forwardChannels(CHANNEL), folderA, false, "bastion-demo-bridge-a");
            receiving = Worker.launch(new ChannelForwardingContext()
                .bridgeContext(bridge(BridgeRole.INITIATOR, folderB, portB, portA))
                .broker(brokerB.broker())
                .peerBrokerKey(brokerA.identityPublicKey())
                .relayContext(client(brokerB, Right.RELAY))
                .relayChannels(CHANNEL), folderB, true, "bastion-demo-bridge-b");
            final Worker a = sending;
            final Worker b = receiving;
            out.println("bridges     A (responder) on 127.0.0.1:" + portA + " and B (initiator) on 127.0.0.1:" + portB +
                " over Aeron UDP, each signing with its broker's identity and pinning the other's");
            out.println("counters    " + a.counters.path() + " and " + b.counters.path() + " while the bridges run " +
                "('bastion stat --dir " + folderA + "')");
            out.flush();
            if (!await(() -> a.forwarding.bridge().isConnected() && b.forwarding.bridge().isConnected(),
                CONNECT_MS, a, b))
            {
                failures.add((stopped ? "stopped (SIGINT or SIGTERM) before the bridges established a session" :
                    "the bridges did not establish a session") + sending.failureText() + receiving.failureText());
                return failures;
            }
            out.println("session     up: " + Long.toHexString(receiving.forwarding.bridge().sessionId()) +
                " (X25519, both identities signed the transcript; frames cross under AES-GCM)");
            out.flush();

            final long startNs = System.nanoTime();
            origin = new Origin(client(brokerA, Right.PUBLISH), messages, size);
            final Destination dest = destination;
            final Origin orig = origin;
            awaitVerified(dest, orig, a, b, failures);
            final long elapsedNs = Math.max(1, dest.lastNs - startNs);
            origin.stop();
            failures.addAll(dest.errors);
            if (null != orig.failure)
            {
                failures.add("publisher: " + orig.failure);
            }
            failures.add(sending.failureText().isEmpty() ? null : "bridge A" + sending.failureText());
            failures.add(receiving.failureText().isEmpty() ? null : "bridge B" + receiving.failureText());
            failures.removeIf((failure) -> null == failure);
            if (dest.verified != messages && failures.isEmpty())
            {
                failures.add("verified " + dest.verified + " of " + messages);
            }
            report(sending.forwarding, receiving.forwarding, dest, orig, elapsedNs);
            return failures;
        }
        finally
        {
            if (null != origin)
            {
                origin.stop();
            }
            try
            {
                CloseHelper.quietCloseAll(origin, destination, receiving, sending, brokerB, brokerA);
            }
            finally
            {
                closed.countDown();
                removeHook(hook);
            }
        }
    }

    /**
     * SIGINT or SIGTERM: the hook stops the run and waits until everything is closed (the counters files gone).
     */
    private Thread stopOnSignal(final CountDownLatch closed)
    {
        final Thread hook = new Thread(() ->
        {
            stopped = true;
            try
            {
                closed.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "bastion-demo-bridge-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // Shutting down already: the hook runs, and finds the run closed.
        }
    }

    private void awaitVerified(
        final Destination dest, final Origin orig, final Worker a, final Worker b, final List<String> failures)
            throws InterruptedException
    {
        long lastSeen = -1;
        long lastMoveNs = System.nanoTime();
        while (dest.verified < messages && dest.errors.isEmpty() && null == orig.failure && null == a.failure &&
            null == b.failure)
        {
            if (stopped)
            {
                failures.add("stopped (SIGINT or SIGTERM) at " + dest.verified + " of " + messages);
                return;
            }
            final long seen = dest.verified;
            if (seen != lastSeen)
            {
                lastSeen = seen;
                lastMoveNs = System.nanoTime();
            }
            else if (System.nanoTime() - lastMoveNs > TimeUnit.MILLISECONDS.toNanos(STALL_MS))
            {
                failures.add("no progress for " + STALL_MS / 1000 + " s at " + seen + " of " + messages);
                return;
            }
            Thread.sleep(5);
        }
    }

    private void report(
        final ChannelForwarding a, final ChannelForwarding b, final Destination dest, final Origin orig,
        final long elapsedNs)
    {
        final ForwardingCounters sent = a.counters();
        final ForwardingCounters relayed = b.counters();
        final BridgeCounters wireA = a.bridge().counters();
        final BridgeCounters wireB = b.bridge().counters();
        out.println();
        out.println("sent        " + count(orig.sent) + " frames of " + size + " bytes on broker A");
        out.println("forwarded   " + count(sent.framesForwarded().get()) + " frames by bridge A, exactly as sealed");
        out.println("republished " + count(relayed.framesRepublished().get()) + " frames by bridge B into " +
            CHANNEL + " on broker B, from " + count(wireB.datagramsIn().get()) + " datagrams (batched, one AES-GCM " +
            "seal each)");
        out.println("verified    " + count(dest.verified) + " on broker B (the origin's tags, every payload byte, " +
            "in order)");
        out.println("rejected    " + count(dest.rejections) + " by the subscriber; datagrams " +
            count(wireB.totalRejections()) + " by bridge B, " + count(wireA.totalRejections()) + " by bridge A; " +
            "frames refused by the relay " + count(relayed.refusedTotal().get()) + "; sequence gaps " +
            count(wireB.sequenceGaps().get()));
        if (dest.verified > 1)
        {
            final double seconds = elapsedNs / 1e9;
            out.println(String.format(Locale.ROOT, "throughput  %,.0f messages/s, %,.1f MB/s of payload, host A " +
                "to host B through both bridges (%,.2f s)", dest.verified / seconds,
                dest.verified * (double)size / seconds / 1e6, seconds));
        }
        out.flush();
    }

    private ClientContext client(final Bastion bastion, final Right right)
    {
        return new ClientContext().directory(bastion.broker().context().directory())
            .token(bastion.issueToken(user, CHANNEL, right.bit(), System.currentTimeMillis(), TOKEN_VALIDITY_MS));
    }

    private static BridgeContext bridge(final BridgeRole role, final Path folder, final int localPort,
        final int peerPort)
    {
        return new BridgeContext()
            .role(role)
            .localEndpoint("127.0.0.1:" + localPort)
            .peerEndpoint("127.0.0.1:" + peerPort)
            .directory(folder);
    }

    private static int freePort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    private boolean await(
        final BooleanSupplier condition, final long timeoutMs, final Worker first,
        final Worker second) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0 || null != first.failure || null != second.failure || stopped)
            {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private static String count(final long value)
    {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /**
     * One bridge's duty cycle on a thread of its own (the initiator connects first), its counters in a counters file
     * in its broker's folder; on stop the thread closes the bridge, then the counters file.
     */
    private static final class Worker implements AutoCloseable
    {
        private final ChannelForwarding forwarding;
        private final BridgeCountersFile counters;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile Throwable failure;

        static Worker launch(
            final ChannelForwardingContext context, final Path brokerFolder, final boolean initiator, final String name)
                throws IOException
        {
            final BridgeCountersFile counters = BridgeCountersFile.create(brokerFolder);
            try
            {
                return new Worker(ChannelForwarding.launch(counters.attach(context)), counters, initiator, name);
            }
            catch (final HandshakeException ex)
            {
                counters.close();
                throw new IOException("the local broker refused the bridge's subscription: " + ex.reason(), ex);
            }
            catch (final IOException | RuntimeException ex)
            {
                counters.close();
                throw ex;
            }
        }

        private Worker(
            final ChannelForwarding forwarding, final BridgeCountersFile counters, final boolean initiator,
            final String name)
        {
            this.forwarding = forwarding;
            this.counters = counters;
            thread = new Thread(() ->
            {
                final IdleStrategy idle = new BackoffIdleStrategy(1, 10, 1_000, 100_000);
                try
                {
                    if (initiator)
                    {
                        forwarding.connect(CONNECT_MS);
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
                    // The bridge writes its counters until it is closed: unmap and delete the file only then.
                    try
                    {
                        forwarding.close();
                    }
                    finally
                    {
                        counters.close();
                    }
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        String failureText()
        {
            final Throwable ex = failure;
            return null == ex ? "" : ": " + ex;
        }

        @Override
        public void close() throws InterruptedException, IOException
        {
            running = false;
            thread.join(CONNECT_MS);
            if (thread.isAlive())
            {
                // Stuck: leave its mapping alone (unmapping under a writer would crash the process), remove the name.
                Files.deleteIfExists(counters.path());
            }
        }
    }

    /** Publishes payloads 0 to count - 1 on broker A. */
    private static final class Origin implements AutoCloseable
    {
        private final PublisherClient publisher;
        private final Thread thread;
        private volatile long sent;
        private volatile boolean stop;
        private volatile String failure;

        Origin(final ClientContext context, final long count, final int size) throws IOException
        {
            try
            {
                publisher = PublisherClient.connect(context, CHANNEL);
            }
            catch (final HandshakeException ex)
            {
                throw new IOException("broker A refused the publisher: " + ex.reason(), ex);
            }
            finally
            {
                context.clearToken();
            }
            thread = new Thread(() -> publish(count, size), "bastion-demo-bridge-publisher");
            thread.setDaemon(true);
            thread.start();
        }

        private void publish(final long count, final int size)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[size]);
            final IdleStrategy idle = new BackoffIdleStrategy(1, 10, 1_000, 100_000);
            try
            {
                for (long n = 0; n < count && !stop; n++)
                {
                    DemoPayload.fill(buffer, 0, size, n);
                    while (!stop)
                    {
                        publisher.doWork();
                        final long result = publisher.offer(buffer, 0, size, 1);
                        if (result > 0)
                        {
                            sent = n + 1;
                            break;
                        }
                        if (ChannelStatus.NOT_CONNECTED != result && ChannelStatus.BACK_PRESSURED != result &&
                            ChannelStatus.ADMIN_ACTION != result)
                        {
                            failure = "offer refused with " + result;
                            return;
                        }
                        idle.idle();
                    }
                    idle.reset();
                }
                while (!stop)
                {
                    // Keep the session alive (heartbeats, rotations) until the demo is done.
                    publisher.doWork();
                    idle.idle();
                }
            }
            catch (final RuntimeException ex)
            {
                failure = ex.toString();
            }
        }

        void stop()
        {
            stop = true;
        }

        @Override
        public void close() throws InterruptedException
        {
            stop = true;
            thread.join(CONNECT_MS);
            publisher.close();
        }
    }

    /** Subscribes on broker B and checks each frame: payload {@code n}, {@code n} rising by one. */
    private static final class Destination implements AutoCloseable
    {
        private final List<String> errors = new CopyOnWriteArrayList<>();
        private final SubscriberClient subscriber;
        private final Thread thread;
        private final long count;
        private final int size;
        private volatile long verified;
        private volatile long rejections;
        private volatile long lastNs;
        private volatile boolean stop;

        Destination(final ClientContext context, final long count, final int size) throws IOException
        {
            this.count = count;
            this.size = size;
            try
            {
                subscriber = SubscriberClient.connect(context, CHANNEL, new RejectionHandler()
                {
                    public void onRejected(final int sourceId, final RejectReason reason)
                    {
                        rejections++;
                        if (errors.size() < 10)
                        {
                            errors.add("the subscriber rejected a frame: " + reason);
                        }
                    }

                    public void onQuarantined(final int sourceId)
                    {
                        errors.add("the subscriber quarantined source " + sourceId);
                    }
                });
            }
            catch (final HandshakeException ex)
            {
                throw new IOException("broker B refused the subscriber: " + ex.reason(), ex);
            }
            finally
            {
                context.clearToken();
            }
            thread = new Thread(this::consume, "bastion-demo-bridge-subscriber");
            thread.setDaemon(true);
            thread.start();
        }

        private void consume()
        {
            final IdleStrategy idle = new BackoffIdleStrategy(1, 10, 1_000, 100_000);
            final FrameHandler handler = this::onFrame;
            try
            {
                while (!stop)
                {
                    idle.idle(subscriber.doWork() + subscriber.poll(handler, 64));
                }
            }
            catch (final RuntimeException ex)
            {
                errors.add("subscriber: " + ex);
            }
        }

        private void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
        {
            final long n = verified;
            if (length != size || n >= count || !DemoPayload.matches(buffer, offset, length, n, 0))
            {
                if (errors.size() < 10)
                {
                    errors.add("frame " + (n + 1) + " on broker B is not the one sent (length " + length + ")");
                }
                return;
            }
            verified = n + 1;
            lastNs = System.nanoTime();
        }

        @Override
        public void close() throws InterruptedException
        {
            stop = true;
            thread.join(CONNECT_MS);
            subscriber.close();
        }
    }
}
