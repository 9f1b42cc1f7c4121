package io.bastion.bridge;

import org.agrona.DirectBuffer;

/**
 * Receives each inner sealed frame a {@link BridgeReceiver} accepted: decrypted, its bridge sequence admitted by the
 * replay window, and structurally valid. The inner frame's own HMAC tag is not checked by the bridge; verify it with
 * the channel key (see {@link ChannelKeyHandler}) before trusting the frame.
 */
@FunctionalInterface
public interface BridgeFrameHandler
{
    /**
     * One frame. The buffer is the receiver's private copy, valid only during the call: copy what you keep.
     *
     * @param buffer   holds the frame.
     * @param offset   where it starts.
     * @param length   its length, exactly the inner frame's total length.
     * @param sequence the bridge sequence it travelled under.
     */
    void onFrame(DirectBuffer buffer, int offset, int length, long sequence);
}
