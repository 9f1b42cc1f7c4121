package io.bastion.tools.inspect;

import io.bastion.channel.MappedRing;
import io.bastion.channel.RingFiles;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.cli.ExitCodes;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCommandTest
{
    private static final int CAPACITY = 1024;
    private static final int RECORD_TYPE = 1;
    private static final int PAYLOAD = 24;
    private static final int RECORD = 32;

    @TempDir
    Path dir;

    private OwnerOnlyFiles files;
    private Path rings;
    private Path ring;

    @BeforeEach
    void writeARing() throws Exception
    {
        files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        rings = files.createDirectory(dir.resolve("rings"));
        ring = rings.resolve("prices-pub.ring");
        final RingFiles ringFiles = new RingFiles(files);
        ringFiles.create(ring, CAPACITY);
        try (MappedRing producerSide = ringFiles.mapAsProducer(ring, CAPACITY);
            MappedRing consumerSide = ringFiles.mapAsConsumer(ring, CAPACITY))
        {
            final OneToOneRingProducer producer = new OneToOneRingProducer(
                producerSide.producerRegion(), producerSide.consumerRegion(), SystemEpochClock.INSTANCE);
            final OneToOneRingConsumer consumer = new OneToOneRingConsumer(
                consumerSide.producerRegion(), consumerSide.consumerRegion(), SystemEpochClock.INSTANCE);
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
            for (int i = 0; i < 5; i++)
            {
                assertTrue(producer.write(RECORD_TYPE, payload, 0, PAYLOAD) > 0);
            }
            producer.producerHeartbeat();
            assertEquals(2, consumer.read((typeId, buffer, offset, length) -> { }, 2));
        }
    }

    @Test
    void ringWrittenByAProducerValidates() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "inspect", ring.toString());

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        assertTrue(out.contains("ring         " + ring + " (one-to-one)\n"), result::toString);
        assertTrue(out.contains("capacity     1024 bytes of records, largest record 128 bytes"), result::toString);
        assertTrue(out.contains("ring file    " + ring + "  1280 bytes  rw-------"), result::toString);
        assertTrue(out.contains("consumer     " + RingFiles.consumerFile(ring) + "  256 bytes  rw-------"),
            result::toString);
        assertTrue(out.contains("tail         " + 5 * RECORD + "\n"), result::toString);
        assertTrue(out.contains("head         " + 2 * RECORD + " (" + 3 * RECORD + " bytes unread)\n"),
            result::toString);
        assertTrue(out.contains("producer hb  20"), result::toString);
        assertTrue(out.contains(" (age "), result::toString);
        assertTrue(out.contains("consumer hb  never\n"), result::toString);
        assertTrue(out.endsWith("verdict      valid\n"), result::toString);

        final ChildJvm.Result viaConsumerFile =
            BastionProcess.run(dir, "inspect", RingFiles.consumerFile(ring).toString());
        assertEquals(ExitCodes.OK, viaConsumerFile.exitCode(), viaConsumerFile::toString);
        assertTrue(viaConsumerFile.stdout().startsWith("ring         " + ring + " (one-to-one)"));
    }

    @Test
    void corruptPositionFailsValidation() throws Exception
    {
        writeLong(ring, CAPACITY + OneToOneRingDescriptor.TAIL_POSITION_OFFSET, 13);

        final ChildJvm.Result result = BastionProcess.run(dir, "inspect", ring.toString());

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("verdict      INVALID\n  - tail 13 is not aligned to 8 bytes\n"),
            result::toString);
    }

    @Test
    void headPastTailFailsValidation() throws Exception
    {
        writeLong(RingFiles.consumerFile(ring), OneToOneRingDescriptor.HEAD_POSITION_OFFSET, 10 * RECORD);

        final ChildJvm.Result result = BastionProcess.run(dir, "inspect", ring.toString());

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("  - head 320 is past tail 160\n"), result::toString);
    }

    @Test
    void modeWiderThanOwnerOnlyFailsValidation() throws Exception
    {
        Files.setPosixFilePermissions(RingFiles.consumerFile(ring), PosixFilePermissions.fromString("rw-rw-rw-"));

        final ChildJvm.Result result = BastionProcess.run(dir, "inspect", ring.toString());

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("consumer     " + RingFiles.consumerFile(ring) +
            "  256 bytes  rw-rw-rw-"), result::toString);
        assertTrue(result.stdout().contains("  - consumer file " + RingFiles.consumerFile(ring) +
            " fails the file checks: MODE_TOO_WIDE"), result::toString);
    }

    @Test
    void wrongSizeFailsValidation() throws Exception
    {
        try (FileChannel channel = FileChannel.open(ring, StandardOpenOption.WRITE))
        {
            channel.truncate(1000);
        }

        final ChildJvm.Result result = BastionProcess.run(dir, "inspect", ring.toString());

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("  - ring file size 1000 is not a one-to-one ring"), result::toString);
    }

    @Test
    void missingFileIsRefusedAndMissingArgumentIsAUsageError() throws Exception
    {
        final ChildJvm.Result missing = BastionProcess.run(dir, "inspect", rings.resolve("nope").toString());
        assertEquals(ExitCodes.REFUSED, missing.exitCode(), missing::toString);
        assertEquals("bastion: " + rings.resolve("nope") + ": no such ring file\n", missing.stderr());

        final ChildJvm.Result usage = BastionProcess.run(dir, "inspect");
        assertEquals(ExitCodes.USAGE, usage.exitCode(), usage::toString);
        assertTrue(usage.stderr().startsWith("bastion: Missing required parameter: 'FILE'"), usage::toString);

        final ChildJvm.Result layout = BastionProcess.run(dir, "inspect", "--layout", "ring", ring.toString());
        assertEquals(ExitCodes.USAGE, layout.exitCode(), layout::toString);
        assertTrue(layout.stderr().contains("'ring' is not a layout"), layout::toString);
    }

    @Test
    void groupPolicyChecksTheNamedGroup() throws Exception
    {
        final String group = Files.readAttributes(ring, PosixFileAttributes.class).group().getName();

        final ChildJvm.Result shared = BastionProcess.run(dir, "inspect", "--group", group, ring.toString());
        assertEquals(ExitCodes.OK, shared.exitCode(), shared::toString);

        final ChildJvm.Result unknown =
            BastionProcess.run(dir, "inspect", "--group", "no-such-group-here", ring.toString());
        assertEquals(ExitCodes.REFUSED, unknown.exitCode(), unknown::toString);
        assertEquals("bastion: no group named 'no-such-group-here'\n", unknown.stderr());
    }

    private static void writeLong(final Path file, final long offset, final long value) throws Exception
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder()).putLong(0, value), offset);
        }
    }
}
