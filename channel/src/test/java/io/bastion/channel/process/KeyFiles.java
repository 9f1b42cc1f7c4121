package io.bastion.channel.process;

import io.bastion.security.files.FileCheckReason;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands a channel key to a child process until the broker's handshake does it: the test writes
 * the raw 32 key bytes into an owner-only file (0600, in a 0700 folder, published atomically) and
 * passes the path; the child reads it only after the owner, mode, link and size checks pass. A
 * stand-in, kept in one place so the broker can replace it.
 */
final class KeyFiles
{
    /** Length of a channel key. */
    static final int KEY_LENGTH = 32;

    private KeyFiles()
    {
    }

    /**
     * A deterministic test key.
     *
     * @param seed varies the key.
     * @return 32 bytes.
     */
    static byte[] key(final int seed)
    {
        final byte[] key = new byte[KEY_LENGTH];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(seed * 131 + i * 7 + 1);
        }
        return key;
    }

    /**
     * Write a key file.
     *
     * @param dir  an owner-only folder.
     * @param name the file name.
     * @param key  the key bytes.
     * @return the file.
     * @throws IOException if the folder fails its checks or the file exists.
     */
    static Path write(final Path dir, final String name, final byte[] key) throws IOException
    {
        return new OwnerOnlyFiles(FilePolicy.ownerOnly()).publish(dir.resolve(name), key);
    }

    /**
     * Read a key file after checking it is this user's, owner-only, not a link and 32 bytes long.
     *
     * @param file the key file.
     * @return the key bytes.
     * @throws IOException if a check fails.
     */
    static byte[] read(final Path file) throws IOException
    {
        final FileCheckReason check = new OwnerOnlyFiles(FilePolicy.ownerOnly()).checkFile(file, KEY_LENGTH);
        if (FileCheckReason.OK != check)
        {
            throw new IOException("key file refused: " + check + " " + file);
        }
        final byte[] key = Files.readAllBytes(file);
        if (KEY_LENGTH != key.length)
        {
            throw new IOException("key file changed size: " + file);
        }
        return key;
    }
}
