package io.bastion.security.token;

/**
 * What {@link SingleUseTokens#use} decided about one use of a single-use token.
 */
public enum SingleUseStatus
{
    /** The first use: recorded, the token may open this session. */
    FIRST_USE,
    /** The token id was used before on this broker: a replay, refused. */
    REPLAYED,
    /** The registry holds as many live single-use tokens as it may: refused (fail closed) until some expire. */
    FULL
}
