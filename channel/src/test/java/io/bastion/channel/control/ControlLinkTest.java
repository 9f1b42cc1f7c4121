package io.bastion.channel.control;

import io.bastion.codec.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The non-blocking framing every open session uses, on the broker's junixsocket channels: messages arriving a byte
 * at a time are reassembled, a length no control message can have is refused before its body, a failed read still
 * lets a refusal out, the end of the stream is reported, and a peer that stops reading cannot make the queue grow
 * without bound. Descriptors: {@link ControlLinkDescriptorTest}.
 */
class ControlLinkTest
{
    @TempDir
    Path temp;

    private AFUNIXServerSocketChannel server;
    private AFUNIXSocketChannel peer;
    private ControlLink link;

    @BeforeEach
    void connect() throws IOException
    {
        final AFUNIXSocketAddress address = AFUNIXSocketAddress.of(temp.resolve("link.sock"));
        server = AFUNIXServerSocketChannel.open();
        server.bind(address);
        peer = AFUNIXSocketChannel.open(address);
        link = new ControlLink(server.accept());
    }

    @AfterEach
    void close() throws IOException
    {
        link.close();
        peer.close();
        server.close();
    }

    @Test
    void aMessageArrivingAByteAtATimeIsReassembled() throws IOException
    {
        final byte[] message = ControlMessages.refusal(RejectReason.TIMED_OUT);
        final ByteBuffer framed = framed(message.length, message);
        while (framed.hasRemaining())
        {
            assertEquals(ControlLink.NONE, link.poll());
            peer.write(ByteBuffer.wrap(new byte[]{framed.get()}));
        }
        final int length = awaitMessage();
        assertEquals(message.length, length);
        assertArrayEquals(message, Arrays.copyOf(link.messageBuffer(), length));
        assertEquals(ControlLink.NONE, link.poll(), "nothing more");
    }

    @Test
    void anImpossibleLengthIsRefusedBeforeItsBodyAndARefusalStillGoesOut() throws IOException
    {
        peer.write(framed(ControlChannel.MAX_MESSAGE_LENGTH + 1, new byte[16]));
        assertEquals(ControlLink.BAD_LENGTH, awaitMessage());
        assertEquals(ControlLink.BAD_LENGTH, link.poll(), "a broken read stays broken");

        final byte[] refusal = ControlMessages.refusal(RejectReason.PROTOCOL_VIOLATION);
        assertTrue(link.send(refusal));
        final ByteBuffer received = ByteBuffer.allocate(4 + refusal.length).order(ByteOrder.LITTLE_ENDIAN);
        while (received.hasRemaining())
        {
            peer.read(received);
        }
        assertEquals(refusal.length, received.getInt(0));
        assertArrayEquals(refusal, Arrays.copyOfRange(received.array(), 4, received.capacity()));

        assertEquals(ControlLink.BAD_LENGTH, pollAfterWriting(framed(7, new byte[7])));
    }

    @Test
    void aLengthBelowTheHeaderIsRefusedToo() throws IOException
    {
        assertEquals(ControlLink.BAD_LENGTH, pollAfterWriting(framed(7, new byte[7])));
    }

    @Test
    void theEndOfTheStreamIsReported() throws IOException
    {
        peer.write(framed(8, new byte[3]));
        peer.close();
        assertEquals(ControlLink.CLOSED, awaitMessage(), "a message cut short by the end of the stream");
    }

    @Test
    void aPeerThatStopsReadingCannotMakeTheQueueGrowWithoutBound()
    {
        final byte[] message = new byte[ControlChannel.MAX_MESSAGE_LENGTH];
        int sent = 0;
        while (link.send(message))
        {
            sent++;
            assertTrue(sent < 1_000, "the queue is bounded");
        }
        assertTrue(sent > 0);
        assertFalse(link.flush(), "once a write failed, the link writes no more");
        assertFalse(link.send(ControlMessages.refusal(RejectReason.TIMED_OUT)));
    }

    private int pollAfterWriting(final ByteBuffer bytes) throws IOException
    {
        peer.write(bytes);
        return awaitMessage();
    }

    private int awaitMessage()
    {
        int result;
        final long deadline = System.currentTimeMillis() + 10_000;
        while (ControlLink.NONE == (result = link.poll()))
        {
            assertTrue(System.currentTimeMillis() < deadline, "nothing arrived");
            Thread.yield();
        }
        return result;
    }

    private static ByteBuffer framed(final int length, final byte[] body)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(4 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(length).put(body).flip();
        return buffer;
    }
}
