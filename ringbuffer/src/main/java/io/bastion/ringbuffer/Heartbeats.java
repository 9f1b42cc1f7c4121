package io.bastion.ringbuffer;

/**
 * The liveness rule both rings apply to a peer's heartbeat word.
 */
final class Heartbeats
{
    private Heartbeats()
    {
    }

    /**
     * A peer is alive when its last heartbeat lies within {@code timeoutMs} of now on either side:
     * a value far in the future is as suspect as a stale one, since the peer writes it freely.
     */
    static boolean isAlive(final long heartbeatMs, final long nowMs, final long timeoutMs)
    {
        if (heartbeatMs <= 0 || timeoutMs < 0)
        {
            return false;
        }
        final long age = nowMs - heartbeatMs;
        return age <= timeoutMs && age >= -timeoutMs;
    }
}
