package io.bastion.bridge;

import io.bastion.security.token.IssuerKeys;
import io.bastion.test.ChildDeadline;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A bridge the victim must not trust, in a process of its own, run by {@link CrossProcessUnpinnedPeerTest}: a real
 * {@link Bridge} with its own embedded media driver that runs the real handshake against the victim, in either
 * role, and pins the victim's (public) fingerprint so that its own side of the handshake goes as far as it can.
 * <p>
 * Two identities: {@value #STRANGER}, a valid Ed25519 key pair generated here, which the victim has not pinned; and
 * {@value #CLAIMS_PINNED}, which presents the public key the victim did pin (public knowledge, read from stdin) with
 * a private key generated here, so it signs the transcript with a key that is not the one it presents. No private
 * key of the victim or of the pinned peer ever reaches this process.
 * <p>
 * Arguments: the parent folder for its driver, its role ({@code INITIATOR} or {@code RESPONDER}), its port, the
 * victim's port, the victim's fingerprint, the identity mode. With {@value #CLAIMS_PINNED} the first stdin line is
 * the pinned public key (raw, hex). It prints {@code ready <fingerprint it presents>}, then tries to handshake in
 * slices of {@link #CONNECT_SLICE_MS} until a session or {@code stop} on stdin. If its side completes a handshake
 * (an initiator that presents the pinned key does: the initiator's INIT_FINISH is the last message, so nothing
 * tells it the victim refused it) it prints {@code session <id>}, offers {@link #SEALED_FRAMES} datagrams sealed
 * under that session and prints {@code sealed <n>}. On {@code stop} it prints
 * {@code result session=<id or 0> refusal=<last refusal or none> attempts=<timed-out connects> sealed=<n>}, closes
 * its bridge and exits 0. Its whole run is bounded by {@link #DEADLINE_MS} (exit 3).
 */
public final class UnpinnedPeerAttackerMain
{
    /** A valid identity the victim has not pinned. */
    static final String STRANGER = "stranger";
    /** The pinned public key, presented with another private key. */
    static final String CLAIMS_PINNED = "claims-pinned";
    /** How many datagrams it seals under a session its own side completed. */
    static final int SEALED_FRAMES = 5;
    /** One {@link Bridge#connect} attempt. */
    static final long CONNECT_SLICE_MS = 1_000;
    /** The attacker's whole run is bounded by this. */
    static final long DEADLINE_MS = BridgeRig.TIMEOUT_MS;

    private static volatile boolean stop;

    private UnpinnedPeerAttackerMain()
    {
    }

    /**
     * Run the attacking bridge.
     *
     * @param args folder, role, local port, victim port, victim fingerprint, identity mode.
     * @throws Exception on any failure.
     */
    public static void main(final String[] args) throws Exception
    {
        ChildDeadline.start(DEADLINE_MS);
        final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        final BridgeRole role = BridgeRole.valueOf(args[1]);
        final KeyPair own = IssuerKeys.generate();
        final KeyPair identity;
        if (CLAIMS_PINNED.equals(args[5]))
        {
            identity = new KeyPair(IssuerKeys.publicFromRaw(HexFormat.of().parseHex(stdin.readLine())),
                own.getPrivate());
        }
        else if (STRANGER.equals(args[5]))
        {
            identity = own;
        }
        else
        {
            throw new IllegalArgumentException("identity mode: " + args[5]);
        }
        final BridgeContext context = new BridgeContext()
            .role(role)
            .identity(identity)
            .peerFingerprint(args[4])
            .localEndpoint(BridgeRig.endpoint(Integer.parseInt(args[2])))
            .peerEndpoint(BridgeRig.endpoint(Integer.parseInt(args[3])))
            .termLength(1 << 20)
            .handshakeResendMs(200)
            .directory(Path.of(args[0]));
        try (Bridge bridge = Bridge.launch(context))
        {
            final Thread reader = new Thread(() -> awaitStop(stdin), "attacker-stdin");
            reader.setDaemon(true);
            reader.start();
            System.out.println("ready " + bridge.fingerprint());
            System.out.flush();
            int attempts = 0;
            BridgeRejectReason lastRefusal = null;
            int sealed = 0;
            while (!stop && !bridge.isConnected())
            {
                try
                {
                    bridge.connect(CONNECT_SLICE_MS);
                }
                catch (final BridgeHandshakeException ex)
                {
                    attempts++;
                    lastRefusal = null == ex.lastRefusal() ? lastRefusal : ex.lastRefusal();
                }
            }
            if (bridge.isConnected())
            {
                System.out.println("session " + bridge.sessionId());
                System.out.flush();
                sealed = sealUnderOwnSession(bridge);
                System.out.println("sealed " + sealed);
                System.out.flush();
            }
            while (!stop)
            {
                bridge.receiver().poll((buffer, offset, length, sequence) -> { }, 10);
                Thread.yield();
            }
            System.out.println("result session=" + bridge.sessionId() + " refusal=" +
                (null == lastRefusal ? "none" : lastRefusal.name()) + " attempts=" + attempts + " sealed=" + sealed);
            System.out.flush();
        }
        System.exit(0);
    }

    /** Offer random inner frames under the session this side believes it has; each offer that the publication took. */
    private static int sealUnderOwnSession(final Bridge bridge)
    {
        final byte[] bytes = new byte[100];
        new SecureRandom().nextBytes(bytes);
        final UnsafeBuffer frame = new UnsafeBuffer(bytes);
        int sealed = 0;
        while (sealed < SEALED_FRAMES && !stop)
        {
            if (bridge.sender().offer(frame, 0, bytes.length) > 0)
            {
                sealed++;
            }
            else
            {
                Thread.yield();
            }
        }
        return sealed;
    }

    private static void awaitStop(final BufferedReader stdin)
    {
        try
        {
            String line;
            while (null != (line = stdin.readLine()) && !"stop".equals(line))
            {
                // only stop means anything
            }
        }
        catch (final IOException ignore)
        {
            // the parent is gone: stop
        }
        stop = true;
    }
}
