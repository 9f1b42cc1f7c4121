package io.bastion.channel.control;

import io.bastion.codec.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.FileDescriptorCast;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File descriptors ({@code SCM_RIGHTS}) travel with control messages over a real junixsocket socket pair, both ways:
 * they arrive with the message they were sent with, refer to the files that were sent, belong to the receiver until
 * closed (also after the link closes), and are never leaked: what a message leaves untaken, what a link that does not
 * receive descriptors is sent, and what a link still queues when it closes are closed. A message that claims more
 * descriptors than arrived is refused. The test also pins the junixsocket behaviour the link relies on: descriptors
 * go with the next write only, and are gone after it even when it took no byte.
 */
class ControlLinkDescriptorTest
{
    private static final long DEADLINE_MS = 10_000;

    @TempDir
    Path temp;

    private final List<ControlLink> links = new ArrayList<>();
    private final List<FileInputStream> opened = new ArrayList<>();
    private AFUNIXServerSocketChannel server;
    private Path alpha;
    private Path bravo;
    private Path charlie;

    @BeforeEach
    void files() throws IOException
    {
        alpha = file("alpha");
        bravo = file("bravo");
        charlie = file("charlie");
        server = AFUNIXServerSocketChannel.open();
        server.bind(AFUNIXSocketAddress.of(temp.resolve("link.sock")));
    }

    @AfterEach
    void close() throws IOException
    {
        for (final ControlLink link : links)
        {
            link.close();
        }
        closeOpened();
        server.close();
    }

    @Test
    void twoMessagesTheSecondCarryingTwoDescriptorsThatReferToTheFilesSent() throws Exception
    {
        final ControlLink[] pair = pair(false, true);
        final ControlLink broker = pair[0];
        final ControlLink client = pair[1];
        final byte[] first = message(1, 48);
        final byte[] second = message(2, 64);
        assertTrue(broker.send(first));
        assertTrue(broker.send(second, new FileDescriptor[] {open(alpha), open(bravo)}));
        closeOpened();
        assertEquals(0, openCount(alpha), "the link closed its duplicate once written; the caller closed its own");

        assertEquals(first.length, awaitMessage(client));
        assertArrayEquals(first, Arrays.copyOf(client.messageBuffer(), first.length));
        assertEquals(0, client.queuedDescriptors(), "the first message carries none");
        assertEquals(second.length, awaitMessage(client));
        assertArrayEquals(second, Arrays.copyOf(client.messageBuffer(), second.length));
        assertEquals(2, client.queuedDescriptors());
        final int[] descriptors = client.takeDescriptors(2);
        assertEquals(0, client.queuedDescriptors());

        assertEquals(alpha, target(descriptors[0]));
        assertEquals(bravo, target(descriptors[1]));
        assertEquals("alpha", Files.readString(Path.of("/proc/self/fd/" + descriptors[0])));
        assertEquals("bravo", Files.readString(Path.of("/proc/self/fd/" + descriptors[1])));
        assertEquals(1, openCount(alpha));
        ControlLink.closeDescriptor(descriptors[0]);
        ControlLink.closeDescriptor(descriptors[1]);
        assertEquals(0, openCount(alpha));
        assertEquals(0, openCount(bravo));
    }

