package io.bastion.samples;

import io.bastion.test.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the README's samples as the README says, each in its own process: a broker, a subscriber, a publisher. So the
 * README cannot drift from the API.
 */
class SamplesTest
{
    private static final int MESSAGES = 10_000;
    private static final long TIMEOUT_MS = TimeUnit.SECONDS.toMillis(60);

    @TempDir
    Path temp;

    @Test
    void theSubscriberReceivesEveryPriceThePublisherSends() throws Exception
    {
        final Path dir = temp.resolve("bastion");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        final Path publishToken = temp.resolve("publish.token");
        final Path subscribeToken = temp.resolve("subscribe.token");
        try (ChildJvm broker = start(dir, BrokerSample.class, publishToken.toString(), subscribeToken.toString()))
        {
            final String ready = broker.awaitLine("", TIMEOUT_MS);
            assertTrue(ready.startsWith("broker ready on " + dir), ready);
            try (ChildJvm subscriber = start(dir, SubscriberSample.class, subscribeToken.toString(), "" + MESSAGES);
                ChildJvm publisher = start(dir, PublisherSample.class, publishToken.toString(), "" + MESSAGES))
            {
                final List<String> published = finish(publisher);
                final List<String> received = finish(subscriber);
                final long sum = (long)MESSAGES * (MESSAGES + 1) / 2;
                assertEquals(List.of("published " + MESSAGES), published);
                assertEquals(List.of("received " + MESSAGES + " sum " + sum), received);
            }
            finally
            {
                broker.closeStdin();
            }
            assertEquals(0, broker.awaitExit(TimeUnit.SECONDS.toMillis(30)), broker::describe);
        }
    }

    @Test
    void everyLineOfTheReadmesCodeIsALineOfTheSamples() throws IOException
    {
        final String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        final List<String> sampleLines = new ArrayList<>();
        try (java.util.stream.Stream<Path> sources = Files.list(Path.of("src", "main", "java", "io", "bastion",
            "samples")))
        {
            for (final Path source : sources.toList())
            {
                Files.readAllLines(source, StandardCharsets.UTF_8).forEach((line) -> sampleLines.add(line.trim()));
            }
        }
        int blocks = 0;
        int from = readme.indexOf("```java\n");
        while (from >= 0)
        {
            final int end = readme.indexOf("```", from + 8);
            for (final String line : readme.substring(from + 8, end).split("\n"))
            {
                final String code = line.trim();
                assertTrue(code.isEmpty() || sampleLines.contains(code), "README line not in the samples: " + code);
            }
            blocks++;
            from = readme.indexOf("```java\n", end + 3);
        }
        assertEquals(3, blocks, "the publisher, subscriber and broker blocks");
    }

    private ChildJvm start(final Path dir, final Class<?> main, final String... args) throws IOException
    {
        return ChildJvm.launch(temp, main.getSimpleName(), main)
            .jvmOptions("-Dbastion.broker.dir=" + dir)
            .args(args)
            .start();
    }

    private static List<String> finish(final ChildJvm child) throws Exception
    {
        final List<String> lines = child.allStdoutLines(TIMEOUT_MS);
        assertEquals(0, child.awaitExit(TIMEOUT_MS), child::describe);
        return lines;
    }
}
