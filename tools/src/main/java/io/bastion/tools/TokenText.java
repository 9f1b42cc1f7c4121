package io.bastion.tools;

import io.bastion.security.token.TokenCodec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The text form of a capability token: unpadded URL-safe base64 of its bytes, one line. Reading also takes
 * standard base64 and padding, and the token from an argument, a file ({@code @FILE}) or stdin ({@code -}).
 */
final class TokenText
{
    private static final int MAX_TEXT = 4 * TokenCodec.MAX_LENGTH;

    private TokenText()
    {
    }

    /**
     * The text of a token.
     *
     * @param token the encoded token.
     * @return one line of base64, without a newline.
     */
    static String encode(final byte[] token)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /**
     * The token an argument names: the base64 itself, {@code @FILE}, or {@code -} for stdin.
     *
     * @param argument the argument.
     * @param stdin    standard input.
     * @return the encoded token bytes (not yet parsed or verified).
     * @throws IOException if the file or stdin cannot be read.
     * @throws CommandFailure if the text is not base64.
     */
    static byte[] read(final String argument, final InputStream stdin) throws IOException
    {
        final String text;
        if ("-".equals(argument))
        {
            text = new String(stdin.readNBytes(MAX_TEXT), StandardCharsets.US_ASCII);
        }
        else if (argument.startsWith("@"))
        {
            final Path file = Path.of(argument.substring(1));
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
            {
                throw new CommandFailure(file + ": no such token file");
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))
            {
                text = new String(in.readNBytes(MAX_TEXT), StandardCharsets.US_ASCII);
            }
        }
        else
        {
            text = argument;
        }
        return decode(text.strip());
    }

    /**
     * The token in a file, as {@code token issue --out} writes it.
     *
     * @param file the file.
     * @return the encoded token bytes (not yet parsed or verified).
     * @throws IOException if the file cannot be read.
     * @throws CommandFailure if it is missing or not base64.
     */
    static byte[] readFile(final Path file) throws IOException
    {
        return read("@" + file, InputStream.nullInputStream());
    }

    private static byte[] decode(final String text)
    {
        final String urlSafe = text.replace('+', '-').replace('/', '_');
        try
        {
            return Base64.getUrlDecoder().decode(urlSafe);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandFailure("the token is not base64 text");
        }
    }
}
