package io.bastion.broker;

import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HelloCredentials;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import io.bastion.security.token.ChannelPattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arbitrary bytes into the broker's parser of a received Hello ({@link BrokerHandshake#parseHello}), the generic
 * control-message parser and the Hello credentials parser: none throws, every refusal carries a typed reason, and
 * whatever is accepted is consistent (a known version, a valid channel name, a right).
 * <p>
 * Without {@code JAZZER_FUZZ=1} this replays the seeds in {@code HandshakeMessageFuzzTestInputs/<method>/} under
 * src/test/resources; with it, it fuzzes for {@code maxDuration}.
 */
class HandshakeMessageFuzzTest
{
    @FuzzTest(maxDuration = "5m")
    void helloParserIsTotal(final byte[] input)
    {
        final BrokerHandshake.HelloRequest request = BrokerHandshake.parseHello(input, input.length);
        assertNotNull(request);
        if (request.isValid())
        {
            assertTrue(request.version >= FrameValidator.MIN_SUPPORTED_VERSION &&
                request.version <= FrameValidator.CURRENT_VERSION);
            assertTrue(request.message.minVersion <= request.version && request.version <= request.message.maxVersion);
            assertTrue(ChannelPattern.isValidChannel(request.credentials.channel));
            assertNotNull(request.credentials.right);
            assertNotNull(request.credentials.token);
        }
        else
        {
            assertNotNull(request.refusedFor);
            assertNotNull(request.detail);
        }

        final ControlMessage message = ControlMessages.parse(input, input.length);
        assertTrue(message.isValid() || RejectReason.PROTOCOL_VIOLATION == message.refusedFor());
        if (input.length > 0)
        {
            // A shorter view of the same bytes (the reader never sees past its length).
            assertNotNull(ControlMessages.parse(input, input.length - 1));
        }
    }

    @FuzzTest(maxDuration = "5m")
    void credentialsParserIsTotal(final byte[] input)
    {
        final HelloCredentials credentials = HelloCredentials.parse(input);
        if (credentials.isValid())
        {
            assertTrue(ChannelPattern.isValidChannel(credentials.channel));
            assertNotNull(credentials.right);
            // Valid credentials re-encode to exactly the same bytes: one spelling per request.
            assertEquals(java.util.HexFormat.of().formatHex(input), java.util.HexFormat.of().formatHex(
                HelloCredentials.encode(credentials.token, credentials.channel, credentials.right)));
        }
        else
        {
            assertEquals(RejectReason.PROTOCOL_VIOLATION, credentials.refusedFor);
        }
    }
}
