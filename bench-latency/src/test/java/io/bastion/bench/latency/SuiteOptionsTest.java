package io.bastion.bench.latency;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suite's command line.
 */
class SuiteOptionsTest
{
    @Test
    void theDefaultsAreTheFullSuite()
    {
        final SuiteConfig config = SuiteOptions.parse();
        assertEquals(List.of(LatencyCase.BASTION_SEALED, LatencyCase.BASTION_ENCRYPTED, LatencyCase.BASTION_BATCHED,
            LatencyCase.BASTION_PLAIN, LatencyCase.AGRONA, LatencyCase.AERON_IPC), config.cases());
        assertArrayEquals(new int[]{64, 256, 1024}, config.sizes());
        assertArrayEquals(new long[]{0, 10_000, 100_000}, config.rates());
        assertEquals(TimeUnit.SECONDS.toNanos(10), config.durationNs());
        assertEquals(100_000, config.roundsAt(10_000));
        assertEquals(Long.MAX_VALUE, config.roundsAt(SuiteConfig.FLAT_OUT));
        assertEquals(IdleStrategies.BUSY_SPIN, config.idle());
        assertNull(config.pinCpus());
        assertNull(config.report());
        assertEquals(1, config.rounds());
    }

    @Test
    void optionsTakeEitherForm()
    {
        final SuiteConfig config = SuiteOptions.parse("--short", "--cases=agrona,aeron-ipc", "--sizes", "128",
            "--rates=flat,2k", "--messages", "1_000", "--warmup=5", "--idle", "yield", "--pin-cpus=0,1",
            "--rounds=3", "--report", "out");
        assertTrue(config.isShortSuite());
        assertEquals(3, config.rounds());
        assertEquals(List.of(LatencyCase.AGRONA, LatencyCase.AERON_IPC), config.cases());
        assertArrayEquals(new int[]{128}, config.sizes());
        assertArrayEquals(new long[]{0, 2_000}, config.rates());
        assertEquals(1_000, config.roundsAt(SuiteConfig.FLAT_OUT));
        assertEquals(5, config.warmup());
        assertEquals("yield", config.idle());
        assertArrayEquals(new int[]{0, 1}, config.pinCpus());
        assertEquals(Path.of("out"), config.report());
    }

    @Test
    void theShortSuiteKeepsEveryCaseSizeAndRate()
    {
        final SuiteConfig config = SuiteOptions.parse("--short");
        assertEquals(LatencyCase.defaults(), config.cases());
        assertEquals(3, config.sizes().length);
        assertEquals(3, config.rates().length);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), config.durationNs());
        assertEquals(50_000, config.roundsAt(100_000));
    }

    @Test
    void theUdpCasesRunWhenNamed()
    {
        assertFalse(LatencyCase.defaults().contains(LatencyCase.BRIDGE));
        assertFalse(LatencyCase.defaults().contains(LatencyCase.AERON_UDP));
        final SuiteConfig config = SuiteOptions.parse("--short", "--cases", "bridge,aeron-udp");
        assertEquals(List.of(LatencyCase.BRIDGE, LatencyCase.AERON_UDP), config.cases());
        assertTrue(SuiteOptions.USAGE.contains("bridge,aeron-udp"), SuiteOptions.USAGE);
    }

    @Test
    void badValuesAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--cases", "zeromq"));
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--sizes", "4"));
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--rates", "-5"));
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--rounds", "0"));
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--rounds", "two"));
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--duration", "10"));
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--idle", "sleep"));
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--pin-cpus", "0"));
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--messages"));
        assertThrows(IllegalArgumentException.class, () -> SuiteOptions.parse("--frobnicate=1"));
        assertNull(SuiteOptions.parse("--help"));
    }
}
