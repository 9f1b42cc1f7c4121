package io.bastion.security.replay;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Both replay guards against simple models, on random runs of frames that arrive in any order, repeat, jump ahead,
 * and sometimes fail their MAC (checked, never committed).
 */
class ReplayGuardPropertyTest
{
    /** One arriving frame: its sequence and whether its MAC verified. */
    record Frame(long sequence, boolean macOk)
    {
    }

    @Property(tries = 1000)
    void windowMatchesSetOfSeenSequencesWithinTheWindow(
        @ForAll("wordCounts") final int words,
        @ForAll("frames") final List<Frame> frames)
    {
        final SlidingWindowReplayGuard guard = new SlidingWindowReplayGuard(words);
        final long window = (long) (words - 1) * 64;
        final Set<Long> seen = new HashSet<>();
        long max = -1;

        for (final Frame frame : frames)
        {
            final long s = frame.sequence();
            final ReplayStatus expected;
            if (s < 0)
            {
                expected = ReplayStatus.INVALID;
            }
            else if (s > max)
            {
                expected = ReplayStatus.ACCEPTED;
            }
            else if (max - s >= window)
            {
                expected = ReplayStatus.STALE;
            }
            else
            {
                expected = seen.contains(s) ? ReplayStatus.DUPLICATE : ReplayStatus.ACCEPTED;
            }

            assertEquals(expected, guard.check(s), "check " + s);
            if (frame.macOk())
            {
                assertEquals(expected, guard.commit(s), "commit " + s);
                if (expected == ReplayStatus.ACCEPTED)
                {
                    seen.add(s);
                    max = Math.max(max, s);
                }
            }
            assertEquals(max, guard.highestAccepted());
        }
    }

    @Property(tries = 500)
    void strictMatchesNextExpectedModel(@ForAll("frames") final List<Frame> frames)
    {
        final StrictReplayGuard guard = new StrictReplayGuard();
        long next = 0;
        for (final Frame frame : frames)
        {
            final long s = frame.sequence();
            final ReplayStatus expected = s < 0 ? ReplayStatus.INVALID :
                s == next ? ReplayStatus.ACCEPTED :
                s > next ? ReplayStatus.GAP :
                s == next - 1 ? ReplayStatus.DUPLICATE : ReplayStatus.STALE;
            assertEquals(expected, guard.check(s));
            assertEquals(expected == ReplayStatus.GAP ? s - next : 0, guard.gapSize(s));
            if (frame.macOk())
            {
                assertEquals(expected, guard.commit(s));
                if (expected.isAccepted())
                {
                    next = s + 1;
                }
            }
            assertEquals(next, guard.nextExpected());
        }
    }

    @Provide
    Arbitrary<Integer> wordCounts()
    {
        return Arbitraries.of(2, 4, 8);
    }

    @Provide
    Arbitrary<List<Frame>> frames()
    {
        // Mostly small steps around a moving point so the window is exercised, with some far jumps and invalid ones.
        final Arbitrary<Long> step = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(20, Arbitraries.longs().between(-80, 80)),
            net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(-600, 600)),
            net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(-5_000, 5_000)));
        final Arbitrary<Boolean> macOk = Arbitraries.frequency(
            net.jqwik.api.Tuple.of(9, Boolean.TRUE), net.jqwik.api.Tuple.of(1, Boolean.FALSE));
        return Combinators.combine(step, macOk).as((d, ok) -> new long[]{d, ok ? 1 : 0})
            .list().ofMaxSize(400)
            .map(ReplayGuardPropertyTest::toFrames);
    }

    private static List<Frame> toFrames(final List<long[]> steps)
    {
        final java.util.ArrayList<Frame> frames = new java.util.ArrayList<>(steps.size());
        long point = 200;
        for (final long[] step : steps)
        {
            final long s = point + step[0];
            frames.add(new Frame(s, step[1] == 1));
            point = Math.max(point, s);
        }
        return frames;
    }
}
