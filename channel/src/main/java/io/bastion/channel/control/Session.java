package io.bastion.channel.control;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.SealingMode;
import io.bastion.security.handshake.SessionKeys;
import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.Right;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * An open session, as either side sees it once the handshake succeeded: what was granted, the keys, the rings, and
 * the control socket (kept open for key updates and goodbye).
 * <p>
 * The client's ring paths come from the broker's Welcome: it writes {@link #publishRingPath()} and reads
 * {@link #subscribeRingPath()}; the broker sees the same paths. Each path names a ring's producer region; the
 * consumer region is beside it, see {@link io.bastion.channel.RingFiles#consumerFile(Path)}. A path is null when the
 * allocator gave no ring for that direction.
 * <p>
 * Ownership: the session owns its keys and its socket; {@link #close()} zeroes the keys and closes the socket. The
 * socket is in non-blocking mode. Not thread safe.
 */
public final class Session implements AutoCloseable
{
    private final String subject;
    private final String channel;
    private final Right right;
    private final long sessionId;
    private final int channelId;
    private final SessionKeys keys;
    private final RingAllocation rings;
    private final SocketChannel controlChannel;
    private final CapabilityToken token;
    private final SealingMode sealing;
    private final ChannelFanOut fanOut;

    /**
     * A session as the handshake made it; it takes ownership of the keys and the socket.
     *
     * @param subject        the token's subject (broker side), or null.
     * @param channel        the channel.
     * @param right          the right granted.
     * @param sessionId      the session id.
     * @param keys           the session keys, now owned by the session.
     * @param rings          the rings allocated.
     * @param controlChannel the control socket, now owned by the session.
     * @param token          the verified token (broker side), or null.
     * @param sealing        how the channel's frames are sealed, as the broker announced it.
     */
    public Session(
        final String subject,
        final String channel,
        final Right right,
        final long sessionId,
        final SessionKeys keys,
        final RingAllocation rings,
        final SocketChannel controlChannel,
        final CapabilityToken token,
        final SealingMode sealing)
    {
        this(subject, channel, right, sessionId, keys, rings, controlChannel, token, sealing, ChannelFanOut.ONE_TO_ONE);
    }

    /**
     * A session as the handshake made it, on a channel that may fan out to several subscribers; it takes ownership
     * of the keys and the socket.
     *
     * @param subject        the token's subject (broker side), or null.
     * @param channel        the channel.
     * @param right          the right granted.
     * @param sessionId      the session id.
     * @param keys           the session keys, now owned by the session.
     * @param rings          the rings allocated.
     * @param controlChannel the control socket, now owned by the session.
     * @param token          the verified token (broker side), or null.
     * @param sealing        how the channel's frames are sealed, as the broker announced it.
     * @param fanOut         how many subscribers the channel takes at once and what its publishers do about one
     *                       that lags or stops, as the broker announced it.
     */
    public Session(
        final String subject,
        final String channel,
        final Right right,
        final long sessionId,
        final SessionKeys keys,
        final RingAllocation rings,
        final SocketChannel controlChannel,
        final CapabilityToken token,
        final SealingMode sealing,
        final ChannelFanOut fanOut)
    {
        this.subject = subject;
        this.channel = channel;
        this.right = right;
        this.sessionId = sessionId;
        this.channelId = rings.channelId();
        this.keys = keys;
        this.rings = rings;
        this.controlChannel = controlChannel;
        this.token = token;
        this.sealing = sealing;
        this.fanOut = fanOut;
    }

    /**
     * How many subscribers the channel takes at once, as the broker announced it in the Welcome: 1 for a one-to-one
     * channel (the ring's own consumer region is the subscriber's), more for a fan-out channel (each subscriber gets a
     * consumer region of its own, handed to the publisher as it joins).
     *
     * @return 1 or more.
     */
    public int maxSubscribers()
    {
        return fanOut.maxSubscribers();
    }

    /**
     * The channel's fan-out as the broker announced it: how many subscribers at once, and what its publishers do
     * about one that lags or stops.
     *
     * @return the fan-out.
     */
    public ChannelFanOut fanOut()
    {
        return fanOut;
    }

    /**
     * How the channel's frames are sealed, as the broker announced it in the Welcome: the publisher seals so, the
     * subscriber accepts only that.
     *
     * @return the mode.
     */
    public SealingMode sealing()
    {
        return sealing;
    }

    /**
     * The verified token the session was opened with, whose validity window and id bound the session's life. On the
     * client side, null: the client only holds the token's bytes.
     *
     * @return the token or null.
     */
    public CapabilityToken token()
    {
        return token;
    }

    /**
     * The peer's user name as the kernel reported it ({@code SO_PEERCRED}) and the token named it. On the client
     * side, null: the client does not learn how the broker saw it.
     *
     * @return the subject or null.
     */
    public String subject()
    {
        return subject;
    }

    /**
     * The channel name.
     *
     * @return the channel.
     */
    public String channel()
    {
        return channel;
    }

    /**
     * The right the session was opened with.
     *
     * @return the right.
     */
    public Right right()
    {
        return right;
    }

    /**
     * The broker-assigned session id, bound into the key derivation.
     *
     * @return the id.
     */
    public long sessionId()
    {
        return sessionId;
    }

    /**
     * The broker-assigned channel id (the {@code channelId} of frames).
     *
     * @return the id.
     */
    public int channelId()
    {
        return channelId;
    }

    /**
     * The broker-assigned producer id (the {@code producerId} of the client's frames), unique within the channel.
     *
     * @return the id, or 0 for a session that does not publish.
     */
    public int producerId()
    {
        return rings.producerId();
    }

    /**
     * Record capacity of the session's rings.
     *
     * @return the capacity in bytes, or 0 without a ring.
     */
    public int ringCapacity()
    {
        return rings.ringCapacity();
    }

    /**
     * What the allocator gave this session.
     *
     * @return the allocation.
     */
    public RingAllocation rings()
    {
        return rings;
    }

    /**
     * The session keys.
     *
     * @return the keys, owned by this session.
     */
    public SessionKeys keys()
    {
        return keys;
    }

    /**
     * Producer region of the ring the client writes.
     *
     * @return the path, or null if none.
     */
    public Path publishRingPath()
    {
        return rings.publishRingPath();
    }

    /**
     * Producer region of the ring the client reads.
     *
     * @return the path, or null if none.
     */
    public Path subscribeRingPath()
    {
        return rings.subscribeRingPath();
    }

    /**
     * The control socket, open, non-blocking.
     *
     * @return the socket, owned by this session.
     */
    public SocketChannel controlChannel()
    {
        return controlChannel;
    }

    /**
     * Zero the keys, close the sealed ring's descriptors if this session holds one (mappings made from them stay),
     * and close the control socket.
     */
    @Override
    public void close()
    {
        keys.close();
        if (null != rings.sealedRing())
        {
            rings.sealedRing().close();
        }
        if (null != rings.sharedRing())
        {
            rings.sharedRing().close();
        }
        try
        {
            controlChannel.close();
        }
        catch (final IOException ex)
        {
            // Closing a broken socket: nothing left to release.
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "Session{id=" + sessionId + ", channel=" + channel + ", channelId=" + channelId + ", right=" + right +
            ", keyId=" + keys.keyId() + '}';
    }
}
