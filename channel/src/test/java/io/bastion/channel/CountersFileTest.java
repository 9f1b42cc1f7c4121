package io.bastion.channel;

import io.bastion.codec.RejectReason;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountersFileTest
{
    @TempDir
    Path temp;

    @Test
    void countersWrittenByOneMappingAreReadThroughAnother() throws Exception
    {
        final Path dir = Files.createDirectory(temp.resolve("c"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        final Path path = dir.resolve("counters");
        try (CountersFile writer = CountersFile.create(files, path, 128);
            CountersFile reader = CountersFile.openForReading(files, path))
        {
            final ChannelCounters counters = new ChannelCounters(writer.manager(), "prices/sub");
            counters.onFrameIn(100);
            counters.onFrameIn(50);
            counters.onRejected(RejectReason.BAD_TAG);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));

            final Map<String, Long> seen = new HashMap<>();
            final CountersReader view = reader.reader();
            view.forEach((counterId, typeId, keyBuffer, label) -> seen.put(label, view.getCounterValue(counterId)));
            assertEquals(2L, seen.get("prices/sub: frames in"));
            assertEquals(150L, seen.get("prices/sub: bytes in"));
            assertEquals(1L, seen.get("prices/sub: rejected BAD_TAG"));
        }
    }

    @Test
    void aNewCountersFileHasEveryPageWrittenNotASparseOne() throws Exception
    {
        // A sparse file's pages are allocated on first touch: on a full tmpfs that touch faults inside a mapping.
        final Path dir = Files.createDirectory(temp.resolve("c"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        final Path path = dir.resolve("counters");
        try (CountersFile ignored = CountersFile.create(new OwnerOnlyFiles(FilePolicy.ownerOnly()), path, 4096))
        {
            final Process stat = new ProcessBuilder("/usr/bin/stat", "-c", "%b %B", path.toString()).start();
            final String[] blocks = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .strip().split(" ");
            assertEquals(0, stat.waitFor());
            final long allocated = Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
            assertTrue(allocated >= Files.size(path), allocated + " bytes allocated of " + Files.size(path));
        }
    }

    @Test
    void aFileThatIsNotACountersFileIsRefused() throws Exception
    {
        final Path dir = Files.createDirectory(temp.resolve("c"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        final Path path = files.publish(dir.resolve("other"), new byte[200]);
        assertThrows(IOException.class, () -> CountersFile.openForReading(files, path));
    }
}
