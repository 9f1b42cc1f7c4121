package io.bastion.channel.shm;

/**
 * Run in a child JVM by {@link SharedMemoryTest}: reports whether the process is dumpable before and after
 * {@link ProcessHardening#disableDumping()}, then does a sealed round trip through a read-only reopen while
 * non-dumpable, one {@code key=value} line each.
 */
public final class HardeningChildMain
{
    private static final long LENGTH = 4096;
    private static final long VALUE = 0x0123_4567_89AB_CDEFL;

    private HardeningChildMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args none.
     * @throws Exception if the round trip fails.
     */
    public static void main(final String[] args) throws Exception
    {
        System.out.println("user=" + System.getProperty("user.name"));
        System.out.println("dumpable-before=" + ProcessHardening.isDumpable());
        System.out.println("disabled=" + ProcessHardening.disableDumping());
        System.out.println("dumpable-after=" + ProcessHardening.isDumpable());
        System.out.println("supported=" + SharedMemory.isSupported());
        if (!SharedMemory.isSupported())
        {
            return;
        }

        final int fd = SharedMemory.createSealed("bastion-child", LENGTH);
        final int readOnly = SharedMemory.readOnlyDescriptor(fd);
        try (MappedRegion writer = SharedMemory.map(fd, LENGTH, true))
        {
            writer.buffer().putLongVolatile(8, VALUE);
            SharedMemory.checkSealed(readOnly, LENGTH);
            try (MappedRegion reader = SharedMemory.map(readOnly, LENGTH, false))
            {
                System.out.println("round-trip=" + (VALUE == reader.buffer().getLongVolatile(8)));
            }
        }
        finally
        {
            SharedMemory.close(readOnly);
            SharedMemory.close(fd);
        }
    }
}
