package io.bastion.bench;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;
import io.bastion.bench.latency.CoreToCoreProbe;
import io.bastion.bench.latency.SealedFrames;
import io.bastion.bench.latency.ThreadAffinity;
import io.bastion.bench.latency.UdpDriver;
import io.bastion.bridge.Bridge;
import io.bastion.bridge.BridgeContext;
import io.bastion.bridge.BridgeCounters;
import io.bastion.bridge.BridgeFrameHandler;
import io.bastion.bridge.BridgeReceiver;
import io.bastion.bridge.BridgeRole;
import io.bastion.bridge.BridgeSender;
import io.bastion.security.token.IssuerKeys;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of sealed Bastion frames carried between two hosts by the bridge, beside the same bytes over raw Aeron
 * UDP, on 127.0.0.1 in one JVM, one publishing and one subscribing thread:
 * <ul>
 *     <li>{@code bridge}: a real HMAC-sealed frame of {@code size} payload bytes, built once, offered through
 *     {@link BridgeSender#offer} (bridge header, AES-GCM seal, one Aeron message per frame) and received through
 *     {@link BridgeReceiver#poll} (copy, replay window, AES-GCM open, frame validation), the inner frame handed to a
 *     handler that counts it;</li>
 *     <li>{@code aeron-udp}: the same frame's bytes (so the same length as the bridged inner frame) offered on an
 *     Aeron {@link Publication} and read by a {@link Subscription}, the fragment handed to a handler that counts.</li>
 * </ul>
 * Both run on the same media drivers ({@link UdpDriver}: {@code SHARED} threading, a backing-off idle strategy, the
 * bridge's MTU and term length, both channels built the same way): {@code drivers=1} puts both sides on one embedded
 * driver, {@code drivers=2} gives each side its own, as two hosts would have. A fresh folder under {@code /dev/shm},
 * fresh ephemeral ports and fresh identities per trial; everything is closed and deleted in the teardown. A thread that
 * can do nothing (refused offer, empty poll) yields, the same for both: the driver's thread needs a core too.
 * <p>
 * Read {@code consumed} (frames the subscriber's handler received per second), not the primary score, which counts
 * refused offers and empty polls. {@code -prof gc}'s {@code gc.alloc.rate.norm} is per benchmark call of either
 * thread; per frame, divide {@code gc.alloc.rate} by {@code consumed}. At the end of each trial the subscriber drains
 * and must have received every frame published, and the bridge's receiver must have rejected none.
 * <pre>
 * java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/sun.security.provider=ALL-UNNAMED \
 *     -jar bench/target/benchmarks.jar BridgeThroughputBenchmark -f 3 -wi 3 -w 1s -i 5 -r 1s -prof gc \
 *     -jvmArgsAppend "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED \
 *     --add-opens=java.base/sun.security.provider=ALL-UNNAMED"
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"})
@State(Scope.Group)
public class BridgeThroughputBenchmark
{
    /** Most fragments one poll reads, for both. */
    public static final int POLL_LIMIT = RingThroughputBenchmark.POLL_LIMIT;

    private static final long CONNECT_TIMEOUT_MS = 30_000;
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final String NO_PLACEMENT = "none";

    /**
     * Which transport: {@code bridge} (one frame a datagram, {@code BridgeSender.offer}), {@code bridge-batched}
     * (frames gathered into DATA_BATCH datagrams, {@code BridgeSender.append}: one AEAD seal and open per datagram),
     * or {@code aeron-udp}.
     */
    @Param({"bridge", "bridge-batched", "aeron-udp"})
    public String impl;

    /** Payload bytes of the sealed frame. */
    @Param({"64", "256"})
    public int size;

    /** Media drivers: 1 shared by both sides, or 2, one per side. */
    @Param({"1"})
    public int drivers;

    /**
     * Where the threads run: {@code none} (the scheduler decides), or {@code D/C}, the CPU of the driver's thread
     * (of both drivers' with {@code drivers=2}) then the CPU both client threads share, e.g. {@code -p cpus=1/0}: on
     * a 2-CPU host that gives the driver, which bounds both transports, a core of its own, as a host with a core per
     * thread would, so what the clients spend above it (the bridge's copies and AEAD) no longer takes its time.
     */
    @Param({NO_PLACEMENT})
    public String cpus;

    private int driverCpu = -1;
    private int clientCpu = -1;

    private boolean batched;
    private Path folder;
    private MediaDriver driverA;
    private MediaDriver driverB;
    private Bridge bridgeA;
    private Bridge bridgeB;
    private Aeron aeronA;
    private Aeron aeronB;
    private Publication publication;
    private Subscription subscription;
    private BridgeSender sender;
    private BridgeReceiver receiver;
    private UnsafeBuffer frame;
    private int frameLength;
    /**
     * Frames offered successfully; the publishing thread's alone. Padded, as is {@link #received}: each count beside
     * the references in this state would share a cache line with what the other thread reads on every call.
     */
    private final PaddedLong published = new PaddedLong();
    /** Frames the handler received; the subscribing thread's alone. */
    private final PaddedLong received = new PaddedLong();
    private final BridgeFrameHandler bridgeHandler = (buffer, offset, length, sequence) -> received.value++;
    private final FragmentHandler fragmentHandler = (buffer, offset, length, header) -> received.value++;

    /**
     * Frames the subscriber received: the score to compare.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class ConsumerCounters
    {
        /** Frames consumed. */
        public long consumed;

        /**
         * Zero before each iteration.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            consumed = 0;
        }
    }

    /**
     * Launch the drivers, build the frame, and connect the two sides.
     *
     * @throws Exception if a driver, a bridge or the handshake fails.
     */
    @Setup(Level.Trial)
    public void setup() throws Exception
    {
        if (!"bridge".equals(impl) && !"bridge-batched".equals(impl) && !"aeron-udp".equals(impl))
        {
            throw new IllegalArgumentException("unknown impl '" + impl + "': bridge, bridge-batched or aeron-udp");
        }
        batched = "bridge-batched".equals(impl);
        if (1 != drivers && 2 != drivers)
        {
            throw new IllegalArgumentException("drivers is 1 or 2: " + drivers);
        }
        parsePlacement();
        CoreToCoreProbe.print("start");
        final Path shm = Path.of("/dev/shm");
        folder = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty(
            "java.io.tmpdir")), "bastion-bench-bridge-");
        driverA = UdpDriver.launch(folder.resolve("aeron-a"), driverCpu);
        driverB = 2 == drivers ? UdpDriver.launch(folder.resolve("aeron-b"), driverCpu) : driverA;
        try (SealedFrames frames = new SealedFrames(size))
        {
            frameLength = frames.seal(new UnsafeBuffer(new byte[size]), size);
            frame = new UnsafeBuffer(new byte[frameLength]);
            frame.putBytes(0, frames.frame(), 0, frameLength);
        }
        final int portA = UdpDriver.freePort();
        int portB = UdpDriver.freePort();
        while (portB == portA)
        {
            portB = UdpDriver.freePort();
        }
        if (impl.startsWith("bridge"))
        {
            connectBridges(portA, portB);
        }
        else
        {
            connectAeron(portB);
        }
    }

    private void parsePlacement()
    {
        if (NO_PLACEMENT.equals(cpus))
        {
            return;
        }
        final int slash = cpus.indexOf('/');
        try
        {
            driverCpu = Integer.parseInt(cpus.substring(0, slash));
            clientCpu = Integer.parseInt(cpus.substring(slash + 1));
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("cpus is none or DRIVER/CLIENTS, e.g. 1/0: " + cpus, ex);
        }
        if (driverCpu < 0 || clientCpu < 0)
        {
            throw new IllegalArgumentException("cpus is none or DRIVER/CLIENTS, e.g. 1/0: " + cpus);
        }
    }

    /**
     * Pin each client thread, when the benchmark places its threads.
     */
    @State(Scope.Thread)
    public static class ClientPlacement
    {
        /**
         * Pin the calling benchmark thread to the clients' CPU.
         *
         * @param benchmark the group's state, set up first.
         */
        @Setup(Level.Trial)
        public void pin(final BridgeThroughputBenchmark benchmark)
        {
            if (benchmark.clientCpu >= 0)
            {
                ThreadAffinity.pin(benchmark.clientCpu);
            }
        }
    }

    private void connectBridges(final int portA, final int portB) throws Exception
    {
        final KeyPair hostA = IssuerKeys.generate();
        final KeyPair hostB = IssuerKeys.generate();
        bridgeA = Bridge.launch(context(BridgeRole.INITIATOR, driverA, hostA, hostB, portA, portB));
        bridgeB = Bridge.launch(context(BridgeRole.RESPONDER, driverB, hostB, hostA, portB, portA));
        final Throwable[] failure = new Throwable[1];
        final Thread responder = new Thread(() ->
        {
            try
            {
                bridgeB.connect(CONNECT_TIMEOUT_MS);
            }
            catch (final Throwable ex)
            {
                failure[0] = ex;
            }
        }, "bridge-responder-connect");
        responder.start();
        bridgeA.connect(CONNECT_TIMEOUT_MS);
        responder.join(CONNECT_TIMEOUT_MS);
        if (null != failure[0] || !bridgeB.isConnected())
        {
            throw new IllegalStateException("the responding bridge did not connect", failure[0]);
        }
        sender = bridgeA.sender();
        receiver = bridgeB.receiver();
        if (frameLength > sender.maxFrameLength())
        {
            throw new IllegalStateException("a " + frameLength + "-byte frame does not fit one datagram");
        }
    }

    private static BridgeContext context(
        final BridgeRole role, final MediaDriver driver, final KeyPair identity, final KeyPair peer,
        final int localPort, final int peerPort)
    {
        return new BridgeContext()
            .role(role)
            .identity(identity)
            .peerFingerprint(IssuerKeys.fingerprint(peer.getPublic()))
            .localEndpoint(UdpDriver.endpoint(localPort))
            .peerEndpoint(UdpDriver.endpoint(peerPort))
            .mtuLength(UdpDriver.MTU)
            .termLength(UdpDriver.TERM_LENGTH)
            .streamId(UdpDriver.STREAM_ID)
            .aeronDirectoryName(driver.aeronDirectoryName())
            .counterLabel("bench " + role);
    }

    private void connectAeron(final int portB)
    {
        aeronA = Aeron.connect(new Aeron.Context().aeronDirectoryName(driverA.aeronDirectoryName()));
        aeronB = Aeron.connect(new Aeron.Context().aeronDirectoryName(driverB.aeronDirectoryName()));
        subscription = aeronB.addSubscription(UdpDriver.subscriptionChannel(portB), UdpDriver.STREAM_ID);
        publication = aeronA.addPublication(UdpDriver.publicationChannel(portB), UdpDriver.STREAM_ID);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS);
        while (!publication.isConnected() || !subscription.isConnected())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("the Aeron UDP stream did not connect");
            }
            Thread.yield();
        }
        if (frameLength > publication.maxPayloadLength())
        {
            throw new IllegalStateException("a " + frameLength + "-byte frame does not fit one datagram");
        }
    }

    /**
     * Drain, check that every frame published arrived and none was refused, close everything, delete the folder.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            final long deadlineNs = System.nanoTime() + DRAIN_TIMEOUT_NS;
            while (batched && sender.pendingFrames() > 0 && sender.flush() < 0 && System.nanoTime() - deadlineNs < 0)
            {
                poll();
            }
            while (received.value < published.value && System.nanoTime() - deadlineNs < 0)
            {
                if (0 == poll())
                {
                    Thread.yield();
                }
            }
            if (received.value != published.value)
            {
                throw new IllegalStateException(impl + ": " + published.value + " frames published, " + received.value +
                    " received");
            }
            if (null != bridgeB)
            {
                final BridgeCounters counters = bridgeB.counters();
                if (0 != counters.totalRejections() || 0 != counters.sequenceGaps().get())
                {
                    throw new IllegalStateException("the receiving bridge rejected " + counters.totalRejections() +
                        " datagrams, gaps " + counters.sequenceGaps().get());
                }
            }
        }
        finally
        {
            CloseHelper.quietCloseAll(publication, subscription, aeronA, aeronB, bridgeA, bridgeB);
            CloseHelper.quietClose(driverA);
            if (driverB != driverA)
            {
                CloseHelper.quietClose(driverB);
            }
            deleteFolder();
            CoreToCoreProbe.print("end");
        }
    }

    private void deleteFolder()
    {
        if (null != folder)
        {
            IoUtil.delete(folder.toFile(), true);
            if (Files.exists(folder))
            {
                throw new IllegalStateException("could not delete " + folder);
            }
        }
    }

    /**
     * The publishing thread: one offer per call; it yields when the offer is refused.
     *
     * @param placement pins this thread first, when asked.
     * @return the offer's result, so the JIT keeps it.
     */
    @Benchmark
    @Group("udp")
    @GroupThreads(1)
    public long publish(final ClientPlacement placement)
    {
        final long result = null == sender ? publication.offer(frame, 0, frameLength) :
            batched ? sender.append(frame, 0, frameLength) : sender.offer(frame, 0, frameLength);
        if (result > 0)
        {
            published.value++;
        }
        else if (BridgeSender.BACK_PRESSURED == result || BridgeSender.NOT_CONNECTED == result ||
            BridgeSender.ADMIN_ACTION == result)
        {
            Thread.yield();
        }
        else
        {
            throw new IllegalStateException(impl + " refused a frame: " + result);
        }
        return result;
    }

    /**
     * The subscribing thread: one poll of up to {@value #POLL_LIMIT} fragments per call; it yields when there was
     * nothing to read.
     *
     * @param counters  where frames received are counted.
     * @param placement pins this thread first, when asked.
     */
    @Benchmark
    @Group("udp")
    @GroupThreads(1)
    public void subscribe(final ConsumerCounters counters, final ClientPlacement placement)
    {
        final long before = received.value;
        if (0 == poll())
        {
            Thread.yield();
        }
        counters.consumed += received.value - before;
    }

    private int poll()
    {
        return null != receiver ? receiver.poll(bridgeHandler, POLL_LIMIT) :
            subscription.poll(fragmentHandler, POLL_LIMIT);
    }
}
