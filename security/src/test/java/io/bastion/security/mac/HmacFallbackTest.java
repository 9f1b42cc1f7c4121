package io.bastion.security.mac;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.bastion.test.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fallback, in a JVM that runs as an embedder who forgot {@code --add-opens
 * java.base/sun.security.provider=ALL-UNNAMED} would: the default engine is not the JDK path, says why, and still
 * gives the tags of RFC 4231 and {@code javax.crypto.Mac}. And the {@code bastion.hmac.impl} property, in a JVM that
 * has the option, puts the named implementation first.
 */
class HmacFallbackTest
{
    private static final String CASES = "2000";
    private static final long TIMEOUT_MS = TimeUnit.SECONDS.toMillis(60);

    @Test
    void withoutTheOpensTheDefaultFallsBackAndGivesTheSameTags(@TempDir final Path dir)
            throws IOException, InterruptedException
    {
        final ChildJvm.Result result = ChildJvm.launch(dir, "hmac-no-opens", HmacFallbackMain.class)
            .withoutDigestOpens()
            .classPath(classPath())
            .args(CASES)
            .run("", TIMEOUT_MS);

        final List<String> lines = lines(result);
        final String reason = value(lines, HmacFallbackMain.JDK_STATE_REASON, result);
        assertTrue(reason.contains("add-opens") && reason.contains("sun.security.provider"), reason);
        assertEquals(HmacImplementation.PADS.id(), value(lines, HmacFallbackMain.IMPLEMENTATION, result),
            result.toString());
        assertEquals("ok 2007", value(lines, HmacFallbackMain.TAGS, result), result.toString());
    }

    @Test
    void thePropertyPutsTheNamedImplementationFirst(@TempDir final Path dir) throws IOException, InterruptedException
    {
        final ChildJvm.Result result = ChildJvm.launch(dir, "hmac-pure-java", HmacFallbackMain.class)
            .jvmOptions("-Xmx128m", "-Dbastion.hmac.impl=pure-java")
            .classPath(classPath())
            .args("200")
            .run("", TIMEOUT_MS);

        final List<String> lines = lines(result);
        assertEquals("", value(lines, HmacFallbackMain.JDK_STATE_REASON, result), "the opens is there");
        assertEquals(HmacImplementation.PURE_JAVA.id(), value(lines, HmacFallbackMain.IMPLEMENTATION, result));
        assertEquals("ok 207", value(lines, HmacFallbackMain.TAGS, result), result.toString());
    }

    private static String classPath()
    {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static List<String> lines(final ChildJvm.Result result)
    {
        assertEquals(0, result.exitCode(), result.toString());
        return result.stdout().lines().toList();
    }

    private static String value(final List<String> lines, final String prefix, final ChildJvm.Result result)
    {
        final List<String> found = lines.stream().filter((line) -> line.startsWith(prefix)).toList();
        assertEquals(1, found.size(), prefix + " in " + result);
        return found.get(0).substring(prefix.length());
    }
}
