package io.bastion.bridge;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A man in the middle on the UDP path from one bridge's publication to the other's subscription: it forwards every
 * datagram both ways (data one way, Aeron's status messages and NAKs back), records the payload of every Aeron data
 * frame it sees, as an attacker on the wire would, keyed by the bridge datagram's type and sequence, and can be
 * {@linkplain #cut() cut} so that it records without forwarding.
 */
final class UdpRelay implements AutoCloseable
{
    private final DatagramChannel front;
    private final DatagramChannel back;
    private final InetSocketAddress target;
    private final Thread forward;
    private final Thread backward;
    private final Map<String, byte[]> captured = new ConcurrentHashMap<>();
    private volatile SocketAddress source;
    private volatile boolean cut;

    UdpRelay(final int targetPort) throws IOException
    {
        front = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        back = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        // Not connected: a connected datagram channel reports ICMP port-unreachable as an error on the next write.
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        forward = new Thread(this::forward, "relay-forward");
        backward = new Thread(this::backward, "relay-backward");
        forward.setDaemon(true);
        backward.setDaemon(true);
        forward.start();
        backward.start();
    }

    int port() throws IOException
    {
        return ((InetSocketAddress)front.getLocalAddress()).getPort();
    }

    /** From now on, record but do not forward the sender's datagrams. */
    void cut()
    {
        cut = true;
    }

    /** The payload of a captured bridge datagram, or null. */
    byte[] captured(final int type, final long sequence)
    {
        final byte[] bytes = captured.get(type + ":" + sequence);
        return null == bytes ? null : bytes.clone();
    }

    private void forward()
    {
        final ByteBuffer packet = ByteBuffer.allocate(65536);
        try
        {
            while (true)
            {
                packet.clear();
                source = front.receive(packet);
                packet.flip();
                record(packet);
                if (!cut)
                {
                    back.send(packet, target);
                }
            }
        }
        catch (final ClosedChannelException ignore)
        {
            // closed
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void backward()
    {
        final ByteBuffer packet = ByteBuffer.allocate(65536);
        try
        {
            while (true)
            {
                packet.clear();
                back.receive(packet);
                packet.flip();
                final SocketAddress to = source;
                if (null != to)
                {
                    front.send(packet, to);
                }
            }
        }
        catch (final ClosedChannelException ignore)
        {
            // closed
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void record(final ByteBuffer packet)
    {
        final byte[] bytes = Arrays.copyOfRange(packet.array(), 0, packet.limit());
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int offset = 0;
        while (bytes.length - offset >= DataHeaderFlyweight.HEADER_LENGTH)
        {
            final int frameLength = buffer.getInt(offset + HeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET,
                ByteOrder.LITTLE_ENDIAN);
            final int type = buffer.getShort(offset + HeaderFlyweight.TYPE_FIELD_OFFSET, ByteOrder.LITTLE_ENDIAN) &
                0xFFFF;
            if (frameLength < DataHeaderFlyweight.HEADER_LENGTH || frameLength > bytes.length - offset)
            {
                return;
            }
            final int payload = frameLength - DataHeaderFlyweight.HEADER_LENGTH;
            if (HeaderFlyweight.HDR_TYPE_DATA == type && payload >= BridgeDescriptor.HEADER_LENGTH)
            {
                final int start = offset + DataHeaderFlyweight.HEADER_LENGTH;
                final int bridgeType = bytes[start + BridgeDescriptor.TYPE_OFFSET] & 0xFF;
                final long sequence = buffer.getLong(start + BridgeDescriptor.SEQUENCE_OFFSET,
                    BridgeDescriptor.BYTE_ORDER);
                captured.put(bridgeType + ":" + sequence, Arrays.copyOfRange(bytes, start, start + payload));
            }
            offset += BitUtil.align(frameLength, FrameDescriptor.FRAME_ALIGNMENT);
        }
    }

    @Override
    public void close() throws Exception
    {
        front.close();
        back.close();
        forward.join(5_000);
        backward.join(5_000);
    }
}
