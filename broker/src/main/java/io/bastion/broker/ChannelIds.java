package io.bastion.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A channel's id as a function of its name alone, the same on every broker, so that a frame sealed on one host (its
 * tag covers the channel id) verifies on another that serves the channel under the same name (see
 * {@code docs/relay.md}):
 * <pre>
 *  id = first 4 bytes, big-endian, of SHA-256("bastion/channel-id/v1" | UTF-8 name), with the top bit cleared;
 *       1 in place of 0
 * </pre>
 * So an id is positive and never 0. Two names can map to one id (31 bits): a broker that meets a second name with an
 * id it already gave another refuses it ({@link io.bastion.codec.RejectReason#CHANNEL_ID_TAKEN}) and never reuses
 * the id. Stateless and thread safe.
 */
public final class ChannelIds
{
    private static final byte[] LABEL = "bastion/channel-id/v1".getBytes(StandardCharsets.US_ASCII);

    private ChannelIds()
    {
    }

    /**
     * The id of a channel.
     *
     * @param channel the channel name.
     * @return the id: positive, not 0, the same for the same name on every broker and every run.
     */
    public static int of(final String channel)
    {
        final MessageDigest sha256;
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
        }
        sha256.update(LABEL);
        final byte[] digest = sha256.digest(channel.getBytes(StandardCharsets.UTF_8));
        final int id = (((digest[0] & 0xFF) << 24) | ((digest[1] & 0xFF) << 16) | ((digest[2] & 0xFF) << 8) |
            (digest[3] & 0xFF)) & Integer.MAX_VALUE;
        return 0 == id ? 1 : id;
    }
}
