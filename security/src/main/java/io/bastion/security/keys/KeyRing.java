package io.bastion.security.keys;

import java.util.Arrays;
import java.util.Objects;

import io.bastion.security.mac.MacKey;
import org.agrona.concurrent.EpochClock;

/**
 * The MAC keys of one channel in one direction, identified by an {@code int} key id: one current sending key and a
 * set of accepted receiving keys, each with a not-after time.
 * <ul>
 *   <li>{@link #rotate(int, byte[], long)} makes a new key current and keeps the previous current key accepted until
 *   {@code now + grace}, so frames signed just before the rotation still verify.</li>
 *   <li>{@link #revoke(int)} refuses a key at once, grace or not, and remembers its id so that later frames are
 *   reported {@link KeyStatus#REVOKED} (the most recent {@value #MAX_REMEMBERED_REVOCATIONS} ids are remembered; an
 *   older one is reported {@link KeyStatus#UNKNOWN}, which is a refusal too).</li>
 *   <li>{@link #rotateDerived(byte[], byte[], int, long)} derives the key with HKDF from a master secret, bound to this
 *   ring's channel id and direction and to the key id ({@link KeyDerivation}).</li>
 *   <li>Key bytes are zeroed ({@link MacKey#destroy()}) when a key is revoked, pruned after its not-after time, or
 *   the ring is closed.</li>
 * </ul>
 * Time comes from the injected {@link EpochClock} (milliseconds); a key is accepted while
 * {@code now <= notAfter}.
 * <p>
 * Thread safety: lookups ({@link #lookup(int, long, KeyLookup)}, {@link #current(KeyLookup)}) read an immutable
 * snapshot published through a volatile field: they take no lock, allocate nothing and may run on the polling thread
 * while another thread rotates or revokes. Mutations are serialised by a lock and publish a new snapshot (copy on
 * write). A lookup that races with a revocation may hand out the key just before it is zeroed; a computation with it
 * then either finished with the intact key or answers {@link io.bastion.security.mac.MacResult#KEY_DESTROYED} (see
 * {@link MacKey}), never a tag or an accepted verification from zeroed bytes: the race fails closed.
 */
public final class KeyRing implements AutoCloseable
{
    /** How many revoked key ids are remembered for {@link KeyStatus#REVOKED} reports. */
    public static final int MAX_REMEMBERED_REVOCATIONS = 64;

    /** Not-after time of the current key: it never expires while current. */
    public static final long NO_EXPIRY = Long.MAX_VALUE;

    private static final Snapshot EMPTY = new Snapshot(-1, new int[0], new MacKey[0], new long[0], new int[0]);

    private final int channelId;
    private final KeyDirection direction;
    private final EpochClock clock;
    private volatile Snapshot snapshot = EMPTY;
    private boolean closed;

