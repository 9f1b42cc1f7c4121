package io.bastion.bench.latency;

import io.bastion.bridge.Bridge;
import io.bastion.bridge.BridgeFrameHandler;
import io.bastion.bridge.BridgeHandshakeException;
import io.bastion.bridge.BridgeSender;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * The {@code bridge} case: one side of a bridge pair, the pinger's bridge the initiator and the ponger's the
 * responder, each on its own media driver ({@link UdpDriver}). Every message travels as the payload of a Bastion frame
 * sealed with HMAC-SHA256 ({@link SealedFrames}), which the bridge encrypts and authenticates (AES-GCM), sends as one
 * Aeron UDP datagram, and on the other side opens, checks against the replay window and validates before the sink
 * sees the frame's payload. The two directions of the one session carry the pings and the echoes.
 * <p>
 * The initiator runs the handshake in {@link #doWork()} (blocking, until the session is up); the responder answers it
 * from within {@link #poll}, as a bridge's receiving thread does.
 */
final class BridgeDuplex implements Duplex, BridgeFrameHandler
{
    /** How long the initiator tries to establish the session. */
    static final long CONNECT_TIMEOUT_MS = 20_000;

    private final Bridge bridge;
    private final AutoCloseable driver;
    private final boolean initiator;
    private final SealedFrames frames;
    private final BridgeSender sender;
    private MessageSink sink;
    private int delivered;

    /**
     * One side over a launched bridge.
     *
     * @param bridge    the bridge; this duplex owns it from now on.
     * @param driver    the media driver the bridge uses, closed after it.
     * @param initiator whether this side runs the handshake.
     */
    BridgeDuplex(final Bridge bridge, final AutoCloseable driver, final boolean initiator)
    {
        this.bridge = bridge;
        this.driver = driver;
        this.initiator = initiator;
        this.sender = bridge.sender();
        this.frames = new SealedFrames(SealedFrames.payloadLength(sender.maxFrameLength()));
    }

    @Override
    public boolean offer(final DirectBuffer buffer, final int length)
    {
        if (!bridge.isConnected())
        {
            return false;
        }
        if (SealedFrames.frameLength(length) > sender.maxFrameLength())
        {
            throw new IllegalStateException("a " + length + "-byte message does not fit one bridge datagram (" +
                SealedFrames.payloadLength(sender.maxFrameLength()) + " bytes at most)");
        }
        final int frameLength = frames.seal(buffer, length);
        final long result = sender.offer(frames.frame(), 0, frameLength);
        if (result > 0)
        {
            return true;
        }
        if (BridgeSender.BACK_PRESSURED == result || BridgeSender.NOT_CONNECTED == result ||
            BridgeSender.ADMIN_ACTION == result)
        {
            return false;
        }
        throw new IllegalStateException("the bridge refused a frame: " + result);
    }

    @Override
    public int poll(final MessageSink sink)
    {
        this.sink = sink;
        delivered = 0;
        bridge.receiver().poll(this, 1);
        return delivered;
    }

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int length, final long sequence)
    {
        sink.onMessage(buffer, offset + SealedFrames.PAYLOAD_OFFSET, SealedFrames.payloadLength(length));
        delivered = 1;
    }

    @Override
    public int doWork()
    {
        if (initiator && !bridge.isConnected())
        {
            try
            {
                bridge.connect(CONNECT_TIMEOUT_MS);
            }
            catch (final BridgeHandshakeException ex)
            {
                throw new IllegalStateException("the bridge handshake failed: " + ex.getMessage(), ex);
            }
            return 1;
        }
        return 0;
    }

    @Override
    public boolean isConnected()
    {
        return bridge.isConnected();
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(bridge, frames, driver);
    }
}
