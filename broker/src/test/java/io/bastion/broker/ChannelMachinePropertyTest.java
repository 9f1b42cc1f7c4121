package io.bastion.broker;

import io.bastion.channel.control.ControlMessage;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.codec.sbe.SourceAction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key invariants of a {@link ChannelMachine} under any interleaving of joins, departures, rotation and revocation
 * requests, ticks and honest clients' answers (each client answers what it was sent, in order, at a moment the script
 * chooses):
 * <ul>
 *     <li>a publisher is never told to switch to a key id it had before: no key id is reused;</li>
 *     <li>a subscriber is never handed a key that existed before it joined (one its predecessor, or the publisher,
 *     held), and a publisher that was there when it joined is announced exactly where the publisher switched to the
 *     key it is announced with; one that came later at the start of its ring;</li>
 *     <li>every key handed opens, under that subscriber's control key only, to the publisher's key of that id;</li>
 *     <li>a subscriber is told nothing about a producer it was not told ADDED for, or has let go of;</li>
 *     <li>an honest client is never found in violation, and no session is closed twice;</li>
 *     <li>once every client has answered, the subscriber has been told about every publisher still there.</li>
 * </ul>
 */
class ChannelMachinePropertyTest
{
    private static final int STEP_KINDS = 16;

    /**
     * Run a script of steps, each chosen by a number: its remainder by {@value #STEP_KINDS} picks the step (most
     * often a client's next answer), the quotient picks the client or the time.
     *
     * @param script the steps.
     */
    @Property(tries = 400)
    void keysAreNeverReusedAndASubscriberNeverHoldsAKeyFromBeforeItJoined(
        @ForAll @Size(min = 1, max = 150) final List<@IntRange(min = 0, max = 4_000) Integer> script)
    {
        final Simulation simulation = new Simulation();
        for (final int step : script)
        {
            simulation.step(step % STEP_KINDS, step / STEP_KINDS);
        }
        simulation.answerEverything();
        simulation.assertEverySourceAnnounced();
    }

    /**
     * Honest clients around one machine, and the checks on everything the machine sends them.
     */
    private static final class Simulation
    {
        private final MachineFixture fixture = new MachineFixture(true);
        private final List<Client> clients = new ArrayList<>();
        /** Per producer, the highest key id that anyone (the publisher or any subscriber) was given. */
        private final Map<Integer, Integer> newestKey = new HashMap<>();
        /** Per subscriber session, per producer there when it joined, the newest key at its join. */
        private final Map<Long, Map<Integer, Integer>> keysAtJoin = new HashMap<>();
        /** Per producer, per key id, the position the publisher reported switching to it at. */
        private final Map<Integer, Map<Integer, Long>> switchedAt = new HashMap<>();
        private final Set<String> handed = new HashSet<>();
        private final Set<Long> closed = new HashSet<>();
        private Client subscriber;
        private long nextSessionId = 100;
        private int nextProducerId = 1;
        private int sentSeen;
        private int closedSeen;

        void step(final int kind, final int choice)
        {
            switch (kind)
            {
                case 0 -> publisherJoins();
                case 1 -> subscriberJoins();
                case 2 -> leave(subscriber);
                case 3 -> leave(publisher(choice));
                case 4 -> fixture.machine.rotateKeys();
                case 5 -> revoke(publisher(choice));
                case 6 ->
                {
                    fixture.nowMs += (choice % 4) * 4_000L;
                    fixture.machine.onTick(fixture.nowMs);
                }
                default -> answer(choice);
            }
            observe();
        }

        void answerEverything()
        {
            for (int round = 0; round < 1_000 && clients.stream().anyMatch((c) -> !c.answers.isEmpty()); round++)
            {
                for (final Client client : new ArrayList<>(clients))
                {
                    if (!client.answers.isEmpty())
                    {
                        fixture.machine.onMessage(client.endpoint, client.answers.poll());
                        observe();
                    }
                }
            }
        }

        void assertEverySourceAnnounced()
        {
            if (null == subscriber || subscriber.gone)
            {
                return;
            }
            for (final Client client : clients)
            {
                if (!client.gone && client != subscriber && !client.left)
                {
                    assertTrue(client.announcedTo.contains(subscriber.sessionId),
                        "producer " + client.producerId + " never announced to " + subscriber.sessionId);
                }
            }
        }

        private void publisherJoins()
        {
            if (clients.stream().filter((c) -> c.producerId > 0 && !c.gone).count() >= 3)
            {
                return;
            }
            final int producerId = nextProducerId++;
            final Client client = new Client(nextSessionId++, producerId);
            clients.add(client);
            newestKey.put(producerId, 1);
            client.endpoint = fixture.publisher(client.sessionId, producerId);
            client.answers.add(MachineFixture.source(SourceAction.MAPPED, producerId, 0));
        }

        private void subscriberJoins()
        {
            if (null != subscriber && !subscriber.gone)
            {
                return;
            }
            final Client client = new Client(nextSessionId++, 0);
            keysAtJoin.put(client.sessionId, new HashMap<>(newestKey));
            clients.add(client);
            subscriber = client;
            client.endpoint = fixture.subscriber(client.sessionId);
        }

        private Client publisher(final int choice)
        {
            final List<Client> publishers = clients.stream().filter((c) -> c.producerId > 0 && !c.gone).toList();
            return publishers.isEmpty() ? null : publishers.get(choice % publishers.size());
        }

        private void leave(final Client client)
        {
            if (null != client && !client.gone && !client.left)
            {
                client.left = true;
                client.answers.clear();
                fixture.machine.onMessage(client.endpoint, MachineFixture.goodbye());
            }
        }

