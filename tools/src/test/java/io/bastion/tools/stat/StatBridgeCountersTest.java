package io.bastion.tools.stat;

import io.bastion.bridge.BridgeCounters;
import io.bastion.bridge.ForwardingCounters;
import io.bastion.channel.CountersFile;
import io.bastion.client.ClientContext;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.cli.ExitCodes;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bastion stat} on a bridge's counters file, as {@code bastion bridge} writes it: {@link BridgeCounters} and
 * {@link ForwardingCounters} under one label, summed up in a bridge line and in {@code "bridges"}.
 */
class StatBridgeCountersTest
{
    @TempDir
    Path dir;

    private Path folder;
    private CountersFile countersFile;

    @BeforeEach
    void writeCounters() throws Exception
    {
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        folder = files.createDirectory(dir.resolve("bastion"));
        countersFile = CountersFile.create(files, folder.resolve("bridge-42" + ClientContext.COUNTERS_FILE_SUFFIX),
            BridgeCounters.countersPerBridge() + ForwardingCounters.countersPerBridge());
        final CountersManager manager = countersFile.manager();
        final BridgeCounters bridge = new BridgeCounters(manager, "bridge");
        final ForwardingCounters forwarding = new ForwardingCounters(manager, "bridge");
        bridge.datagramsIn().set(1_250);
        bridge.framesOut().set(3);
        bridge.sequenceGaps().set(7);
        bridge.lateArrivals().set(2);
        bridge.lagBytes().set(4_096);
        forwarding.framesForwarded().set(12);
        forwarding.framesRepublished().set(10_000);
        final Map<String, Long> values = Map.of("bridge: rejected DUPLICATE", 4L,
            "bridge: rejected AUTHENTICATION_FAILED", 1L, "bridge: refused BAD_TAG", 2L);
        manager.forEach((id, label) ->
        {
            if (values.containsKey(label))
            {
                manager.setCounterValue(id, values.get(label));
            }
        });
    }

    @AfterEach
    void close()
    {
        countersFile.close();
    }

    @Test
    void aBridgeLineGivesTrafficLossDuplicatesLagAndRejectionsByReason() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "stat", "--dir", folder.toString(), "--once");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("\nbridge: datagrams in 1,250, frames out 3; frames forwarded 12, " +
            "republished 10,000; loss 5 (gaps 7, late 2), duplicates 4, lag 4,096 bytes; rejected 5 " +
            "(DUPLICATE 4, AUTHENTICATION_FAILED 1); refused 2 (BAD_TAG 2)\n===="), result::toString);
        assertTrue(result.stdout().contains("               1,250 - bridge: datagrams in\n"), result::toString);
        assertTrue(result.stdout().contains("              10,000 - bridge: frames republished\n"),
            result::toString);
    }

    @Test
    void jsonHasTheBridgesBesideTheCounters() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "stat", "--dir", folder.toString(), "--json");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains(",\"bridges\":[{\"endpoint\":\"bridge\",\"datagramsIn\":1250," +
            "\"framesOut\":3,\"framesForwarded\":12,\"framesRepublished\":10000,\"loss\":5,\"sequenceGaps\":7," +
            "\"lateArrivals\":2,\"duplicates\":4,\"lagBytes\":4096,\"rejected\":{\"DUPLICATE\":4," +
            "\"AUTHENTICATION_FAILED\":1},\"refused\":{\"BAD_TAG\":2}}]}}\n"), result::toString);
        assertTrue(result.stdout().contains("\"typeId\":" + BridgeCounters.BRIDGE_COUNTER_TYPE_ID +
            ",\"label\":\"bridge: datagrams in\",\"value\":1250}"), result::toString);
        assertTrue(result.stdout().contains("\"typeId\":" + ForwardingCounters.FORWARDING_COUNTER_TYPE_ID +
            ",\"label\":\"bridge: frames forwarded\",\"value\":12}"), result::toString);
    }
}
