package io.bastion.channel;

import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RingStatus;
import io.bastion.security.files.FileCheckReason;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.files.SecureFileException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RingFilesTest
{
    private static final int CAPACITY = 4096;

    @TempDir
    Path temp;

    @Test
    void createdRingsAreOwnerOnlyAndWorkAcrossTheirTwoMappings() throws Exception
    {
        final Path dir = Files.createDirectory(temp.resolve("rings"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        final RingFiles ringFiles = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()));
        final Path ring = dir.resolve("prices-7");
        ringFiles.create(ring, CAPACITY);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
            ring)));
        assertEquals(OneToOneRingDescriptor.producerRegionLength(CAPACITY), Files.size(ring));
        assertEquals(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH, Files.size(RingFiles.consumerFile(ring)));

        try (MappedRing producerSide = ringFiles.mapAsProducer(ring, CAPACITY);
            MappedRing consumerSide = ringFiles.mapAsConsumer(ring, CAPACITY))
        {
            RingFiles.unlink(ring);
            assertFalse(Files.exists(ring));
            final OneToOneRingProducer producer = new OneToOneRingProducer(
                producerSide.producerRegion(), producerSide.consumerRegion(), () -> 1L);
            final OneToOneRingConsumer consumer = new OneToOneRingConsumer(
                consumerSide.producerRegion(), consumerSide.consumerRegion(), () -> 1L);
            final long[] total = new long[1];
            final io.bastion.ringbuffer.RecordHandler adder =
                (type, buffer, offset, length) -> total[0] += buffer.getLong(offset);
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            for (int i = 0; i < 1000; i++)
            {
                payload.putLong(0, i);
                while (producer.write(1, payload, 0, 8) == RingStatus.BACK_PRESSURED)
                {
                    consumer.read(adder, 100);
                }
            }
            while (consumer.read(adder, 100) > 0)
            {
                assertTrue(total[0] > 0);
            }
            assertEquals(999L * 1000 / 2, total[0]);
        }
    }

    @Test
    void anExistingRingIsNeverReplacedAndAWrongSizeIsRefused() throws Exception
    {
        final Path dir = Files.createDirectory(temp.resolve("rings"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        final RingFiles ringFiles = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()));
        final Path ring = dir.resolve("r");
        ringFiles.create(ring, CAPACITY);
        final SecureFileException exists =
            assertThrows(SecureFileException.class, () -> ringFiles.create(ring, CAPACITY));
        assertEquals(FileCheckReason.ALREADY_EXISTS, exists.reason());
        final SecureFileException size = assertThrows(
            SecureFileException.class, () -> ringFiles.mapAsConsumer(ring, CAPACITY * 2));
        assertEquals(FileCheckReason.WRONG_SIZE, size.reason());
    }
}
