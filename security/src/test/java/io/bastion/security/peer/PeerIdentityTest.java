package io.bastion.security.peer;

import io.bastion.test.AsNobody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PeerIdentityTest
{
    private static final String CLIENT = String.join("\n",
        "import socket, sys",
        "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
        "s.connect(sys.argv[1])",
        "s.sendall(b'hello\\n')",
        "data = b''",
        "while not data.endswith(b'\\n'):",
        "    chunk = s.recv(64)",
        "    if not chunk:",
        "        break",
        "    data += chunk",
        "print('answer', data.decode().strip())");

    @TempDir
    Path tmp;

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private ServerSocketChannel server;
    private Path socketPath;

    @BeforeEach
    void listen() throws IOException
    {
        // A folder nobody can traverse and a socket nobody may connect to: test-only, so the peer can reach us.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        socketPath = tmp.resolve("broker.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterEach
    void close() throws IOException
    {
        executor.shutdownNow();
        server.close();
    }

    private SocketChannel acceptWithin30s() throws Exception
    {
        final Future<SocketChannel> accepted = executor.submit(server::accept);
        return accepted.get(30, TimeUnit.SECONDS);
    }

    @Test
    void sameUserPeerIsAllowed() throws Exception
    {
        final PeerPolicy policy = PeerPolicy.builder().allowCurrentUser().build();
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socketPath));
            SocketChannel peer = acceptWithin30s())
        {
            assertNotNull(client);
            final PeerCredentials credentials = PeerIdentity.credentials(peer);
            assertNotNull(credentials);
            assertEquals(Files.getOwner(Path.of("/proc/self")), credentials.user());
            assertEquals(PeerDecision.ALLOWED_USER, PeerIdentity.check(peer, policy));
            assertEquals(PeerDecision.REFUSED, PeerIdentity.check(peer, PeerPolicy.builder().build()));

            // The same identity from the kernel's numbers, as a socket library other than the JDK's reports them.
            final int uid = (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            final int gid = (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            final PeerCredentials fromIds = PeerIdentity.credentials(uid, gid, -1);
            assertNotNull(fromIds);
            assertEquals(credentials.user(), fromIds.user());
            assertEquals(credentials.group(), fromIds.group());
            assertEquals(credentials.user().getName(), fromIds.user().getName());
            assertEquals(credentials.group().getName(), fromIds.group().getName());
            assertEquals(PeerDecision.ALLOWED_USER, policy.decide(fromIds));
        }
    }

    @Test
    void idsThatCannotBeNamedFromTheKernelsNumbersGiveNoCredentials() throws Exception
    {
        final int uid = (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        final int gid = (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        assertNull(PeerIdentity.credentials(-1, gid, -1), "unknown uid");
        assertNull(PeerIdentity.credentials(uid, -1, -1), "unknown gid");
        assertNull(PeerIdentity.credentials(0xFFFF_FFFFL, gid, -1), "(uid_t)-1 is no user");
        // A uid that is neither ours nor that of the process the PID names: never guessed, even if the PID is ours.
        final long stranger = uid == 54_321 ? 54_322 : 54_321;
        assertNull(PeerIdentity.credentials(stranger, gid, ProcessHandle.current().pid()));
        assertNull(PeerIdentity.credentials(stranger, gid, 0));
        assertEquals(PeerDecision.NO_CREDENTIALS,
            PeerPolicy.builder().allowCurrentUser().build().decide(PeerIdentity.credentials(stranger, gid, -1)));
    }

    @Test
    void peerRunningAsNobodyIsRefusedUnlessPolicyNamesIt() throws Exception
    {
        assumeTrue(AsNobody.available(), "needs root, setpriv and python3");
        final PeerPolicy sameUserOnly = PeerPolicy.builder().allowCurrentUser().build();
        final Process child = AsNobody.start(Path.of("/"), CLIENT, socketPath.toString());
        final String answer;
        try (SocketChannel peer = acceptWithin30s())
        {
            final ByteBuffer hello = ByteBuffer.allocate(6);
            int read = 0;
            while (hello.hasRemaining() && read >= 0)
            {
                read = peer.read(hello);
            }
            assertEquals("hello\n", new String(hello.array(), StandardCharsets.US_ASCII), "the server saw the peer");

            final PeerCredentials credentials = PeerIdentity.credentials(peer);
            assertNotNull(credentials);
            assertEquals("nobody", credentials.user().getName());
            assertEquals("nogroup", credentials.group().getName());
            final PeerDecision decision = PeerIdentity.check(peer, sameUserOnly);
            assertEquals(PeerDecision.REFUSED, decision);
            assertEquals(PeerDecision.ALLOWED_USER,
                PeerIdentity.check(peer, PeerPolicy.builder().allowUser("nobody").build()));
            assertEquals(PeerDecision.ALLOWED_GROUP,
                PeerIdentity.check(peer, PeerPolicy.builder().allowCurrentUser().allowGroup("nogroup").build()));

            // The same from the kernel's numbers: named through the peer's /proc folder, whose ids must match.
            final PeerCredentials fromIds =
                PeerIdentity.credentials(AsNobody.NOBODY_ID, AsNobody.NOBODY_ID, child.pid());
            assertNotNull(fromIds);
            assertEquals(credentials.user(), fromIds.user());
            assertEquals(credentials.group(), fromIds.group());
            assertEquals("nobody", fromIds.user().getName());
            assertEquals("nogroup", fromIds.group().getName());
            assertEquals(PeerDecision.REFUSED, sameUserOnly.decide(fromIds));
            assertEquals(PeerDecision.ALLOWED_USER, PeerPolicy.builder().allowUser("nobody").build().decide(fromIds));
            assertNull(PeerIdentity.credentials(AsNobody.NOBODY_ID, AsNobody.NOBODY_ID, ProcessHandle.current().pid()),
                "a PID whose folder has other ids names nobody");
            peer.write(ByteBuffer.wrap((decision + "\n").getBytes(StandardCharsets.US_ASCII)));
        }
        finally
        {
            answer = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals("answer REFUSED", answer, "the peer connected and got the refusal");
        assertEquals(0, child.exitValue());
    }

    @Test
    void noCredentialsOnANonUnixSocket() throws Exception
    {
        try (ServerSocketChannel tcp = ServerSocketChannel.open())
        {
            tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(tcp.getLocalAddress());
                SocketChannel peer = tcp.accept())
            {
                assertNotNull(client);
                assertNull(PeerIdentity.credentials(peer));
                assertEquals(PeerDecision.NO_CREDENTIALS,
                    PeerIdentity.check(peer, PeerPolicy.builder().allowCurrentUser().build()));
            }
        }
    }
}
