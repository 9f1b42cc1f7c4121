package io.bastion.tools.cli;

import io.bastion.security.files.FileCheckReason;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.SecureFileException;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.KeyFile;
import io.bastion.security.token.KeyFileException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * The files {@code bastion keygen} writes and the other commands read: Ed25519 keys in their raw RFC 8032 form
 * ({@link IssuerKeys}), as hex text, in the format of {@link KeyFile}.
 * <ul>
 *     <li>A <b>public key file</b> holds the 64 hex digits of the raw public key, the same text the broker's
 *     {@code bastion.broker.issuer.key} property takes. A file of exactly 32 bytes is read as the raw key itself, and
 *     a private key file's {@code public-key} line is read too (so {@code --broker-key} takes {@code identity.key}
 *     as well as {@code identity.pub}).</li>
 *     <li>A <b>private key file</b> holds {@code private-key=<hex seed>} and {@code public-key=<hex>} lines (and
 *     {@code #} comments). It must pass the owner-only checks ({@code 0600} in a {@code 0700} folder of the
 *     current user) before it is read, and the two keys must belong together.</li>
 * </ul>
 */
public final class KeyFiles
{
    /** Longest key file read; anything larger is not a key file. */
    private static final int MAX_FILE_BYTES = KeyFile.MAX_FILE_BYTES;

    private KeyFiles()
    {
    }

    /**
     * Read a public key file (hex text, the raw 32 bytes, or a private key file's public key).
     *
     * @param file the file.
     * @return the key.
     * @throws IOException if the file cannot be read.
     * @throws CommandFailure if it does not hold an Ed25519 public key.
     */
    public static PublicKey readPublic(final Path file) throws IOException
    {
        try
        {
            return KeyFile.parsePublic(file, readSmall(file));
        }
        catch (final KeyFileException ex)
        {
            throw new CommandFailure(ex.getMessage());
        }
    }

    /**
     * Read a private key file after the owner-only checks, and check that its two keys belong together.
     *
     * @param file the file.
     * @return the key pair.
     * @throws IOException if a check fails or the file cannot be read.
     * @throws CommandFailure if the file is not a Bastion private key file.
     */
    public static KeyPair readKeyPair(final Path file) throws IOException
    {
        try
        {
            return KeyFile.readKeyPair(file, FilePolicy.ownerOnly());
        }
        catch (final SecureFileException ex)
        {
            throw failure(ex);
        }
        catch (final KeyFileException ex)
        {
            throw new CommandFailure(ex.getMessage());
        }
    }

    /**
     * The user's message for a private key file that failed its owner-only checks.
     *
     * @param ex the failure.
     * @return the failure to throw.
     */
    public static CommandFailure failure(final SecureFileException ex)
    {
        if (ex.reason() == FileCheckReason.NOT_FOUND)
        {
            return new CommandFailure(ex.path() + ": no such key file");
        }
        return new CommandFailure(ex.path() + ": a private key must be owner-only (0600, in a 0700 folder of yours): " +
            ex.reason());
    }

    /**
     * The text of a private key file.
     *
     * @param pair  the key pair.
     * @param title what the key is for, written as a comment.
     * @return the content; holds the secret, so zero it when written.
     */
    public static byte[] privateFileContent(final KeyPair pair, final String title)
    {
        return KeyFile.privateFileContent(pair, title);
    }

    /**
     * The text of a public key file.
     *
     * @param key the key.
     * @return 64 hex digits and a newline.
     */
    public static byte[] publicFileContent(final PublicKey key)
    {
        return KeyFile.publicFileContent(key);
    }

    /**
     * The raw public key in hex, as the broker's issuer key property takes it.
     *
     * @param key the key.
     * @return 64 hex digits.
     */
    public static String hex(final PublicKey key)
    {
        return HexFormat.of().formatHex(IssuerKeys.rawPublic(key));
    }

    /**
     * A short, comparable name for a public key, in the style of OpenSSH: {@code SHA256:} and the unpadded base64
     * of the SHA-256 of the raw key ({@link IssuerKeys#fingerprint(PublicKey)}).
     *
     * @param key the key.
     * @return the fingerprint.
     */
    public static String fingerprint(final PublicKey key)
    {
        return IssuerKeys.fingerprint(key);
    }

    private static byte[] readSmall(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
        {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS))
            {
                throw new CommandFailure(file + ": no such key file");
            }
            throw new CommandFailure(file + ": not a regular file");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))
        {
            final byte[] content = in.readNBytes(MAX_FILE_BYTES + 1);
            if (content.length > MAX_FILE_BYTES)
            {
                throw new CommandFailure(file + ": too large for a key file");
            }
            return content;
        }
    }
}
