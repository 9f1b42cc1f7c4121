package io.bastion.bench.latency;

import io.aeron.driver.MediaDriver;
import io.bastion.bridge.Bridge;
import io.bastion.bridge.BridgeContext;
import io.bastion.bridge.BridgeRole;
import io.bastion.security.token.IssuerKeys;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;

/**
 * Sets up the {@code bridge} case: two bridges as two hosts would run them, on 127.0.0.1. The pinger's process runs
 * one media driver ({@link UdpDriver}) and the initiating bridge; the ponger's process its own driver and the
 * responding bridge. Each pins the other's identity: the pinger makes both Ed25519 identities, hands the ponger its
 * public key and the pinger's fingerprint as arguments, and its private key on stdin (never on a command line).
 */
final class BridgeCase implements CaseTransport
{
    private final Duplex pinger;
    private final List<String> pongerArgs;
    private final String pongerPrivateKey;
    private boolean closed;

    private BridgeCase(final Duplex pinger, final List<String> pongerArgs, final String pongerPrivateKey)
    {
        this.pinger = pinger;
        this.pongerArgs = pongerArgs;
        this.pongerPrivateKey = pongerPrivateKey;
    }

    /**
     * Launch the pinger's driver and bridge; the handshake runs once the ponger is up ({@link Duplex#doWork()}).
     *
     * @param folder where the driver's folder goes.
     * @return the case.
     * @throws IOException if the driver or the bridge cannot start.
     */
    static BridgeCase open(final SharedFolder folder) throws IOException
    {
        final KeyPair pingerIdentity = IssuerKeys.generate();
        final KeyPair pongerIdentity = IssuerKeys.generate();
        final int pingerPort = UdpDriver.freePort();
        int pongerPort = UdpDriver.freePort();
        while (pongerPort == pingerPort)
        {
            pongerPort = UdpDriver.freePort();
        }
        final MediaDriver driver = UdpDriver.launch(folder.path().resolve("aeron-bridge-pinger"));
        try
        {
            final Bridge bridge = Bridge.launch(context(BridgeRole.INITIATOR, driver, pingerIdentity,
                IssuerKeys.fingerprint(pongerIdentity.getPublic()), pingerPort, pongerPort));
            final Duplex pinger = new BridgeDuplex(bridge, driver, true);
            final Base64.Encoder base64 = Base64.getEncoder();
            return new BridgeCase(pinger,
                List.of(Integer.toString(pongerPort), Integer.toString(pingerPort),
                    IssuerKeys.fingerprint(pingerIdentity.getPublic()),
                    base64.encodeToString(IssuerKeys.rawPublic(pongerIdentity.getPublic()))),
                base64.encodeToString(IssuerKeys.rawPrivate(pongerIdentity.getPrivate())));
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * The ponger's side: its own driver and the responding bridge.
     *
     * @param folder     the suite's folder, where the driver's folder goes.
     * @param args       {@link #pongerArgs()}: own port, the pinger's port, the pinger's fingerprint, own public key.
     * @param privateKey own private key, base64 of the raw 32 bytes, as {@link #pongerSecrets()} sends it.
     * @return the duplex that receives pings and sends echoes.
     * @throws IOException if the driver or the bridge cannot start.
     */
    static Duplex attach(final SharedFolder folder, final List<String> args, final String privateKey)
            throws IOException
    {
        final Base64.Decoder base64 = Base64.getDecoder();
        final KeyPair identity = new KeyPair(IssuerKeys.publicFromRaw(base64.decode(args.get(3))),
            IssuerKeys.privateFromRaw(base64.decode(privateKey.strip())));
        final MediaDriver driver = UdpDriver.launch(folder.path().resolve("aeron-bridge-ponger"));
        try
        {
            final Bridge bridge = Bridge.launch(context(BridgeRole.RESPONDER, driver, identity, args.get(2),
                Integer.parseInt(args.get(0)), Integer.parseInt(args.get(1))));
            return new BridgeDuplex(bridge, driver, false);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    private static BridgeContext context(
        final BridgeRole role, final MediaDriver driver, final KeyPair identity, final String peerFingerprint,
        final int localPort, final int peerPort)
    {
        return new BridgeContext()
            .role(role)
            .identity(identity)
            .peerFingerprint(peerFingerprint)
            .localEndpoint(UdpDriver.endpoint(localPort))
            .peerEndpoint(UdpDriver.endpoint(peerPort))
            .mtuLength(UdpDriver.MTU)
            .termLength(UdpDriver.TERM_LENGTH)
            .streamId(UdpDriver.STREAM_ID)
            .aeronDirectoryName(driver.aeronDirectoryName())
            .counterLabel("latency " + role);
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
    public List<String> pongerSecrets()
    {
        return List.of(pongerPrivateKey);
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
