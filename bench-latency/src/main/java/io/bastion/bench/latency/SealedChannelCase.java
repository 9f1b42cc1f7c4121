package io.bastion.bench.latency;

import io.bastion.broker.Bastion;
import io.bastion.broker.BrokerContext;
import io.bastion.channel.SealingMode;
import io.bastion.security.token.Right;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sets up the {@code bastion-sealed} case: a broker embedded in the pinger's process on a folder inside the
 * {@link SharedFolder}, with its own in-memory token issuer, and one capability token (publish and subscribe on
 * {@value SealedChannelDuplex#PATTERN}, valid for an hour) for both sides. The ponger gets the token on its stdin,
 * never in a file or on its command line: a token is a bearer credential.
 */
final class SealedChannelCase implements CaseTransport
{
    /** Capacity of the rings the broker hands out, as for {@link PlainRingCase#CAPACITY}. */
    static final int RING_CAPACITY = PlainRingCase.CAPACITY;
    private static final long TOKEN_VALIDITY_MS = TimeUnit.HOURS.toMillis(1);

    private final Bastion bastion;
    private final Duplex pinger;
    private final Path brokerDirectory;
    private final String token;
    private boolean closed;

    private SealedChannelCase(
        final Bastion bastion, final Duplex pinger, final Path brokerDirectory, final String token)
    {
        this.bastion = bastion;
        this.pinger = pinger;
        this.brokerDirectory = brokerDirectory;
        this.token = token;
    }

    /**
     * Launch the broker, issue the token and connect the pinger.
     *
     * @param folder  where the broker's folder goes.
     * @param sealing how the broker has the two channels sealed; it announces it to both sides.
     * @return the case.
     * @throws IOException if the broker cannot start or refuses the pinger.
     */
    static SealedChannelCase open(final SharedFolder folder, final SealingMode sealing) throws IOException
    {
        if (null != System.getProperty(BrokerContext.ISSUER_KEY_PROP))
        {
            throw new IllegalStateException(
                "the suite issues its own tokens: unset -D" + BrokerContext.ISSUER_KEY_PROP);
        }
        final Path directory = folder.path().resolve("broker-" + sealing.code());
        final Bastion bastion = Bastion.launchEmbedded(new BrokerContext().directory(directory)
            .ringCapacity(RING_CAPACITY)
            .channelSealing(SealedChannelDuplex.PING_CHANNEL, sealing)
            .channelSealing(SealedChannelDuplex.PONG_CHANNEL, sealing));
        try
        {
            final String user = Files.getOwner(Path.of("/proc/self")).getName();
            final byte[] token = bastion.issueToken(user, SealedChannelDuplex.PATTERN,
                Right.PUBLISH.bit() | Right.SUBSCRIBE.bit(), System.currentTimeMillis(), TOKEN_VALIDITY_MS);
            final Duplex pinger = new SealedChannelDuplex(
                directory, token, SealedChannelDuplex.PING_CHANNEL, SealedChannelDuplex.PONG_CHANNEL);
            return new SealedChannelCase(bastion, pinger, directory, Base64.getEncoder().encodeToString(token));
        }
        catch (final IOException | RuntimeException ex)
        {
            bastion.close();
            throw ex;
        }
    }

    /**
     * The ponger's side: connect to the pinger's broker with the token it sent.
     *
     * @param brokerDirectory the broker's folder.
     * @param token           the token, base64 as {@link #pongerSecrets()} sends it.
     * @return the duplex that receives pings and sends echoes.
     * @throws IOException if the broker refuses or cannot be reached.
     */
    static Duplex attach(final Path brokerDirectory, final String token) throws IOException
    {
        return new SealedChannelDuplex(brokerDirectory, Base64.getDecoder().decode(token.strip()),
            SealedChannelDuplex.PONG_CHANNEL, SealedChannelDuplex.PING_CHANNEL);
    }

    @Override
    public Duplex pinger()
    {
        return pinger;
    }

    @Override
    public List<String> pongerArgs()
    {
        return List.of(brokerDirectory.toString());
    }

    @Override
    public List<String> pongerSecrets()
    {
        return List.of(token);
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            pinger.close();
            bastion.close();
        }
    }
}
