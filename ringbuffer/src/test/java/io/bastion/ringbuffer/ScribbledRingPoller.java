package io.bastion.ringbuffer;

import org.agrona.DirectBuffer;

/**
 * Polls scribbled rings of both kinds, for {@link HostileWriterChildJvmTest}: run it in a JVM with
 * {@code -Dagrona.disable.bounds.checks=true}, so that only the rings' own checks stand between a
 * hostile word and memory outside the buffer. Prints one summary line and exits 0, or prints the
 * failure and exits 2.
 */
final class ScribbledRingPoller
{
    static final String SUMMARY = "SUMMARY";
    private static final int POLLS_PER_CASE = 20;

    private ScribbledRingPoller()
    {
    }

    /**
     * Entry point.
     *
     * @param args the number of polls (default 1,000,000) and the base seed (default 42).
     */
    public static void main(final String[] args)
    {
        final long polls = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        final long baseSeed = args.length > 1 ? Long.parseLong(args[1]) : 42L;
        // Only ring code may ever run without Agrona's bounds checks: codec and security must never rely on it.
        for (final String forbidden : new String[]{"io.bastion.codec.FrameReader", "io.bastion.security.keys.KeyRing"})
        {
            if (onClassPath(forbidden))
            {
                System.out.println("FAIL " + forbidden + " is on the class path of a JVM without bounds checks");
                System.exit(2);
            }
        }
        final HostileCases.Stats stats = new HostileCases.Stats();
        final HostileCases.OneToOne[] oneToOne = {
            new HostileCases.OneToOne(64), new HostileCases.OneToOne(256), new HostileCases.OneToOne(1024)};
        final HostileCases.ManyToOne[] manyToOne = {
            new HostileCases.ManyToOne(256), new HostileCases.ManyToOne(512), new HostileCases.ManyToOne(1024)};
        long seed = baseSeed;
        try
        {
            while (stats.polls < polls)
            {
                final int pollsThisCase = (int)Math.min(POLLS_PER_CASE, polls - stats.polls);
                final int pick = (int)(seed % 3);
                if ((seed & 1) == 0)
                {
                    oneToOne[pick].runCase(seed, pollsThisCase, stats);
                }
                else
                {
                    manyToOne[pick].runCase(seed, pollsThisCase, stats);
                }
                seed++;
            }
        }
        catch (final Throwable ex)
        {
            System.out.println("FAILED " + ex);
            ex.printStackTrace(System.out);
            System.out.flush();
            System.exit(2);
        }
        System.out.println(SUMMARY + " boundsChecks=" + DirectBuffer.SHOULD_BOUNDS_CHECK + " " + stats);
        System.out.flush();
    }

    private static boolean onClassPath(final String className)
    {
        try
        {
            Class.forName(className, false, ScribbledRingPoller.class.getClassLoader());
            return true;
        }
        catch (final ClassNotFoundException ex)
        {
            return false;
        }
    }
}