    @Test
    void theOtherWayTooAndATakenDescriptorOutlivesTheLink() throws Exception
    {
        final ControlLink[] pair = pair(true, true);
        final ControlLink broker = pair[0];
        final ControlLink client = pair[1];
        final int number = FileDescriptorCast.using(open(charlie)).as(Integer.class);
        assertTrue(client.send(message(3, 40), new int[] {number}));
        closeOpened();

        assertEquals(40, awaitMessage(broker));
        final FileDescriptor[] taken = broker.takeFileDescriptors(1);
        broker.close();
        client.close();
        // junixsocket closes the descriptors it received when its socket closes; the link took this one out of its
        // hands, so it is still open, and reading through it starts at the offset the sender left (0).
        try (FileInputStream in = new FileInputStream(taken[0]))
        {
            assertEquals("charlie", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals(0, openCount(charlie));
    }

    @Test
    void aMessageThatClaimsDescriptorsItDoesNotCarryIsRefused() throws Exception
    {
        final ControlLink[] pair = pair(false, true);
        final ControlLink broker = pair[0];
        final ControlLink client = pair[1];
        assertTrue(broker.send(message(4, 40)));
        assertEquals(40, awaitMessage(client));
        final HandshakeException none = assertThrows(HandshakeException.class, () -> client.takeDescriptors(1));
        assertEquals(RejectReason.PROTOCOL_VIOLATION, none.reason());

        assertTrue(broker.send(message(5, 40), new FileDescriptor[] {open(alpha), open(bravo)}));
        closeOpened();
        assertEquals(40, awaitMessage(client));
        final HandshakeException fewer = assertThrows(HandshakeException.class, () -> client.takeDescriptors(3));
        assertEquals(RejectReason.PROTOCOL_VIOLATION, fewer.reason());
        assertEquals(0, client.queuedDescriptors(), "the two that did arrive are closed");
        assertEquals(0, openCount(alpha));
        assertEquals(0, openCount(bravo));
    }

    @Test
    void theHandshakeChannelCarriesDescriptorsAndRefusesAMissingOne() throws Exception
    {
        final AFUNIXSocketChannel connected = AFUNIXSocketChannel.open(server.getLocalAddress());
        try (ControlChannel broker = new ControlChannel(server.accept());
            ControlChannel client = new ControlChannel(connected, true))
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            final byte[] welcome = message(6, 56);
            broker.write(welcome, welcome.length, new FileDescriptor[] {open(bravo)}, deadlineNs);
            closeOpened();
            broker.write(welcome, welcome.length, deadlineNs);

            assertEquals(welcome.length, client.read(deadlineNs));
            final int[] descriptors = client.takeDescriptors(1);
            assertEquals(bravo, target(descriptors[0]));
            ControlLink.closeDescriptor(descriptors[0]);
            assertEquals(welcome.length, client.read(deadlineNs));
            final HandshakeException missing = assertThrows(HandshakeException.class,
                () -> client.takeDescriptors(1));
            assertEquals(RejectReason.PROTOCOL_VIOLATION, missing.reason());
        }
        assertEquals(0, openCount(bravo));
    }

    @Test
    void descriptorsAMessageLeavesUntakenAreClosedAtTheNextPollAndOnClose() throws Exception
    {
        final ControlLink[] pair = pair(false, true);
        final ControlLink broker = pair[0];
        final ControlLink client = pair[1];
        assertTrue(broker.send(message(7, 40), new FileDescriptor[] {open(alpha)}));
        assertTrue(broker.send(message(8, 40), new FileDescriptor[] {open(bravo)}));
        closeOpened();

        assertEquals(40, awaitMessage(client));
        assertEquals(1, openCount(alpha), "queued, not taken");
        assertEquals(40, awaitMessage(client));
        assertEquals(0, openCount(alpha), "closed when the next message began");
        assertEquals(1, client.queuedDescriptors());
        assertEquals(1, openCount(bravo));
        client.close();
        assertEquals(0, openCount(bravo), "closed with the link");
    }

    @Test
    void aLinkThatDoesNotReceiveDescriptorsLetsTheKernelCloseThem() throws Exception
    {
        final ControlLink[] pair = pair(false, true);
        final ControlLink broker = pair[0];
        final ControlLink client = pair[1];
        assertTrue(client.send(message(9, 40), new FileDescriptor[] {open(alpha)}));
        closeOpened();
        assertEquals(40, awaitMessage(broker));
        assertEquals(0, broker.queuedDescriptors());
        assertEquals(0, openCount(alpha));
        assertThrows(IllegalArgumentException.class, () -> new ControlLink(
            java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX), true),
            "a JDK channel cannot receive descriptors");
    }

