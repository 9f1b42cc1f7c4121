package io.bastion.tools;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layering the README and docs/ARCHITECTURE.md promise, checked on the main sources of every module: no package
 * cycle anywhere, the three bottom modules never import each other, and the client and the broker never import each
 * other. Read from the source tree (the test runs in {@code tools/}, beside the other modules), imports and fully
 * qualified names alike.
 */
class ArchitectureTest
{
    private static final Pattern PACKAGE = Pattern.compile("^package (io\\.bastion[\\w.]*);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.bastion(?:\\.[a-z]\\w*)+)\\.[A-Z]");

    private static final Map<String, Set<String>> USES = new HashMap<>();
    private static final Map<String, String> MODULE_OF = new HashMap<>();

    @BeforeAll
    static void readSources() throws IOException
    {
        final Path root = Path.of("").toAbsolutePath().getParent();
        try (Stream<Path> modules = Files.list(root))
        {
            for (final Path module : modules.filter(Files::isDirectory).toList())
            {
                final Path sources = module.resolve("src/main/java");
                if (Files.isDirectory(sources))
                {
                    read(module.getFileName().toString(), sources);
                }
            }
        }
        assertTrue(MODULE_OF.containsValue("broker") && MODULE_OF.containsValue("client"), "modules found");
    }

    private static void read(final String module, final Path sources) throws IOException
    {
        final List<Path> files;
        try (Stream<Path> walk = Files.walk(sources))
        {
            files = walk.filter((p) -> p.toString().endsWith(".java")).toList();
        }
        final List<String[]> references = new ArrayList<>();
        for (final Path file : files)
        {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            final Matcher pkg = PACKAGE.matcher(text);
            if (!pkg.find())
            {
                continue;
            }
            MODULE_OF.put(pkg.group(1), module);
            final Matcher reference = REFERENCE.matcher(text);
            while (reference.find())
            {
                references.add(new String[]{pkg.group(1), reference.group(1)});
            }
        }
        for (final String[] reference : references)
        {
            if (!reference[0].equals(reference[1]))
            {
                USES.computeIfAbsent(reference[0], (k) -> new TreeSet<>()).add(reference[1]);
            }
        }
    }

    @Test
    void noPackageCycle()
    {
        final Set<String> cycles = new TreeSet<>();
        for (final String from : USES.keySet())
        {
            for (final String to : USES.get(from))
            {
                if (reaches(to, from))
                {
                    cycles.add(from + " <-> " + to);
                }
            }
        }
        assertEquals(Set.of(), cycles);
    }

    @Test
    void ringbufferCodecAndSecurityNeverImportEachOther()
    {
        assertEquals(Set.of(), crossings(Set.of("ringbuffer", "codec", "security"),
            Set.of("ringbuffer", "codec", "security")));
    }

    @Test
    void clientAndBrokerNeverImportEachOtherAndChannelImportsNeither()
    {
        assertEquals(Set.of(), crossings(Set.of("client"), Set.of("broker")));
        assertEquals(Set.of(), crossings(Set.of("broker"), Set.of("client")));
        assertEquals(Set.of(), crossings(Set.of("channel"), Set.of("client", "broker", "tools")));
    }

    private static Set<String> crossings(final Set<String> fromModules, final Set<String> toModules)
    {
        final Set<String> found = new TreeSet<>();
        USES.forEach((from, targets) ->
        {
            final String fromModule = MODULE_OF.get(from);
            for (final String to : targets)
            {
                final String toModule = moduleOf(to);
                if (fromModules.contains(fromModule) && toModules.contains(toModule) && !fromModule.equals(toModule))
                {
                    found.add(from + " -> " + to);
                }
            }
        });
        return found;
    }

    private static String moduleOf(final String reference)
    {
        String candidate = reference;
        while (!MODULE_OF.containsKey(candidate) && candidate.contains("."))
        {
            candidate = candidate.substring(0, candidate.lastIndexOf('.'));
        }
        return MODULE_OF.get(candidate);
    }

    private static boolean reaches(final String from, final String target)
    {
        final Set<String> seen = new HashSet<>();
        final List<String> todo = new ArrayList<>(List.of(from));
        while (!todo.isEmpty())
        {
            final String next = todo.remove(todo.size() - 1);
            if (next.equals(target))
            {
                return true;
            }
            if (seen.add(next))
            {
                todo.addAll(USES.getOrDefault(next, Set.of()));
            }
        }
        return false;
    }
}
