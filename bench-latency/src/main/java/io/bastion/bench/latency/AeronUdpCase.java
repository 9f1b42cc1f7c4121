package io.bastion.bench.latency;

import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.util.List;

/**
 * Sets up the {@code aeron-udp} case as the {@code bridge} case is set up, without the bridges: the pinger's process
 * runs one media driver ({@link UdpDriver}) and the ponger's its own, each with a publication to the other's port and
 * a subscription on its own, on 127.0.0.1.
 */
final class AeronUdpCase implements CaseTransport
{
    private final Duplex pinger;
    private final List<String> pongerArgs;
    private boolean closed;

    private AeronUdpCase(final Duplex pinger, final List<String> pongerArgs)
    {
        this.pinger = pinger;
        this.pongerArgs = pongerArgs;
    }

    /**
     * Launch the pinger's driver and attach the pinger.
     *
     * @param folder where the driver's folder goes.
     * @return the case.
     * @throws IOException if the driver cannot start.
     */
    static AeronUdpCase open(final SharedFolder folder) throws IOException
    {
        final int pingerPort = UdpDriver.freePort();
        int pongerPort = UdpDriver.freePort();
        while (pongerPort == pingerPort)
        {
            pongerPort = UdpDriver.freePort();
        }
        final MediaDriver driver = UdpDriver.launch(folder.path().resolve("aeron-udp-pinger"));
        try
        {
            final Duplex pinger = new AeronUdpDuplex(driver.aeronDirectoryName(), driver, pingerPort, pongerPort);
            return new AeronUdpCase(pinger, List.of(Integer.toString(pongerPort), Integer.toString(pingerPort)));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * The ponger's side: its own driver, a publication to the pinger's port and a subscription on its own.
     *
     * @param folder the suite's folder, where the driver's folder goes.
     * @param args   {@link #pongerArgs()}: own port, then the pinger's.
     * @return the duplex that receives pings and sends echoes.
     * @throws IOException if the driver cannot start.
     */
    static Duplex attach(final SharedFolder folder, final List<String> args) throws IOException
    {
        final MediaDriver driver = UdpDriver.launch(folder.path().resolve("aeron-udp-ponger"));
        try
        {
            return new AeronUdpDuplex(driver.aeronDirectoryName(), driver,
                Integer.parseInt(args.get(0)), Integer.parseInt(args.get(1)));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    @Override
    public Duplex pinger()
    {
        return pinger;
    }

    @Override
    public List<String> pongerArgs()
    {
        return pongerArgs;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            pinger.close();
        }
    }
}
