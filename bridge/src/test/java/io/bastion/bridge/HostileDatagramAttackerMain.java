package io.bastion.bridge;

import io.aeron.protocol.DataHeaderFlyweight;
import io.bastion.test.ChildDeadline;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.bastion.bridge.BridgeDescriptor.BODY_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.BYTE_ORDER;
import static io.bastion.bridge.BridgeDescriptor.KEY_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.SEQUENCE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.SESSION_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.TYPE_DATA;
import static io.bastion.bridge.BridgeDescriptor.TYPE_INIT_FINISH;
import static io.bastion.bridge.BridgeDescriptor.TYPE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.VERSION_OFFSET;

/**
 * A network attacker in a process of its own, run by {@link CrossProcessHostileDatagramTest}. It holds what a tap on
 * the wire gives and nothing more: the bridge datagrams of a real session, captured in clear (headers) and sealed
 * (bodies and tags) form, and the victim's UDP endpoint. It holds no key of any kind. From its own raw UDP socket,
 * with an Aeron session of its own ({@link AeronInjector}), it sends one hostile datagram at a time: truncated,
 * a lone middle fragment, altered (header fields, a bit of the header that is associated data, of the ciphertext, of
 * the tag), forged from random bytes under a header copied from the wire, replayed (a datagram the victim already
 * delivered, re-framed; the handshake's last message), reordered but never seen, duplicated, and too old for the
 * window.
 * <p>
 * Arguments: the capture file (one datagram a line: {@code <type> <sequence> <hex>}), the victim's UDP port, the
 * Aeron stream id, and the first sequence the victim has not received (the attacker cut the path there). After
 * each datagram it prints {@code sent <attack> <length> <header sequence>} and waits for {@code next} on stdin, so
 * that the test can judge each datagram on its own; at the end it prints {@code done <datagrams> <bytes>} and exits
 * 0. It exits 3 if its whole run takes longer than {@link #DEADLINE_MS}, and 2 if stdin ends early.
 */
public final class HostileDatagramAttackerMain
{
    /** The attacker's whole run is bounded by this. */
    static final long DEADLINE_MS = BridgeRig.TIMEOUT_MS;

    /** The bit the header alteration flips in the sequence: a fresh sequence, so only the tag can refuse it. */
    static final int SEQUENCE_BIT = 6;

    /** How far beyond every real sequence the forged datagram claims to be. */
    static final long FORGED_AHEAD = 1_000;

    private HostileDatagramAttackerMain()
    {
    }

    /** One hostile datagram: its name (the test's expectation is keyed by it), bytes and Aeron frame flags. */
    record Attack(String name, byte[] datagram, short flags)
    {
    }

    /**
     * Run the attack.
     *
     * @param args capture file, victim port, stream id, first undelivered sequence.
     * @throws Exception on any failure.
     */
    public static void main(final String[] args) throws Exception
    {
        ChildDeadline.start(DEADLINE_MS);

        final Map<String, byte[]> wire = readCapture(Path.of(args[0]));
        final int port = Integer.parseInt(args[1]);
        final int streamId = Integer.parseInt(args[2]);
        final long firstUnseen = Long.parseLong(args[3]);
        final List<Attack> attacks = plan(wire, firstUnseen);

        final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        long bytes = 0;
        try (AeronInjector injector = new AeronInjector(port, streamId))
        {
            injector.setup();
            System.out.println("ready " + attacks.size());
            System.out.flush();
            for (final Attack attack : attacks)
            {
                injector.inject(attack.datagram(), attack.flags());
                bytes += attack.datagram().length;
                System.out.println("sent " + attack.name() + " " + attack.datagram().length + " " +
                    headerSequence(attack.datagram()));
                System.out.flush();
                if (!"next".equals(stdin.readLine()))
                {
                    System.exit(2);
                }
            }
        }
        System.out.println("done " + attacks.size() + " " + bytes);
        System.out.flush();
        System.exit(0);
    }

