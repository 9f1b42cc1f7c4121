package io.bastion.bench.latency;

import io.bastion.ringbuffer.OneToOneRingDescriptor;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;

/**
 * Sets up the {@code bastion-plain} case: two Bastion one-to-one rings (ping and pong), each a producer region and a
 * consumer region in owner-only files of the {@link SharedFolder}, mapped by both processes.
 */
final class PlainRingCase implements CaseTransport
{
    /** Record capacity of each ring: room for many of the largest messages, small enough to stay in cache. */
    static final int CAPACITY = 64 * 1024;

    private final Duplex pinger;

    private PlainRingCase(final Duplex pinger)
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
    static PlainRingCase open(final SharedFolder folder) throws IOException
    {
        final AtomicBuffer[] ping = {
            folder.createMapped("ping.producer", OneToOneRingDescriptor.producerRegionLength(CAPACITY)),
            folder.createMapped("ping.consumer", OneToOneRingDescriptor.CONSUMER_REGION_LENGTH)};
        final AtomicBuffer[] pong = {
            folder.createMapped("pong.producer", OneToOneRingDescriptor.producerRegionLength(CAPACITY)),
            folder.createMapped("pong.consumer", OneToOneRingDescriptor.CONSUMER_REGION_LENGTH)};
        return new PlainRingCase(new PlainRingDuplex(ping, pong));
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
        final AtomicBuffer[] ping = {
            folder.mapExisting("ping.producer", OneToOneRingDescriptor.producerRegionLength(CAPACITY)),
            folder.mapExisting("ping.consumer", OneToOneRingDescriptor.CONSUMER_REGION_LENGTH)};
        final AtomicBuffer[] pong = {
            folder.mapExisting("pong.producer", OneToOneRingDescriptor.producerRegionLength(CAPACITY)),
            folder.mapExisting("pong.consumer", OneToOneRingDescriptor.CONSUMER_REGION_LENGTH)};
        return new PlainRingDuplex(pong, ping);
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
