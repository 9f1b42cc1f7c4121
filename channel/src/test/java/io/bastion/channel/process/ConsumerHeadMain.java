package io.bastion.channel.process;

import io.bastion.ringbuffer.OneToOneRingDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The attacker of the replay into a new subscriber: another process of the same user, no party to the channel, that
 * rewrites the head word in a ring's consumer-region file (which the named-file fallback leaves in the folder), so
 * that a subscriber trusting that word would read everything again from there.
 * <p>
 * Arguments: the consumer-region file, the head to write. Prints {@code head was X now Y} and exits 0.
 */
public final class ConsumerHeadMain
{
    private ConsumerHeadMain()
    {
    }

    /**
     * Rewrite the head.
     *
     * @param args the file and the new head.
     * @throws Exception if the file cannot be opened.
     */
    public static void main(final String[] args) throws Exception
    {
        final long head = Long.parseLong(args[1]);
        try (FileChannel file = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer word = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            file.read(word, OneToOneRingDescriptor.HEAD_POSITION_OFFSET);
            final long was = word.getLong(0);
            word.clear();
            word.putLong(0, head);
            file.write(word, OneToOneRingDescriptor.HEAD_POSITION_OFFSET);
            file.force(true);
            System.out.println("head was " + was + " now " + head);
        }
    }
}
