package io.bastion.tools.cli;

import io.bastion.security.token.TokenCodec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The text form of a capability token: unpadded URL-safe base64 of its bytes, one line. Reading also takes
 * standard base64 and padding, and the token from an argument, a file ({@code @FILE}), stdin ({@code -}) or an
 * inherited descriptor ({@link #readDescriptor(int)}). From stdin and descriptors only the first line is read, one
 * byte at a time, so that whatever follows it (a command's input) stays unread for the command.
 */
public final class TokenText
{
    private static final int MAX_TEXT = 4 * TokenCodec.MAX_LENGTH;
    private static final Path PROC_FD = Path.of("/proc/self/fd");
    private static final Path DEV_FD = Path.of("/dev/fd");

    private TokenText()
    {
    }

    /**
     * The text of a token.
     *
     * @param token the encoded token.
     * @return one line of base64, without a newline.
     */
    public static String encode(final byte[] token)
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
    public static byte[] read(final String argument, final InputStream stdin) throws IOException
    {
        final String text;
        if ("-".equals(argument))
        {
            text = firstLine(stdin, MAX_TEXT, "stdin");
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
    public static byte[] readFile(final Path file) throws IOException
    {
        return read("@" + file, InputStream.nullInputStream());
    }

    /**
     * The token on the first line of an inherited descriptor: {@code /proc/self/fd/N} (else {@code /dev/fd/N}), as
     * a pipe the parent wrote the token into, so that the token never is in a file.
     *
     * @param fd the descriptor number, not negative.
     * @return the encoded token bytes (not yet parsed or verified).
     * @throws IOException if the descriptor cannot be read.
     * @throws CommandFailure if it is not open or holds no base64 line.
     */
    public static byte[] readDescriptor(final int fd) throws IOException
    {
        if (fd < 0)
        {
            throw new CommandFailure("--token-fd must not be negative: " + fd);
        }
        final Path path = Files.isDirectory(PROC_FD) ? PROC_FD.resolve(Integer.toString(fd)) :
            DEV_FD.resolve(Integer.toString(fd));
        if (!Files.exists(path))
        {
            throw new CommandFailure("descriptor " + fd + " is not open: pass the token on it, e.g. 3<<<\"$TOKEN\"");
        }
        try (InputStream in = Files.newInputStream(path))
        {
            return decode(firstLine(in, MAX_TEXT, "descriptor " + fd).strip());
        }
    }

    /**
     * Several tokens on the first line of a stream, separated by spaces: how the demo hands its children theirs.
     *
     * @param in    the stream, read up to the end of the first line only.
     * @param count how many tokens the line holds.
     * @return the encoded tokens.
     * @throws IOException if the stream cannot be read.
     * @throws CommandFailure if the line does not hold that many base64 tokens.
     */
    public static List<byte[]> readLine(final InputStream in, final int count) throws IOException
    {
        final String[] words = firstLine(in, count * (MAX_TEXT + 1), "stdin").strip().split(" +");
        if (words.length != count || words[0].isEmpty())
        {
            throw new CommandFailure("expected " + count + " token" + (1 == count ? "" : "s") + " on the first line");
        }
        final List<byte[]> tokens = new ArrayList<>(count);
        for (final String word : words)
        {
            tokens.add(decode(word));
        }
        return tokens;
    }

    /**
     * The first line of a stream, read a byte at a time (nothing past the line end is consumed).
     */
    private static String firstLine(final InputStream in, final int limit, final String what) throws IOException
    {
        final StringBuilder line = new StringBuilder();
        int read;
        while ((read = in.read()) >= 0 && read != '\n')
        {
            if (line.length() >= limit)
            {
                throw new CommandFailure("the token line on " + what + " is too long");
            }
            line.append(read < 0x80 ? (char)read : '?');
        }
        if (line.length() == 0 && read < 0)
        {
            throw new CommandFailure("no token on " + what);
        }
        return line.toString();
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
