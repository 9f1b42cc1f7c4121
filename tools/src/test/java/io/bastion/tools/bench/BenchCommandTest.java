package io.bastion.tools.bench;

import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bastion bench} as a user runs it, in a tiny configuration: it checks what it prints and writes, never a
 * timing. The loops yield rather than spin, so that the test stays short when other work shares the cores.
 */
class BenchCommandTest
{
    @TempDir
    Path dir;

    @Test
    void runsTheSuiteAndSaysWhereTheReportIs() throws Exception
    {
        final Path report = dir.resolve("report");

        final ChildJvm.Result result = BastionProcess.run(dir, "bench", "--cases", "bastion-sealed,agrona",
            "--sizes", "64", "--rates", "flat", "--messages", "500", "--warmup", "100", "--idle", "yield",
            "--report", report.toString());

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("case 1/2 bastion-sealed 64 B flat-out ..."), result::toString);
        assertTrue(result.stderr().contains("case 2/2 agrona 64 B flat-out ..."), result::toString);
        assertTrue(result.stdout().contains("core-to-core round trip"), result::toString);
        assertTrue(result.stdout().contains("p99.99 us"), result::toString);
        assertTrue(result.stdout().endsWith("report   " + report.toAbsolutePath() + System.lineSeparator()),
            result::toString);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(report)));
        try (Stream<Path> files = Files.list(report))
        {
            final List<String> names = files.map(file -> file.getFileName().toString()).sorted().toList();
            assertEquals(List.of("agrona-64B-flat-out.hgrm", "bastion-sealed-64B-flat-out.hgrm", "latency.svg",
                "summary.json", "summary.txt"), names);
            for (final String name : names)
            {
                assertEquals("rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(report.resolve(name))), name);
            }
        }
    }

    @Test
    void refusesBadSettingsAsAUsageError() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "bench", "--sizes", "4", "--report",
            dir.resolve("never").toString());

        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith("bastion: a size must be from 8 to"), result::toString);
        assertTrue(Files.notExists(dir.resolve("never")), result::toString);
    }
}
