package io.bastion.security.mac;

/**
 * {@link HmacImplementation#PURE_JAVA}: the midstate construction ({@link MidstateHmacEngine}) on the plain Java
 * compression of {@link Sha256Compression}, with a preallocated state and message schedule. Needs nothing from the
 * JVM; runs no CPU SHA instructions.
 */
final class PureJavaHmacEngine extends MidstateHmacEngine
{
    private final int[] state;
    private final int[] schedule = new int[Sha256Compression.SCHEDULE_INTS];

    PureJavaHmacEngine()
    {
        this(new int[Sha256Compression.STATE_INTS]);
    }

    private PureJavaHmacEngine(final int[] state)
    {
        super(state);
        this.state = state;
    }

    @Override
    HmacImplementation implementation()
    {
        return HmacImplementation.PURE_JAVA;
    }

    @Override
    void compress(final byte[] src, final int offset, final int blocks)
    {
        final int[] state = this.state;
        final int[] schedule = this.schedule;
        for (int i = 0; i < blocks; i++)
        {
            Sha256Compression.compress(state, src, offset + i * Sha256Compression.BLOCK_LENGTH, schedule);
        }
    }
}
