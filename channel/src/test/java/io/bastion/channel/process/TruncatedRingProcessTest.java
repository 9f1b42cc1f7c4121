package io.bastion.channel.process;

import io.bastion.test.TestFolders;
import io.bastion.test.ChildJvm;
import io.bastion.channel.RingFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attack 2 of the issue on rings no other process can open, on the named-file fallback: another process truncates a
 * live ring's file under a publisher and a subscriber (here both in one child JVM). Neither may die: the publisher
 * reports {@code MAPPING_FAULT} and stops, the subscriber quarantines the source with that reason.
 * <p>
 * The child runs on a JDK that reports a fault of an unsafe memory access where it happens (JDK 25; this build's own
 * JDK when it is that recent). JDK 17 raises it asynchronously, at a later safepoint that may lie outside
 * {@code poll} and {@code offer}: no Java code can contain that, which is why rings are sealed anonymous memory
 * where the platform has it (see {@code SealedRingHandoverTest}).
 */
class TruncatedRingProcessTest
{
    private static final int CAPACITY = 64 * 1024;

    @TempDir
    Path temp;

    @Test
    void aTruncatedRingQuarantinesTheSourceAndStopsThePublisherInsteadOfKillingTheProcess() throws Exception
    {
        final Path javaHome = jdkWithSynchronousFaults();
        final Path dir = TestFolders.ownerOnly(temp, "rings");
        final Path ring = ProcessFolders.oneToOneRing(dir, "prices", CAPACITY);
        try (ChildJvm child = ChildJvm.start(javaHome, temp, "truncated", TruncatedRingMain.class,
            ring.toString(), Integer.toString(CAPACITY)))
        {
            assertEquals("ready 100", child.awaitLine("ready", 60_000));
            final Process truncate = new ProcessBuilder(
                "/usr/bin/truncate", "-s", "4096", RingFiles.producerFile(ring).toString()).start();
            assertTrue(truncate.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, truncate.exitValue());
            assertEquals(4096, Files.size(RingFiles.producerFile(ring)));
            child.send("go");

            assertEquals("quarantined MAPPING_FAULT", child.awaitLine("quarantined", 30_000));
            assertEquals("publisher MAPPING_FAULT faulted=true", child.awaitLine("publisher", 30_000));
            assertEquals("subscriber quarantined=true alive=false", child.awaitLine("subscriber", 30_000));
            child.awaitLine("done", 30_000);
            assertEquals(0, child.awaitExit(30_000), child.describe());
            assertFalse(child.describe().contains("InternalError"), child.describe());
        }
    }

    private static Path jdkWithSynchronousFaults()
    {
        if (Runtime.version().feature() >= 25)
        {
            return Path.of(System.getProperty("java.home"));
        }
        final Path temurin = Path.of(System.getenv().getOrDefault("BASTION_JDK25",
            "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Assumptions.assumeTrue(Files.isExecutable(temurin.resolve("bin").resolve("java")),
            "needs a JDK 25 (BASTION_JDK25) to run the child on; JDK 17 reports mapping faults asynchronously");
        return temurin;
    }
}
