package io.bastion.channel.broker;

import io.bastion.codec.FrameDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * Length-prefixed control messages (the framing of {@link ControlChannel}) on an open session's non-blocking socket,
 * for a duty cycle: {@link #poll()} never waits and {@link #send} queues what the socket cannot take yet.
 * <p>
 * A length below the SBE header or above {@link ControlChannel#MAX_MESSAGE_LENGTH} breaks the link before any byte of
 * the body is read, and so does an output queue above {@link #MAX_QUEUED_BYTES} (a peer that stopped reading), so
 * neither side of a link can make the other buffer without bound. A broken direction stays broken; a broken read
 * still lets a last refusal out. Not thread
 * safe: one thread (a client's duty cycle, or the broker's conductor) owns it.
 */
final class ControlLink implements AutoCloseable
{
    /** {@link #poll()}: no complete message yet. */
    static final int NONE = 0;
    /** {@link #poll()}: the peer closed the socket, or it failed. */
    static final int CLOSED = -1;
    /** {@link #poll()}: the peer sent a length no control message can have. */
    static final int BAD_LENGTH = -2;
    /** Most bytes queued for a peer that does not read. */
    static final int MAX_QUEUED_BYTES = 64 * 1024;

    private final SocketChannel channel;
    private final ByteBuffer prefix = ByteBuffer.allocate(ControlChannel.PREFIX_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final byte[] message = new byte[ControlChannel.MAX_MESSAGE_LENGTH];
    private final ByteBuffer body = ByteBuffer.wrap(message);
    private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();
    private int queuedBytes;
    private boolean readingBody;
    private int readFailure;
    private boolean writeBroken;

    ControlLink(final SocketChannel channel) throws IOException
    {
        this.channel = channel;
        channel.configureBlocking(false);
    }

    SocketChannel channel()
    {
        return channel;
    }

    /**
     * Read what has arrived, up to the end of the next message.
     *
     * @return the length of a complete message now in {@link #messageBuffer()} (valid until the next poll),
     * {@link #NONE}, {@link #CLOSED} or {@link #BAD_LENGTH}.
     */
    int poll()
    {
        if (0 != readFailure)
        {
            return readFailure;
        }
        try
        {
            if (!readingBody)
            {
                if (channel.read(prefix) < 0)
                {
                    return failRead(CLOSED);
                }
                if (prefix.hasRemaining())
                {
                    return NONE;
                }
                final long length = prefix.getInt(0) & 0xFFFF_FFFFL;
                if (length < FrameDescriptor.HEADER_LENGTH || length > ControlChannel.MAX_MESSAGE_LENGTH)
                {
                    return failRead(BAD_LENGTH);
                }
                body.clear().limit((int)length);
                readingBody = true;
            }
            if (channel.read(body) < 0)
            {
                return failRead(CLOSED);
            }
            if (body.hasRemaining())
            {
                return NONE;
            }
            readingBody = false;
            prefix.clear();
            return body.limit();
        }
        catch (final IOException ex)
        {
            return failRead(CLOSED);
        }
    }

    byte[] messageBuffer()
    {
        return message;
    }

    /**
     * Queue a message and write as much as the socket takes now.
     *
     * @param bytes the whole message.
     * @return false if the link cannot write (now or before): the message is dropped. A failed read does not stop
     * writes, so a peer that sent garbage can still be told why it is dropped.
     */
    boolean send(final byte[] bytes)
    {
        if (writeBroken)
        {
            return false;
        }
        if (bytes.length > ControlChannel.MAX_MESSAGE_LENGTH ||
            queuedBytes + ControlChannel.PREFIX_LENGTH + bytes.length > MAX_QUEUED_BYTES)
        {
            failWrite();
            return false;
        }
        final ByteBuffer out = ByteBuffer.allocate(ControlChannel.PREFIX_LENGTH + bytes.length)
            .order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(bytes.length).put(bytes).flip();
        outbound.add(out);
        queuedBytes += out.remaining();
        return flush();
    }

    /**
     * Write queued bytes the socket takes now.
     *
     * @return false if the link is broken.
     */
    boolean flush()
    {
        if (writeBroken)
        {
            return false;
        }
        try
        {
            ByteBuffer head;
            while (null != (head = outbound.peek()))
            {
                final int written = channel.write(head);
                queuedBytes -= written;
                if (head.hasRemaining())
                {
                    return true;
                }
                outbound.poll();
            }
            return true;
        }
        catch (final IOException ex)
        {
            failWrite();
            return false;
        }
    }

    boolean hasQueuedOutput()
    {
        return !outbound.isEmpty();
    }

    private int failRead(final int reason)
    {
        readFailure = reason;
        return reason;
    }

    private void failWrite()
    {
        writeBroken = true;
        outbound.clear();
        queuedBytes = 0;
    }

    /**
     * Close the socket.
     */
    @Override
    public void close()
    {
        failRead(CLOSED);
        failWrite();
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            // Already closed or broken: nothing left to release.
        }
    }
}