    /**
     * What the attacker sends, in order: the order matters (a sequence is fresh until it has been accepted; the
     * window moves only with an authentic datagram).
     */
    static List<Attack> plan(final Map<String, byte[]> wire, final long firstUnseen)
    {
        final byte[] unseen = datagram(wire, TYPE_DATA, firstUnseen);
        final long last = lastDataSequence(wire);
        final short whole = DataHeaderFlyweight.BEGIN_AND_END_FLAGS;
        final List<Attack> attacks = new ArrayList<>();

        attacks.add(new Attack("truncated-header", Arrays.copyOf(unseen, BridgeDescriptor.HEADER_LENGTH - 12), whole));
        attacks.add(new Attack("truncated-tag", Arrays.copyOf(unseen, unseen.length - 5), whole));
        attacks.add(new Attack("lone-middle-fragment", unseen, (short)0));
        attacks.add(new Attack("altered-version", flipBit(unseen, VERSION_OFFSET, 1), whole));
        attacks.add(new Attack("altered-type", withByte(unseen, TYPE_OFFSET, 99), whole));
        attacks.add(new Attack("altered-session", flipBit(unseen, SESSION_ID_OFFSET + 3, 0), whole));
        attacks.add(new Attack("altered-key-id", flipBit(unseen, KEY_ID_OFFSET, 3), whole));
        attacks.add(new Attack("altered-sequence-sign", flipBit(unseen, SEQUENCE_OFFSET + 7, 7), whole));
        attacks.add(new Attack("altered-header-aad", flipBit(unseen, SEQUENCE_OFFSET, SEQUENCE_BIT), whole));
        attacks.add(new Attack("altered-ciphertext", flipBit(unseen, BODY_OFFSET + 10, 0), whole));
        attacks.add(new Attack("altered-tag", flipBit(unseen, unseen.length - 1, 7), whole));
        attacks.add(new Attack("forged", forged(unseen, last + FORGED_AHEAD), whole));

        attacks.add(new Attack("replayed-delivered", datagram(wire, TYPE_DATA, firstUnseen / 4), whole));
        attacks.add(new Attack("replayed-init-finish", datagram(wire, TYPE_INIT_FINISH, 0), whole));

        attacks.add(new Attack("reordered-fresh", datagram(wire, TYPE_DATA, firstUnseen + 4), whole));
        attacks.add(new Attack("reordered-fresh", datagram(wire, TYPE_DATA, firstUnseen + 2), whole));
        attacks.add(new Attack("reordered-fresh", datagram(wire, TYPE_DATA, firstUnseen + 3), whole));
        attacks.add(new Attack("reordered-fresh", unseen, whole));
        attacks.add(new Attack("duplicated", datagram(wire, TYPE_DATA, firstUnseen + 2), whole));
        attacks.add(new Attack("duplicated", unseen, whole));

        attacks.add(new Attack("jump-ahead", datagram(wire, TYPE_DATA, last), whole));
        attacks.add(new Attack("too-old", datagram(wire, TYPE_DATA, firstUnseen + 10), whole));
        attacks.add(new Attack("replayed-too-old", datagram(wire, TYPE_DATA, firstUnseen / 4), whole));
        attacks.add(new Attack("reordered-fresh", datagram(wire, TYPE_DATA, last - 9), whole));
        attacks.add(new Attack("duplicated", datagram(wire, TYPE_DATA, last), whole));
        return attacks;
    }

    /** Random body and tag under a header copied from the wire (its session id and key id are in clear). */
    private static byte[] forged(final byte[] template, final long sequence)
    {
        final byte[] forged = new byte[template.length];
        new SecureRandom().nextBytes(forged);
        final UnsafeBuffer buffer = new UnsafeBuffer(forged);
        BridgeDescriptor.writeHeader(buffer, TYPE_DATA, template.length - BridgeDescriptor.datagramLength(TYPE_DATA, 0),
            new UnsafeBuffer(template).getLong(SESSION_ID_OFFSET, BYTE_ORDER),
            new UnsafeBuffer(template).getInt(KEY_ID_OFFSET, BYTE_ORDER), sequence);
        return forged;
    }

    /** The sequence the datagram's header claims, or -1 if it is too short to have one. */
    private static long headerSequence(final byte[] datagram)
    {
        return datagram.length < BridgeDescriptor.HEADER_LENGTH ? -1 :
            new UnsafeBuffer(datagram).getLong(SEQUENCE_OFFSET, BYTE_ORDER);
    }

    private static Map<String, byte[]> readCapture(final Path file) throws Exception
    {
        final HexFormat hex = HexFormat.of();
        final Map<String, byte[]> wire = new HashMap<>();
        for (final String line : Files.readAllLines(file, StandardCharsets.US_ASCII))
        {
            final String[] fields = line.split(" ");
            wire.put(fields[0] + ":" + fields[1], hex.parseHex(fields[2]));
        }
        return wire;
    }

    private static byte[] datagram(final Map<String, byte[]> wire, final int type, final long sequence)
    {
        final byte[] bytes = wire.get(type + ":" + sequence);
        if (null == bytes)
        {
            throw new IllegalStateException("not captured: type " + type + " sequence " + sequence);
        }
        return bytes.clone();
    }

    private static long lastDataSequence(final Map<String, byte[]> wire)
    {
        long last = -1;
        for (final String key : wire.keySet())
        {
            if (key.startsWith(TYPE_DATA + ":"))
            {
                last = Math.max(last, Long.parseLong(key.substring(key.indexOf(':') + 1)));
            }
        }
        return last;
    }

    private static byte[] flipBit(final byte[] datagram, final int offset, final int bit)
    {
        final byte[] copy = datagram.clone();
        copy[offset] ^= (byte)(1 << bit);
        return copy;
    }

    private static byte[] withByte(final byte[] datagram, final int offset, final int value)
    {
        final byte[] copy = datagram.clone();
        copy[offset] = (byte)value;
        return copy;
    }
}
