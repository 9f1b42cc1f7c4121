package io.bastion.broker;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.security.handshake.KeyWrap;
import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.RevocationList;
import io.bastion.security.token.Right;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One {@link ChannelMachine} with everything it is given made deterministic: a clock the test moves, a
 * {@link RecordingOutput}, keys derived from plain numbers, tokens the test issues, and the messages an honest
 * client would send. No socket, no thread.
 */
final class MachineFixture
{
    static final String CHANNEL = "prices";
    static final int CHANNEL_ID = 7;
    static final long ACK_TIMEOUT_MS = 10_000;
    static final long GRACE_MS = 5_000;
    static final long START_MS = 1_000_000;

    final RecordingOutput output = new RecordingOutput();
    final RouterCounters counters = new RouterCounters();
    final RevocationList revocations = new RevocationList();
    final ChannelMachine machine;
    long nowMs = START_MS;

    /**
     * A channel with no sessions.
     *
     * @param unlinkRings whether the machine unlinks rings both sides mapped.
     */
    MachineFixture(final boolean unlinkRings)
    {
        this(unlinkRings, ChannelFanOut.ONE_TO_ONE);
    }

    /**
     * A channel with no sessions, fanning out as given.
     *
     * @param unlinkRings whether the machine unlinks rings both sides mapped.
     * @param fanOut      the channel's fan-out.
     */
    MachineFixture(final boolean unlinkRings, final ChannelFanOut fanOut)
    {
        machine = new ChannelMachine(CHANNEL, CHANNEL_ID, fanOut, output, counters, () -> nowMs,
            new SessionWatch(revocations, ACK_TIMEOUT_MS), GRACE_MS, unlinkRings);
    }

    /**
     * A publisher session joins, with key 1 first, a ring file named for it and no token.
     *
     * @param sessionId  its session id.
     * @param producerId its producer id.
     * @return its endpoint.
     */
    RouterPublisher publisher(final long sessionId, final int producerId)
    {
        return publisher(sessionId, producerId, null);
    }

    /**
     * A publisher session joins, with key 1 first and a ring file named for it.
     *
     * @param sessionId  its session id.
     * @param producerId its producer id.
     * @param token      its token, or null.
     * @return its endpoint.
     */
    RouterPublisher publisher(final long sessionId, final int producerId, final CapabilityToken token)
    {
        return machine.onPublisherJoined(new SessionFacts(sessionId, "alice", token, producerId, 1,
            (keyId) -> frameKey(producerId, keyId), null, 4096, ringPath(producerId), null));
    }

    /**
     * A subscriber session joins, with no token.
     *
     * @param sessionId its session id.
     * @return its endpoint.
     */
    RouterSubscriber subscriber(final long sessionId)
    {
        return subscriber(sessionId, null);
    }

    /**
     * A subscriber session joins.
     *
     * @param sessionId its session id.
     * @param token     its token, or null.
     * @return its endpoint.
     */
    RouterSubscriber subscriber(final long sessionId, final CapabilityToken token)
    {
        return machine.onSubscriberJoined(
            new SessionFacts(sessionId, "bob", token, 0, 1, null, controlKey(sessionId), 0, null, null));
    }

    /**
     * A token for the channel, valid until a time.
     *
     * @param tokenId    its id.
     * @param notAfterMs the first instant it is no longer valid.
     * @return the token.
     */
    static CapabilityToken token(final long tokenId, final long notAfterMs)
    {
        return new CapabilityToken("alice", CHANNEL, Right.mask(Right.PUBLISH, Right.SUBSCRIBE), 0, notAfterMs,
            tokenId, new byte[CapabilityToken.BROKER_KEY_LENGTH], false);
    }

    /**
     * A publisher's ring file.
     *
     * @param producerId the producer id.
     * @return the path.
     */
    static Path ringPath(final int producerId)
    {
        return Path.of("/rings/" + CHANNEL + "-" + producerId);
    }

    /**
     * A publisher's frame key, as both it and the broker would derive it: distinct for each producer and key id.
     *
     * @param producerId the producer id.
     * @param keyId      the key id.
     * @return a fresh 32-byte key.
     */
    static byte[] frameKey(final int producerId, final int keyId)
    {
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(producerId * 131 + keyId * 17 + i);
        }
        return key;
    }

    /**
     * A subscriber's control key.
     *
     * @param sessionId the subscriber's session id.
     * @return a fresh 32-byte key.
     */
    static byte[] controlKey(final long sessionId)
    {
        final byte[] key = new byte[32];
        Arrays.fill(key, (byte)(0x40 + sessionId));
        return key;
    }

    /**
     * Open the key a SourceUpdate hands a subscriber, as that subscriber would.
     *
     * @param subscriberSessionId the subscriber's session id.
     * @param update              the SourceUpdate.
     * @return the key, or null if it does not open.
     */
    static byte[] openKey(final long subscriberSessionId, final ControlMessage update)
    {
        return KeyWrap.open(controlKey(subscriberSessionId), CHANNEL_ID, update.producerId, update.keyId,
            update.varData);
    }

    /**
     * A client's SourceUpdate: an acknowledgement, a publisher's MAPPED or a subscriber's QUARANTINED.
     *
     * @param action     the action.
     * @param producerId the producer id.
     * @param keyId      the key id, or 0.
     * @return the message, parsed as the machine receives it.
     */
    static ControlMessage source(final SourceAction action, final int producerId, final int keyId)
    {
        return sourceUpdate(action, producerId, keyId, 0);
    }

    /**
     * A publisher's KEY_IN_USE.
     *
     * @param producerId the producer id.
     * @param keyId      the key it switched to.
     * @param position   its producer position at the switch.
     * @return the message, parsed as the machine receives it.
     */
    static ControlMessage keyInUse(final int producerId, final int keyId, final long position)
    {
        return sourceUpdate(SourceAction.KEY_IN_USE, producerId, keyId, position);
    }

    static ControlMessage sourceUpdate(
        final SourceAction action, final int producerId, final int keyId, final long position)
    {
        final byte[] bytes = ControlMessages.sourceUpdate(action, CHANNEL_ID, producerId, keyId, 0, position, "", null);
        return ControlMessages.parse(bytes, bytes.length);
    }

    /**
     * A client's Goodbye.
     *
     * @return the message, parsed as the machine receives it.
     */
    static ControlMessage goodbye()
    {
        final byte[] bytes = ControlMessages.goodbye(GoodbyeReason.NORMAL);
        return ControlMessages.parse(bytes, bytes.length);
    }
}
