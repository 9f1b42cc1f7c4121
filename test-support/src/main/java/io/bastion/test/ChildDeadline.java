package io.bastion.test;

/**
 * A bound on the whole run of a child JVM's main: a test that spawns an attacker or a helper process must never hang
 * on it, whatever the child gets stuck in.
 * <p>
 * Thread safety: {@link #start(long)} may be called from any thread, once per process.
 */
public final class ChildDeadline
{
    /** The exit status of a child that ran past its deadline. */
    public static final int EXIT_STATUS = 3;

    /** What the child prints on stdout just before it halts, so that the parent can tell a deadline from a crash. */
    public static final String LINE = "deadline";

    private ChildDeadline()
    {
    }

    /**
     * Start a daemon thread that, after {@code deadlineMs}, prints {@link #LINE} and halts the JVM with
     * {@link #EXIT_STATUS} (no shutdown hooks run: the child may be stuck in one).
     *
     * @param deadlineMs how long the child may run, from now.
     * @return the thread; interrupting it cancels the deadline.
     */
    public static Thread start(final long deadlineMs)
    {
        final Thread watchdog = new Thread(() ->
        {
            try
            {
                Thread.sleep(deadlineMs);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            System.out.println(LINE);
            System.out.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }, "child-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }
}
