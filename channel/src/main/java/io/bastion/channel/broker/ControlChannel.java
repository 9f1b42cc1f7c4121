package io.bastion.channel.broker;

import io.bastion.codec.ControlMessageValidator;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * Length-prefixed control messages on a connected Unix-domain {@link SocketChannel}, every read and write bounded
 * by a deadline.
 * <pre>
 *  +------------------------------+---------------------------------------------+
 *  | length: uint32, little-endian | SBE control message (length bytes)          |
 *  +------------------------------+---------------------------------------------+
 * </pre>
 * A length below the SBE header or above {@link #MAX_MESSAGE_LENGTH} is refused before any byte of the message is
 * read ({@link RejectReason#PROTOCOL_VIOLATION}), so a peer cannot make the reader allocate or wait for more than
 * one bounded message. The framing is {@link ControlLink}'s, the one every open session uses too; here the
 * non-blocking socket is waited on with a private {@link Selector}, so a silent peer costs at most the deadline. Not
 * thread safe: one handshake thread owns it.
 */
final class ControlChannel implements AutoCloseable
{
    /** Bytes of the length prefix. */
    static final int PREFIX_LENGTH = 4;

    /**
     * Largest control message: the header, the largest fixed block of a control message (Hello, 68 bytes) with
     * room to spare, and two var-data fields of the schema's maximum.
     */
    static final int MAX_MESSAGE_LENGTH =
        FrameDescriptor.HEADER_LENGTH + 128 + 2 * (2 + ControlMessageValidator.MAX_VAR_DATA_LENGTH);

    private final SocketChannel channel;
    private final ControlLink link;
    private final Selector selector;
    private final SelectionKey key;

    ControlChannel(final SocketChannel channel) throws IOException
    {
        this.channel = channel;
        this.link = new ControlLink(channel);
        this.selector = Selector.open();
        try
        {
            this.key = channel.register(selector, 0);
        }
        catch (final IOException | RuntimeException ex)
        {
            selector.close();
            throw ex;
        }
    }

    SocketChannel channel()
    {
        return channel;
    }

    /**
     * Read one message. Its bytes are valid in {@link #messageBuffer()} until the next read.
     *
     * @param deadlineNs {@link System#nanoTime()} by which it must have arrived.
     * @return the message's length, from {@link FrameDescriptor#HEADER_LENGTH} to {@link #MAX_MESSAGE_LENGTH}.
     * @throws HandshakeException TIMED_OUT, CHANNEL_CLOSED (end of stream or I/O error) or PROTOCOL_VIOLATION.
     */
    int read(final long deadlineNs) throws HandshakeException
    {
        while (true)
        {
            final int length = link.poll();
            if (length > 0)
            {
                return length;
            }
            if (ControlLink.BAD_LENGTH == length)
            {
                throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false, "message length out of range");
            }
            if (ControlLink.CLOSED == length)
            {
                throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false, "end of stream or read failed");
            }
            await(SelectionKey.OP_READ, deadlineNs);
        }
    }

    byte[] messageBuffer()
    {
        return link.messageBuffer();
    }

    /**
     * Write one message with its prefix.
     *
     * @param bytes      the message.
     * @param length     its length, at most {@link #MAX_MESSAGE_LENGTH}.
     * @param deadlineNs {@link System#nanoTime()} by which it must be written.
     * @throws HandshakeException TIMED_OUT or CHANNEL_CLOSED.
     */
    void write(final byte[] bytes, final int length, final long deadlineNs) throws HandshakeException
    {
        if (length < 0 || length > MAX_MESSAGE_LENGTH || length > bytes.length)
        {
            throw new IllegalArgumentException("bad message length " + length);
        }
        if (!link.send(length == bytes.length ? bytes : Arrays.copyOf(bytes, length)))
        {
            throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false, "write failed");
        }
        while (link.hasQueuedOutput())
        {
            await(SelectionKey.OP_WRITE, deadlineNs);
            if (!link.flush())
            {
                throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false, "write failed");
            }
        }
    }

    /**
     * Write a message and ignore any failure: for a refusal sent just before closing.
     *
     * @param bytes      the message.
     * @param length     its length.
     * @param deadlineNs deadline.
     */
    void writeQuietly(final byte[] bytes, final int length, final long deadlineNs)
    {
        try
        {
            write(bytes, length, deadlineNs);
        }
        catch (final HandshakeException ex)
        {
            // The peer is being dropped anyway; the refusal was a courtesy.
        }
    }

    private void await(final int ops, final long deadlineNs) throws HandshakeException
    {
        final long remainingNs = deadlineNs - System.nanoTime();
        if (remainingNs <= 0 || Thread.currentThread().isInterrupted())
        {
            throw new HandshakeException(RejectReason.TIMED_OUT, false, "deadline passed");
        }
        try
        {
            key.interestOps(ops);
            selector.select(Math.max(1L, remainingNs / 1_000_000L));
            selector.selectedKeys().clear();
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false, "select failed");
        }
    }

    /**
     * Hand the socket over: close the private selector (which deregisters the socket) and return the socket, still
     * open and in non-blocking mode; the caller owns it from now on.
     *
     * @return the socket.
     */
    SocketChannel detach()
    {
        closeSelector();
        return channel;
    }

    private void closeSelector()
    {
        try
        {
            selector.close();
        }
        catch (final IOException ex)
        {
            // Nothing to do: the socket is what matters.
        }
    }

    /**
     * Close the selector and the socket.
     */
    @Override
    public void close()
    {
        closeSelector();
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
