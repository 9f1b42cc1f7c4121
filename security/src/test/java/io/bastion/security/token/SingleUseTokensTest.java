package io.bastion.security.token;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SingleUseTokensTest
{
    private static final byte[] BROKER = new byte[CapabilityToken.BROKER_KEY_LENGTH];

    private static CapabilityToken once(final long tokenId, final long notAfterMs)
    {
        return new CapabilityToken("alice", "orders", 1, 0, notAfterMs, tokenId, BROKER, true);
    }

    @Test
    void acceptsATokenOnceAndCallsTheSecondUseAReplay()
    {
        final SingleUseTokens used = new SingleUseTokens(4);
        assertEquals(SingleUseStatus.FIRST_USE, used.use(once(1, 100), 10));
        assertEquals(SingleUseStatus.REPLAYED, used.use(once(1, 100), 11));
        assertEquals(SingleUseStatus.REPLAYED, used.use(once(1, 100), 99));
        assertEquals(SingleUseStatus.FIRST_USE, used.use(once(2, 100), 12));
        assertEquals(2, used.size());
    }

    @Test
    void whenFullRefusesNewTokensUntilOldOnesExpire()
    {
        final SingleUseTokens used = new SingleUseTokens(2);
        assertEquals(SingleUseStatus.FIRST_USE, used.use(once(1, 50), 0));
        assertEquals(SingleUseStatus.FIRST_USE, used.use(once(2, 80), 0));
        assertEquals(SingleUseStatus.FULL, used.use(once(3, 90), 10));
        assertEquals(SingleUseStatus.REPLAYED, used.use(once(1, 50), 49), "still remembered while valid");
        // At token 1's not-after it is pruned: its own validity check refuses it from then on.
        assertEquals(SingleUseStatus.FIRST_USE, used.use(once(3, 90), 50));
        assertEquals(2, used.size());
        assertEquals(SingleUseStatus.FULL, used.use(once(4, 90), 60));
        assertEquals(SingleUseStatus.FIRST_USE, used.use(once(4, 90), 80));
    }

    @Test
    void refusesMisuse()
    {
        assertThrows(IllegalArgumentException.class, () -> new SingleUseTokens(0));
        final CapabilityToken reusable = new CapabilityToken("alice", "orders", 1, 0, 10, 1, BROKER, false);
        assertThrows(IllegalArgumentException.class, () -> new SingleUseTokens(1).use(reusable, 0));
    }

    @Test
    void concurrentUsesOfOneTokenAdmitExactlyOne() throws Exception
    {
        final SingleUseTokens used = new SingleUseTokens(16);
        final ConcurrentLinkedQueue<SingleUseStatus> outcomes = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            threads.add(new Thread(() -> outcomes.add(used.use(once(9, 1_000), 1))));
        }
        threads.forEach(Thread::start);
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertEquals(1, outcomes.stream().filter((s) -> s == SingleUseStatus.FIRST_USE).count());
        assertEquals(7, outcomes.stream().filter((s) -> s == SingleUseStatus.REPLAYED).count());
    }
}