    /**
     * An empty ring for one channel and direction.
     *
     * @param channelId channel whose frames these keys protect (bound into derived keys).
     * @param direction direction of travel (bound into derived keys).
     * @param clock     epoch-millisecond clock for grace periods and expiry.
     */
    public KeyRing(final int channelId, final KeyDirection direction, final EpochClock clock)
    {
        this.channelId = channelId;
        this.direction = Objects.requireNonNull(direction, "direction");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Channel id bound into derived keys.
     *
     * @return the channel id.
     */
    public int channelId()
    {
        return channelId;
    }

    /**
     * Direction bound into derived keys.
     *
     * @return the direction.
     */
    public KeyDirection direction()
    {
        return direction;
    }

    /**
     * Look up a receiving key by id at a given time. Allocation-free and lock-free.
     *
     * @param keyId  id read from the frame (untrusted).
     * @param nowMs  current time in the ring's clock, e.g. read once per poll.
     * @param result filled with the key on {@link KeyStatus#ACCEPTED}, cleared otherwise.
     * @return {@link KeyStatus#ACCEPTED} or the reason for refusal.
     */
    public KeyStatus lookup(final int keyId, final long nowMs, final KeyLookup result)
    {
        final Snapshot s = snapshot;
        final int index = s.indexOf(keyId);
        if (index < 0)
        {
            result.clear();
            return s.isRevoked(keyId) ? KeyStatus.REVOKED : KeyStatus.UNKNOWN;
        }
        final long notAfter = s.notAfterMs[index];
        if (nowMs > notAfter)
        {
            result.clear();
            return KeyStatus.EXPIRED;
        }
        result.set(keyId, s.keys[index], notAfter);
        return KeyStatus.ACCEPTED;
    }

    /**
     * Look up a receiving key by id, reading the injected clock.
     *
     * @param keyId  id read from the frame (untrusted).
     * @param result filled with the key on {@link KeyStatus#ACCEPTED}, cleared otherwise.
     * @return {@link KeyStatus#ACCEPTED} or the reason for refusal.
     */
    public KeyStatus lookup(final int keyId, final KeyLookup result)
    {
        return lookup(keyId, clock.time(), result);
    }

    /**
     * The current sending key. Allocation-free and lock-free.
     *
     * @param result filled with the current key, or cleared.
     * @return {@link KeyStatus#ACCEPTED} or {@link KeyStatus#NO_CURRENT_KEY}.
     */
    public KeyStatus current(final KeyLookup result)
    {
        final Snapshot s = snapshot;
        if (s.currentIndex < 0)
        {
            result.clear();
            return KeyStatus.NO_CURRENT_KEY;
        }
        result.set(s.ids[s.currentIndex], s.keys[s.currentIndex], NO_EXPIRY);
        return KeyStatus.ACCEPTED;
    }

    /**
     * Make a new key current. The previous current key stays accepted until {@code now + graceMs}; keys whose
     * not-after time has passed are dropped and zeroed.
     *
     * @param keyId    id of the new key; must not be in the ring or remembered as revoked.
     * @param keyBytes key material (copied; the caller still owns and should zero its array).
     * @param graceMs  how long the previous key stays accepted, 0 or more.
     * @throws IllegalArgumentException if the id is in use or revoked, or the grace is negative.
     * @throws IllegalStateException    if the ring is closed.
     */
    public void rotate(final int keyId, final byte[] keyBytes, final long graceMs)
    {
        install(keyId, new MacKey(keyBytes), graceMs);
    }

    /**
     * Make a new key current as {@link #rotate(int, byte[], long)} does, then zero the caller's array, also when the
     * rotation is refused: for key material that arrived from a handshake or a broker and must not outlive its
     * installation.
     *
     * @param keyId    id of the new key; must not be in the ring or remembered as revoked.
     * @param keyBytes key material, copied and then zeroed.
     * @param graceMs  how long the previous key stays accepted, 0 or more.
     * @throws IllegalArgumentException if the id is in use or revoked, or the grace is negative.
     * @throws IllegalStateException    if the ring is closed.
     */
    public void rotateAndZero(final int keyId, final byte[] keyBytes, final long graceMs)
    {
        try
        {
            rotate(keyId, keyBytes, graceMs);
        }
        finally
        {
            Arrays.fill(keyBytes, (byte)0);
        }
    }

    /**
     * Derive a new key from a master secret with HKDF, bound to this ring's channel, direction and the key id, and
     * make it current as {@link #rotate(int, byte[], long)} does.
     *
     * @param salt         optional HKDF salt (e.g. a handshake transcript hash); null means zeros.
     * @param masterSecret input keying material (not retained).
     * @param keyId        id of the new key.
     * @param graceMs      how long the previous key stays accepted.
     */
    public void rotateDerived(final byte[] salt, final byte[] masterSecret, final int keyId, final long graceMs)
    {
        install(keyId, KeyDerivation.deriveMacKey(salt, masterSecret, channelId, direction, keyId), graceMs);
    }

    /**
     * Keep a key accepted for at most {@code graceMs} more, then drop it: for a receiver that learns separately that
     * the sender switched to a newer key (installed with {@link #rotate} and a grace of {@link #NO_EXPIRY}). A
     * not-after time already earlier stays. Keys whose not-after time has passed are dropped and zeroed.
     *
     * @param keyId   id of the key.
     * @param graceMs how long it stays accepted from now, 0 or more.
     * @return true if the key was in the ring.
     * @throws IllegalArgumentException if the grace is negative.
     */
    public synchronized boolean retire(final int keyId, final long graceMs)
    {
        if (graceMs < 0)
        {
            throw new IllegalArgumentException("negative grace: " + graceMs);
        }
        final Snapshot s = snapshot;
        final int index = s.indexOf(keyId);
        if (index < 0)
        {
            return false;
        }
        final long now = clock.time();
        final long graceEnd = graceMs > Long.MAX_VALUE - now ? Long.MAX_VALUE - 1 : now + graceMs;
        final long[] notAfter = s.notAfterMs.clone();
        notAfter[index] = Math.min(notAfter[index], graceEnd);
        snapshot = new Snapshot(s.currentIndex, s.ids, s.keys, notAfter, s.revokedIds);
        pruneExpired(now);
        return true;
    }

    /**
     * Refuse a key at once and zero it. If it was the current key there is no current key until the next rotation.
     *
     * @param keyId id of the key to revoke.
     * @return true if the key was in the ring; false if unknown (its id is remembered as revoked all the same).
     */
    public synchronized boolean revoke(final int keyId)
    {
        final Snapshot s = snapshot;
        final int index = s.indexOf(keyId);
        final int[] revoked = s.isRevoked(keyId) ? s.revokedIds : append(s.revokedIds, keyId);
        if (index < 0)
        {
            snapshot = new Snapshot(s.currentIndex, s.ids, s.keys, s.notAfterMs, revoked);
            return false;
        }
        final MacKey key = s.keys[index];
        publishWithout(s, index, revoked);
        key.destroy();
        return true;
    }

    /**
     * Drop and zero every key whose not-after time has passed. Rotation does this too; call it from a housekeeping
     * thread so expired key bytes do not linger until the next rotation.
     *
     * @return how many keys were dropped.
     */
    public synchronized int prune()
    {
        return pruneExpired(clock.time());
    }

    /**
     * Number of keys held (current and accepted, including expired ones not yet pruned).
     *
     * @return the number of keys.
     */
    public int size()
    {
        return snapshot.ids.length;
    }

    /**
     * Zero every key and refuse all lookups from now on. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        closed = true;
        final Snapshot s = snapshot;
        snapshot = new Snapshot(-1, EMPTY.ids, EMPTY.keys, EMPTY.notAfterMs, s.revokedIds);
        for (final MacKey key : s.keys)
        {
            key.destroy();
        }
    }

    private synchronized void install(final int keyId, final MacKey key, final long graceMs)
    {
        try
        {
            if (closed)
            {
                throw new IllegalStateException("key ring closed");
            }
            if (graceMs < 0)
            {
                throw new IllegalArgumentException("negative grace: " + graceMs);
            }
            final Snapshot s = snapshot;
            if (s.indexOf(keyId) >= 0 || s.isRevoked(keyId))
            {
                throw new IllegalArgumentException("key id already used: " + keyId);
            }

            final long now = clock.time();
            final int n = s.ids.length;
            final int[] ids = Arrays.copyOf(s.ids, n + 1);
            final MacKey[] keys = Arrays.copyOf(s.keys, n + 1);
            final long[] notAfter = Arrays.copyOf(s.notAfterMs, n + 1);
            if (s.currentIndex >= 0)
            {
                final long graceEnd = graceMs > Long.MAX_VALUE - now ? Long.MAX_VALUE - 1 : now + graceMs;
                notAfter[s.currentIndex] = Math.min(notAfter[s.currentIndex], graceEnd);
            }
            ids[n] = keyId;
            keys[n] = key;
            notAfter[n] = NO_EXPIRY;
            snapshot = new Snapshot(n, ids, keys, notAfter, s.revokedIds);
            pruneExpired(now);
        }
        catch (final RuntimeException ex)
        {
            key.destroy();
            throw ex;
        }
    }

    private int pruneExpired(final long nowMs)
    {
        int dropped = 0;
        Snapshot s = snapshot;
        for (int i = s.ids.length - 1; i >= 0; i--)
        {
            if (nowMs > s.notAfterMs[i])
            {
                final MacKey key = s.keys[i];
                publishWithout(s, i, s.revokedIds);
                key.destroy();
                s = snapshot;
                dropped++;
            }
        }
        return dropped;
    }

    private void publishWithout(final Snapshot s, final int index, final int[] revokedIds)
    {
        final int n = s.ids.length - 1;
        final int[] ids = new int[n];
        final MacKey[] keys = new MacKey[n];
        final long[] notAfter = new long[n];
        for (int from = 0, to = 0; from <= n; from++)
        {
            if (from != index)
            {
                ids[to] = s.ids[from];
                keys[to] = s.keys[from];
                notAfter[to] = s.notAfterMs[from];
                to++;
            }
        }
        final int current = s.currentIndex == index ? -1 :
            (s.currentIndex > index ? s.currentIndex - 1 : s.currentIndex);
        // Publish before the caller zeroes the dropped key, so a new lookup never finds a zeroed key.
        snapshot = new Snapshot(current, ids, keys, notAfter, revokedIds);
    }

    private static int[] append(final int[] ids, final int id)
    {
        final int keep = Math.min(ids.length, MAX_REMEMBERED_REVOCATIONS - 1);
        final int[] result = new int[keep + 1];
        System.arraycopy(ids, ids.length - keep, result, 0, keep);
        result[keep] = id;
        return result;
    }

    /**
     * Immutable view of the ring; arrays are never written after publication.
     */
    private static final class Snapshot
    {
        final int currentIndex;
        final int[] ids;
        final MacKey[] keys;
        final long[] notAfterMs;
        final int[] revokedIds;

        Snapshot(
            final int currentIndex,
            final int[] ids,
            final MacKey[] keys,
            final long[] notAfterMs,
            final int[] revokedIds)
        {
            this.currentIndex = currentIndex;
            this.ids = ids;
            this.keys = keys;
            this.notAfterMs = notAfterMs;
            this.revokedIds = revokedIds;
        }

        int indexOf(final int keyId)
        {
            final int[] ids = this.ids;
            for (int i = 0; i < ids.length; i++)
            {
                if (ids[i] == keyId)
                {
                    return i;
                }
            }
            return -1;
        }

        boolean isRevoked(final int keyId)
        {
            final int[] revoked = revokedIds;
            for (int i = 0; i < revoked.length; i++)
            {
                if (revoked[i] == keyId)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
