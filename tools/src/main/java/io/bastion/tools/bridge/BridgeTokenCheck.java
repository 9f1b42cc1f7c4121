package io.bastion.tools.bridge;

import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.ChannelPattern;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenCodec;
import io.bastion.security.token.TokenParseResult;
import io.bastion.tools.cli.Texts;

import java.util.List;
import java.util.Locale;

/**
 * The early, friendly check of a token {@code bastion bridge} is given, before anything starts: the claims the broker
 * would refuse the bridge's subscriptions or relays for, read with the project's own parser
 * ({@link TokenCodec#parse(byte[])}), in the order the broker's {@code TokenVerifier} checks them: well-formed, the
 * broker it names, the validity window, the subject, the channel pattern over every channel, the right.
 * <p>
 * <b>The broker remains the authority.</b> This check has no issuer key, so it does not verify the signature, and no
 * revocation list: a token that passes here can still be refused at connect (forged, altered, revoked). It only
 * turns a refusal that would come later (a relay token's first use is when the peer's first key arrives) into a
 * message up front. It never accepts what the broker refuses in its place, and refuses nothing the broker would
 * accept for these channels and this right at this time.
 * <p>
 * A pure function of its inputs and the given time, so that each refusal has a unit test.
 */
final class BridgeTokenCheck
{
    private BridgeTokenCheck()
    {
    }

    /**
     * Why a token would not do for a bridge's channels, or null if its claims would.
     *
     * @param encoded   the token bytes as read from its file.
     * @param required  the right every channel needs: {@link Right#SUBSCRIBE} to forward, {@link Right#RELAY} to
     *                  relay.
     * @param option    the option naming the channels ({@code --forward} or {@code --relay}), for the message.
     * @param channels  the channels the token must cover.
     * @param brokerKey the raw identity public key of the local broker, or null not to check the broker.
     * @param user      the user this process runs as (the subject the broker checks), or null not to check it.
     * @param nowMs     the time, epoch milliseconds.
     * @return the reason, one line, or null if the claims would do.
     */
    static String refusal(
        final byte[] encoded,
        final Right required,
        final String option,
        final List<String> channels,
        final byte[] brokerKey,
        final String user,
        final long nowMs)
    {
        final TokenParseResult parsed = TokenCodec.parse(encoded);
        if (!parsed.isOk())
        {
            return "not a capability token (" + parsed.reason() + ")";
        }
        final CapabilityToken token = parsed.token();
        if (null != brokerKey && !token.isForBroker(brokerKey))
        {
            return "issued for another broker (" + IssuerKeys.fingerprint(token.brokerKey()) + ") than the local " +
                "one (" + IssuerKeys.fingerprint(brokerKey) + ", the --identity key)";
        }
        if (nowMs < token.notBeforeMs())
        {
            return "not valid before " + Texts.instant(token.notBeforeMs()) + " (" +
                Texts.relative(token.notBeforeMs(), nowMs) + ")";
        }
        if (nowMs >= token.notAfterMs())
        {
            return "expired " + Texts.instant(token.notAfterMs()) + " (" +
                Texts.relative(token.notAfterMs(), nowMs) + ")";
        }
        if (null != user && !token.subject().equals(user))
        {
            return "issued for user '" + Texts.printable(token.subject()) + "', but the bridge runs as '" +
                Texts.printable(user) + "'";
        }
        for (final String channel : channels)
        {
            if (!ChannelPattern.matches(token.channelPattern(), channel))
            {
                return "its channel pattern '" + token.channelPattern() + "' does not cover " + option + " " +
                    channel;
            }
        }
        if (!token.grants(required))
        {
            return "grants " + rights(token.rights()) + " but not " + required.name().toLowerCase(Locale.ROOT) +
                ", which " + option + " needs";
        }
        return null;
    }

    private static String rights(final int bits)
    {
        final StringBuilder names = new StringBuilder();
        for (final Right right : Right.values())
        {
            if (right.isIn(bits))
            {
                names.append(names.length() == 0 ? "" : ",").append(right.name().toLowerCase(Locale.ROOT));
            }
        }
        return names.toString();
    }
}
