package io.bastion.security.files;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Writes the full initial contents of a file before {@link OwnerOnlyFiles#publish} makes it visible.
 */
@FunctionalInterface
public interface FileInitializer
{
    /**
     * Fill the new, empty, owner-only temporary file. The channel is open for reading and writing and is forced and
     * closed by the caller; the initializer must not close it.
     *
     * @param channel the temporary file.
     * @throws IOException to abandon the publication (the temporary file is deleted).
     */
    void initialise(FileChannel channel) throws IOException;
}
