package io.bastion.bench.latency;

import io.bastion.channel.SealingMode;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The transports the suite measures, each by the name used on the command line and in the report.
 */
public enum LatencyCase
{
    /** Bastion's sealed channel through a broker: handshake, token, HMAC-SHA256 on every frame, verified copy. */
    BASTION_SEALED("bastion-sealed", true),
    /** The same channel encrypted: AES-GCM on every frame ({@code SealingMode.AEAD_PER_FRAME}), opened on a copy. */
    BASTION_ENCRYPTED("bastion-encrypted", true),
    /**
     * The same channel sealed by batch ({@code SealingMode.HMAC_BATCH}): each message flushed as a batch of one, the
     * batch path's cost when there is no backlog to share a tag.
     */
    BASTION_BATCHED("bastion-batched", true),
    /** Bastion's one-to-one ring alone, over mapped files: no sealing, no broker. */
    BASTION_PLAIN("bastion-plain", true),
    /** Agrona's {@code OneToOneRingBuffer} over mapped files. */
    AGRONA("agrona", true),
    /** Aeron IPC with an embedded media driver. */
    AERON_IPC("aeron-ipc", true),
    /**
     * Two bridges over Aeron UDP on 127.0.0.1, each process with its own media driver: every message an HMAC-sealed
     * frame, encrypted and authenticated per datagram (AES-GCM), replay-checked and validated on arrival.
     */
    BRIDGE("bridge", false),
    /** The same sealed frames over plain Aeron UDP publications, with the same media driver setup: no bridge. */
    AERON_UDP("aeron-udp", false);

    private final String label;
    private final boolean byDefault;

    LatencyCase(final String label, final boolean byDefault)
    {
        this.label = label;
        this.byDefault = byDefault;
    }

    /**
     * Whether the suite runs this case when no cases are named. The UDP cases ({@code bridge}, {@code aeron-udp}) run
     * only when named: each side's media driver needs a core beside the two measuring threads, so on a 2-CPU machine
     * with busy-spinning loops every hop of a round trip waits for a scheduler slice (milliseconds), and their
     * warm-up alone would take minutes.
     *
     * @return true for the cases that run by default.
     */
    public boolean runsByDefault()
    {
        return byDefault;
    }

    /**
     * The cases the suite runs when none are named.
     *
     * @return every case that {@link #runsByDefault()}, in order.
     */
    public static List<LatencyCase> defaults()
    {
        final List<LatencyCase> cases = new ArrayList<>();
        for (final LatencyCase latencyCase : values())
        {
            if (latencyCase.byDefault)
            {
                cases.add(latencyCase);
            }
        }
        return List.copyOf(cases);
    }

    /**
     * The case's name.
     *
     * @return e.g. {@code bastion-sealed}.
     */
    public String label()
    {
        return label;
    }

    /**
     * The case with a name.
     *
     * @param label a name as {@link #label()} gives it.
     * @return the case.
     * @throws IllegalArgumentException if no case has that name.
     */
    public static LatencyCase of(final String label)
    {
        for (final LatencyCase latencyCase : values())
        {
            if (latencyCase.label.equals(label))
            {
                return latencyCase;
            }
        }
        throw new IllegalArgumentException("unknown case: " + label + " (cases: " + labels() + ")");
    }

    /**
     * Every case's name.
     *
     * @return the names, comma-separated, in the order the suite runs them.
     */
    public static String labels()
    {
        final StringBuilder text = new StringBuilder();
        for (final LatencyCase latencyCase : values())
        {
            text.append(text.length() > 0 ? "," : "").append(latencyCase.label);
        }
        return text.toString();
    }

    /**
     * Set up the transport in the pinger's process.
     *
     * @param folder the suite's private folder.
     * @return the transport with the pinger's side attached.
     * @throws IOException if it cannot be set up.
     */
    CaseTransport open(final SharedFolder folder) throws IOException
    {
        switch (this)
        {
            case BASTION_SEALED:
                return SealedChannelCase.open(folder, SealingMode.HMAC_PER_FRAME);
            case BASTION_ENCRYPTED:
                return SealedChannelCase.open(folder, SealingMode.AEAD_PER_FRAME);
            case BASTION_BATCHED:
                return SealedChannelCase.open(folder, SealingMode.HMAC_BATCH);
            case BASTION_PLAIN:
                return PlainRingCase.open(folder);
            case AGRONA:
                return AgronaRingCase.open(folder);
            case BRIDGE:
                return BridgeCase.open(folder);
            case AERON_UDP:
                return AeronUdpCase.open(folder);
            default:
                return AeronIpcCase.open(folder);
        }
    }

    /**
     * Attach the ponger's side to a transport the pinger set up.
     *
     * @param folder  the pinger's private folder.
     * @param args    the transport's {@link CaseTransport#pongerArgs()}.
     * @param secrets where to read the transport's {@link CaseTransport#pongerSecrets()} from.
     * @return the ponger's duplex.
     * @throws IOException if it cannot attach.
     */
    Duplex attach(final SharedFolder folder, final List<String> args, final BufferedReader secrets) throws IOException
    {
        switch (this)
        {
            case BASTION_SEALED:
            case BASTION_ENCRYPTED:
            case BASTION_BATCHED:
                final String token = secrets.readLine();
                if (null == token)
                {
                    throw new IOException("no token on stdin");
                }
                return SealedChannelCase.attach(Path.of(args.get(0)), token);
            case BASTION_PLAIN:
                return PlainRingCase.attach(folder);
            case AGRONA:
                return AgronaRingCase.attach(folder);
            case BRIDGE:
                final String privateKey = secrets.readLine();
                if (null == privateKey)
                {
                    throw new IOException("no identity key on stdin");
                }
                return BridgeCase.attach(folder, args, privateKey);
            case AERON_UDP:
                return AeronUdpCase.attach(folder, args);
            default:
                return AeronIpcCase.attach(args.get(0));
        }
    }
}