    @Test
    void moreDescriptorsThanAMessageMayCarryBreakTheLink() throws Exception
    {
        final ControlLink[] pair = pair(false, true);
        final ControlLink broker = pair[0];
        final ControlLink client = pair[1];
        final FileDescriptor[] nine = new FileDescriptor[ControlLink.MAX_DESCRIPTORS + 1];
        Arrays.fill(nine, open(alpha));
        assertThrows(IllegalArgumentException.class, () -> broker.send(message(10, 40), nine));

        // A peer that is not a ControlLink attaches them anyway.
        final AFUNIXSocketChannel raw = (AFUNIXSocketChannel)broker.channel();
        final byte[] body = message(11, 40);
        final ByteBuffer framed = ByteBuffer.allocate(4 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        framed.putInt(body.length).put(body).flip();
        raw.setOutboundFileDescriptors(nine);
        assertEquals(framed.capacity(), raw.write(framed));
        assertEquals(ControlLink.TOO_MANY_DESCRIPTORS, awaitMessage(client));
        assertEquals(0, client.queuedDescriptors());
        assertEquals(1, openCount(alpha), "only the sender's own is left");
        assertEquals(ControlLink.TOO_MANY_DESCRIPTORS, client.poll(), "a broken read stays broken");
    }

    @Test
    void descriptorsStayWithTheirMessageWhileTheSocketIsFull() throws Exception
    {
        final ControlLink[] pair = pair(false, true);
        final ControlLink broker = pair[0];
        final ControlLink client = pair[1];
        final Path[] files = {alpha, bravo, charlie};
        final FileDescriptor[] descriptors = {open(alpha), open(bravo), open(charlie)};
        // Fill the socket until the link queues, then queue a few more (the queue holds 64 KiB, seven of these
        // messages): on the way, writes take nothing (EAGAIN), and the link must set each message's descriptors
        // again for its next try, and send them once.
        int sent = 0;
        int queued = 0;
        while (queued < 4)
        {
            assertTrue(broker.send(message(sent, ControlChannel.MAX_MESSAGE_LENGTH),
                new FileDescriptor[] {descriptors[sent % 3]}), "message " + sent);
            sent++;
            queued += broker.hasQueuedOutput() ? 1 : 0;
            assertTrue(sent < 2_000, "the socket fills");
        }
        closeOpened();

        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        int received = 0;
        while (received < sent)
        {
            assertTrue(System.currentTimeMillis() < deadline, "received " + received + " of " + sent);
            broker.flush();
            final int length = client.poll();
            if (ControlLink.NONE == length)
            {
                Thread.yield();
                continue;
            }
            assertEquals(ControlChannel.MAX_MESSAGE_LENGTH, length);
            assertEquals(received, ByteBuffer.wrap(client.messageBuffer()).getInt(0), "in order");
            assertEquals(1, client.queuedDescriptors(), "message " + received);
            final int[] taken = client.takeDescriptors(1);
            assertEquals(files[received % 3], target(taken[0]), "message " + received);
            ControlLink.closeDescriptor(taken[0]);
            received++;
        }
        assertFalse(broker.hasQueuedOutput());
        assertEquals(ControlLink.NONE, client.poll());
        assertEquals(0, client.queuedDescriptors());
        for (final Path file : files)
        {
            assertEquals(0, openCount(file), file.toString());
        }
    }

    @Test
    void junixsocketAttachesDescriptorsToTheNextWriteOnlyEvenWhenItTakesNothing() throws Exception
    {
        final ControlLink[] pair = pair(false, true);
        final AFUNIXSocketChannel writer = (AFUNIXSocketChannel)pair[0].channel();
        final AFUNIXSocketChannel reader = (AFUNIXSocketChannel)pair[1].channel();
        // A write larger than the socket takes is partial: the descriptor goes with its first part only.
        final ByteBuffer big = ByteBuffer.allocate(4 << 20);
        writer.setOutboundFileDescriptors(open(alpha));
        assertTrue(writer.write(big) > 0 && big.hasRemaining(), "partial write");
        assertFalse(writer.hasOutboundFileDescriptors());
        // The socket is full: a write that takes nothing forgets its descriptor (the link sets it again per try).
        writer.setOutboundFileDescriptors(open(bravo));
        assertEquals(0, writer.write(ByteBuffer.wrap(new byte[1])));
        assertFalse(writer.hasOutboundFileDescriptors());

        final List<FileDescriptor> arrived = new ArrayList<>();
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long read = 0;
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (read < big.capacity())
        {
            assertTrue(System.currentTimeMillis() < deadline, "read " + read);
            writer.write(big);
            in.clear();
            read += Math.max(0, reader.read(in));
            arrived.addAll(Arrays.asList(reader.getReceivedFileDescriptors()));
        }
        assertEquals(1, arrived.size(), "one descriptor, once");
        final int number = FileDescriptorCast.using(arrived.get(0)).as(Integer.class);
        assertEquals(alpha, target(number));
        new FileInputStream(arrived.get(0)).close();
    }

    private ControlLink[] pair(final boolean acceptedReceives, final boolean connectedReceives) throws IOException
    {
        final AFUNIXSocketChannel connected = AFUNIXSocketChannel.open(server.getLocalAddress());
        final ControlLink accepted = new ControlLink(server.accept(), acceptedReceives);
        links.add(accepted);
        final ControlLink connecting = new ControlLink(connected, connectedReceives);
        links.add(connecting);
        return new ControlLink[] {accepted, connecting};
    }

    private static int awaitMessage(final ControlLink link)
    {
        int result;
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (ControlLink.NONE == (result = link.poll()))
        {
            assertTrue(System.currentTimeMillis() < deadline, "nothing arrived");
            Thread.yield();
        }
        return result;
    }

    private static byte[] message(final int index, final int length)
    {
        final byte[] message = new byte[length];
        Arrays.fill(message, (byte)index);
        ByteBuffer.wrap(message).putInt(0, index);
        return message;
    }

    private Path file(final String content) throws IOException
    {
        final Path file = temp.resolve(content + ".txt");
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file.toRealPath();
    }

    private FileDescriptor open(final Path file) throws IOException
    {
        final FileInputStream in = new FileInputStream(file.toFile());
        opened.add(in);
        return in.getFD();
    }

    private void closeOpened() throws IOException
    {
        for (final FileInputStream in : opened)
        {
            in.close();
        }
        opened.clear();
    }

    private static Path target(final int descriptor) throws IOException
    {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + descriptor));
    }

    /**
     * How many of this process's descriptors refer to a file.
     */
    private static long openCount(final Path file) throws IOException
    {
        long count = 0;
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd")))
        {
            for (final Path descriptor : descriptors)
            {
                try
                {
                    count += file.equals(Files.readSymbolicLink(descriptor)) ? 1 : 0;
                }
                catch (final IOException ex)
                {
                    // Closed while listing (the listing's own descriptor): not the file.
                }
            }
        }
        return count;
    }
}
