package io.bastion.channel.control;

import io.bastion.channel.ConcurrentPublisher;
import io.bastion.security.token.Right;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lanes a concurrent publisher asks for in its Hello: one optional byte after the channel, 1 to
 * {@link ConcurrentPublisher#MAX_LANES}, publishers only; every other form refused.
 */
class HelloLanesTest
{
    @Test
    void aConcurrentPublishersLanesRoundTripAndOtherSessionsCarryNone()
    {
        final HelloCredentials concurrent = HelloCredentials.parse(
            HelloCredentials.encode(new byte[0], "prices.eu", Right.PUBLISH, 4));
        assertTrue(concurrent.isValid());
        assertEquals(4, concurrent.lanes);
        assertEquals("prices.eu", concurrent.channel);
        assertEquals(Right.PUBLISH, concurrent.right);

        final HelloCredentials plain = HelloCredentials.parse(
            HelloCredentials.encode(new byte[0], "prices.eu", Right.PUBLISH));
        assertTrue(plain.isValid());
        assertEquals(0, plain.lanes);
        assertTrue(Arrays.equals(HelloCredentials.encode(new byte[0], "a", Right.SUBSCRIBE),
            HelloCredentials.encode(new byte[0], "a", Right.SUBSCRIBE, 0)), "no lanes, the format of before");

        final HelloCredentials most = HelloCredentials.parse(
            HelloCredentials.encode(new byte[0], "a", Right.PUBLISH, ConcurrentPublisher.MAX_LANES));
        assertEquals(ConcurrentPublisher.MAX_LANES, most.lanes);
    }

    @Test
    void lanesOutOfRangeOrWithoutThePublishRightAreRefused()
    {
        assertFalse(HelloCredentials.parse(new byte[]{0, 0, 1, 1, 'x', 0}).isValid(), "zero lanes");
        assertFalse(HelloCredentials.parse(new byte[]{0, 0, 1, 1, 'x', 65}).isValid(), "more than the block");
        assertFalse(HelloCredentials.parse(new byte[]{0, 0, 2, 1, 'x', 4}).isValid(), "a subscriber's lanes");
        assertFalse(HelloCredentials.parse(new byte[]{0, 0, 1, 1, 'x', 4, 4}).isValid(), "two bytes after");
        assertTrue(HelloCredentials.parse(new byte[]{0, 0, 1, 1, 'x', 4}).isValid());
        assertThrows(IllegalArgumentException.class,
            () -> HelloCredentials.encode(new byte[0], "a", Right.SUBSCRIBE, 2));
        assertThrows(IllegalArgumentException.class,
            () -> HelloCredentials.encode(new byte[0], "a", Right.PUBLISH, ConcurrentPublisher.MAX_LANES + 1));
    }
}
