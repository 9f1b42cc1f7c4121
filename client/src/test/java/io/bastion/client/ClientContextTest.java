package io.bastion.client;

import io.bastion.channel.CommonContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClientContextTest
{
    @TempDir
    Path tempDir;

    @Test
    void theSharedSettingsComeFromTheCommonContextAndMeetTheBrokersSocket() throws Exception
    {
        final ClientContext context = new ClientContext().nonDumpable(false).directory(tempDir)
            .token(new byte[]{1, 2, 3}).handshakeTimeoutMs(1234);
        assertSame(context, context.conclude());
        assertEquals(tempDir.resolve(CommonContext.SOCKET_FILE_NAME), context.socketPath());
        assertEquals(Duration.ofMillis(1234), context.handshakeTimeout());
        assertEquals(1234, context.handshakeTimeoutMs());
        assertNotNull(context.epochClock());
        assertNotNull(context.filePolicy());
        assertFalse(context.nonDumpable());
    }

    @Test
    void theDirectoryPropertyIsReadWhenTheContextIsMade() throws Exception
    {
        final String previous = System.getProperty(CommonContext.DIR_PROP);
        System.setProperty(CommonContext.DIR_PROP, tempDir.toString());
        try
        {
            final ClientContext context = new ClientContext().nonDumpable(false).token(new byte[]{1}).conclude();
            assertEquals(tempDir, context.directory());
            assertEquals(tempDir.resolve(CommonContext.SOCKET_FILE_NAME), context.socketPath());
        }
        finally
        {
            if (null == previous)
            {
                System.clearProperty(CommonContext.DIR_PROP);
            }
            else
            {
                System.setProperty(CommonContext.DIR_PROP, previous);
            }
        }
    }

    @Test
    void concludeRefusesNoTokenAndABadHandshakeBound()
    {
        assertThrows(IllegalStateException.class, () -> new ClientContext().nonDumpable(false).conclude());
        assertThrows(IllegalStateException.class, () -> new ClientContext().nonDumpable(false)
            .token(new byte[]{1}).handshakeTimeoutMs(0).conclude());
    }
}
