package io.bastion.channel.process;

import io.bastion.test.TestFolders;
import io.bastion.test.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A publisher JVM and a subscriber JVM exchange a million frames through a one-to-one ring in
 * owner-only files: the subscriber checks the sequence and every payload byte of each frame, so a
 * lost, reordered, duplicated or altered frame would show up as a mismatch or a short count.
 */
class CrossProcessExchangeTest
{
    private static final int FRAMES = 1_000_000;
    private static final int ENCRYPTED_FRAMES = 200_000;
    private static final int CAPACITY = 1 << 20;
    private static final long DEADLINE_MS = 80_000;

    @TempDir
    Path temp;

    @Test
    void aMillionFramesArriveInOrderAndIntact() throws Exception
    {
        exchange("hmac", FRAMES);
    }

    /**
     * The same through a channel whose frames are encrypted (AES-GCM): every frame opened and checked byte for byte.
     */
    @Test
    void encryptedFramesArriveInOrderAndIntact() throws Exception
    {
        exchange("aead", ENCRYPTED_FRAMES);
    }

    private void exchange(final String sealing, final int frames) throws Exception
    {
        final Path dir = TestFolders.ownerOnly(temp, "bastion");
        final Path ring = ProcessFolders.oneToOneRing(dir, "exchange-7", CAPACITY);
        final Path key = KeyFiles.write(dir, "exchange-7.key", KeyFiles.key(1));
        final String[] common = {
            "ring=" + ring, "capacity=" + CAPACITY, "key=" + key, "key-id=1", "producer-id=7",
            "deadline-ms=" + DEADLINE_MS, "sealing=" + sealing};

        try (ChildJvm subscriber = ChildJvm.start(temp, "subscriber", SubscriberMain.class,
            concat(common, "expect=" + frames));
            ChildJvm publisher = ChildJvm.start(temp, "publisher", PublisherMain.class,
                concat(common, "kind=one", "count=" + frames, "liveness-ms=2000")))
        {
            final Map<String, String> sent = Wire.summary(publisher.awaitLine(Wire.SUMMARY, DEADLINE_MS + 10_000));
            final Map<String, String> received =
                Wire.summary(subscriber.awaitLine(Wire.SUMMARY, DEADLINE_MS + 10_000));
            assertEquals(0, publisher.awaitExit(10_000), publisher.describe());
            assertEquals(0, subscriber.awaitExit(10_000), subscriber.describe());

            assertEquals(String.valueOf(frames), sent.get("sent"), sent.toString());
            assertEquals(String.valueOf(frames), sent.get("lastSeq"), sent.toString());
            assertEquals(String.valueOf(frames), received.get("received"), received.toString());
            assertEquals(String.valueOf(frames), received.get("lastSeq"), received.toString());
            assertEquals("0", received.get("mismatches"), received.toString());
            assertEquals("0", received.get("rejections"), received.toString());
            assertEquals("0", received.get("gaps"), received.toString());
            assertEquals("false", received.get("quarantined"), received.toString());
        }
    }

    static String[] concat(final String[] first, final String... more)
    {
        final String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
