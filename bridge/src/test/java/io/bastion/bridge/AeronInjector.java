package io.bastion.bridge;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import io.aeron.protocol.SetupFlyweight;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network attacker with a raw UDP socket aimed at a bridge's Aeron endpoint. Aeron does not authenticate its own
 * framing, so the attacker opens an Aeron session of its own: a SETUP frame (built with {@link SetupFlyweight}), then
 * data frames ({@link DataHeaderFlyweight}) at consecutive term offsets, each carrying whatever bytes it chooses as
 * one bridge datagram. The receiving driver makes an image of it and the bridge's subscription reads it like any
 * other; this is the path by which forged, replayed, reordered and truncated bridge datagrams reach the receiver.
 */
final class AeronInjector implements AutoCloseable
{
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int MTU = BridgeContext.MTU_DEFAULT;
    private static final int SETUP_WAIT_MS = 200;

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final int streamId;
    private final int sessionId = ThreadLocalRandom.current().nextInt();
    private final int termId = ThreadLocalRandom.current().nextInt();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[MTU]);
    private int termOffset;

    AeronInjector(final int targetPort, final int streamId) throws IOException
    {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(SETUP_WAIT_MS);
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.streamId = streamId;
    }

    /** Send SETUP until the receiver's driver answers with a status message (its image exists). */
    void setup() throws IOException
    {
        final SetupFlyweight setup = new SetupFlyweight(frame);
        setup.frameLength(SetupFlyweight.HEADER_LENGTH);
        setup.version(HeaderFlyweight.CURRENT_VERSION).flags((short)0).headerType(HeaderFlyweight.HDR_TYPE_SETUP);
        setup.termOffset(0).sessionId(sessionId).streamId(streamId).initialTermId(termId).activeTermId(termId)
            .termLength(TERM_LENGTH).mtuLength(MTU).ttl(0);
        final byte[] reply = new byte[MTU];
        final long deadline = System.nanoTime() + BridgeRig.TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() - deadline < 0)
        {
            send(SetupFlyweight.HEADER_LENGTH);
            try
            {
                final DatagramPacket packet = new DatagramPacket(reply, reply.length);
                socket.receive(packet);
                final int type = new UnsafeBuffer(reply).getShort(HeaderFlyweight.TYPE_FIELD_OFFSET,
                    ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                if (HeaderFlyweight.HDR_TYPE_SM == type)
                {
                    return;
                }
            }
            catch (final SocketTimeoutException ignore)
            {
                // resend the setup
            }
        }
        throw new AssertionError("the receiver's driver never answered the SETUP");
    }

    /** Inject one bridge datagram as a whole Aeron message. */
    void inject(final byte[] datagram) throws IOException
    {
        inject(datagram, DataHeaderFlyweight.BEGIN_AND_END_FLAGS);
    }

    /** Inject one bridge datagram as an Aeron data frame with the given flags. */
    void inject(final byte[] datagram, final short flags) throws IOException
    {
        final DataHeaderFlyweight data = new DataHeaderFlyweight(frame);
        final int frameLength = DataHeaderFlyweight.HEADER_LENGTH + datagram.length;
        data.frameLength(frameLength);
        data.version(HeaderFlyweight.CURRENT_VERSION).flags(flags).headerType(HeaderFlyweight.HDR_TYPE_DATA);
        data.termOffset(termOffset).sessionId(sessionId).streamId(streamId).termId(termId).reservedValue(0);
        frame.putBytes(DataHeaderFlyweight.HEADER_LENGTH, datagram);
        send(frameLength);
        termOffset += BitUtil.align(frameLength, FrameDescriptor.FRAME_ALIGNMENT);
    }

    private void send(final int length) throws IOException
    {
        socket.send(new DatagramPacket(frame.byteArray(), 0, length, target));
    }

    @Override
    public void close()
    {
        socket.close();
    }
}
