package io.bastion.tools.token;

import io.bastion.tools.cli.CommandFailure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file the user asked for ({@code --out}) so that only its owner can read it: created new with mode
 * {@code 0600} from the start, never through a link, and never over an existing file unless told to.
 */
final class OwnerOnlyOutput
{
    private OwnerOnlyOutput()
    {
    }

    /**
     * Write a new owner-only file.
     *
     * @param file    the file.
     * @param content the bytes.
     * @param replace whether an existing file may be replaced.
     * @throws IOException if it cannot be written.
     * @throws CommandFailure if it exists and may not be replaced.
     */
    static void write(final Path file, final byte[] content, final boolean replace) throws IOException
    {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            if (!replace)
            {
                throw new CommandFailure(file + " exists: not replaced unless --force is given");
            }
            Files.delete(file);
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
        }
    }
}
