package io.bastion.channel.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Objects;

/**
 * Anonymous, sealed shared memory on Linux: {@code memfd_create} regions whose size is sealed, read-only reopens of
 * them to hand to a peer, the receiver's check of a descriptor before it maps it, and {@code mmap}.
 * <p>
 * Call {@link #isSupported()} first; when it returns false, call nothing else here (on another OS or architecture
 * the other methods throw {@link UnsupportedOperationException}). Descriptors are plain
 * {@code int}s owned by the caller, who closes them with {@link #close(int)}; a mapping stays valid after its
 * descriptor is closed.
 */
public final class SharedMemory
{
    static final int MFD_CLOEXEC = 1;
    static final int MFD_ALLOW_SEALING = 2;

    static final int F_ADD_SEALS = 1033;
    static final int F_GET_SEALS = 1034;
    static final int F_SEAL_SEAL = 1;
    static final int F_SEAL_SHRINK = 2;
    static final int F_SEAL_GROW = 4;
    static final int F_SEAL_WRITE = 8;
    static final int F_SEAL_FUTURE_WRITE = 16;

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;

    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;

    static final int ENOSYS = 38;
    static final int ENOMEM = 12;
    static final int ENFILE = 23;
    static final int EMFILE = 24;

    /** Owner read and write: nobody else may reopen the memfd through {@code /proc/PID/fd/N}. */
    static final int OWNER_READ_WRITE = 0600;

    private static final int SIZE_SEALS = F_SEAL_SHRINK | F_SEAL_GROW;

    private static final int UNKNOWN = 0;
    private static final int SUPPORTED = 1;
    private static final int UNSUPPORTED = 2;

    private static volatile int support = UNKNOWN;

    private SharedMemory()
    {
    }

    /**
     * Whether this process can use shared memory: Linux on x86_64 or aarch64, JNA loads, and {@code memfd_create}
     * with sealing works (a kernel from 3.17 on, glibc from 2.27 on, not refused by a seccomp filter). Probes once and
     * caches the answer, unless the probe failed for want of descriptors or memory, which is asked again next time.
     *
     * @return true if the other methods of this class may be called.
     */
    public static boolean isSupported()
    {
        int state = support;
        if (UNKNOWN == state)
        {
            state = probe();
            if (UNKNOWN != state)
            {
                support = state;
            }
        }
        return SUPPORTED == state;
    }

