package io.bastion.stress;

import io.bastion.security.mac.HmacImplementation;
import io.bastion.security.mac.HmacSha256;
import io.bastion.security.mac.MacKey;
import io.bastion.security.mac.MacResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * MAC key destroyed while another thread signs and verifies with it: the engine either used the intact key or fails
 * with {@code KEY_DESTROYED}; it never hands out a tag computed from zeroed or partly zeroed key material, and never
 * accepts the tag of the zeroed pads (which anyone can compute). r1: 0 signed with the intact key's tag, 1 refused as
 * destroyed, 2 signed with any other tag, 3 any other result. r2: 0 the zero-pad forgery refused, 1 accepted.
 * <p>
 * The signing engine is the default one (the midstate path when the JVM has the provider opens, as
 * {@code run-jcstress.sh} gives it): r1 forbids any tag but the intact one, zeroed or partly zeroed midstates
 * included. The verifying engine is the pad path ({@link HmacImplementation#PADS}), the one whose zero-key forgery
 * is the simple public function below; the security module's unit test checks each implementation's own forgery.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Signed before the destroy; forgery refused")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Destroyed first or meanwhile: refused")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "Signed with zeroed or partly zeroed pads")
@Outcome(id = "3, .*", expect = FORBIDDEN, desc = "Unexpected result")
@Outcome(id = "., 1", expect = FORBIDDEN, desc = "Zero-pad forgery verified")
@State
public class MacKeyDestroyRaceTest
{
    private static final int RECORD_LENGTH = 96;
    private static final int TAG_OFFSET = 16;
    private static final byte[] KEY_BYTES = "bastion jcstress key, 32 bytes.!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = data();
    private static final byte[] INTACT_TAG = intactTag();
    private static final byte[] FORGED = forged();

    private final MacKey key = new MacKey(KEY_BYTES);
    private final HmacSha256 mac = new HmacSha256();
    private final HmacSha256 padMac = new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, HmacImplementation.PADS);
    private final UnsafeBuffer record = new UnsafeBuffer(DATA.clone());
    private final UnsafeBuffer forgery = new UnsafeBuffer(FORGED.clone());
    private final byte[] tag = new byte[HmacSha256.TAG_LENGTH];

    /**
     * Signs a record, then verifies a record carrying the zero-pad tag.
     *
     * @param r the outcome.
     */
    @Actor
    public void signAndVerify(final II_Result r)
    {
        final MacResult signed = mac.signSkippingTag(key, record, 0, RECORD_LENGTH, TAG_OFFSET);
        if (MacResult.OK == signed)
        {
            record.getBytes(TAG_OFFSET, tag);
            r.r1 = Arrays.equals(INTACT_TAG, tag) ? 0 : 2;
        }
        else
        {
            r.r1 = MacResult.KEY_DESTROYED == signed ? 1 : 3;
        }
        r.r2 = MacResult.OK == padMac.verifySkippingTag(key, forgery, 0, RECORD_LENGTH, TAG_OFFSET) ? 1 : 0;
    }

    /**
     * Destroys the key.
     */
    @Actor
    public void destroy()
    {
        key.destroy();
    }

    private static byte[] data()
    {
        final byte[] data = new byte[RECORD_LENGTH];
        for (int i = 0; i < data.length; i++)
        {
            data[i] = (byte) (31 * i + 7);
        }
        return data;
    }

    private static byte[] intactTag()
    {
        final UnsafeBuffer signed = new UnsafeBuffer(DATA.clone());
        if (MacResult.OK != new HmacSha256().signSkippingTag(new MacKey(KEY_BYTES), signed, 0, RECORD_LENGTH,
            TAG_OFFSET))
        {
            throw new IllegalStateException("cannot sign");
        }
        final byte[] tag = new byte[HmacSha256.TAG_LENGTH];
        signed.getBytes(TAG_OFFSET, tag);
        return tag;
    }

    /**
     * The record with the tag of all-zero pads in its slot: SHA-256(zeros | SHA-256(zeros | data)).
     */
    private static byte[] forged()
    {
        try
        {
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(new byte[MacKey.BLOCK_LENGTH]);
            sha256.update(DATA, 0, TAG_OFFSET);
            final int after = TAG_OFFSET + HmacSha256.TAG_LENGTH;
            sha256.update(DATA, after, RECORD_LENGTH - after);
            final byte[] inner = sha256.digest();
            sha256.update(new byte[MacKey.BLOCK_LENGTH]);
            sha256.update(inner);
            final byte[] forged = DATA.clone();
            System.arraycopy(sha256.digest(), 0, forged, TAG_OFFSET, HmacSha256.TAG_LENGTH);
            return forged;
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
