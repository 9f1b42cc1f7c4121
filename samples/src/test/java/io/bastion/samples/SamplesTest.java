package io.bastion.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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

    @TempDir
    Path temp;

    @Test
    void theSubscriberReceivesEveryPriceThePublisherSends() throws Exception
    {
        final Path dir = temp.resolve("bastion");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        final Path publishToken = temp.resolve("publish.token");
        final Path subscribeToken = temp.resolve("subscribe.token");
        final Process broker = start(dir, BrokerSample.class, publishToken.toString(), subscribeToken.toString());
        try (BufferedReader brokerOut = reader(broker))
        {
            final String ready = brokerOut.readLine();
            assertTrue(null != ready && ready.startsWith("broker ready on " + dir), String.valueOf(ready));

            final Process subscriber = start(dir, SubscriberSample.class, subscribeToken.toString(), "" + MESSAGES);
            final Process publisher = start(dir, PublisherSample.class, publishToken.toString(), "" + MESSAGES);
            final List<String> published = finish(publisher);
            final List<String> received = finish(subscriber);
            final long sum = (long)MESSAGES * (MESSAGES + 1) / 2;
            assertEquals(List.of("published " + MESSAGES), published);
            assertEquals(List.of("received " + MESSAGES + " sum " + sum), received);
        }
        finally
        {
            broker.getOutputStream().close();
            assertTrue(broker.waitFor(30, TimeUnit.SECONDS));
            broker.destroyForcibly();
        }
        assertEquals(0, broker.exitValue());
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

    private Process start(final Path dir, final Class<?> main, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-Dbastion.broker.dir=" + dir,
            "-cp", System.getProperty("java.class.path"),
            main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
            .redirectError(temp.resolve(main.getSimpleName() + ".stderr").toFile())
            .start();
    }

    private List<String> finish(final Process process) throws Exception
    {
        final List<String> lines = new ArrayList<>();
        try (BufferedReader out = reader(process))
        {
            String line;
            while (null != (line = out.readLine()))
            {
                lines.add(line);
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
        }
        assertEquals(0, process.exitValue(), "exit code; stdout " + lines + "; stderr in " + temp);
        return lines;
    }

    private static BufferedReader reader(final Process process)
    {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }
}
