package io.bastion.security.token;

/**
 * A right that a capability token grants on the channels its pattern matches.
 * <p>
 * Each right is one bit of the token's rights byte; bits not named here are refused by the parser.
 */
public enum Right
{
    /** May publish frames on the channel. */
    PUBLISH(0x01),
    /** May subscribe to the channel. */
    SUBSCRIBE(0x02),
    /** May administer the channel (create, rotate keys, revoke). */
    ADMIN(0x04),
    /**
     * May republish frames sealed elsewhere into a channel the broker declares relayed, under an origin producer id
     * it names, with the origin's keys, which it hands to the broker (a bridge's receiving side; see
     * {@code docs/relay.md}). It grants nothing on a channel that is not relayed.
     */
    RELAY(0x08);

    /** Every bit that names a known right; any other bit in a token is refused. */
    public static final int KNOWN_BITS = 0x0F;

    private final int bit;

    Right(final int bit)
    {
        this.bit = bit;
    }

    /**
     * The bit of this right in the rights bitset.
     *
     * @return a single-bit mask.
     */
    public int bit()
    {
        return bit;
    }

    /**
     * Whether a rights bitset holds this right.
     *
     * @param rights the bitset.
     * @return true if this right's bit is set.
     */
    public boolean isIn(final int rights)
    {
        return (rights & bit) != 0;
    }

    /**
     * The bitset of the given rights.
     *
     * @param rights the rights to combine.
     * @return the bitwise OR of their bits.
     */
    public static int mask(final Right... rights)
    {
        int mask = 0;
        for (final Right right : rights)
        {
            mask |= right.bit;
        }
        return mask;
    }
}
