package io.bastion.security.token;

import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Ed25519 key files {@code bastion keygen} writes (broker identity and token issuer alike), and their owner-only
 * reader. Keys are in their raw RFC 8032 form ({@link IssuerKeys}), as hex text:
 * <ul>
 *     <li>A <b>private key file</b> holds {@code private-key=<64 hex digits of the seed>} and
 *     {@code public-key=<64 hex digits>} lines (and {@code #} comments). {@link #readKeyPair} opens it only after
 *     the owner-only checks of {@link OwnerOnlyFiles#openForMapping} (a regular file of the policy's owner, no
 *     wider than policy, one link, in a folder no wider than policy, opened without following links and checked to
 *     be the same file once open), reads at most {@link #MAX_FILE_BYTES}, and requires the two keys to belong
 *     together.</li>
 *     <li>A <b>public key file</b> holds the 64 hex digits of the raw public key. {@link #parsePublic} also takes
 *     the raw 32 bytes, and a private key file, whose {@code public-key} line it reads.</li>
 * </ul>
 * Stateless and thread safe. Content is hostile input: every refusal is a {@link KeyFileException} with a typed
 * reason, or a {@link io.bastion.security.files.SecureFileException} from the file checks.
 */
public final class KeyFile
{
    /** Longest key file read; anything larger is not a key file. */
    public static final int MAX_FILE_BYTES = 4096;
    /** Field of the private seed in a private key file. */
    public static final String PRIVATE_FIELD = "private-key";
    /** Field of the public key in a private key file. */
    public static final String PUBLIC_FIELD = "public-key";

    private static final byte[] PROBE = "bastion key pair check".getBytes(StandardCharsets.US_ASCII);

    private KeyFile()
    {
    }

    /**
     * Read a private key file after the owner-only checks.
     *
     * @param file   the file.
     * @param policy the owner and modes it must have.
     * @return the key pair, checked to belong together.
     * @throws io.bastion.security.files.SecureFileException if a file check fails.
     * @throws KeyFileException if the content is not a matching Ed25519 key pair.
     * @throws IOException      if the file cannot be read.
     */
    public static KeyPair readKeyPair(final Path file, final FilePolicy policy) throws IOException
    {
        final byte[] content = readChecked(file, policy);
        try
        {
            return parseKeyPair(file, content);
        }
        finally
        {
            Arrays.fill(content, (byte)0);
        }
    }

    /**
     * Parse the content of a private key file.
     *
     * @param file    the file's name, for messages.
     * @param content the content, not retained (the caller zeroes it).
     * @return the key pair, checked to belong together.
     * @throws KeyFileException if the content is not a matching Ed25519 key pair.
     */
    public static KeyPair parseKeyPair(final Path file, final byte[] content) throws KeyFileException
    {
        if (content.length > MAX_FILE_BYTES)
        {
            throw new KeyFileException(KeyFileException.Reason.TOO_LARGE, file, "too large for a key file");
        }
        byte[] seed = null;
        byte[] publicRaw = null;
        try
        {
            for (final String rawLine : new String(content, StandardCharsets.US_ASCII).split("\n"))
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
                throw new KeyFileException(KeyFileException.Reason.NOT_A_PRIVATE_KEY_FILE, file,
                    "not a Bastion private key file (needs " + PRIVATE_FIELD + " and " + PUBLIC_FIELD + " lines)");
            }
            final KeyPair pair;
            try
            {
                pair = new KeyPair(IssuerKeys.publicFromRaw(publicRaw), IssuerKeys.privateFromRaw(seed));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new KeyFileException(KeyFileException.Reason.MALFORMED_KEY, file, "not an Ed25519 private key");
            }
            requireMatching(file, pair);
            return pair;
        }
        finally
        {
            if (null != seed)
            {
                Arrays.fill(seed, (byte)0);
            }
        }
    }

    /**
     * Parse a public key: 64 hex digits, the raw 32 bytes, or a private key file's {@code public-key} line.
     *
     * @param file    the file's name, for messages.
     * @param content the content.
     * @return the key.
     * @throws KeyFileException if it holds no Ed25519 public key.
     */
    public static PublicKey parsePublic(final Path file, final byte[] content) throws KeyFileException
    {
        if (content.length > MAX_FILE_BYTES)
        {
            throw new KeyFileException(KeyFileException.Reason.TOO_LARGE, file, "too large for a key file");
        }
        if (content.length == IssuerKeys.RAW_KEY_LENGTH)
        {
            return publicKey(file, content);
        }
        final String text = new String(content, StandardCharsets.US_ASCII);
        for (final String rawLine : text.split("\n"))
        {
            final String line = rawLine.strip();
            if (line.startsWith(PUBLIC_FIELD + "="))
            {
                return publicKey(file, parseHex(file, line.substring(PUBLIC_FIELD.length() + 1)));
            }
        }
        return publicKey(file, parseHex(file, text));
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
        final byte[] seed = IssuerKeys.rawPrivate(pair.getPrivate());
        try
        {
            final String text = "# Bastion " + title + ": Ed25519, raw RFC 8032 keys in hex. Keep it owner-only.\n" +
                PRIVATE_FIELD + "=" + HexFormat.of().formatHex(seed) + "\n" +
                PUBLIC_FIELD + "=" + HexFormat.of().formatHex(IssuerKeys.rawPublic(pair.getPublic())) + "\n";
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
    public static byte[] publicFileContent(final PublicKey key)
    {
        return (HexFormat.of().formatHex(IssuerKeys.rawPublic(key)) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] readChecked(final Path file, final FilePolicy policy) throws IOException
    {
        try (FileChannel channel = new OwnerOnlyFiles(policy).openForMapping(file, -1, false))
        {
            if (channel.size() > MAX_FILE_BYTES)
            {
                throw new KeyFileException(KeyFileException.Reason.TOO_LARGE, file, "too large for a key file");
            }
            final ByteBuffer buffer = ByteBuffer.allocate(MAX_FILE_BYTES + 1);
            while (buffer.hasRemaining() && channel.read(buffer) > 0)
            {
                // Reads until the file ends or it is longer than any key file.
            }
            if (buffer.position() > MAX_FILE_BYTES)
            {
                Arrays.fill(buffer.array(), (byte)0);
                throw new KeyFileException(KeyFileException.Reason.TOO_LARGE, file, "too large for a key file");
            }
            final byte[] content = Arrays.copyOf(buffer.array(), buffer.position());
            Arrays.fill(buffer.array(), (byte)0);
            return content;
        }
    }

    private static void requireMatching(final Path file, final KeyPair pair) throws KeyFileException
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
                throw new KeyFileException(KeyFileException.Reason.KEYS_DO_NOT_MATCH, file,
                    "its private and public keys do not belong together");
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new KeyFileException(KeyFileException.Reason.MALFORMED_KEY, file, "not an Ed25519 key pair");
        }
    }

    private static PublicKey publicKey(final Path file, final byte[] raw) throws KeyFileException
    {
        try
        {
            return IssuerKeys.publicFromRaw(raw);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new KeyFileException(KeyFileException.Reason.MALFORMED_KEY, file, "not an Ed25519 public key");
        }
    }

    private static byte[] parseHex(final Path file, final String text) throws KeyFileException
    {
        final String digits = text.strip();
        final String message = "expected a key of " + 2 * IssuerKeys.RAW_KEY_LENGTH + " hex digits";
        if (digits.length() != 2 * IssuerKeys.RAW_KEY_LENGTH)
        {
            throw new KeyFileException(KeyFileException.Reason.MALFORMED_KEY, file, message);
        }
        try
        {
            return HexFormat.of().parseHex(digits);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new KeyFileException(KeyFileException.Reason.MALFORMED_KEY, file, message);
        }
    }
}
