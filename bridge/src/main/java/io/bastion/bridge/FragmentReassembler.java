package io.bastion.bridge;

import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reassembles the fragments of Aeron messages, per image (session id), in a fixed number of buffers allocated up
 * front, for {@link BridgeReceiver}: a whole message (begin and end flags) passes straight through; a fragmented one is
 * gathered and passed on when its end arrives. Hostile input is bounded: a message longer than a buffer is refused
 * once ({@link BridgeRejectReason#FRAGMENT_TOO_LONG}) and the rest of it skipped; a middle or end fragment without a
 * begin, or a partial message cut off by a new begin of its image, is {@link BridgeRejectReason#FRAGMENT_OUT_OF_ORDER};
 * a begin when every buffer is taken evicts the partial message least recently added to
 * ({@link BridgeRejectReason#FRAGMENT_EVICTED}), so no image can hold the others out for good.
 * <p>
 * Allocates nothing after construction. Thread safety: none; the receiving thread only.
 */
final class FragmentReassembler
{
    /** Where whole messages go. */
    @FunctionalInterface
    interface MessageHandler
    {
        /**
         * One whole message.
         *
         * @param buffer      holds it; a reassembled message's buffer is left untouched until the next begin
         *                    fragment, so copy it before taking another fragment.
         * @param offset      where it starts.
         * @param length      its length.
         * @param reassembled whether it came in several fragments.
         */
        void onMessage(DirectBuffer buffer, int offset, int length, boolean reassembled);
    }

    private final Reassembly[] reassemblies;
    private final BridgeCounters counters;
    private final MessageHandler handler;
    private long fragmentClock;

    /**
     * Allocate the buffers.
     *
     * @param partialMessages how many messages may be in reassembly at once.
     * @param maxMessage      the longest message, in bytes.
     * @param counters        where refusals are counted.
     * @param handler         where whole messages go.
     */
    FragmentReassembler(
        final int partialMessages, final int maxMessage, final BridgeCounters counters, final MessageHandler handler)
    {
        this.reassemblies = new Reassembly[partialMessages];
        for (int i = 0; i < partialMessages; i++)
        {
            reassemblies[i] = new Reassembly(maxMessage);
        }
        this.counters = counters;
        this.handler = handler;
    }

    /**
     * One message being reassembled from an Aeron image's fragments, in a buffer preallocated at launch.
     */
    private static final class Reassembly
    {
        static final int FREE = 0;
        static final int ASSEMBLING = 1;
        static final int SKIPPING = 2;

        final UnsafeBuffer buffer;
        int state = FREE;
        int sessionId;
        int length;
        long touched;

        Reassembly(final int capacity)
        {
            buffer = new UnsafeBuffer(new byte[capacity]);
        }

        void free()
        {
            state = FREE;
            length = 0;
        }
    }

    /**
     * Take one fragment: a whole message goes to the handler at once, a begin, middle or end fragment into the
     * reassembly of its image, and a completed message to the handler.
     *
     * @param buffer holds the fragment.
     * @param offset where it starts.
     * @param length its length.
     * @param header its Aeron header (flags and session id are read).
     */
    void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte flags = header.flags();
        final int sessionId = header.sessionId();
        final Reassembly partial = reassemblyOf(sessionId);
        if ((flags & DataHeaderFlyweight.BEGIN_FLAG) != 0)
        {
            if (null != partial)
            {
                // A begin while a message of the same image is in progress: the partial message is refused.
                if (Reassembly.ASSEMBLING == partial.state)
                {
                    counters.rejected(BridgeRejectReason.FRAGMENT_OUT_OF_ORDER);
                }
                partial.free();
            }
            if ((flags & DataHeaderFlyweight.END_FLAG) != 0)
            {
                handler.onMessage(buffer, offset, length, false);
                return;
            }
            begin(sessionId, buffer, offset, length);
            return;
        }
        if (null == partial)
        {
            counters.rejected(BridgeRejectReason.FRAGMENT_OUT_OF_ORDER);
            return;
        }
        final boolean end = (flags & DataHeaderFlyweight.END_FLAG) != 0;
        if (Reassembly.SKIPPING == partial.state)
        {
            if (end)
            {
                partial.free();
            }
            return;
        }
        partial.touched = ++fragmentClock;
        final UnsafeBuffer assembled = partial.buffer;
        if (length > assembled.capacity() - partial.length)
        {
            counters.rejected(BridgeRejectReason.FRAGMENT_TOO_LONG);
            if (end)
            {
                partial.free();
            }
            else
            {
                partial.state = Reassembly.SKIPPING;
            }
            return;
        }
        assembled.putBytes(partial.length, buffer, offset, length);
        partial.length += length;
        if (end)
        {
            final int messageLength = partial.length;
            partial.free();
            // The reassembly buffer stays untouched until the next begin, and the handler copies it first.
            handler.onMessage(assembled, 0, messageLength, true);
        }
    }

    /** The reassembly in progress (or being skipped) for an image, or null. */
    private Reassembly reassemblyOf(final int sessionId)
    {
        final Reassembly[] reassemblies = this.reassemblies;
        for (final Reassembly reassembly : reassemblies)
        {
            if (Reassembly.FREE != reassembly.state && sessionId == reassembly.sessionId)
            {
                return reassembly;
            }
        }
        return null;
    }

    private void begin(final int sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        Reassembly slot = null;
        for (final Reassembly reassembly : reassemblies)
        {
            if (Reassembly.FREE == reassembly.state)
            {
                slot = reassembly;
                break;
            }
            if (null == slot || reassembly.touched < slot.touched)
            {
                slot = reassembly;
            }
        }
        if (Reassembly.FREE != slot.state)
        {
            if (Reassembly.ASSEMBLING == slot.state)
            {
                counters.rejected(BridgeRejectReason.FRAGMENT_EVICTED);
            }
            slot.free();
        }
        slot.sessionId = sessionId;
        slot.touched = ++fragmentClock;
        if (length > slot.buffer.capacity())
        {
            counters.rejected(BridgeRejectReason.FRAGMENT_TOO_LONG);
            slot.state = Reassembly.SKIPPING;
            return;
        }
        slot.buffer.putBytes(0, buffer, offset, length);
        slot.length = length;
        slot.state = Reassembly.ASSEMBLING;
    }


    /** Forget every partial message and zero the buffers. */
    void close()
    {
        for (final Reassembly reassembly : reassemblies)
        {
            reassembly.free();
            reassembly.buffer.setMemory(0, reassembly.buffer.capacity(), (byte)0);
        }
    }
}
