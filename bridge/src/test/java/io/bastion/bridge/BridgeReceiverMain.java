package io.bastion.bridge;

import io.bastion.security.token.IssuerKeys;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The receiving host, in a process of its own: a responder bridge with its own embedded media driver. Arguments: the
 * parent folder for its driver, its port, the peer's port, the number of frames to expect. Its identity (raw public
 * and private key, hex) and the peer's fingerprint arrive on stdin, one per line, so no key is written to a file.
 * Prints {@code connected <session id>}, then {@code received <n> errors <e> channelKeys <k> rejections <r>} and
 * exits 0 once every frame arrived (or 2 on timeout). Each frame is checked byte for byte and its inner tag verified
 * with the channel key the bridge carried.
 */
public final class BridgeReceiverMain
{
    private BridgeReceiverMain()
    {
    }

    /**
     * Run the receiving side.
     *
     * @param args folder, local port, peer port, frame count.
     * @throws Exception on any failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        final HexFormat hex = HexFormat.of();
        final KeyPair identity = new KeyPair(IssuerKeys.publicFromRaw(hex.parseHex(stdin.readLine())),
            IssuerKeys.privateFromRaw(hex.parseHex(stdin.readLine())));
        final String peerFingerprint = stdin.readLine();
        final long count = Long.parseLong(args[3]);
        final SealedFrames frames = SealedFrames.verifying();
        final BridgeContext context = new BridgeContext()
            .role(BridgeRole.RESPONDER)
            .identity(identity)
            .peerFingerprint(peerFingerprint)
            .localEndpoint(BridgeRig.endpoint(Integer.parseInt(args[1])))
            .peerEndpoint(BridgeRig.endpoint(Integer.parseInt(args[2])))
            .directory(Path.of(args[0]))
            .channelKeyHandler(frames::install);
        try (Bridge bridge = Bridge.launch(context))
        {
            bridge.connect(BridgeRig.TIMEOUT_MS);
            System.out.println("connected " + bridge.sessionId());
            final long[] received = new long[1];
            final long[] errors = new long[1];
            final BridgeFrameHandler handler = (buffer, offset, length, sequence) ->
            {
                if (null != frames.check(buffer, offset, length, received[0]))
                {
                    errors[0]++;
                }
                received[0]++;
            };
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (received[0] < count && System.nanoTime() - deadline < 0)
            {
                if (0 == bridge.receiver().poll(handler, 256))
                {
                    Thread.yield();
                }
            }
            System.out.println("received " + received[0] + " errors " + errors[0] + " channelKeys " +
                bridge.counters().channelKeysReceived().get() + " rejections " +
                bridge.counters().totalRejections());
            System.out.flush();
            System.exit(received[0] == count ? 0 : 2);
        }
    }
}
