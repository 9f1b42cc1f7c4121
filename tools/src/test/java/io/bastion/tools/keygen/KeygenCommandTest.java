package io.bastion.tools.keygen;

import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeygenCommandTest
{
    @TempDir
    Path dir;

    @Test
    void writesBothKeyPairsOwnerOnlyInAFormTheOtherCommandsReadBack() throws Exception
    {
        final Path keys = dir.resolve("keys");

        final ChildJvm.Result result = BastionProcess.run(dir, "keygen", "--dir", keys.toString());

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        for (final String name : new String[]{"identity.key", "identity.pub", "issuer.key", "issuer.pub"})
        {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(name))),
                name);
        }
        final KeyPair identity = KeyFiles.readKeyPair(keys.resolve("identity.key"));
        final KeyPair issuer = KeyFiles.readKeyPair(keys.resolve("issuer.key"));
        assertEquals(identity.getPublic(), KeyFiles.readPublic(keys.resolve("identity.pub")));
        assertEquals(issuer.getPublic(), KeyFiles.readPublic(keys.resolve("issuer.pub")));
        assertNotEquals(identity.getPublic(), issuer.getPublic());
        assertTrue(result.stdout().contains("broker identity  " + KeyFiles.fingerprint(identity.getPublic())),
            result::toString);
        assertTrue(result.stdout().contains("token issuer     " + KeyFiles.fingerprint(issuer.getPublic())),
            result::toString);
        assertTrue(result.stdout().contains(KeyFiles.hex(issuer.getPublic())), result::toString);
    }

    @Test
    void refusesToReplaceKeysWithoutForce() throws Exception
    {
        final Path keys = dir.resolve("keys");
        assertEquals(ExitCodes.OK, BastionProcess.run(dir, "keygen", "--dir", keys.toString()).exitCode());
        final String before = Files.readString(keys.resolve("issuer.key"));

        final ChildJvm.Result refused = BastionProcess.run(dir, "keygen", "--dir", keys.toString());

        assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused::toString);
        assertTrue(refused.stderr().startsWith("bastion: "), refused::toString);
        assertTrue(refused.stderr().contains("exists: keys are not replaced unless --force is given"),
            refused::toString);
        assertEquals(before, Files.readString(keys.resolve("issuer.key")));

        final ChildJvm.Result forced = BastionProcess.run(dir, "keygen", "--dir", keys.toString(), "--force");

        assertEquals(ExitCodes.OK, forced.exitCode(), forced::toString);
        assertNotEquals(before, Files.readString(keys.resolve("issuer.key")));
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(keys.resolve("issuer.key"))));
    }

    @Test
    void refusesAKeyFolderOthersCanRead() throws Exception
    {
        final Path keys = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxr-xr-x"));

        final ChildJvm.Result result = BastionProcess.run(dir, "keygen", "--dir", keys.toString());

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("MODE_TOO_WIDE"), result::toString);
        try (Stream<Path> files = Files.list(keys))
        {
            assertEquals(0, files.count());
        }
    }

    @Test
    void defaultsToTheUsersConfigFolder() throws Exception
    {
        final Path config = dir.resolve("config");

        final ChildJvm.Result result =
            BastionProcess.run(dir, Map.of("XDG_CONFIG_HOME", config.toString()), "", "keygen");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        assertTrue(Files.isRegularFile(config.resolve("bastion/keys/issuer.key")), result::toString);
    }

    @Test
    void anOptionWithoutItsValueIsAUsageError() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "keygen", "--dir");

        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith("bastion: Missing required parameter for option '--dir'"),
            result::toString);
    }
}
