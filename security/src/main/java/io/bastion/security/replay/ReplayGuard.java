package io.bastion.security.replay;

/**
 * Refuses replayed, duplicated and too-old frames by sequence number, in two steps so that a forged frame cannot
 * move the guard: {@link #check(long)} is pure and runs before the MAC is verified; {@link #commit(long)} moves the
 * guard and runs only after the MAC has verified.
 * <p>
 * Sequences are non-negative {@code long}s below {@link Long#MAX_VALUE}. A guard belongs to one sender and one key
 * epoch. Implementations allocate nothing, throw nothing and are not thread safe (one per polling thread).
 */
public interface ReplayGuard
{
    /**
     * Judge a sequence without changing any state.
     *
     * @param sequence read from the frame (untrusted).
     * @return the verdict.
     */
    ReplayStatus check(long sequence);

    /**
     * Judge a sequence again and, if it is let through, record it. Call only after the frame's MAC has verified.
     *
     * @param sequence of the verified frame.
     * @return the verdict; state changed only if {@link ReplayStatus#isAccepted()}.
     */
    ReplayStatus commit(long sequence);

    /**
     * Highest sequence accepted so far.
     *
     * @return the highest accepted sequence, or -1 if none yet.
     */
    long highestAccepted();
}
