package io.bastion.channel.process;

import io.bastion.channel.RingFiles;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The ring files a process test shares with its children, laid out as the broker would lay them out, in a folder
 * from {@link io.bastion.test.TestFolders#ownerOnly}.
 */
public final class ProcessFolders
{
    private ProcessFolders()
    {
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
