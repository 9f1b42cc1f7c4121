package io.bastion.broker;

import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.RevocationList;

import java.util.ArrayList;
import java.util.List;

/**
 * Which sessions must end now, and why: a token past its not-after ({@link GoodbyeReason#SESSION_EXPIRED}), a token
 * whose id is revoked ({@link GoodbyeReason#TOKEN_REVOKED}), or a client that has owed the broker an acknowledgement
 * for longer than the timeout (reason null: it is evicted). Each {@link ChannelMachine} asks on every tick and ends
 * what it is told; this class only judges, from the tokens, the list and the time it is given. Owned by the router's
 * conductor thread; the revocation list may change under it from any thread.
 */
final class SessionWatch
{
    private final RevocationList revocations;
    private final long ackTimeoutMs;

    SessionWatch(final RevocationList revocations, final long ackTimeoutMs)
    {
        this.revocations = revocations;
        this.ackTimeoutMs = ackTimeoutMs;
    }

    /**
     * How long a client may owe an acknowledgement.
     *
     * @return milliseconds.
     */
    long ackTimeoutMs()
    {
        return ackTimeoutMs;
    }

    /**
     * The sessions of a channel that must end, each with its {@link RouterEndpoint#endsFor} set.
     *
     * @param state the channel.
     * @param nowMs epoch milliseconds.
     * @return the endpoints to end, publishers before the subscribers; empty when none.
     */
    List<RouterEndpoint> due(final RouterChannel state, final long nowMs)
    {
        final List<RouterEndpoint> due = new ArrayList<>();
        for (final RouterPublisher publisher : state.publishers)
        {
            judge(publisher, nowMs, due);
        }
        for (final RouterSubscriber subscriber : state.subscribers)
        {
            judge(subscriber, nowMs, due);
        }
        return due;
    }

    private void judge(final RouterEndpoint endpoint, final long nowMs, final List<RouterEndpoint> due)
    {
        if (endpoint.dropped)
        {
            return;
        }
        final CapabilityToken token = endpoint.session.token;
        if (null != token && nowMs >= token.notAfterMs())
        {
            endpoint.endsFor = GoodbyeReason.SESSION_EXPIRED;
            due.add(endpoint);
        }
        else if (null != token && null != revocations && revocations.isRevoked(token.tokenId()))
        {
            endpoint.endsFor = GoodbyeReason.TOKEN_REVOKED;
            due.add(endpoint);
        }
        else if (endpoint.ackOverdue(nowMs))
        {
            endpoint.endsFor = null;
            due.add(endpoint);
        }
    }
}
