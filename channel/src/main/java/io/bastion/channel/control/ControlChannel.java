package io.bastion.channel.control;

import io.bastion.codec.ControlMessageValidator;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.FileDescriptorCast;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

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
 * one bounded message. The framing is {@link ControlLink}'s, the one every open session uses too, descriptors
 * included ({@link #write(byte[], int, FileDescriptor[], long)}, {@link #takeDescriptors(int)}); here the
 * non-blocking socket is waited on with a private {@link Selector} of the socket's own provider (junixsocket's
 * selector for its channels: the JDK's cannot register them), so a silent peer costs at most the deadline. Not
 * thread safe: one handshake thread owns it.
 * <p>
 * A write that fails because the peer closed leaves what the peer sent before closing readable, as the JDK's sockets
 * did: a broker that refuses at once writes its Refusal and closes, and the client's Hello may meet the closed
 * socket. junixsocket closes its own socket when a write fails that way (EPIPE, ECONNRESET), Refusal and all; so
 * each write on a junixsocket channel first takes a duplicate of the socket, and if the write fails and closes the
 * socket, reading goes on through the duplicate.
 */
public final class ControlChannel implements AutoCloseable
{
    /** How long a refusal may take to write before the connection is closed anyway; both sides use it. */
    public static final long REFUSAL_WRITE_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Bytes of the length prefix. */
    public static final int PREFIX_LENGTH = 4;

    /**
     * Largest control message: the header, the largest fixed block of a control message (Hello, 68 bytes) with
     * room to spare, and two var-data fields of the schema's maximum.
     */
    static final int MAX_MESSAGE_LENGTH =
        FrameDescriptor.HEADER_LENGTH + 128 + 2 * (2 + ControlMessageValidator.MAX_VAR_DATA_LENGTH);

    private final boolean receivesDescriptors;
    private final Selector selector;
    private SocketChannel channel;
    private ControlLink link;
    private SelectionKey key;

    /**
     * A channel that does not receive descriptors (the kernel closes any a peer attaches).
     *
     * @param channel the connected socket; made non-blocking.
     * @throws IOException if it cannot be set up.
     */
    public ControlChannel(final SocketChannel channel) throws IOException
    {
        this(channel, false);
    }

    /**
     * A channel.
     *
     * @param channel            the connected socket; made non-blocking.
     * @param receiveDescriptors whether to receive descriptors (a junixsocket channel only).
     * @throws IOException if it cannot be set up.
     */
    public ControlChannel(final SocketChannel channel, final boolean receiveDescriptors) throws IOException
    {
        this.receivesDescriptors = receiveDescriptors;
        this.channel = channel;
        this.link = new ControlLink(channel, receiveDescriptors);
        this.selector = channel.provider().openSelector();
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

    /**
     * The underlying socket.
     *
     * @return the socket.
     */
    public SocketChannel channel()
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
    public int read(final long deadlineNs) throws HandshakeException
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
            if (ControlLink.TOO_MANY_DESCRIPTORS == length)
            {
                throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false, "too many descriptors");
            }
            if (ControlLink.CLOSED == length)
            {
                throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false, "end of stream or read failed");
            }
            await(SelectionKey.OP_READ, deadlineNs);
        }
    }

    /**
     * The buffer the last message was read into; valid until the next read.
     *
     * @return the buffer.
     */
    public byte[] messageBuffer()
    {
        return link.messageBuffer();
    }

    /**
     * Take the descriptors the message {@link #read(long)} returned last carries; see
     * {@link ControlLink#takeDescriptors(int)}. The caller owns them and must close them.
     *
     * @param count how many the message says it carries, from 1 to {@link ControlLink#MAX_DESCRIPTORS}.
     * @return the native descriptor numbers, in the order the peer attached them.
     * @throws HandshakeException PROTOCOL_VIOLATION if fewer arrived.
     */
    public int[] takeDescriptors(final int count) throws HandshakeException
    {
        return link.takeDescriptors(count);
    }

    /**
     * Write one message with its prefix.
     *
     * @param bytes      the message.
     * @param length     its length, at most {@link #MAX_MESSAGE_LENGTH}.
     * @param deadlineNs {@link System#nanoTime()} by which it must be written.
     * @throws HandshakeException TIMED_OUT or CHANNEL_CLOSED.
     */
    public void write(final byte[] bytes, final int length, final long deadlineNs) throws HandshakeException
    {
        write(bytes, length, null, deadlineNs);
    }

    /**
     * Write one message with its prefix and descriptors that travel with it (see
     * {@link ControlLink#send(byte[], FileDescriptor[])}: they stay the caller's).
     *
     * @param bytes       the message.
     * @param length      its length, at most {@link #MAX_MESSAGE_LENGTH}.
     * @param descriptors from 1 to {@link ControlLink#MAX_DESCRIPTORS} open descriptors, or null for none.
     * @param deadlineNs  {@link System#nanoTime()} by which it must be written.
     * @throws HandshakeException TIMED_OUT or CHANNEL_CLOSED.
     */
    public void write(final byte[] bytes, final int length, final FileDescriptor[] descriptors, final long deadlineNs)
            throws HandshakeException
    {
        if (length < 0 || length > MAX_MESSAGE_LENGTH || length > bytes.length)
        {
            throw new IllegalArgumentException("bad message length " + length);
        }
        final byte[] message = length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        FileDescriptor spare = duplicateSocket();
        try
        {
            if (!(null == descriptors ? link.send(message) : link.send(message, descriptors)))
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
        catch (final HandshakeException ex)
        {
            if (null != spare && RejectReason.CHANNEL_CLOSED == ex.reason() && readOnThrough(spare))
            {
                spare = null;
            }
            throw ex;
        }
        finally
        {
            if (null != spare)
            {
                // A plain close(2): closing it as a junixsocket channel would shut the shared socket down.
                ControlLink.closeDescriptor(spare);
            }
        }
    }

    /**
     * A second descriptor of the socket, for {@link #readOnThrough}: only for a junixsocket channel.
     *
     * @return the duplicate, or null (a JDK channel, or no descriptor left).
     */
    private FileDescriptor duplicateSocket()
    {
        if (!(channel instanceof AFUNIXSocketChannel))
        {
            return null;
        }
        try
        {
            return FileDescriptorCast.duplicating(((AFUNIXSocketChannel)channel).getFileDescriptor())
                .getFileDescriptor();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * After a failed write: if junixsocket closed the socket, read on through the duplicate taken before the write.
     *
     * @param spare the duplicate; owned by this channel if this returns true.
     * @return true if reading now goes through the duplicate.
     */
    private boolean readOnThrough(final FileDescriptor spare)
    {
        try
        {
            if (((AFUNIXSocketChannel)channel).getFileDescriptor().valid())
            {
                return false;
            }
            final AFUNIXSocketChannel rescue = FileDescriptorCast.using(spare).as(AFUNIXSocketChannel.class);
            final ControlLink rescuedLink = new ControlLink(rescue, receivesDescriptors);
            final SelectionKey rescuedKey = rescue.register(selector, 0);
            key.cancel();
            // The old socket's descriptor is closed already, so closing it shuts nothing down.
            link.close();
            channel = rescue;
            link = rescuedLink;
            key = rescuedKey;
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * Write a message and ignore any failure: for a refusal sent just before closing.
     *
     * @param bytes      the message.
     * @param length     its length.
     * @param deadlineNs deadline.
     */
    public void writeQuietly(final byte[] bytes, final int length, final long deadlineNs)
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
     * open and in non-blocking mode; the caller owns it from now on. Received descriptors no message took are
     * closed (they belong to no message the new owner will read).
     *
     * @return the socket.
     */
    public SocketChannel detach()
    {
        link.closeDescriptors();
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
     * Close the selector, the socket and the descriptors queued either way. For the owning thread.
     */
    @Override
    public void close()
    {
        closeSelector();
        link.close();
    }

    /**
     * Close the selector and the socket, from another thread (the broker shutting down): the owning thread's next
     * read or write fails, and its {@link #close()} releases the rest.
     */
    public void abort()
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
