package io.bastion.channel.shm;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The names of a uid and a gid as the C library's name service gives them ({@code getpwuid}, {@code getgrgid}), for
 * naming a socket peer from the ids the kernel recorded when {@code /proc/PID} cannot say (a peer of another user
 * that made itself non-dumpable: its {@code /proc/PID} then belongs to root). Linux; thread safe (the calls' static
 * results are read under one lock).
 */
public final class AccountNames
{
    private static final Object LOCK = new Object();
    private static final boolean AVAILABLE = register();

    private AccountNames()
    {
    }

    /**
     * The name of a user id.
     *
     * @param uid the id.
     * @return the name, or null if the id has none or the platform cannot say.
     */
    public static String userName(final long uid)
    {
        if (!AVAILABLE || uid < 0 || uid > 0xFFFF_FFFEL)
        {
            return null;
        }
        synchronized (LOCK)
        {
            // struct passwd and struct group both begin with the name pointer.
            return firstString(getpwuid((int)uid));
        }
    }

    /**
     * The name of a group id.
     *
     * @param gid the id.
     * @return the name, or null if the id has none or the platform cannot say.
     */
    public static String groupName(final long gid)
    {
        if (!AVAILABLE || gid < 0 || gid > 0xFFFF_FFFEL)
        {
            return null;
        }
        synchronized (LOCK)
        {
            return firstString(getgrgid((int)gid));
        }
    }

    private static String firstString(final Pointer entry)
    {
        if (null == entry)
        {
            return null;
        }
        final Pointer name = entry.getPointer(0);
        return null == name ? null : name.getString(0);
    }

    private static boolean register()
    {
        if (!Platform.isLinux())
        {
            return false;
        }
        try
        {
            Native.register(AccountNames.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            return true;
        }
        catch (final LinkageError | RuntimeException ex)
        {
            return false;
        }
    }

    private static native Pointer getpwuid(int uid);

    private static native Pointer getgrgid(int gid);
}
