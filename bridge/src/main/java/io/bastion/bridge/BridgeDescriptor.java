package io.bastion.bridge;

import io.bastion.security.aead.FrameAead;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The layout of one bridge datagram: the payload of one unfragmented Aeron message. Every field is little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    version    |     type      |          reserved (0)         |  0
 *  +---------------+---------------+-------------------------------+
 *  |                         body length                           |  4
 *  +---------------------------------------------------------------+
 *  |                         session id                            |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         key id                                | 16
 *  +---------------------------------------------------------------+
 *  |                         reserved (0)                          | 20
 *  +---------------------------------------------------------------+
 *  |                         bridge sequence                       | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+ 32 = HEADER_LENGTH
 *  |                         body (body length bytes)              |
 *  +---------------------------------------------------------------+
 *  |                         tag (16 bytes, sealed types only)     |
 *  +---------------------------------------------------------------+
 * </pre>
 * A datagram's length is exactly {@code HEADER_LENGTH + body length}, plus {@link #TAG_LENGTH} for a sealed type
 * ({@link #TYPE_DATA}, {@link #TYPE_DATA_BATCH}, {@link #TYPE_CHANNEL_KEY}, {@link #TYPE_REKEY},
 * {@link #TYPE_KEEPALIVE}); anything else is refused.
 * <p>
 * Handshake types ({@link #TYPE_INIT_HELLO}, {@link #TYPE_RESP_HELLO}, {@link #TYPE_INIT_FINISH}) travel in the
 * clear with key id 0 and sequence 0; their session id is the one the initiator proposes. Sealed types carry the
 * session id, the key id of the direction key that sealed them and the bridge sequence; the body is the AEAD's
 * ciphertext, the whole header is its associated data, and the nonce is key id (4, big-endian) then sequence
 * (8, big-endian), as {@link FrameAead} builds it.
 * <p>
 * Bodies:
 * <pre>
 *  INIT_HELLO   nonce (32) | ephemeral X25519 (32) | identity Ed25519 (32)                                  96
 *  RESP_HELLO   nonce (32) | ephemeral X25519 (32) | identity Ed25519 (32) | initiator nonce (32)
 *               | signature (64)                                                                           192
 *  INIT_FINISH  signature (64)                                                                              64
 *  DATA         an inner sealed Bastion frame, byte-exact                                                    n
 *  CHANNEL_KEY  channel id (4) | producer id (4) | key id (4) | action (4) | key (32, zero but for ADDED)  48
 *  REKEY        new key id (4) | previous key id (4)                                                         8
 *  DATA_BATCH   { length (4) | an inner sealed Bastion frame } one or more times                             n
 *  KEEPALIVE    (empty: the header and the tag are the message)                                             0
 * </pre>
 */
public final class BridgeDescriptor
{
    /** Byte order of every field. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** The only wire version this build speaks. */
    public static final int VERSION = 1;

    /** Offset of the version (uint8). */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the type (uint8). */
    public static final int TYPE_OFFSET = 1;
    /** Offset of the reserved short, which must be 0. */
    public static final int RESERVED_SHORT_OFFSET = 2;
    /** Offset of the body length (int32). */
    public static final int BODY_LENGTH_OFFSET = 4;
    /** Offset of the session id (int64). */
    public static final int SESSION_ID_OFFSET = 8;
    /** Offset of the key id (int32). */
    public static final int KEY_ID_OFFSET = 16;
    /** Offset of the reserved int, which must be 0. */
    public static final int RESERVED_INT_OFFSET = 20;
    /** Offset of the bridge sequence (int64). */
    public static final int SEQUENCE_OFFSET = 24;
    /** Length of the header, and offset of the body. */
    public static final int HEADER_LENGTH = 32;
    /** Offset of the body. */
    public static final int BODY_OFFSET = HEADER_LENGTH;
    /** Length of the AEAD tag after the body of a sealed type. */
    public static final int TAG_LENGTH = FrameAead.TAG_LENGTH;

    /** Handshake, initiator to responder: nonce, ephemeral key, identity. */
    public static final int TYPE_INIT_HELLO = 1;
    /** Handshake, responder to initiator: nonce, ephemeral key, identity, the initiator's nonce, signature. */
    public static final int TYPE_RESP_HELLO = 2;
    /** Handshake, initiator to responder: the initiator's signature. */
    public static final int TYPE_INIT_FINISH = 3;
    /** Sealed: one inner sealed frame. */
    public static final int TYPE_DATA = 4;
    /** Sealed: a channel key for the receiving bridge. */
    public static final int TYPE_CHANNEL_KEY = 5;
    /** Sealed (under the new key): the sender moved to a new key id. */
    public static final int TYPE_REKEY = 6;
    /**
     * Sealed: one or more inner sealed frames under one tag, each an entry of its length
     * ({@link #BATCH_ENTRY_LENGTH_FIELD} bytes) then its bytes: what a sender that has several frames at hand sends,
     * so one AEAD seal and open covers them all.
     */
    public static final int TYPE_DATA_BATCH = 7;
    /** DATA_BATCH: length of the field (int32) before each inner frame that holds its length. */
    public static final int BATCH_ENTRY_LENGTH_FIELD = 4;
    /**
     * Sealed, with an empty body: the sender had nothing else to send for a keepalive interval. Sealed under the
     * session's direction key with a bridge sequence of its own like every sealed type, so it is authenticated and
     * replay-checked; the receiver counts it as proof that the peer is alive in this session, and dispatches nothing.
     */
    public static final int TYPE_KEEPALIVE = 8;

    /** Length of a handshake nonce. */
    public static final int NONCE_LENGTH = 32;
    /** Length of a raw X25519 or Ed25519 public key. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = 64;

    /** INIT_HELLO: offset of the nonce in the body. */
    public static final int HELLO_NONCE_OFFSET = 0;
    /** INIT_HELLO and RESP_HELLO: offset of the ephemeral key in the body. */
    public static final int HELLO_EPHEMERAL_OFFSET = HELLO_NONCE_OFFSET + NONCE_LENGTH;
    /** INIT_HELLO and RESP_HELLO: offset of the identity key in the body. */
    public static final int HELLO_IDENTITY_OFFSET = HELLO_EPHEMERAL_OFFSET + PUBLIC_KEY_LENGTH;
    /** Body length of INIT_HELLO. */
    public static final int INIT_HELLO_LENGTH = HELLO_IDENTITY_OFFSET + PUBLIC_KEY_LENGTH;
    /** RESP_HELLO: offset of the echoed initiator nonce in the body. */
    public static final int RESP_INITIATOR_NONCE_OFFSET = INIT_HELLO_LENGTH;
    /** RESP_HELLO: offset of the responder's signature in the body. */
    public static final int RESP_SIGNATURE_OFFSET = RESP_INITIATOR_NONCE_OFFSET + NONCE_LENGTH;
    /** Body length of RESP_HELLO. */
    public static final int RESP_HELLO_LENGTH = RESP_SIGNATURE_OFFSET + SIGNATURE_LENGTH;
    /** INIT_FINISH: offset of the initiator's signature in the body. */
    public static final int FINISH_SIGNATURE_OFFSET = 0;
    /** Body length of INIT_FINISH. */
    public static final int INIT_FINISH_LENGTH = SIGNATURE_LENGTH;

    /** CHANNEL_KEY: offset of the channel id in the (plain) body. */
    public static final int CHANNEL_KEY_CHANNEL_ID_OFFSET = 0;
    /** CHANNEL_KEY: offset of the producer id. */
    public static final int CHANNEL_KEY_PRODUCER_ID_OFFSET = 4;
    /** CHANNEL_KEY: offset of the key id of the channel key. */
    public static final int CHANNEL_KEY_KEY_ID_OFFSET = 8;
    /** CHANNEL_KEY: offset of the action, a {@link ChannelKeyAction#code()}. */
    public static final int CHANNEL_KEY_ACTION_OFFSET = 12;
    /** CHANNEL_KEY: offset of the key material. */
    public static final int CHANNEL_KEY_MATERIAL_OFFSET = 16;
    /** Length of the channel key material (an HMAC-SHA256 key). */
    public static final int CHANNEL_KEY_MATERIAL_LENGTH = 32;
    /** Body length of CHANNEL_KEY. */
    public static final int CHANNEL_KEY_LENGTH = CHANNEL_KEY_MATERIAL_OFFSET + CHANNEL_KEY_MATERIAL_LENGTH;

    /** REKEY: offset of the new key id. */
    public static final int REKEY_NEW_KEY_ID_OFFSET = 0;
    /** REKEY: offset of the previous key id. */
    public static final int REKEY_PREVIOUS_KEY_ID_OFFSET = 4;
    /** Body length of REKEY. */
    public static final int REKEY_LENGTH = 8;

    /** Body length of KEEPALIVE: none. */
    public static final int KEEPALIVE_LENGTH = 0;

    /** The key id of the first direction key of a session; 0 marks the clear handshake types. */
    public static final int FIRST_KEY_ID = 1;

    private BridgeDescriptor()
    {
    }

    /**
     * Whether a type is sealed under a direction key (carries a tag and is encrypted).
     *
     * @param type a type read from the wire.
     * @return true for DATA, DATA_BATCH, CHANNEL_KEY, REKEY and KEEPALIVE.
     */
    public static boolean isSealed(final int type)
    {
        return TYPE_DATA == type || TYPE_CHANNEL_KEY == type || TYPE_REKEY == type || TYPE_DATA_BATCH == type ||
            TYPE_KEEPALIVE == type;
    }

    /**
     * The length of a whole datagram with a body of {@code bodyLength} bytes.
     *
     * @param type       the type.
     * @param bodyLength the body's length.
     * @return header, body and, for a sealed type, the tag.
     */
    public static int datagramLength(final int type, final int bodyLength)
    {
        return HEADER_LENGTH + bodyLength + (isSealed(type) ? TAG_LENGTH : 0);
    }

    /**
     * Write a header; the reserved fields are zeroed.
     *
     * @param buffer     where.
     * @param type       the type.
     * @param bodyLength the body's length.
     * @param sessionId  the session id.
     * @param keyId      the key id (0 for handshake types).
     * @param sequence   the bridge sequence (0 for handshake types).
     */
    static void writeHeader(
        final MutableDirectBuffer buffer,
        final int type,
        final int bodyLength,
        final long sessionId,
        final int keyId,
        final long sequence)
    {
        buffer.putByte(VERSION_OFFSET, (byte)VERSION);
        buffer.putByte(TYPE_OFFSET, (byte)type);
        buffer.putShort(RESERVED_SHORT_OFFSET, (short)0, BYTE_ORDER);
        buffer.putInt(BODY_LENGTH_OFFSET, bodyLength, BYTE_ORDER);
        buffer.putLong(SESSION_ID_OFFSET, sessionId, BYTE_ORDER);
        buffer.putInt(KEY_ID_OFFSET, keyId, BYTE_ORDER);
        buffer.putInt(RESERVED_INT_OFFSET, 0, BYTE_ORDER);
        buffer.putLong(SEQUENCE_OFFSET, sequence, BYTE_ORDER);
    }
}
