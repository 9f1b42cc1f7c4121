package io.bastion.channel.process;

import io.bastion.channel.RingFiles;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The owner-only folder a process test shares with its children: ring files and key files, as
 * the broker would lay them out.
 */
public final class ProcessFolders
{
    private ProcessFolders()
    {
    }

    /**
     * Create an owner-only (0700) folder.
     *
     * @param parent where.
     * @param name   its name.
     * @return the folder.
     * @throws IOException if it exists or cannot be created.
     */
    public static Path ownerOnly(final Path parent, final String name) throws IOException
    {
        return new OwnerOnlyFiles(FilePolicy.ownerOnly()).createDirectory(parent.resolve(name));
    }

    /**
     * Create the two files of a one-to-one ring.
     *
     * @param dir      an owner-only folder.
     * @param name     the ring's name.
     * @param capacity of the records.
     * @return the ring's path without suffix.
     * @throws IOException if a file exists or cannot be created.
     */
    static Path oneToOneRing(final Path dir, final String name, final int capacity) throws IOException
    {
        final Path ring = dir.resolve(name);
        new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly())).create(ring, capacity);
        return ring;
    }
}
