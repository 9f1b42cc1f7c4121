package io.bastion.channel.control;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.FileDescriptorCast;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * <p>
 * File descriptors ({@code SCM_RIGHTS}, on a junixsocket {@link AFUNIXSocketChannel}) travel with a message:
 * {@link #send(byte[], FileDescriptor[])} attaches them to the write that carries the message's first byte (so the
 * kernel delivers them with the read of its length prefix, never with another message's bytes), and a link built to
 * receive them queues what each read brings; the message that says it carries n descriptors takes them with
 * {@link #takeDescriptors(int)} before the next {@link #poll()}, which closes any a message left untaken. The wire
 * format is unchanged: descriptors are ancillary data, not bytes. A link that does not receive descriptors reads
 * without an ancillary buffer, and the kernel closes whatever a peer attached.
 * <p>
 * Ownership: a sent descriptor stays the caller's (the link sends a duplicate, closed once written or on failure); a
 * received descriptor is the link's until taken (closed on {@link #close()}), then the taker's. junixsocket would
 * close every received descriptor when its socket closes, taken or not, so the link takes each out of junixsocket's
 * hands at once: it keeps a duplicate and closes the original.
 * <p>
 * Reads on a junixsocket channel go through its socket's input stream, not {@link SocketChannel#read}: in
 * junixsocket 2.10.1 a non-blocking channel read returns 0 at the end of the stream (its issue 171, fixed after that
 * release), so a peer that closed would look silent forever; the stream read returns -1 there, 0 when nothing
 * arrived, and receives descriptors the same way.
 */
public final class ControlLink implements AutoCloseable
{
    /** {@link #poll()}: no complete message yet. */
    public static final int NONE = 0;
    /** {@link #poll()}: the peer closed the socket, or it failed. */
    static final int CLOSED = -1;
    /** {@link #poll()}: the peer sent a length no control message can have. */
    public static final int BAD_LENGTH = -2;
    /** {@link #poll()}: the peer sent more descriptors than one message may carry. */
    public static final int TOO_MANY_DESCRIPTORS = -3;
    /** Most bytes queued for a peer that does not read. */
    static final int MAX_QUEUED_BYTES = 64 * 1024;
    /** Most descriptors one message may carry. */
    static final int MAX_DESCRIPTORS = 8;

    /**
     * Ancillary receive buffer: {@code CMSG_SPACE} of {@link #MAX_DESCRIPTORS} ints (16-byte header on 64-bit
     * Linux). junixsocket 2.10 raises any positive size to 256 bytes, room for 60: a peer that attaches more to one
     * write gets the read failed ({@code MSG_CTRUNC}), and the link breaks.
     */
    private static final int ANCILLARY_BUFFER_BYTES = 16 + MAX_DESCRIPTORS * Integer.BYTES;

    private final SocketChannel channel;
    private final AFUNIXSocketChannel descriptorChannel;
    private final boolean receivesDescriptors;
    private final InputStream descriptorChannelInput;
    private final ByteBuffer prefix = ByteBuffer.allocate(ControlChannel.PREFIX_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final byte[] message = new byte[ControlChannel.MAX_MESSAGE_LENGTH];
    private final ByteBuffer body = ByteBuffer.wrap(message);
    private final ArrayDeque<Outbound> outbound = new ArrayDeque<>();
    private final ArrayDeque<FileDescriptor> received = new ArrayDeque<>();
    private int queuedBytes;
    private boolean readingBody;
    private int readFailure;
    private boolean writeBroken;

    /**
     * A link that sends descriptors (on a junixsocket channel) but does not receive them.
     *
     * @param channel the connected socket; made non-blocking.
     * @throws IOException if it cannot be made non-blocking.
     */
    public ControlLink(final SocketChannel channel) throws IOException
    {
        this(channel, false);
    }

    /**
     * A link.
     *
     * @param channel             the connected socket; made non-blocking.
     * @param receiveDescriptors  whether to receive descriptors: needs a junixsocket {@link AFUNIXSocketChannel}.
     * @throws IOException if the socket cannot be set up.
     */
    public ControlLink(final SocketChannel channel, final boolean receiveDescriptors) throws IOException
    {
        this.channel = channel;
        this.descriptorChannel = channel instanceof AFUNIXSocketChannel ? (AFUNIXSocketChannel)channel : null;
        if (receiveDescriptors && null == descriptorChannel)
        {
            throw new IllegalArgumentException("descriptors need a junixsocket channel: " + channel.getClass());
        }
        this.receivesDescriptors = receiveDescriptors;
        channel.configureBlocking(false);
        if (receiveDescriptors)
        {
            descriptorChannel.setAncillaryReceiveBufferSize(ANCILLARY_BUFFER_BYTES);
        }
        this.descriptorChannelInput = null == descriptorChannel ? null : descriptorChannel.socket().getInputStream();
    }

    SocketChannel channel()
    {
        return channel;
    }

    /**
     * Read what has arrived, up to the end of the next message. Descriptors a previous message left untaken are
     * closed first.
     *
     * @return the length of a complete message now in {@link #messageBuffer()} (valid until the next poll),
     * {@link #NONE}, {@link #CLOSED}, {@link #BAD_LENGTH} or {@link #TOO_MANY_DESCRIPTORS}.
     */
    public int poll()
    {
        if (0 != readFailure)
        {
            return readFailure;
        }
        try
        {
            if (!readingBody)
            {
                if (0 == prefix.position())
                {
                    closeReceivedDescriptors();
                }
                final int read = read(prefix);
                if (!collectDescriptors())
                {
                    return failRead(TOO_MANY_DESCRIPTORS);
                }
                if (read < 0)
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
            final int read = read(body);
            if (!collectDescriptors())
            {
                return failRead(TOO_MANY_DESCRIPTORS);
            }
            if (read < 0)
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

    /**
     * Read what the socket holds into a heap buffer, without waiting.
     *
     * @return the bytes read, 0 if none arrived, -1 at the end of the stream.
     */
    private int read(final ByteBuffer buffer) throws IOException
    {
        if (null == descriptorChannelInput)
        {
            return channel.read(buffer);
        }
        final int read = descriptorChannelInput.read(
            buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        if (read > 0)
        {
            buffer.position(buffer.position() + read);
        }
        return read;
    }

    /**
     * The buffer the last message was read into; valid until the next poll.
     *
     * @return the buffer.
     */
    public byte[] messageBuffer()
    {
        return message;
    }

    /**
     * How many received descriptors wait to be taken: those of the message {@link #poll()} returned last.
     *
     * @return the count.
     */
    int queuedDescriptors()
    {
        return received.size();
    }

    /**
     * Take the descriptors the message {@link #poll()} returned last carries: the caller owns them from now on and
     * must close them.
     *
     * @param count how many the message says it carries, from 1 to {@link #MAX_DESCRIPTORS}.
     * @return the descriptors, in the order the peer attached them.
     * @throws HandshakeException PROTOCOL_VIOLATION if fewer arrived (the link closes those that did).
     */
    FileDescriptor[] takeFileDescriptors(final int count) throws HandshakeException
    {
        if (count < 1 || count > MAX_DESCRIPTORS)
        {
            throw new IllegalArgumentException("bad descriptor count " + count);
        }
        if (received.size() < count)
        {
            final int queued = received.size();
            closeReceivedDescriptors();
            throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false,
                "message carries " + count + " descriptors, " + queued + " arrived");
        }
        final FileDescriptor[] taken = new FileDescriptor[count];
        for (int i = 0; i < count; i++)
        {
            taken[i] = received.poll();
        }
        return taken;
    }

    /**
     * Take the descriptors the message {@link #poll()} returned last carries, as native numbers: the caller owns
     * them from now on and must close them (for example with {@link #closeDescriptor(int)}).
     *
     * @param count how many the message says it carries, from 1 to {@link #MAX_DESCRIPTORS}.
     * @return the descriptor numbers, in the order the peer attached them.
     * @throws HandshakeException PROTOCOL_VIOLATION if fewer arrived (the link closes those that did).
     */
    public int[] takeDescriptors(final int count) throws HandshakeException
    {
        final FileDescriptor[] taken = takeFileDescriptors(count);
        final int[] numbers = new int[count];
        for (int i = 0; i < count; i++)
        {
            numbers[i] = number(taken[i]);
        }
        return numbers;
    }

    /**
     * Queue a message and write as much as the socket takes now.
     *
     * @param bytes the whole message.
     * @return false if the link cannot write (now or before): the message is dropped. A failed read does not stop
     * writes, so a peer that sent garbage can still be told why it is dropped.
     */
    public boolean send(final byte[] bytes)
    {
        return enqueue(bytes, null);
    }

    /**
     * Queue a message to be written by the next {@link #flush()}, without writing now: a duty cycle that answers
     * several messages read in one go writes once, after reading them all, so a peer that said something and then
     * closed is heard out before a write to its closed socket can break the link.
     *
     * @param bytes the whole message.
     * @return false if the link cannot write (now or before, or the queue is full): the message is dropped.
     */
    public boolean queue(final byte[] bytes)
    {
        return add(bytes, null);
    }

    /**
     * Queue a message with descriptors that travel with it, and write as much as the socket takes now. The link
     * sends duplicates: the caller's descriptors stay the caller's, and may be closed as soon as this returns.
     *
     * @param bytes       the whole message.
     * @param descriptors from 1 to {@link #MAX_DESCRIPTORS} open descriptors.
     * @return false if the link cannot write (now or before, or a descriptor cannot be duplicated): the message is
     * dropped and the link broken.
     * @throws IllegalArgumentException if the count is out of range or a descriptor is not valid.
     * @throws IllegalStateException    if the socket is not a junixsocket channel.
     */
    public boolean send(final byte[] bytes, final FileDescriptor[] descriptors)
    {
        if (null == descriptorChannel)
        {
            throw new IllegalStateException("descriptors need a junixsocket channel: " + channel.getClass());
        }
        if (descriptors.length < 1 || descriptors.length > MAX_DESCRIPTORS)
        {
            throw new IllegalArgumentException("bad descriptor count " + descriptors.length);
        }
        for (final FileDescriptor descriptor : descriptors)
        {
            if (!descriptor.valid())
            {
                throw new IllegalArgumentException("not an open descriptor");
            }
        }
        if (writeBroken)
        {
            return false;
        }
        final FileDescriptor[] duplicates = new FileDescriptor[descriptors.length];
        try
        {
            for (int i = 0; i < descriptors.length; i++)
            {
                duplicates[i] = FileDescriptorCast.duplicating(descriptors[i]).getFileDescriptor();
            }
        }
        catch (final IOException ex)
        {
            closeAll(duplicates);
            failWrite();
            return false;
        }
        return enqueue(bytes, duplicates);
    }

    /**
     * {@link #send(byte[], FileDescriptor[])} with native descriptor numbers.
     *
     * @param bytes       the whole message.
     * @param descriptors from 1 to {@link #MAX_DESCRIPTORS} open descriptor numbers; they stay the caller's.
     * @return false if the link cannot write: the message is dropped and the link broken.
     * @throws IllegalArgumentException if the count is out of range or a number is negative.
     * @throws IllegalStateException    if the socket is not a junixsocket channel.
     */
    public boolean send(final byte[] bytes, final int[] descriptors)
    {
        final FileDescriptor[] wrapped = new FileDescriptor[descriptors.length];
        for (int i = 0; i < descriptors.length; i++)
        {
            if (descriptors[i] < 0)
            {
                throw new IllegalArgumentException("bad descriptor " + descriptors[i]);
            }
            wrapped[i] = wrap(descriptors[i]);
        }
        // Only wrapped, never closed here: the numbers stay the caller's.
        return send(bytes, wrapped);
    }

    private boolean enqueue(final byte[] bytes, final FileDescriptor[] descriptors)
    {
        return add(bytes, descriptors) && flush();
    }

    private boolean add(final byte[] bytes, final FileDescriptor[] descriptors)
    {
        if (writeBroken)
        {
            closeAll(descriptors);
            return false;
        }
        if (bytes.length > ControlChannel.MAX_MESSAGE_LENGTH ||
            queuedBytes + ControlChannel.PREFIX_LENGTH + bytes.length > MAX_QUEUED_BYTES)
        {
            closeAll(descriptors);
            failWrite();
            return false;
        }
        final ByteBuffer out = ByteBuffer.allocate(ControlChannel.PREFIX_LENGTH + bytes.length)
            .order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(bytes.length).put(bytes).flip();
        outbound.add(new Outbound(out, descriptors));
        queuedBytes += out.remaining();
        return true;
    }

    /**
     * Write queued bytes the socket takes now.
     *
     * @return false if the link is broken.
     */
    public boolean flush()
    {
        if (writeBroken)
        {
            return false;
        }
        try
        {
            Outbound head;
            while (null != (head = outbound.peek()))
            {
                final int written = write(head);
                queuedBytes -= written;
                if (head.bytes.hasRemaining())
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

    private int write(final Outbound head) throws IOException
    {
        if (null == head.descriptors)
        {
            return channel.write(head.bytes);
        }
        // Descriptors not sent yet: nothing of this message is written (they go with its first byte). junixsocket
        // attaches them to the next write only, and forgets them even when that write takes no byte (EAGAIN), so
        // they are set again before every try and cleared after it, whatever happened.
        descriptorChannel.setOutboundFileDescriptors(head.descriptors);
        final int written;
        try
        {
            written = channel.write(head.bytes);
        }
        finally
        {
            descriptorChannel.setOutboundFileDescriptors((FileDescriptor[])null);
        }
        if (written > 0)
        {
            // The kernel holds its own references now.
            closeAll(head.descriptors);
            head.descriptors = null;
        }
        return written;
    }

    boolean hasQueuedOutput()
    {
        return !outbound.isEmpty();
    }

    /**
     * Take whatever descriptors the last read brought out of junixsocket's hands (see the class description).
     *
     * @return false if the queue now holds more than one message may carry: they are all closed.
     */
    private boolean collectDescriptors() throws IOException
    {
        if (!receivesDescriptors)
        {
            return true;
        }
        final FileDescriptor[] arrived = descriptorChannel.getReceivedFileDescriptors();
        IOException failure = null;
        for (final FileDescriptor original : arrived)
        {
            try
            {
                received.add(FileDescriptorCast.duplicating(original).getFileDescriptor());
            }
            catch (final IOException ex)
            {
                failure = ex;
            }
            finally
            {
                close(original);
            }
        }
        if (null != failure)
        {
            closeReceivedDescriptors();
            throw failure;
        }
        if (received.size() > MAX_DESCRIPTORS)
        {
            closeReceivedDescriptors();
            return false;
        }
        return true;
    }

    /**
     * Close the received descriptors no message took, without closing the socket.
     */
    void closeDescriptors()
    {
        closeReceivedDescriptors();
    }

    private void closeReceivedDescriptors()
    {
        FileDescriptor descriptor;
        while (null != (descriptor = received.poll()))
        {
            close(descriptor);
        }
    }

    private int failRead(final int reason)
    {
        readFailure = reason;
        return reason;
    }

    private void failWrite()
    {
        writeBroken = true;
        for (final Outbound pending : outbound)
        {
            closeAll(pending.descriptors);
        }
        outbound.clear();
        queuedBytes = 0;
    }

    /**
     * Close a descriptor number this process owns (one {@link #takeDescriptors(int)} returned).
     *
     * @param descriptor the number.
     */
    static void closeDescriptor(final int descriptor)
    {
        close(wrap(descriptor));
    }

    /**
     * Close a descriptor this process owns with a plain {@code close(2)}.
     *
     * @param descriptor the descriptor.
     */
    static void closeDescriptor(final FileDescriptor descriptor)
    {
        close(descriptor);
    }

    /**
     * Wrap a descriptor number received with a message.
     *
     * @param descriptor the number.
     * @return a descriptor object for it.
     */
    public static FileDescriptor wrap(final int descriptor)
    {
        try
        {
            return FileDescriptorCast.unsafeUsing(descriptor).getFileDescriptor();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("bad descriptor " + descriptor, ex);
        }
    }

    private static int number(final FileDescriptor descriptor)
    {
        try
        {
            return FileDescriptorCast.using(descriptor).as(Integer.class);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("a received descriptor has no number", ex);
        }
    }

    private static void closeAll(final FileDescriptor[] descriptors)
    {
        if (null != descriptors)
        {
            for (final FileDescriptor descriptor : descriptors)
            {
                if (null != descriptor)
                {
                    close(descriptor);
                }
            }
        }
    }

    private static void close(final FileDescriptor descriptor)
    {
        // FileInputStream.close closes the descriptor and runs what junixsocket attached to it (which forgets it).
        try
        {
            new FileInputStream(descriptor).close();
        }
        catch (final IOException ex)
        {
            // Already closed, or the kernel dropped it anyway: nothing left to release.
        }
    }

    /**
     * Close the socket, and every descriptor queued either way.
     */
    @Override
    public void close()
    {
        failRead(CLOSED);
        failWrite();
        closeReceivedDescriptors();
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            // Already closed or broken: nothing left to release.
        }
    }

    /**
     * A framed message waiting to be written, with the descriptors that go with its first byte until they went.
     */
    private static final class Outbound
    {
        final ByteBuffer bytes;
        FileDescriptor[] descriptors;

        Outbound(final ByteBuffer bytes, final FileDescriptor[] descriptors)
        {
            this.bytes = bytes;
            this.descriptors = descriptors;
        }
    }
}