    /**
     * Create a memfd of {@code length} zero bytes whose size is sealed: {@code memfd_create(name, MFD_CLOEXEC |
     * MFD_ALLOW_SEALING)}, {@code fchmod} to 0600 (a memfd starts at 0777, which lets another user who gets hold of
     * any descriptor of it reopen it writable through {@code /proc/PID/fd/N}), {@code ftruncate} to the length, and
     * {@code F_ADD_SEALS} with {@code F_SEAL_SHRINK | F_SEAL_GROW}. Further seals may still be added.
     *
     * @param name   a name for {@code /proc/PID/fd} and {@code /proc/PID/maps}, visible to whoever can read those:
     *               never put a secret in it. At most 249 bytes.
     * @param length the size in bytes, positive.
     * @return the read-write descriptor, close-on-exec; the caller closes it.
     * @throws IOException if a call fails (the descriptor is closed then); the message carries errno.
     */
    public static int createSealed(final String name, final long length) throws IOException
    {
        final int fd = create(name, length, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        boolean sealed = false;
        try
        {
            LibC.control(fd, F_ADD_SEALS, SIZE_SEALS);
            sealed = true;
        }
        finally
        {
            if (!sealed)
            {
                LibC.closeQuietly(fd);
            }
        }
        return fd;
    }

    /**
     * A new, independent read-only open file description of the same memfd, for a peer: {@code open("/proc/self/fd/"
     * + fd, O_RDONLY | O_CLOEXEC)}. A {@code dup} would share the read-write access mode. Whoever holds it can map
     * the memfd only read-only ({@code mprotect} cannot upgrade such a mapping) and cannot add seals, as long as it
     * cannot reopen the memfd for writing itself, which mode 0600 ensures for other users without
     * {@code CAP_DAC_OVERRIDE}; a process of the same user can.
     *
     * @param fd a descriptor of the memfd, e.g. from {@link #createSealed}.
     * @return the read-only descriptor, close-on-exec; the caller closes it.
     * @throws IOException if the reopen fails.
     */
    public static int readOnlyDescriptor(final int fd) throws IOException
    {
        requirePlatform();
        return LibC.openPath(procPath(fd), O_RDONLY | O_CLOEXEC);
    }

    /**
     * Seal the memfd against every write but through the mappings that exist now ({@code F_ADD_SEALS} with
     * {@code F_SEAL_FUTURE_WRITE}, Linux 5.1 and later): from here on nobody can map it writable or {@code write} to
     * it, not even a process of the owner's user that reopens a read-only descriptor through {@code /proc/self/fd/N},
     * while the writable mappings already made keep working. The one writer calls it right after it maps the region
     * and before anyone else is handed a descriptor of it.
     *
     * @param fd a read-write descriptor of the memfd (the kernel adds seals only through one).
     * @throws IOException a {@link SharedMemoryException} with reason {@link SharedMemoryException.Reason#NOT_SEALED}
     *                     if the kernel refuses (too old a kernel, {@code F_SEAL_SEAL} set, a read-only descriptor).
     */
    public static void sealFutureWrites(final int fd) throws IOException
    {
        requirePlatform();
        try
        {
            LibC.control(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE);
        }
        catch (final IOException ex)
        {
            throw new SharedMemoryException(SharedMemoryException.Reason.NOT_SEALED,
                "F_SEAL_FUTURE_WRITE on fd " + fd + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * {@link #checkSealed}, and also that nobody can map the memfd writable any more ({@code F_SEAL_FUTURE_WRITE} or
     * {@code F_SEAL_WRITE}, see {@link #sealFutureWrites}): what a reader checks on a region that readers it does not
     * trust share with it, so that none of them can write what the others read.
     *
     * @param fd             the descriptor.
     * @param expectedLength the size the receiver will map.
     * @throws IOException always a {@link SharedMemoryException}: the reasons of {@link #checkSealed}, or
     *                     {@link SharedMemoryException.Reason#STILL_WRITABLE}.
     */
    public static void checkSealedAgainstWriters(final int fd, final long expectedLength) throws IOException
    {
        checkSealed(fd, expectedLength);
        final int seals;
        try
        {
            seals = LibC.control(fd, F_GET_SEALS, 0);
        }
        catch (final IOException ex)
        {
            throw new SharedMemoryException(SharedMemoryException.Reason.NOT_A_MEMFD_OR_IO,
                "F_GET_SEALS on fd " + fd + ": " + ex.getMessage(), ex);
        }
        if (0 == (seals & (F_SEAL_FUTURE_WRITE | F_SEAL_WRITE)))
        {
            throw new SharedMemoryException(SharedMemoryException.Reason.STILL_WRITABLE,
                "fd " + fd + " has seals 0x" + Integer.toHexString(seals) + ", needs FUTURE_WRITE", null);
        }
    }

    /**
     * Check a descriptor handed to this process before mapping it: it must be a memfd sealed against shrinking and
     * growing ({@code F_GET_SEALS}), of exactly {@code expectedLength} bytes. The seals are checked first, so the size
     * read afterwards cannot change any more; mapping a memfd that a peer can shrink would crash this JVM with
     * {@code SIGBUS} on the next access past its end.
     *
     * @param fd             the descriptor.
     * @param expectedLength the size the receiver will map.
     * @throws IOException always a {@link SharedMemoryException}, with reason
     *                     {@link SharedMemoryException.Reason#NOT_SEALED},
     *                     {@link SharedMemoryException.Reason#WRONG_SIZE} or
     *                     {@link SharedMemoryException.Reason#NOT_A_MEMFD_OR_IO}.
     */
    public static void checkSealed(final int fd, final long expectedLength) throws IOException
    {
        requirePlatform();
        final int seals;
        try
        {
            seals = LibC.control(fd, F_GET_SEALS, 0);
        }
        catch (final IOException ex)
        {
            throw new SharedMemoryException(SharedMemoryException.Reason.NOT_A_MEMFD_OR_IO,
                "F_GET_SEALS on fd " + fd + ": " + ex.getMessage(), ex);
        }
        if (SIZE_SEALS != (seals & SIZE_SEALS))
        {
            throw new SharedMemoryException(SharedMemoryException.Reason.NOT_SEALED,
                "fd " + fd + " has seals 0x" + Integer.toHexString(seals) + ", needs SHRINK and GROW", null);
        }
        final long size = size(fd);
        if (size != expectedLength)
        {
            throw new SharedMemoryException(SharedMemoryException.Reason.WRONG_SIZE,
                "fd " + fd + " is " + size + " bytes, expected " + expectedLength, null);
        }
    }

    /**
     * Map a memfd: {@code mmap(NULL, length, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0)}. Nothing
     * here checks the memfd's size: for a descriptor from elsewhere, call {@link #checkSealed} first, since touching
     * a page past the end of the file crashes the JVM.
     *
     * @param fd       the descriptor; writable mappings need a read-write one.
     * @param length   the length to map, from 1 to {@link Integer#MAX_VALUE} (the limit of an Agrona buffer).
     * @param writable whether to map with {@code PROT_WRITE}.
     * @return the region; the caller closes it.
     * @throws IOException if {@code mmap} fails, e.g. {@code EACCES} for a writable mapping of a read-only
     *                     descriptor.
     */
    public static MappedRegion map(final int fd, final long length, final boolean writable) throws IOException
    {
        if (length <= 0 || length > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("length must be in [1, " + Integer.MAX_VALUE + "]: " + length);
        }
        requirePlatform();
        final int protection = PROT_READ | (writable ? PROT_WRITE : 0);
        return new MappedRegion(LibC.map(length, protection, MAP_SHARED, fd), length, writable);
    }

    /**
     * Close a descriptor ({@code close(2)}), ignoring errors; negative descriptors and unsupported platforms are
     * ignored. Mappings of it stay valid.
     *
     * @param fd the descriptor.
     */
    public static void close(final int fd)
    {
        if (fd >= 0 && isLinux64())
        {
            LibC.closeQuietly(fd);
        }
    }

    /**
     * A memfd that can never be sealed (no {@code MFD_ALLOW_SEALING}), for tests of {@link #checkSealed}.
     */
    static int createUnsealed(final String name, final long length) throws IOException
    {
        return create(name, length, MFD_CLOEXEC);
    }

    /**
     * {@code ftruncate}, for tests that the seals hold.
     */
    static void truncate(final int fd, final long length) throws IOException
    {
        LibC.truncate(fd, length);
    }

    /**
     * Linux on a 64-bit architecture whose signatures {@link LibC} uses; checked without loading JNA.
     */
    static boolean isLinux64()
    {
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.startsWith("linux") && ("amd64".equals(arch) || "x86_64".equals(arch) || "aarch64".equals(arch));
    }

    private static int create(final String name, final long length, final int flags) throws IOException
    {
        Objects.requireNonNull(name, "name");
        if (length <= 0)
        {
            throw new IllegalArgumentException("length must be positive: " + length);
        }
        requirePlatform();
        final int fd = LibC.memfdCreate(name, flags);
        boolean done = false;
        try
        {
            LibC.changeMode(fd, OWNER_READ_WRITE);
            LibC.truncate(fd, length);
            done = true;
        }
        finally
        {
            if (!done)
            {
                LibC.closeQuietly(fd);
            }
        }
        return fd;
    }

    /**
     * The size by {@code stat} of the memfd through {@code /proc/self/fd/N}, the same inode as {@code fstat}: glibc
     * exports {@code fstat} only from 2.33 on and {@code struct stat} differs between architectures.
     */
    private static long size(final int fd) throws SharedMemoryException
    {
        final BasicFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(Path.of(procPath(fd)), BasicFileAttributes.class);
        }
        catch (final IOException ex)
        {
            throw new SharedMemoryException(SharedMemoryException.Reason.NOT_A_MEMFD_OR_IO,
                "stat of fd " + fd + ": " + ex, ex);
        }
        if (!attributes.isRegularFile())
        {
            throw new SharedMemoryException(SharedMemoryException.Reason.NOT_A_MEMFD_OR_IO,
                "fd " + fd + " is not a regular file", null);
        }
        return attributes.size();
    }

    private static String procPath(final int fd)
    {
        if (fd < 0)
        {
            throw new IllegalArgumentException("negative descriptor: " + fd);
        }
        return "/proc/self/fd/" + fd;
    }

    private static void requirePlatform()
    {
        if (!isLinux64())
        {
            throw new UnsupportedOperationException("shared memory needs Linux on x86_64 or aarch64");
        }
    }

    private static int probe()
    {
        if (!isLinux64())
        {
            return UNSUPPORTED;
        }
        try
        {
            final int errno = LibC.probeMemfd(MFD_CLOEXEC | MFD_ALLOW_SEALING);
            if (0 == errno)
            {
                return SUPPORTED;
            }
            // ENOSYS (kernel before 3.17), EINVAL (no sealing), EPERM (seccomp) are lasting; these are not.
            return EMFILE == errno || ENFILE == errno || ENOMEM == errno ? UNKNOWN : UNSUPPORTED;
        }
        catch (final LinkageError ex)
        {
            // JNA could not load its stub (no writable jna.tmpdir / java.io.tmpdir, noexec) or libc lacks a symbol.
            return UNSUPPORTED;
        }
    }
}
