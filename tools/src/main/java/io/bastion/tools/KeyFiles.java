package io.bastion.tools;

import io.bastion.security.files.FileCheckReason;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.token.IssuerKeys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The files {@code bastion keygen} writes and the other commands read: Ed25519 keys in their raw RFC 8032 form
 * ({@link IssuerKeys}), as hex text.
 * <ul>
 *     <li>A <b>public key file</b> holds the 64 hex digits of the raw public key, the same text the broker's
 *     {@code bastion.broker.issuer.key} property takes. A file of exactly 32 bytes is read as the raw key itself, as
 *     the broker publishes its identity in {@code broker.pub}.</li>
 *     <li>A <b>private key file</b> holds {@code private-key=<hex seed>} and {@code public-key=<hex>} lines (and
 *     {@code #} comments). It must pass the owner-only checks ({@code 0600} in a {@code 0700} folder of the
 *     current user) before it is read, and the two keys must belong together.</li>
 * </ul>
 */
final class KeyFiles
{
    /** Longest key file read; anything larger is not a key file. */
    static final int MAX_FILE_BYTES = 4096;

    private static final String PRIVATE_FIELD = "private-key";
    private static final String PUBLIC_FIELD = "public-key";
    private static final byte[] PROBE = "bastion key pair check".getBytes(StandardCharsets.US_ASCII);

    private KeyFiles()
    {
    }

    /**
     * Read a public key file (hex text, or the raw 32 bytes).
     *
     * @param file the file.
     * @return the key.
     * @throws IOException if the file cannot be read.
     * @throws CommandFailure if it does not hold an Ed25519 public key.
     */
    static PublicKey readPublic(final Path file) throws IOException
    {
        final byte[] content = readSmall(file);
        if (content.length == IssuerKeys.RAW_KEY_LENGTH)
        {
            return publicKey(file, content);
        }
        final String text = new String(content, StandardCharsets.US_ASCII).strip();
        return publicKey(file, parseHex(file, text));
    }

    /**
     * Read a private key file after the owner-only checks, and check that its two keys belong together.
     *
     * @param file the file.
     * @return the key pair.
     * @throws IOException if a check fails or the file cannot be read.
     * @throws CommandFailure if the file is not a Bastion private key file.
     */
    static KeyPair readKeyPair(final Path file) throws IOException
    {
        final FileCheckReason check = new OwnerOnlyFiles(FilePolicy.ownerOnly()).checkFile(file, -1);
        if (check == FileCheckReason.NOT_FOUND)
        {
            throw new CommandFailure(file + ": no such key file");
        }
        if (check != FileCheckReason.OK)
        {
            throw new CommandFailure(file + ": a private key must be owner-only (0600, in a 0700 folder of yours): " +
                check);
        }
        final String text = new String(readSmall(file), StandardCharsets.US_ASCII);
        byte[] seed = null;
        byte[] publicRaw = null;
        for (final String rawLine : text.split("\n"))
        {
            final String line = rawLine.strip();
            if (line.startsWith(PRIVATE_FIELD + "="))
            {
                seed = parseHex(file, line.substring(PRIVATE_FIELD.length() + 1));
            }
            else if (line.startsWith(PUBLIC_FIELD + "="))
            {
                publicRaw = parseHex(file, line.substring(PUBLIC_FIELD.length() + 1));
            }
        }
        if (null == seed || null == publicRaw)
        {
            throw new CommandFailure(file + ": not a Bastion private key file (needs " + PRIVATE_FIELD + " and " +
                PUBLIC_FIELD + " lines)");
        }
        try
        {
            final KeyPair pair = new KeyPair(publicKey(file, publicRaw), IssuerKeys.privateFromRaw(seed));
            requireMatching(file, pair);
            return pair;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandFailure(file + ": not an Ed25519 private key");
        }
        finally
        {
            Arrays.fill(seed, (byte)0);
        }
    }

    /**
     * The text of a private key file.
     *
     * @param pair  the key pair.
     * @param title what the key is for, written as a comment.
     * @return the content; holds the secret, so zero it when written.
     */
    static byte[] privateFileContent(final KeyPair pair, final String title)
    {
        final byte[] seed = IssuerKeys.rawPrivate(pair.getPrivate());
        try
        {
            final String text = "# Bastion " + title + ": Ed25519, raw RFC 8032 keys in hex. Keep it owner-only.\n" +
                PRIVATE_FIELD + "=" + HexFormat.of().formatHex(seed) + "\n" +
                PUBLIC_FIELD + "=" + hex(pair.getPublic()) + "\n";
            return text.getBytes(StandardCharsets.US_ASCII);
        }
        finally
        {
            Arrays.fill(seed, (byte)0);
        }
    }

    /**
     * The text of a public key file.
     *
     * @param key the key.
     * @return 64 hex digits and a newline.
     */
    static byte[] publicFileContent(final PublicKey key)
    {
        return (hex(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The raw public key in hex, as the broker's issuer key property takes it.
     *
     * @param key the key.
     * @return 64 hex digits.
     */
    static String hex(final PublicKey key)
    {
        return HexFormat.of().formatHex(IssuerKeys.rawPublic(key));
    }

    /**
     * A short, comparable name for a public key, in the style of OpenSSH: {@code SHA256:} and the unpadded base64
     * of the SHA-256 of the raw key.
     *
     * @param key the key.
     * @return the fingerprint.
     */
    static String fingerprint(final PublicKey key)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(IssuerKeys.rawPublic(key));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("JDK without SHA-256", ex);
        }
    }

    private static void requireMatching(final Path file, final KeyPair pair)
    {
        try
        {
            final Signature signer = Signature.getInstance(IssuerKeys.ALGORITHM);
            signer.initSign(pair.getPrivate());
            signer.update(PROBE);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(IssuerKeys.ALGORITHM);
            verifier.initVerify(pair.getPublic());
            verifier.update(PROBE);
            if (!verifier.verify(signature))
            {
                throw new CommandFailure(file + ": its private and public keys do not belong together");
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new CommandFailure(file + ": not an Ed25519 key pair");
        }
    }

    private static PublicKey publicKey(final Path file, final byte[] raw)
    {
        try
        {
            return IssuerKeys.publicFromRaw(raw);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandFailure(file + ": not an Ed25519 public key");
        }
    }

    private static byte[] parseHex(final Path file, final String text)
    {
        final String digits = text.strip();
        if (digits.length() != 2 * IssuerKeys.RAW_KEY_LENGTH)
        {
            throw new CommandFailure(file + ": expected a key of " + 2 * IssuerKeys.RAW_KEY_LENGTH + " hex digits");
        }
        try
        {
            return HexFormat.of().parseHex(digits);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandFailure(file + ": expected a key of " + 2 * IssuerKeys.RAW_KEY_LENGTH + " hex digits");
        }
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
