package io.bastion.tools.token;

import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.ChannelPattern;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.RevocationList;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenCodec;
import io.bastion.security.token.TokenDecision;
import io.bastion.security.token.TokenParseResult;
import io.bastion.security.token.TokenVerification;
import io.bastion.security.token.TokenVerifier;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import io.bastion.tools.cli.Texts;
import io.bastion.tools.cli.TokenText;
import org.agrona.concurrent.SystemEpochClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code bastion token verify}: checks a token as the broker would, and shows its claims.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    header = "Verify a capability token and show its claims.",
    description = {
        "Verify a capability token as the broker does: format, signature under the issuer's public key, the broker " +
            "it names (when --broker-key is given), validity window now, and, when given, subject, channel and " +
            "right. Prints the claims (the broker's fingerprint and whether it is single-use among them) and the " +
            "decision; exits 0 when ACCEPTED and 1 with the typed reason otherwise.",
        "",
        "Without --subject, --channel or --right, the token's own subject, a channel its pattern matches and the " +
            "first right it grants are used, so that only format, signature and validity are checked."
    })
final class TokenVerifyCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--issuer-public", required = true, paramLabel = "FILE",
        description = "The issuer's public key (issuer.pub from 'bastion keygen').")
    private Path issuerPublic;

    @Option(names = "--broker-key", paramLabel = "FILE",
        description = "The broker to check the token against (identity.pub or identity.key): WRONG_BROKER if the " +
            "token names another.")
    private Path brokerKey;

    @Option(names = "--subject", paramLabel = "USER", description = "The user presenting the token.")
    private String subject;

    @Option(names = "--channel", paramLabel = "NAME", description = "The channel asked for.")
    private String channel;

    @Option(names = "--right", paramLabel = "RIGHT", description = "The right asked for: ${COMPLETION-CANDIDATES}.")
    private Right right;

    @Parameters(index = "0", paramLabel = "TOKEN",
        description = "The token as 'bastion token issue' prints it, or @FILE, or - for stdin.")
    private String tokenArgument;

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException
    {
        final TokenVerifier verifier = null == brokerKey ?
            TokenVerifier.forAnyBroker(KeyFiles.readPublic(issuerPublic), new RevocationList(),
                SystemEpochClock.INSTANCE) :
            new TokenVerifier(KeyFiles.readPublic(issuerPublic), KeyFiles.readPublic(brokerKey), new RevocationList(),
                SystemEpochClock.INSTANCE);
        final byte[] encoded = TokenText.read(tokenArgument, System.in);
        final PrintWriter out = spec.commandLine().getOut();
        final TokenParseResult parsed = TokenCodec.parse(encoded);
        if (!parsed.isOk())
        {
            out.println("decision    " + TokenDecision.MALFORMED + " (" + parsed.reason() + ")");
            out.flush();
            return ExitCodes.REFUSED;
        }
        final CapabilityToken claims = parsed.token();
        final TokenVerification verification = verifier.verify(encoded,
            null == subject ? claims.subject() : subject,
            null == channel ? ChannelPattern.exampleChannel(claims.channelPattern()) : channel,
            null == right ? firstRight(claims.rights()) : right);
        print(out, verification.token(), verification.decision());
        return verification.isAccepted() ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private static void print(final PrintWriter out, final CapabilityToken token, final TokenDecision decision)
    {
        final long now = System.currentTimeMillis();
        out.println("decision    " + decision);
        out.println("subject     " + Texts.printable(token.subject()));
        out.println("channel     " + token.channelPattern());
        out.println("rights      " + RightsConverter.format(token.rights()));
        out.println("not before  " + Texts.instant(token.notBeforeMs()) + " (" +
            Texts.relative(token.notBeforeMs(), now) + ")");
        out.println("not after   " + Texts.instant(token.notAfterMs()) + " (" +
            Texts.relative(token.notAfterMs(), now) + ")");
        out.println("token id    0x" + Long.toHexString(token.tokenId()));
        out.println("broker      " + IssuerKeys.fingerprint(token.brokerKey()));
        out.println("single use  " + (token.isSingleUse() ? "yes" : "no"));
        out.flush();
    }

    private static Right firstRight(final int rights)
    {
        for (final Right candidate : Right.values())
        {
            if (candidate.isIn(rights))
            {
                return candidate;
            }
        }
        return Right.PUBLISH;
    }
}
