package io.bastion.broker;

import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.TokenIssuer;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;

/**
 * The plain entry point: {@link #launchEmbedded()} starts a broker in this process on the defaults
 * (folder {@code $XDG_RUNTIME_DIR/bastion}, else {@code /dev/shm/bastion-$USER}, owner-only; every
 * setting also readable from the system properties {@link BrokerContext} documents).
 * <p>
 * When no token issuer key is configured, the embedded broker makes its own issuer key pair in
 * memory, so that the embedding application can issue capability tokens to the processes it
 * starts ({@link #issueToken}); the private key never touches disk. Every token it issues names
 * this broker's identity ({@link #identityPublicKey()}, made in memory too unless the context names
 * one), which is how its clients pin the broker. Hand the tokens to the processes in memory or over
 * a descriptor (their stdin, for instance), or make them single-use: a token in a file is a bearer
 * credential that any process of the same user can read.
 */
public final class Bastion implements AutoCloseable
{
    private final Broker broker;
    private final TokenIssuer issuer;
    private final SecureRandom random = new SecureRandom();

    private Bastion(final Broker broker, final TokenIssuer issuer)
    {
        this.broker = broker;
        this.issuer = issuer;
    }

    /**
     * Start a broker in this process on the defaults.
     *
     * @return the running embedded broker; close it to stop.
     * @throws IOException if the folder or socket cannot be set up.
     */
    public static Bastion launchEmbedded() throws IOException
    {
        return launchEmbedded(new BrokerContext());
    }

    /**
     * Start a broker in this process with the given context. If it names no issuer key (and the
     * system property does not), an in-memory issuer key pair is made.
     *
     * @param context the broker's settings; concluded here.
     * @return the running embedded broker; close it to stop.
     * @throws IOException if the folder or socket cannot be set up.
     */
    public static Bastion launchEmbedded(final BrokerContext context) throws IOException
    {
        TokenIssuer issuer = null;
        if (null == context.issuerPublicKey() && null == System.getProperty(BrokerContext.ISSUER_KEY_PROP))
        {
            final KeyPair issuerKeys = IssuerKeys.generate();
            context.issuerPublicKey(issuerKeys.getPublic());
            issuer = new TokenIssuer(issuerKeys.getPrivate());
        }
        return new Bastion(Broker.launch(context), issuer);
    }

    /**
     * The running broker: its socket path and identity key.
     *
     * @return the broker.
     */
    public Broker broker()
    {
        return broker;
    }

    /**
     * The broker's identity public key, which the tokens it issues name and their holders pin.
     *
     * @return the key.
     */
    public PublicKey identityPublicKey()
    {
        return broker.identityPublicKey();
    }

    /**
     * Issue a capability token with the embedded issuer key, for this broker, usable any number of times while
     * valid.
     *
     * @param subject        the user name the token is for (checked against the peer's credentials).
     * @param channelPattern an exact channel name, or a prefix ending in {@code *}.
     * @param rights         a bit set of {@link io.bastion.security.token.Right} bits.
     * @param nowMs          the current epoch time.
     * @param validityMs     how long the token is valid from now.
     * @return the signed, encoded token.
     * @throws IllegalStateException if the broker was launched with an external issuer key.
     */
    public byte[] issueToken(
        final String subject, final String channelPattern, final int rights, final long nowMs, final long validityMs)
    {
        return issueToken(subject, channelPattern, rights, nowMs, validityMs, false);
    }

    /**
     * Issue a capability token with the embedded issuer key, for this broker.
     *
     * @param subject        the user name the token is for (checked against the peer's credentials).
     * @param channelPattern an exact channel name, or a prefix ending in {@code *}.
     * @param rights         a bit set of {@link io.bastion.security.token.Right} bits.
     * @param nowMs          the current epoch time.
     * @param validityMs     how long the token is valid from now.
     * @param singleUse      true if the broker is to accept it once only.
     * @return the signed, encoded token.
     * @throws IllegalStateException if the broker was launched with an external issuer key.
     */
    public byte[] issueToken(
        final String subject,
        final String channelPattern,
        final int rights,
        final long nowMs,
        final long validityMs,
        final boolean singleUse)
    {
        if (null == issuer)
        {
            throw new IllegalStateException("this broker trusts an external token issuer");
        }
        return issuer.issue(new CapabilityToken(subject, channelPattern, rights, nowMs, nowMs + validityMs,
            random.nextLong(), IssuerKeys.rawPublic(broker.identityPublicKey()), singleUse));
    }

    /**
     * Stop the broker and remove its socket.
     */
    public void close()
    {
        broker.close();
    }
}
