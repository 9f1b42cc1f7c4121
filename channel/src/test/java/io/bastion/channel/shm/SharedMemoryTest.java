package io.bastion.channel.shm;

import io.bastion.test.AsNobody;
import io.bastion.test.ChildJvm;
import io.bastion.test.TestFolders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SharedMemoryTest
{
    private static final int LENGTH = 64 * 1024;
    private static final int O_ACCMODE = 3;
    private static final int O_RDWR = 2;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    Path temp;

    @BeforeEach
    void linuxOnly()
    {
        assumeTrue(SharedMemory.isSupported(), "no memfd_create here");
    }

    @Test
    void supportedOnLinux()
    {
        assertTrue(SharedMemory.isLinux64());
        assertTrue(SharedMemory.isSupported(), "cached answer");
    }

    @Test
    void createSealedGivesAZeroFilledOwnerOnlyRegionOfTheRightSize() throws Exception
    {
        final int fd = SharedMemory.createSealed(uniqueName(), LENGTH);
        try (MappedRegion region = SharedMemory.map(fd, LENGTH, true))
        {
            final Path path = Path.of("/proc/self/fd/" + fd);
            assertEquals(LENGTH, Files.size(path));
            assertEquals(0600, (int)Files.getAttribute(path, "unix:mode") & 0777, "fchmod 0600, not 0777");
            assertEquals(O_RDWR, fdFlags(fd) & O_ACCMODE);
            assertEquals(SharedMemory.O_CLOEXEC, fdFlags(fd) & SharedMemory.O_CLOEXEC);
            assertEquals(SharedMemory.F_SEAL_SHRINK | SharedMemory.F_SEAL_GROW,
                LibC.control(fd, SharedMemory.F_GET_SEALS, 0));
            SharedMemory.checkSealed(fd, LENGTH);

            assertEquals(LENGTH, region.length());
            assertTrue(region.isWritable());
            assertEquals(LENGTH, region.buffer().capacity());
            for (int i = 0; i < LENGTH; i += Long.BYTES)
            {
                assertEquals(0L, region.buffer().getLong(i), "offset " + i);
            }
        }
        finally
        {
            SharedMemory.close(fd);
        }
    }

    @Test
    void aReadOnlyReopenSeesTheWritesAndCannotWrite() throws Exception
    {
        final String name = uniqueName();
        final int fd = SharedMemory.createSealed(name, LENGTH);
        final int readOnly = SharedMemory.readOnlyDescriptor(fd);
        try (MappedRegion writer = SharedMemory.map(fd, LENGTH, true))
        {
            writer.buffer().putLong(0, 0x1122_3344_5566_7788L);
            writer.buffer().putStringAscii(LENGTH - 64, "last page");

            assertTrue(readOnly != fd);
            assertEquals(0, fdFlags(readOnly) & O_ACCMODE, "O_RDONLY");
            assertEquals(SharedMemory.O_CLOEXEC, fdFlags(readOnly) & SharedMemory.O_CLOEXEC);
            assertEquals(O_RDWR, fdFlags(fd) & O_ACCMODE, "a reopen, not a dup: the original stays read-write");
            SharedMemory.checkSealed(readOnly, LENGTH);

            try (MappedRegion reader = SharedMemory.map(readOnly, LENGTH, false))
            {
                assertFalse(reader.isWritable());
                assertEquals(0x1122_3344_5566_7788L, reader.buffer().getLong(0));
                assertEquals("last page", reader.buffer().getStringAscii(LENGTH - 64));
                writer.buffer().putLongVolatile(8, 42L);
                assertEquals(42L, reader.buffer().getLongVolatile(8), "the same pages");
                final List<String> maps = mapsLines(name);
                assertTrue(maps.stream().anyMatch((line) -> line.contains(" r--s ")), maps.toString());

                final IOException upgrade = assertThrows(IOException.class, () ->
                    LibC.protect(reader.address(), LENGTH, SharedMemory.PROT_READ | SharedMemory.PROT_WRITE));
                assertTrue(upgrade.getMessage().contains("[13]"), "EACCES: " + upgrade.getMessage());
            }

            final IOException writable = assertThrows(IOException.class, () ->
                SharedMemory.map(readOnly, LENGTH, true));
            assertTrue(writable.getMessage().startsWith("mmap failed: [13]"), "EACCES: " + writable.getMessage());

            final IOException seal = assertThrows(IOException.class, () ->
                LibC.control(readOnly, SharedMemory.F_ADD_SEALS, SharedMemory.F_SEAL_WRITE));
            assertTrue(seal.getMessage().contains("[1]"), "EPERM: " + seal.getMessage());
        }
        finally
        {
            SharedMemory.close(readOnly);
            SharedMemory.close(fd);
        }
    }

    @Test
    void aReadOnlyDescriptorReopensWritableUntilTheWriterSealsFutureWrites() throws Exception
    {
        final int fd = SharedMemory.createSealed(uniqueName(), LENGTH);
        final int readOnly = SharedMemory.readOnlyDescriptor(fd);
        int reopened = -1;
        try (MappedRegion writer = SharedMemory.map(fd, LENGTH, true))
        {
            // The hole: a holder of the read-only descriptor that runs as the memfd's owner reopens it writable.
            reopened = LibC.openPath("/proc/self/fd/" + readOnly, O_RDWR | SharedMemory.O_CLOEXEC);
            try (MappedRegion forger = SharedMemory.map(reopened, LENGTH, true))
            {
                forger.buffer().putLong(0, 0xBADL);
                assertEquals(0xBADL, writer.buffer().getLongVolatile(0), "written through the reopen");
            }
            final SharedMemoryException unsealed = assertThrows(SharedMemoryException.class, () ->
                SharedMemory.checkSealedAgainstWriters(readOnly, LENGTH));
            assertEquals(SharedMemoryException.Reason.STILL_WRITABLE, unsealed.reason());

            SharedMemory.sealFutureWrites(fd);

            SharedMemory.checkSealedAgainstWriters(readOnly, LENGTH);
            final int again = LibC.openPath("/proc/self/fd/" + readOnly, O_RDWR | SharedMemory.O_CLOEXEC);
            try
            {
                final IOException mapped = assertThrows(IOException.class, () ->
                    SharedMemory.map(again, LENGTH, true));
                assertTrue(mapped.getMessage().startsWith("mmap failed: [1]"), "EPERM: " + mapped.getMessage());
                final IOException old = assertThrows(IOException.class, () -> SharedMemory.map(fd, LENGTH, true));
                assertTrue(old.getMessage().startsWith("mmap failed: [1]"), "not even the writer's descriptor");
            }
            finally
            {
                SharedMemory.close(again);
            }
            writer.buffer().putLongVolatile(0, 42L);
            try (MappedRegion reader = SharedMemory.map(readOnly, LENGTH, false))
            {
                assertEquals(42L, reader.buffer().getLongVolatile(0), "the mapping made before the seal still writes");
            }
            final SharedMemoryException fromReader = assertThrows(SharedMemoryException.class, () ->
                SharedMemory.sealFutureWrites(readOnly));
            assertEquals(SharedMemoryException.Reason.NOT_SEALED, fromReader.reason(), "seals go on only read-write");
        }
        finally
        {
            if (reopened >= 0)
            {
                SharedMemory.close(reopened);
            }
            SharedMemory.close(readOnly);
            SharedMemory.close(fd);
        }
    }

    @Test
    void theSealsHoldTheSize() throws Exception
    {
        final int fd = SharedMemory.createSealed(uniqueName(), LENGTH);
        try
        {
            final IOException shrink = assertThrows(IOException.class, () -> SharedMemory.truncate(fd, LENGTH / 2));
            assertTrue(shrink.getMessage().startsWith("ftruncate failed: [1]"), "EPERM: " + shrink.getMessage());
            final IOException grow = assertThrows(IOException.class, () -> SharedMemory.truncate(fd, LENGTH * 2));
            assertTrue(grow.getMessage().startsWith("ftruncate failed: [1]"), "EPERM: " + grow.getMessage());
            assertThrows(IOException.class, () -> SharedMemory.truncate(fd, 0));
            assertEquals(LENGTH, Files.size(Path.of("/proc/self/fd/" + fd)));
            SharedMemory.checkSealed(fd, LENGTH);
        }
        finally
        {
            SharedMemory.close(fd);
        }

        final int unsealed = SharedMemory.createUnsealed(uniqueName(), LENGTH);
        try
        {
            SharedMemory.truncate(unsealed, LENGTH / 2);
            assertEquals(LENGTH / 2, Files.size(Path.of("/proc/self/fd/" + unsealed)), "without seals it shrinks");
        }
        finally
        {
            SharedMemory.close(unsealed);
        }
    }

    @Test
    void checkSealedRefusesUnsealedWrongSizeAndOtherDescriptors() throws Exception
    {
        final int unsealed = SharedMemory.createUnsealed(uniqueName(), LENGTH);
        final int sealed = SharedMemory.createSealed(uniqueName(), LENGTH);
        final int devNull = LibC.openPath("/dev/null", SharedMemory.O_RDONLY | SharedMemory.O_CLOEXEC);
        try
        {
            assertReason(SharedMemoryException.Reason.NOT_SEALED, unsealed, LENGTH);
            assertReason(SharedMemoryException.Reason.WRONG_SIZE, sealed, LENGTH + 1);
            assertReason(SharedMemoryException.Reason.WRONG_SIZE, sealed, LENGTH - 4096);
            assertReason(SharedMemoryException.Reason.NOT_A_MEMFD_OR_IO, devNull, LENGTH);
            assertReason(SharedMemoryException.Reason.NOT_A_MEMFD_OR_IO, -1, LENGTH);
            SharedMemory.checkSealed(sealed, LENGTH);
        }
        finally
        {
            SharedMemory.close(devNull);
            SharedMemory.close(sealed);
            SharedMemory.close(unsealed);
        }
    }

    @Test
    void closeUnmapsOnceAndTheRegionOutlivesItsDescriptor() throws Exception
    {
        final String name = uniqueName();
        final int fd = SharedMemory.createSealed(name, LENGTH);
        final MappedRegion region = SharedMemory.map(fd, LENGTH, true);
        SharedMemory.close(fd);
        region.buffer().putLong(LENGTH - Long.BYTES, 7L);
        assertEquals(7L, region.buffer().getLong(LENGTH - Long.BYTES), "still mapped after close(fd)");
        assertEquals(1, mapsLines(name).size(), mapsLines(name).toString());
        assertTrue(mapsLines(name).get(0).contains(" rw-s "), mapsLines(name).toString());

        region.close();
        assertEquals(List.of(), mapsLines(name), "unmapped");
        region.close();
        // The buffer is not touched again: its address is no longer mapped.
    }

    @Test
    void argumentsAreChecked()
    {
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.createSealed("empty", 0));
        assertThrows(NullPointerException.class, () -> SharedMemory.createSealed(null, LENGTH));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.map(0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.map(0, Integer.MAX_VALUE + 1L, false));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.readOnlyDescriptor(-1));
        final IOException tooLong = assertThrows(IOException.class,
            () -> SharedMemory.createSealed("x".repeat(300), LENGTH));
        assertTrue(tooLong.getMessage().startsWith("memfd_create failed: [22]"), "EINVAL: " + tooLong.getMessage());
    }

    @Test
    void aChildJvmTurnsDumpingOff() throws Exception
    {
        final List<String> lines = run(ChildJvm.launch(temp, "hardening", HardeningChildMain.class));

        assertEquals(List.of("dumpable-before=true", "disabled=true", "dumpable-after=false", "supported=true",
            "round-trip=true"), lines.subList(1, lines.size()));
    }

    @Test
    void nobodyWithAnUnusableHomeLoadsJnaFromTheTmpdirItIsGiven() throws Exception
    {
        assumeTrue(AsNobody.available(), "needs root, setpriv and python3 to run as nobody");

        final Path stage = TestFolders.traversableUnderTmp("bastion-shm-test-");
        try
        {
            final String classPath = stageClassPath(stage);
            final Path writable = nobodysFolder(stage);
            final Path readOnly = Files.createDirectory(stage.resolve("read-only"));
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));

            // Only jna.tmpdir is writable; then only java.io.tmpdir is.
            final List<String> viaJnaTmpdir = runAsNobody(stage, classPath,
                "-Djna.tmpdir=" + writable, "-Djava.io.tmpdir=" + readOnly);
            final List<String> viaJavaTmpdir = runAsNobody(stage, classPath, "-Djava.io.tmpdir=" + writable);
            for (final List<String> lines : List.of(viaJnaTmpdir, viaJavaTmpdir))
            {
                assertEquals(List.of("user=nobody", "dumpable-before=true", "disabled=true", "dumpable-after=false",
                    "supported=true", "round-trip=true"), lines,
                    "a non-dumpable non-root process still reopens through /proc/self/fd");
            }

            // With neither writable, JNA cannot unpack its stub: unsupported, not an error.
            final List<String> neither = runAsNobody(stage, classPath, "-Djava.io.tmpdir=" + readOnly);
            assertEquals(List.of("user=nobody", "dumpable-before=true", "disabled=false", "dumpable-after=true",
                "supported=false"), neither.subList(0, 5), neither.toString());
        }
        finally
        {
            TestFolders.deleteRecursively(stage);
        }
    }

    @Test
    void aSameUserProcessCannotOpenTheRingOfANonDumpablePartyThroughProc() throws Exception
    {
        assumeTrue(AsNobody.available(), "needs root, setpriv and python3 to run as nobody");

        // Both the party and the attacker run as nobody: root's CAP_SYS_PTRACE would open everything.
        final Path stage = TestFolders.traversableUnderTmp("bastion-shm-test-");
        try
        {
            final String classPath = stageClassPath(stage);
            final Path writable = nobodysFolder(stage);

            assertEquals("denied", attackRingHolder(stage, classPath, writable, "non-dumpable"));
            // The control: the same attacker reads the ring of a party that left itself dumpable.
            assertEquals(RingHolderMain.SECRET, attackRingHolder(stage, classPath, writable, "dumpable"));
        }
        finally
        {
            TestFolders.deleteRecursively(stage);
        }
    }

    private static Path nobodysFolder(final Path stage) throws IOException
    {
        final Path writable = Files.createDirectory(stage.resolve("writable"));
        Files.setAttribute(writable, "unix:uid", AsNobody.NOBODY_ID);
        Files.setAttribute(writable, "unix:gid", AsNobody.NOBODY_ID);
        return writable;
    }

    /**
     * Start a ring holder as nobody, then have python3, also as nobody, open its region through /proc/PID/fd.
     *
     * @return what the attacker read, or "denied".
     */
    private String attackRingHolder(final Path stage, final String classPath, final Path tmp, final String mode)
            throws Exception
    {
        try (ChildJvm holder = asNobody(stage, classPath, "holder-" + mode, RingHolderMain.class,
            "-Djava.io.tmpdir=" + tmp).args(mode).start())
        {
            final String line = holder.awaitLine("pid=", 60_000);
            assertTrue(line.endsWith("dumpable=" + "dumpable".equals(mode)), line);
            final String[] parts = line.split(" ");
            final String target = "/proc/" + parts[0].substring(4) + "/fd/" + parts[1].substring(3);
            final Process attacker = AsNobody.start(stage,
                "import sys\ntry:\n    print(open(sys.argv[1], 'rb').read(17).decode())\n" +
                "except PermissionError:\n    print('denied')", target);
            final String out = new String(attacker.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(attacker.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, attacker.exitValue(), out);
            holder.closeStdin();
            holder.awaitExit(30_000);
            return out.strip();
        }
    }

    private List<String> runAsNobody(final Path stage, final String classPath, final String... properties)
            throws Exception
    {
        return run(asNobody(stage, classPath, "nobody-" + NAMES.incrementAndGet(), HardeningChildMain.class,
            properties));
    }

    /**
     * A child JVM as nobody, started in {@code stage} (outside root's home) from the classes staged there, with a home
     * and a cache folder it cannot use, so that only the tmpdir properties given decide where JNA may unpack.
     */
    private ChildJvm.Launch asNobody(
        final Path stage, final String classPath, final String name, final Class<?> mainClass,
        final String... properties)
    {
        final List<String> options = new ArrayList<>(ChildJvm.Launch.sizing());
        options.add("-XX:-UsePerfData");
        options.addAll(List.of(properties));
        return ChildJvm.launch(temp, name, mainClass)
            .prefix(AsNobody.commandPrefix())
            .jvmOptions(options.toArray(String[]::new))
            .classPath(classPath)
            .directory(stage)
            .environment("HOME", "/nonexistent")
            .environment("XDG_CACHE_HOME", null);
    }

    private static List<String> run(final ChildJvm.Launch launch) throws Exception
    {
        final ChildJvm.Result result = launch.run("", 60_000);
        System.out.println("child: " + result);
        return result.stdout().lines().toList();
    }

    /**
     * Copy this package's classes and the JNA and Agrona jars into {@code stage}, readable by everyone.
     */
    private static String stageClassPath(final Path stage) throws IOException, URISyntaxException
    {
        final Path classes = stage.resolve("classes");
        final Path packageDir = classes.resolve("io/bastion/channel/shm");
        Files.createDirectories(packageDir);
        for (final Class<?> type : List.of(SharedMemory.class, HardeningChildMain.class, RingHolderMain.class))
        {
            try (Stream<Path> files = Files.list(codeSource(type).resolve("io/bastion/channel/shm")))
            {
                for (final Path file : files.toList())
                {
                    Files.copy(file, packageDir.resolve(file.getFileName().toString()),
                        StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        final List<String> entries = new ArrayList<>(List.of(classes.toString()));
        for (final Class<?> type : List.of(com.sun.jna.Native.class, org.agrona.concurrent.UnsafeBuffer.class))
        {
            final Path jar = codeSource(type);
            entries.add(Files.copy(jar, stage.resolve(jar.getFileName().toString())).toString());
        }
        try (Stream<Path> files = Files.walk(stage))
        {
            for (final Path path : files.toList())
            {
                Files.setPosixFilePermissions(path,
                    PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(":", entries);
    }

    private static Path codeSource(final Class<?> type) throws URISyntaxException
    {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void assertReason(final SharedMemoryException.Reason reason, final int fd, final long length)
    {
        final SharedMemoryException ex = assertThrows(SharedMemoryException.class,
            () -> SharedMemory.checkSealed(fd, length));
        assertEquals(reason, ex.reason(), ex.getMessage());
    }

    /**
     * The {@code flags:} of {@code /proc/self/fdinfo/N}: the open file description's flags, in octal.
     */
    private static int fdFlags(final int fd) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)))
        {
            if (line.startsWith("flags:"))
            {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new AssertionError("no flags for fd " + fd);
    }

    private static List<String> mapsLines(final String name) throws IOException
    {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
            .filter((line) -> line.contains("/memfd:" + name + " "))
            .toList();
    }

    private static String uniqueName()
    {
        return "bastion-test-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }
}
