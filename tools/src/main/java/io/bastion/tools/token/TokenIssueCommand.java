package io.bastion.tools.token;

import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.ChannelPattern;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.TokenIssuer;
import io.bastion.tools.cli.DurationConverter;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import io.bastion.tools.cli.Texts;
import io.bastion.tools.cli.TokenText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code bastion token issue}: signs a capability token with the issuer's private key.
 */
@Command(
    name = "issue",
    mixinStandardHelpOptions = true,
    header = "Issue a capability token.",
    description = {
        "Issue a capability token signed with the issuer key, and print it as one line of base64 (or write it to " +
            "--out, owner-only).",
        "",
        "The broker accepts it from a process of user SUBJECT asking for a channel the PATTERN matches with a " +
            "right it grants, between not-before and not-after; only the broker whose identity --broker-key names " +
            "accepts it, and its holder pins that broker from it. With --single-use the broker accepts it once.",
        "",
        "A token in a file is a bearer credential any process of the user can read: prefer handing it over stdin " +
            "('publish --token -') or a descriptor ('--token-fd N'), or make it --single-use and short-lived."
    })
final class TokenIssueCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--issuer-key", required = true, paramLabel = "FILE",
        description = "The issuer's private key (issuer.key from 'bastion keygen'), owner-only.")
    private Path issuerKey;

    @Option(names = "--broker-key", required = true, paramLabel = "FILE",
        description = "The broker the token is for: its identity public key (identity.pub from 'bastion keygen') or " +
            "its identity key file (identity.key).")
    private Path brokerKey;

    @Option(names = "--single-use", description = "The broker accepts the token once (then refuses it as a replay).")
    private boolean singleUse;

    @Option(names = "--subject", required = true, paramLabel = "USER",
        description = "The user name the token is for, as the kernel reports the peer.")
    private String subject;

    @Option(names = "--channel", required = true, paramLabel = "PATTERN",
        description = "A channel name; or NAME.* for every channel below NAME (on a dot boundary: prices.* " +
            "matches prices.eu, not prices or prices-x); or a lone * for every channel.")
    private String channel;

    @Option(names = "--rights", required = true, paramLabel = "LIST", converter = RightsConverter.class,
        description = "Comma-separated rights: publish, subscribe, admin, relay (republish frames sealed on " +
            "another host into a relayed channel).")
    private int rights;

    @Option(names = "--valid-for", paramLabel = "DURATION", converter = DurationConverter.class,
        defaultValue = "1h", description = "How long it is valid from not-before: 90s, 15m, 1h, 7d (default: " +
            "${DEFAULT-VALUE}).")
    private Duration validFor;

    @Option(names = "--not-before", paramLabel = "INSTANT", converter = InstantConverter.class,
        description = "First valid instant, ISO-8601 UTC such as 2026-01-02T03:04:05Z (default: now).")
    private Instant notBefore;

    @Option(names = "--token-id", paramLabel = "ID",
        description = "The id to revoke it by (default: random).")
    private Long tokenId;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the token to FILE, mode 0600.")
    private Path out;

    @Option(names = {"-f", "--force"}, description = "Replace the --out file if it exists.")
    private boolean force;

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException
    {
        final PublicKey broker = KeyFiles.readPublic(brokerKey);
        final CapabilityToken claims = claims(broker);
        final KeyPair issuer = KeyFiles.readKeyPair(issuerKey);
        final byte[] token = new TokenIssuer(issuer.getPrivate()).issue(claims);
        final String text = TokenText.encode(token);
        final String summary = "token 0x" + Long.toHexString(claims.tokenId()) + " for " + claims.subject() +
            " on " + claims.channelPattern() + " (" + RightsConverter.format(claims.rights()) + ") valid " +
            Texts.instant(claims.notBeforeMs()) + " to " + Texts.instant(claims.notAfterMs()) +
            (claims.isSingleUse() ? ", single use" : "") + ", broker " + KeyFiles.fingerprint(broker) + ", issuer " +
            KeyFiles.fingerprint(issuer.getPublic());
        if (null == out)
        {
            final PrintWriter stdout = spec.commandLine().getOut();
            stdout.println(text);
            stdout.flush();
            // The summary goes to stderr, so that stdout is the token alone for scripts.
            final PrintWriter err = spec.commandLine().getErr();
            err.println(summary);
            err.flush();
        }
        else
        {
            OwnerOnlyOutput.write(out, (text + "\n").getBytes(StandardCharsets.US_ASCII), force);
            final PrintWriter stdout = spec.commandLine().getOut();
            stdout.println("wrote " + summary + " to " + out);
            stdout.flush();
        }
        return ExitCodes.OK;
    }

    private CapabilityToken claims(final PublicKey broker)
    {
        if (!CapabilityToken.isValidSubject(subject))
        {
            throw new ParameterException(spec.commandLine(), "--subject must be 1 to " +
                CapabilityToken.MAX_SUBJECT_BYTES + " bytes without control characters");
        }
        if (!ChannelPattern.isValidPattern(channel))
        {
            throw new ParameterException(spec.commandLine(), "--channel '" + Texts.printable(channel) +
                "' is not a channel pattern: 1 to " + ChannelPattern.MAX_LENGTH +
                " of [A-Za-z0-9._:/-], optionally ending in .* (or a lone *)");
        }
        final long start = null == notBefore ? System.currentTimeMillis() : notBefore.toEpochMilli();
        if (start < 0)
        {
            throw new ParameterException(spec.commandLine(), "--not-before must not be before 1970");
        }
        final long end;
        try
        {
            end = Math.addExact(start, validFor.toMillis());
        }
        catch (final ArithmeticException ex)
        {
            throw new ParameterException(spec.commandLine(), "--valid-for is too long");
        }
        final long id = null == tokenId ? new SecureRandom().nextLong() : tokenId;
        return new CapabilityToken(subject, channel, rights, start, end, id, IssuerKeys.rawPublic(broker), singleUse);
    }
}
