package io.bastion.channel.shm;

import java.nio.charset.StandardCharsets;

/**
 * Run as {@code nobody} by {@link SharedMemoryTest}: a party that holds a sealed region with a secret in it, made
 * non-dumpable as the clients make themselves (argument {@code non-dumpable}) or left dumpable ({@code dumpable}).
 * Prints {@code pid=P fd=F}, then holds the region until its stdin closes.
 */
public final class RingHolderMain
{
    /** What the region holds. */
    public static final String SECRET = "SECRET-RING-BYTES";

    private RingHolderMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code non-dumpable} or {@code dumpable}.
     * @throws Exception if the region cannot be made.
     */
    public static void main(final String[] args) throws Exception
    {
        if ("non-dumpable".equals(args[0]) && !ProcessHardening.disableDumping())
        {
            throw new IllegalStateException("could not turn dumping off");
        }
        final int fd = SharedMemory.createSealed("bastion-ring", 4096);
        try (MappedRegion region = SharedMemory.map(fd, 4096, true))
        {
            region.buffer().putBytes(0, SECRET.getBytes(StandardCharsets.US_ASCII));
            System.out.println("pid=" + ProcessHandle.current().pid() + " fd=" + fd + " dumpable=" +
                ProcessHardening.isDumpable());
            System.out.flush();
            while (System.in.read() >= 0)
            {
                Thread.onSpinWait();
            }
        }
        finally
        {
            SharedMemory.close(fd);
        }
    }
}
