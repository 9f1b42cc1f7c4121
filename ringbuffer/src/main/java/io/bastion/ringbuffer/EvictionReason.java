package io.bastion.ringbuffer;

/**
 * Why a fan-out producer ({@link OneToManyRingProducer}) evicted a consumer. {@link #code()} is stable and may be
 * sent on the wire; {@link #fromCode(int)} reads it back. Immutable and thread safe.
 */
public enum EvictionReason
{
    /**
     * Under {@link FanOutPolicy.Mode#EVICT}: the consumer would have been more than the policy's lag bound behind the
     * position the producer was about to publish.
     */
    LAGGED(1),

    /**
     * The consumer held the producer back and neither its heartbeat nor its attachment was within the policy's stall
     * timeout: a stopped or wedged consumer.
     */
    STALLED(2),

    /**
     * The consumer's head word held a value a correct consumer never writes: misaligned, beyond the tail, more than a
     * lap behind it, behind a head the producer accepted earlier, or (before its first head) neither 0 nor at or past
     * its join position. {@link OneToManyRingProducer#evictionFault(int)} names the check.
     */
    CORRUPT_HEAD(3);

    private static final EvictionReason[] BY_CODE = {null, LAGGED, STALLED, CORRUPT_HEAD};

    private final int code;

    EvictionReason(final int code)
    {
        this.code = code;
    }

    /**
     * The reason's stable wire code.
     *
     * @return 1 for {@link #LAGGED}, 2 for {@link #STALLED}, 3 for {@link #CORRUPT_HEAD}.
     */
    public int code()
    {
        return code;
    }

    /**
     * The reason a wire code stands for.
     *
     * @param code a value read from the wire, untrusted.
     * @return the reason, or null for a code that names none.
     */
    public static EvictionReason fromCode(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
