package io.bastion.bench.latency;

import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;

/**
 * Sets up the {@code agrona} case: two Agrona one-to-one rings (ping and pong), each one owner-only file of the
 * {@link SharedFolder}, mapped by both processes.
 */
final class AgronaRingCase implements CaseTransport
{
    /** Record capacity of each ring, as for {@link PlainRingCase#CAPACITY}. */
    static final int CAPACITY = PlainRingCase.CAPACITY;
    private static final int LENGTH = CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;

    private final Duplex pinger;

    private AgronaRingCase(final Duplex pinger)
    {
        this.pinger = pinger;
    }

    /**
     * Create the rings' files and attach the pinger.
     *
     * @param folder where the files go.
     * @return the case.
     * @throws IOException if a file cannot be created or mapped.
     */
    static AgronaRingCase open(final SharedFolder folder) throws IOException
    {
        return new AgronaRingCase(new AgronaRingDuplex(
            folder.createMapped("ping.agrona", LENGTH), folder.createMapped("pong.agrona", LENGTH)));
    }

    /**
     * The ponger's side: map the files the pinger created.
     *
     * @param folder the pinger's folder.
     * @return the duplex that receives pings and sends echoes.
     * @throws IOException if a file fails its checks or cannot be mapped.
     */
    static Duplex attach(final SharedFolder folder) throws IOException
    {
        return new AgronaRingDuplex(
            folder.mapExisting("pong.agrona", LENGTH), folder.mapExisting("ping.agrona", LENGTH));
    }

    @Override
    public Duplex pinger()
    {
        return pinger;
    }

    @Override
    public void close()
    {
        pinger.close();
    }
}
