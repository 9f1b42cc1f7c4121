package io.bastion.ringbuffer;

import org.agrona.UnsafeApi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mutable state each side of a ring writes on every call sits on cache lines no other object's fields can reach:
 * at least {@link #GUARD} bytes from the start of its object and from its last field, whatever the JVM's field layout
 * does with the gap after a compressed header.
 */
class RingStateLayoutTest
{
    /** Two cache lines: enough for adjacent-line prefetching too. */
    private static final long GUARD = 128;

    @ParameterizedTest
    @ValueSource(classes = {
        OneToOneRingProducer.class, OneToOneRingConsumer.class, ManyToOneRing.class, OneToManyRingProducer.class })
    void ringObjectsKeepNoMutableStateOfTheirOwn(final Class<?> ringClass)
    {
        for (final Field field : ringClass.getDeclaredFields())
        {
            final int modifiers = field.getModifiers();
            // The many-to-one fault is the one exception: shared by every thread, written once, when the ring faults.
            final boolean sharedFault = ManyToOneRing.class == ringClass && "fault".equals(field.getName()) &&
                Modifier.isVolatile(modifiers);
            assertTrue(Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers) || sharedFault,
                field + " is mutable: move it into the side's padded state");
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {
        OneToOneProducerState.class, OneToOneConsumerState.class, ManyToOneConsumerState.class,
        OneToManyProducerState.class })
    void mutableFieldsAreTwoCacheLinesFromEitherEndOfTheObject(final Class<?> stateClass)
    {
        final List<Long> paddingOffsets = new ArrayList<>();
        final List<Field> stateFields = new ArrayList<>();
        for (Class<?> type = stateClass; type != Object.class; type = type.getSuperclass())
        {
            for (final Field field : type.getDeclaredFields())
            {
                if (Modifier.isStatic(field.getModifiers()))
                {
                    continue;
                }
                if (field.getName().matches("[pq]\\d\\d"))
                {
                    paddingOffsets.add(UnsafeApi.objectFieldOffset(field));
                }
                else
                {
                    stateFields.add(field);
                }
            }
        }
        assertFalse(stateFields.isEmpty(), stateClass + " has no state fields");

        final long lastOffset = paddingOffsets.stream().mapToLong(Long::longValue).max().orElseThrow();
        for (final Field field : stateFields)
        {
            final long offset = UnsafeApi.objectFieldOffset(field);
            assertTrue(offset >= GUARD, field + " at offset " + offset + " is too near the object's start");
            assertTrue(lastOffset - offset >= GUARD, field + " at offset " + offset + " is too near the object's end " +
                lastOffset);
        }
    }
}
