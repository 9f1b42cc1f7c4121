package io.bastion.bridge;

import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.token.IssuerKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the bridge tests share: identities, free loopback ports, contexts, and bounded waiting.
 */
final class BridgeRig
{
    static final long TIMEOUT_MS = 60_000;

    private BridgeRig()
    {
    }

    /** A UDP port free right now on 127.0.0.1. */
    static int freePort()
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static String endpoint(final int port)
    {
        return "127.0.0.1:" + port;
    }

    static String fingerprint(final KeyPair pair)
    {
        return IssuerKeys.fingerprint(pair.getPublic());
    }

    static BridgeContext context(
        final Path directory,
        final BridgeRole role,
        final KeyPair identity,
        final KeyPair peer,
        final int localPort,
        final int peerPort)
    {
        return new BridgeContext()
            .role(role)
            .identity(identity)
            .peerFingerprint(fingerprint(peer))
            .localEndpoint(endpoint(localPort))
            .peerEndpoint(endpoint(peerPort))
            .termLength(1 << 20)
            .directory(directory);
    }

    /** Poll a condition until it holds, or fail after {@link #TIMEOUT_MS}. */
    static void await(final String what, final BooleanSupplier condition, final Runnable step)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            step.run();
            Thread.yield();
        }
    }

    /** Connect two bridges: the responder on a helper thread, the initiator on this one. */
    static void connect(final Bridge initiator, final Bridge responder) throws Exception
    {
        final Throwable[] failure = new Throwable[1];
        final Thread thread = new Thread(() ->
        {
            try
            {
                responder.connect(TIMEOUT_MS);
            }
            catch (final Throwable ex)
            {
                failure[0] = ex;
            }
        }, "responder-connect");
        thread.start();
        initiator.connect(TIMEOUT_MS);
        thread.join(TIMEOUT_MS);
        if (null != failure[0])
        {
            throw new AssertionError("responder did not connect", failure[0]);
        }
    }

    /** An audit sink that remembers every event. */
    static final class RecordingAudit implements BridgeAuditSink
    {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(
            final AuditEventType type, final AuditOutcome outcome, final String principal, final String detail)
        {
            events.add(type + " " + outcome + " " + principal + " " + detail);
        }

        boolean contains(final String text)
        {
            for (final String event : events)
            {
                if (event.contains(text))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
