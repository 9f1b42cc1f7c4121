package io.bastion.tools.token;

import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenCodec;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenCommandTest
{
    @TempDir
    Path dir;

    private Path keys;

    @BeforeEach
    void makeKeys() throws Exception
    {
        keys = dir.resolve("keys");
        assertEquals(ExitCodes.OK, BastionProcess.run(dir, "keygen", "--dir", keys.toString()).exitCode());
    }

    @Test
    void issuedTokenCarriesTheClaimsAndVerifies() throws Exception
    {
        final ChildJvm.Result issued = issue("--subject", "alice", "--channel", "prices.*",
            "--rights", "publish,Subscribe", "--valid-for", "2h", "--token-id", "42");

        assertEquals(ExitCodes.OK, issued.exitCode(), issued::toString);
        final String token = issued.stdout().strip();
        assertEquals(1, issued.stdout().lines().count(), "stdout is the token alone: " + issued);
        final CapabilityToken claims = TokenCodec.parse(Base64.getUrlDecoder().decode(token)).token();
        assertEquals("alice", claims.subject());
        assertEquals("prices.*", claims.channelPattern());
        assertEquals(Right.mask(Right.PUBLISH, Right.SUBSCRIBE), claims.rights());
        assertEquals(2 * 3600 * 1000L, claims.notAfterMs() - claims.notBeforeMs());
        assertEquals(42, claims.tokenId());
        final PublicKey broker = KeyFiles.readPublic(keys.resolve("identity.pub"));
        assertTrue(claims.isForBroker(IssuerKeys.rawPublic(broker)), "the token names the broker's identity");
        assertFalse(claims.isSingleUse());
        assertTrue(issued.stderr().contains("token 0x2a for alice on prices.* (publish,subscribe)"), issued::toString);
        assertTrue(issued.stderr().contains(", broker " + KeyFiles.fingerprint(broker) + ", issuer "),
            issued::toString);

        final ChildJvm.Result verified = verify(token, "--subject", "alice", "--channel", "prices.eur",
            "--right", "subscribe");

        assertEquals(ExitCodes.OK, verified.exitCode(), verified::toString);
        assertTrue(verified.stdout().startsWith("decision    ACCEPTED\n"), verified::toString);
        assertTrue(verified.stdout().contains("subject     alice\n"), verified::toString);
        assertTrue(verified.stdout().contains("channel     prices.*\n"), verified::toString);
        assertTrue(verified.stdout().contains("rights      publish,subscribe\n"), verified::toString);
        assertTrue(verified.stdout().contains("token id    0x2a\n"), verified::toString);
        assertTrue(verified.stdout().contains("broker      " +
            KeyFiles.fingerprint(KeyFiles.readPublic(keys.resolve("identity.pub"))) + "\n"), verified::toString);
        assertTrue(verified.stdout().contains("single use  no\n"), verified::toString);

        // Without --channel the verifier asks for a channel below the prefix; a sibling name is refused.
        assertEquals(ExitCodes.OK, verify(token).exitCode());
        assertRefused(verify(token, "--channel", "prices-secret"), "WRONG_CHANNEL");
        assertRefused(verify(token, "--channel", "prices"), "WRONG_CHANNEL");
    }

    @Test
    void theRelayRightIsIssuedAndVerifiedAsARightOfItsOwn() throws Exception
    {
        final ChildJvm.Result issued = issue("--subject", "alice", "--channel", "prices", "--rights", "relay");
        assertEquals(ExitCodes.OK, issued.exitCode(), issued::toString);
        final String token = issued.stdout().strip();
        assertEquals(Right.mask(Right.RELAY),
            TokenCodec.parse(Base64.getUrlDecoder().decode(token)).token().rights());
        assertTrue(issued.stderr().contains("on prices (relay)"), issued::toString);
        final ChildJvm.Result verified = verify(token, "--subject", "alice", "--channel", "prices", "--right", "relay");
        assertEquals(ExitCodes.OK, verified.exitCode(), verified::toString);
        assertTrue(verified.stdout().contains("rights      relay\n"), verified::toString);
        assertRefused(verify(token, "--subject", "alice", "--channel", "prices", "--right", "publish"),
            "MISSING_RIGHT");
    }

    @Test
    void aSingleUseTokenSaysSoAndATokenForAnotherBrokerIsRefused() throws Exception
    {
        final ChildJvm.Result issued = BastionProcess.run(dir, "token", "issue",
            "--issuer-key", keys.resolve("issuer.key").toString(),
            "--broker-key", keys.resolve("identity.key").toString(), "--single-use",
            "--subject", "alice", "--channel", "prices", "--rights", "publish");
        assertEquals(ExitCodes.OK, issued.exitCode(), issued::toString);
        assertTrue(issued.stderr().contains(", single use, broker "), issued::toString);
        final String token = issued.stdout().strip();
        assertTrue(TokenCodec.parse(Base64.getUrlDecoder().decode(token)).token().isSingleUse());

        final ChildJvm.Result here = verify(token, "--broker-key", keys.resolve("identity.pub").toString());
        assertEquals(ExitCodes.OK, here.exitCode(), here::toString);
        assertTrue(here.stdout().contains("single use  yes\n"), here::toString);
        assertRefused(verify(token, "--broker-key", keys.resolve("issuer.pub").toString()), "WRONG_BROKER");
    }

    @Test
    void verifyPrintsTheTypedReasonAndExitsOneWhenRefused() throws Exception
    {
        final String token = issue("--subject", "alice", "--channel", "prices", "--rights", "publish")
            .stdout().strip();

        assertRefused(verify(token, "--subject", "bob"), "WRONG_SUBJECT");
        assertRefused(verify(token, "--channel", "orders"), "WRONG_CHANNEL");
        assertRefused(verify(token, "--right", "admin"), "MISSING_RIGHT");
        final ChildJvm.Result otherIssuer = BastionProcess.run(dir, "token", "verify",
            "--issuer-public", keys.resolve("identity.pub").toString(), token);
        assertRefused(otherIssuer, "BAD_SIGNATURE");

        final byte[] bytes = Base64.getUrlDecoder().decode(token);
        bytes[bytes.length - 1] ^= 1;
        assertRefused(verify(Base64.getUrlEncoder().encodeToString(bytes)), "BAD_SIGNATURE");
        assertRefused(verify(token.substring(0, 40)), "MALFORMED (TRUNCATED)");
    }

    @Test
    void expiredAndNotYetValidTokensAreRefused() throws Exception
    {
        final String expired = issue("--subject", "alice", "--channel", "prices", "--rights", "publish",
            "--not-before", "2020-01-01T00:00:00Z", "--valid-for", "1h").stdout().strip();
        final String future = issue("--subject", "alice", "--channel", "prices", "--rights", "publish",
            "--not-before", "2999-01-01T00:00:00Z", "--valid-for", "1d").stdout().strip();

        final ChildJvm.Result old = verify(expired);
        assertRefused(old, "EXPIRED");
        assertTrue(old.stdout().contains("not after   2020-01-01T01:00:00Z ("), old::toString);
        assertRefused(verify(future), "NOT_YET_VALID");
    }

    @Test
    void tokenIsReadFromAFileOrStdinAndWrittenOwnerOnly() throws Exception
    {
        final Path file = dir.resolve("alice.token");
        final ChildJvm.Result written = issue("--subject", "alice", "--channel", "*", "--rights", "admin",
            "--out", file.toString());

        assertEquals(ExitCodes.OK, written.exitCode(), written::toString);
        assertTrue(written.stdout().startsWith("wrote token 0x"), written::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(ExitCodes.OK, verify("@" + file).exitCode());
        final ChildJvm.Result noFile = verify("@" + dir.resolve("none.token"));
        assertEquals(ExitCodes.REFUSED, noFile.exitCode(), noFile::toString);
        assertEquals("bastion: " + dir.resolve("none.token") + ": no such token file\n", noFile.stderr());
        final ChildJvm.Result fromStdin = BastionProcess.run(dir, Map.of(), Files.readString(file),
            "token", "verify", "--issuer-public", keys.resolve("issuer.pub").toString(), "-");
        assertEquals(ExitCodes.OK, fromStdin.exitCode(), fromStdin::toString);

        final ChildJvm.Result again = issue("--subject", "alice", "--channel", "*", "--rights", "admin",
            "--out", file.toString());
        assertEquals(ExitCodes.REFUSED, again.exitCode(), again::toString);
        assertTrue(again.stderr().contains("exists: not replaced unless --force is given"), again::toString);
    }

    @Test
    void issueRefusesAPrivateKeyOthersCanRead() throws Exception
    {
        final Path key = keys.resolve("issuer.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        final ChildJvm.Result result = issue("--subject", "alice", "--channel", "prices", "--rights", "publish");

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith("bastion: " + key + ": a private key must be owner-only"),
            result::toString);
        assertTrue(result.stderr().contains("MODE_TOO_WIDE"), result::toString);
        assertEquals("", result.stdout());
    }

    @Test
    void badValuesAreUsageErrors() throws Exception
    {
        assertUsage(issue("--subject", "alice", "--channel", "prices", "--rights", "publish,fly"),
            "'fly' is not a right");
        assertUsage(issue("--subject", "alice", "--channel", "prices", "--rights", "publish", "--valid-for", "soon"),
            "'soon' is not a duration");
        assertUsage(issue("--subject", "alice", "--channel", "bad pattern", "--rights", "publish"),
            "is not a channel pattern");
        assertUsage(issue("--subject", "alice", "--channel", "prices*", "--rights", "publish"),
            "is not a channel pattern");
        assertUsage(issue("--channel", "prices", "--rights", "publish"), "Missing required option: '--subject=USER'");
        assertUsage(BastionProcess.run(dir, "token", "issue", "--issuer-key", keys.resolve("issuer.key").toString(),
            "--subject", "alice", "--channel", "prices", "--rights", "publish"),
            "Missing required option: '--broker-key=FILE'");
        assertUsage(BastionProcess.run(dir, "token", "verify", "--issuer-public", "x"),
            "Missing required parameter: 'TOKEN'");
        assertUsage(BastionProcess.run(dir, "token"), "Missing required subcommand");
    }

    private ChildJvm.Result issue(final String... options) throws Exception
    {
        final String[] args = new String[options.length + 6];
        args[0] = "token";
        args[1] = "issue";
        args[2] = "--issuer-key";
        args[3] = keys.resolve("issuer.key").toString();
        args[4] = "--broker-key";
        args[5] = keys.resolve("identity.pub").toString();
        System.arraycopy(options, 0, args, 6, options.length);
        return BastionProcess.run(dir, args);
    }

    private ChildJvm.Result verify(final String token, final String... options) throws Exception
    {
        final String[] args = new String[options.length + 5];
        args[0] = "token";
        args[1] = "verify";
        args[2] = "--issuer-public";
        args[3] = keys.resolve("issuer.pub").toString();
        System.arraycopy(options, 0, args, 4, options.length);
        args[args.length - 1] = token;
        return BastionProcess.run(dir, args);
    }

    private static void assertRefused(final ChildJvm.Result result, final String decision)
    {
        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertTrue(result.stdout().startsWith("decision    " + decision), result::toString);
    }

    private static void assertUsage(final ChildJvm.Result result, final String message)
    {
        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith("bastion: "), result::toString);
        assertTrue(result.stderr().contains(message), result::toString);
    }
}
