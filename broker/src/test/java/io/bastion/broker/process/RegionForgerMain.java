package io.bastion.broker.process;

import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.channel.process.PublisherMain;
import io.bastion.channel.process.Wire;
import io.bastion.client.ClientContext;
import io.bastion.client.HandshakeClient;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.security.token.Right;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A subscriber of a fan-out channel that turned hostile, in its own process: it joins with a real subscribe token like
 * any other, but keeps the read-only descriptor of the publisher's producer region that the broker hands it and tries
 * to write into the region every other subscriber reads, the way a process of the region's owner can: it reopens the
 * descriptor read-write through {@code /proc/self/fd/N}, then maps it writable and writes to it. Had it succeeded it
 * could put frames in front of the others, sealed with the keys every subscriber holds.
 * <p>
 * Arguments ({@code key=value}): {@code dir}, {@code token} (a file), {@code channel}, {@code deadline-ms}.
 * Prints {@code ready} once its session is open, then {@code SUMMARY reopen=R map=M write=W}, each {@code ok} or the
 * error the kernel gave ({@code none} for {@code reopen} when no region came), and exits 0.
 */
public final class RegionForgerMain
{
    /** What the forger maps: the first page of the region, where the first records lie. */
    private static final int PAGE = 4096;

    private RegionForgerMain()
    {
    }

    /**
     * Run the attack.
     *
     * @param args {@code key=value} arguments, see the class description.
     * @throws Exception if the token or the folder cannot be read, or the broker refuses.
     */
    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> opts = Wire.parse(args);
        final ClientContext context = new ClientContext()
            .directory(Path.of(opts.get("dir")))
            .token(Files.readAllBytes(Path.of(opts.get("token"))))
            .conclude();
        final long deadlineNs = PublisherMain.deadlineNs(opts);
        try (Session session = HandshakeClient.connect(context.socketPath(), context.token(), context.brokerKey(),
            opts.get("channel"), Right.SUBSCRIBE, context.handshakeTimeout());
            ControlLink link = new ControlLink(session.controlChannel(), true))
        {
            System.out.println("ready");
            System.out.flush();
            final int[] descriptors = awaitRegion(link, deadlineNs);
            final String outcome = null == descriptors ? "reopen=none map=none write=none" :
                attack(descriptors[0]);
            System.out.println(Wire.SUMMARY + " " + outcome);
            System.out.flush();
        }
        System.exit(0);
    }

    /**
     * The two descriptors of the first ring announced to this subscriber (producer region read-only, then its own
     * consumer region), or null if none came before the deadline.
     */
    private static int[] awaitRegion(final ControlLink link, final long deadlineNs) throws HandshakeException
    {
        while (System.nanoTime() < deadlineNs)
        {
            final int length = link.poll();
            if (length < 0 && ControlLink.NONE != length)
            {
                return null;
            }
            if (ControlLink.NONE == length)
            {
                Thread.onSpinWait();
                continue;
            }
            final ControlMessage message = ControlMessages.parse(link.messageBuffer(), length);
            if (message.isValid() && SourceAction.ADDED == message.action)
            {
                return link.takeDescriptors(2);
            }
        }
        return null;
    }

    private static String attack(final int producerRegion)
    {
        final Path reopen = Path.of("/proc/self/fd/" + producerRegion);
        final FileChannel writable;
        try
        {
            writable = FileChannel.open(reopen, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            return "reopen=" + describe(ex) + " map=none write=none";
        }
        try (FileChannel channel = writable)
        {
            String map;
            try
            {
                final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, PAGE);
                mapped.putLong(0, 0x0BAD_F00DL);
                map = "ok";
            }
            catch (final IOException ex)
            {
                map = describe(ex);
            }
            String write;
            try
            {
                channel.write(ByteBuffer.wrap(new byte[]{1, 2, 3, 4, 5, 6, 7, 8}), 0);
                write = "ok";
            }
            catch (final IOException ex)
            {
                write = describe(ex);
            }
            return "reopen=ok map=" + map + " write=" + write;
        }
        catch (final IOException ex)
        {
            return "reopen=ok map=close-failed write=" + describe(ex);
        }
    }

    private static String describe(final IOException ex)
    {
        final String message = String.valueOf(ex.getMessage());
        return message.replaceAll("[^A-Za-z]+", "-");
    }
}
