package io.bastion.client;

import org.agrona.DirectBuffer;

/**
 * Told by a {@link SubscriberClient} about every key of every source as the broker hands it over, retires or revokes
 * it: what a bridge needs to forward the channel's keys, wrapped under its own session, to the host where the frames
 * are republished (see {@code docs/relay.md}).
 * <p>
 * <strong>The observer sees key material.</strong> Whoever holds a source's key can seal frames that every subscriber
 * of the channel accepts as that source's. Treat the bytes as a secret: copy them only into memory that is zeroed
 * after use, never log them, never write them to disk, and send them only wrapped under a key of an authenticated
 * session.
 * <p>
 * Called on the subscriber's thread, from {@link SubscriberClient#doWork()}, after the key was installed (for
 * {@link Action#ADDED}) or retired or revoked in the subscriber's own key ring, and once more
 * ({@link Action#SOURCE_REMOVED}) when the source itself is released, after the last of its frames was dispatched.
 * An exception it throws is ignored.
 */
@FunctionalInterface
public interface KeyObserver
{
    /**
     * What happened to a key.
     */
    enum Action
    {
        /** The key was handed over: frames of the source may carry it from now on. The bytes are given. */
        ADDED,
        /** The source switched to a newer key: this one is accepted for the broker's grace, then dropped. */
        RETIRED,
        /** The key was revoked: frames under it are refused from now on. */
        REVOKED,
        /**
         * The source is gone: the broker removed it (its publisher left, or was cut off) and this subscriber has
         * dispatched everything of it that it was going to and released its ring and keys. The key id is 0.
         */
        SOURCE_REMOVED
    }

    /**
     * A key of a source changed.
     *
     * @param producerId the source's producer id.
     * @param keyId      the key id.
     * @param action     what happened to it.
     * @param keyBytes   for {@link Action#ADDED}, a view of the 32 key bytes, valid only during this call and zeroed
     *                   after it (copy what you keep); null for the other actions.
     */
    void onKey(int producerId, int keyId, Action action, DirectBuffer keyBytes);
}