        /**
         * Revoke a publisher's newest key, unless the subscriber does not know that publisher: an honest subscriber
         * takes news of a producer it was never told about as the broker's violation and ends its session.
         */
        private void revoke(final Client client)
        {
            final boolean unknown = null != subscriber && !subscriber.gone && !subscriber.known.contains(
                null == client ? 0 : client.producerId);
            if (null != client && !unknown)
            {
                fixture.machine.revokeKey(client.producerId, newestKey.get(client.producerId));
            }
        }

        private void answer(final int choice)
        {
            final List<Client> waiting = clients.stream().filter((c) -> !c.answers.isEmpty()).toList();
            if (!waiting.isEmpty())
            {
                final Client client = waiting.get(choice % waiting.size());
                fixture.machine.onMessage(client.endpoint, client.answers.poll());
            }
        }

        /**
         * Check each message sent and each session closed since the last look, and queue the clients' answers.
         */
        private void observe()
        {
            for (final String line : fixture.output.take())
            {
                assertFalse(line.contains("PROTOCOL_VIOLATION"), line);
            }
            final List<RecordingOutput.Sent> sent = fixture.output.sent();
            for (; sentSeen < sent.size(); sentSeen++)
            {
                final RecordingOutput.Sent each = sent.get(sentSeen);
                final Client client = client(each.to());
                if (client.producerId > 0)
                {
                    toPublisher(client, each.message());
                }
                else
                {
                    toSubscriber(client, each.message());
                }
            }
            final List<Long> closedNow = fixture.output.closed();
            for (; closedSeen < closedNow.size(); closedSeen++)
            {
                final long sessionId = closedNow.get(closedSeen);
                assertTrue(closed.add(sessionId), "closed twice: " + sessionId);
                client(sessionId).goneNow();
            }
        }

        private void toPublisher(final Client publisher, final ControlMessage message)
        {
            if (KeyUpdateDecoder.TEMPLATE_ID == message.templateId())
            {
                assertTrue(message.keyId > publisher.keyId, "key " + message.keyId + " after " + publisher.keyId);
                publisher.keyId = message.keyId;
                newestKey.merge(publisher.producerId, message.keyId, Math::max);
                if (!publisher.gone && !publisher.left)
                {
                    publisher.position += 64;
                    switchedAt.computeIfAbsent(publisher.producerId, (p) -> new HashMap<>())
                        .put(message.keyId, publisher.position);
                    publisher.answers.add(MachineFixture.keyInUse(publisher.producerId, message.keyId,
                        publisher.position));
                }
            }
            else if (isLastWord(message))
            {
                publisher.goneNow();
            }
        }

        private void toSubscriber(final Client client, final ControlMessage message)
        {
            if (isLastWord(message))
            {
                client.goneNow();
                return;
            }
            final int producerId = message.producerId;
            assertTrue(SourceAction.ADDED == message.action ? client.known.add(producerId) :
                client.known.contains(producerId), "about a producer it does not know: " +
                RecordingOutput.describe(message));
            if (SourceAction.ADDED == message.action || SourceAction.KEY_ADDED == message.action)
            {
                assertTrue(handed.add(client.sessionId + "/" + producerId + "/" + message.keyId), "handed twice");
                final Integer atJoin = keysAtJoin.get(client.sessionId).get(producerId);
                assertTrue(null == atJoin || message.keyId > atJoin,
                    "key " + message.keyId + " existed before the join (newest then " + atJoin + ")");
                assertArrayEquals(MachineFixture.frameKey(producerId, message.keyId),
                    MachineFixture.openKey(client.sessionId, message));
                newestKey.merge(producerId, message.keyId, Math::max);
                if (SourceAction.ADDED == message.action)
                {
                    final long expected = null == atJoin ? 0 : switchedAt.get(producerId).get(message.keyId);
                    assertEquals(expected, message.graceMs, "start position");
                    publisherClient(producerId).announcedTo.add(client.sessionId);
                }
            }
            if (!client.gone && !client.left)
            {
                final boolean letGo = SourceAction.CUT_OFF == message.action || SourceAction.REMOVED == message.action;
                if (letGo)
                {
                    client.known.remove(producerId);
                }
                client.answers.add(MachineFixture.source(letGo ? SourceAction.REMOVED : message.action, producerId,
                    message.keyId));
            }
        }

        private static boolean isLastWord(final ControlMessage message)
        {
            return GoodbyeDecoder.TEMPLATE_ID == message.templateId() ||
                RefusalDecoder.TEMPLATE_ID == message.templateId();
        }

        private Client client(final long sessionId)
        {
            return clients.stream().filter((c) -> c.sessionId == sessionId).findFirst().orElseThrow();
        }

        private Client publisherClient(final int producerId)
        {
            return clients.stream().filter((c) -> c.producerId == producerId).findFirst().orElseThrow();
        }
    }

    /**
     * An honest client: it answers each message in order, and stops once it said goodbye or was told its session
     * ended.
     */
    private static final class Client
    {
        final long sessionId;
        final int producerId;
        final ArrayDeque<ControlMessage> answers = new ArrayDeque<>();
        final Set<Long> announcedTo = new HashSet<>();
        /** A subscriber's producers: told ADDED, not yet let go of. */
        final Set<Integer> known = new HashSet<>();
        RouterEndpoint endpoint;
        int keyId = 1;
        long position;
        boolean left;
        boolean gone;

        Client(final long sessionId, final int producerId)
        {
            this.sessionId = sessionId;
            this.producerId = producerId;
        }

        void goneNow()
        {
            gone = true;
            answers.clear();
        }
    }
}
