package io.bastion.channel.shm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

import java.io.IOException;

/**
 * The few libc calls of this package, bound by JNA direct mapping when this class is first used (never before:
 * {@link SharedMemory} and {@link ProcessHardening} check the platform first, and nothing else in the package refers
 * to JNA). Each wrapper turns errno into an {@link IOException} whose message reads {@code call failed: [errno] text}.
 * <p>
 * Signatures are those of 64-bit Linux (x86_64, aarch64): {@code off_t} and {@code size_t} are {@code long}, and a
 * pointer is passed and returned as a {@code long} address. The variadic {@code open}, {@code fcntl} and
 * {@code prctl} are called with fixed arguments, which both calling conventions pass in the same registers.
 */
final class LibC
{
    static
    {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC()
    {
    }

    /**
     * Probe {@code memfd_create} by creating and closing one descriptor.
     *
     * @param flags the {@code MFD_*} flags to probe.
     * @return 0 if it works, else the errno.
     */
    static int probeMemfd(final int flags)
    {
        try
        {
            closeQuietly(memfd_create("bastion-probe", flags));
            return 0;
        }
        catch (final LastErrorException ex)
        {
            return ex.getErrorCode();
        }
    }

    static int memfdCreate(final String name, final int flags) throws IOException
    {
        try
        {
            return memfd_create(name, flags);
        }
        catch (final LastErrorException ex)
        {
            throw failure("memfd_create", ex);
        }
    }

    static void truncate(final int fd, final long length) throws IOException
    {
        try
        {
            ftruncate(fd, length);
        }
        catch (final LastErrorException ex)
        {
            throw failure("ftruncate", ex);
        }
    }

    static int control(final int fd, final int command, final int argument) throws IOException
    {
        try
        {
            return fcntl(fd, command, argument);
        }
        catch (final LastErrorException ex)
        {
            throw failure("fcntl", ex);
        }
    }

    static void changeMode(final int fd, final int mode) throws IOException
    {
        try
        {
            fchmod(fd, mode);
        }
        catch (final LastErrorException ex)
        {
            throw failure("fchmod", ex);
        }
    }

    static int openPath(final String path, final int flags) throws IOException
    {
        try
        {
            return open(path, flags);
        }
        catch (final LastErrorException ex)
        {
            throw failure("open", ex);
        }
    }

    static long map(final long length, final int protection, final int flags, final int fd) throws IOException
    {
        try
        {
            return mmap(0L, length, protection, flags, fd, 0L);
        }
        catch (final LastErrorException ex)
        {
            throw failure("mmap", ex);
        }
    }

    static void protect(final long address, final long length, final int protection) throws IOException
    {
        try
        {
            mprotect(address, length, protection);
        }
        catch (final LastErrorException ex)
        {
            throw failure("mprotect", ex);
        }
    }

    static void munmapQuietly(final long address, final long length)
    {
        try
        {
            munmap(address, length);
        }
        catch (final LastErrorException ignore)
        {
            // Only EINVAL is possible for a range this package mapped; there is nothing left to release.
        }
    }

    static void closeQuietly(final int fd)
    {
        try
        {
            close(fd);
        }
        catch (final LastErrorException ignore)
        {
            // EBADF, EINTR or EIO: on Linux the descriptor is released in every case, so never retry.
        }
    }

    static int processControl(final int option, final long argument) throws IOException
    {
        try
        {
            return prctl(option, argument, 0L, 0L, 0L);
        }
        catch (final LastErrorException ex)
        {
            throw failure("prctl", ex);
        }
    }

    private static IOException failure(final String call, final LastErrorException ex)
    {
        return new IOException(call + " failed: " + ex.getMessage(), ex);
    }

    // Direct-mapped natives: JNA binds each to the libc symbol of the same name when the class initialises, clears
    // errno before each call and throws LastErrorException when errno is set after it.

    @SuppressWarnings("checkstyle:methodname")
    private static native int memfd_create(String name, int flags) throws LastErrorException;

    private static native int ftruncate(int fd, long length) throws LastErrorException;

    private static native int fcntl(int fd, int command, int argument) throws LastErrorException;

    private static native int fchmod(int fd, int mode) throws LastErrorException;

    private static native int open(String path, int flags) throws LastErrorException;

    private static native long mmap(long address, long length, int protection, int flags, int fd, long offset)
            throws LastErrorException;

    private static native int mprotect(long address, long length, int protection) throws LastErrorException;

    private static native int munmap(long address, long length) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static native int prctl(int option, long arg2, long arg3, long arg4, long arg5)
            throws LastErrorException;
}
