package io.bastion.channel.process;

import io.bastion.test.TestFolders;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.Subscriber;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditLogConfig;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.rate.QuarantinePolicy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A ring fault reaches the audit log under its own name, through the rejection handler, as every other refusal does:
 * the reason written is the ring's fault, never a stand-in such as a record-length reason for every fault.
 */
class RingFaultAuditTest
{
    private static final int CAPACITY = 4096;
    private static final int PRODUCER_ID = 7;

    @TempDir
    Path temp;

    @Test
    void eachConsumerFaultIsAuditedByItsOwnName() throws Exception
    {
        final long[][] headers = {
            {CAPACITY + 8, 1, RejectReason.RECORD_LENGTH_OUT_OF_RANGE.code()},
            {64, 0, RejectReason.RECORD_TYPE_INVALID.code()},
            {64, RecordDescriptor.PADDING_TYPE_ID, RejectReason.PADDING_INVALID.code()},
        };
        for (final long[] header : headers)
        {
            final RejectReason expected = RejectReason.fromCode((int)header[2]);
            final Path auditDir = TestFolders.ownerOnly(temp, expected.name()).resolve("audit");
            final AuditLog audit = AuditLog.open(new AuditLogConfig().directory(auditDir).baseName("channel"));
            final AuditingRejections rejections = new AuditingRejections(audit);
            final ChannelCounters counters = Wire.counters("sub");
            final KeyRing keys = new KeyRing(
                Wire.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
            final Subscriber subscriber = new Subscriber(Wire.CHANNEL_ID, Wire.MAX_FRAME, new HmacFrameSealer(keys),
                new QuarantinePolicy(4, 100, 600_000_000_000L, Long.MAX_VALUE), rejections,
                SystemEpochClock.INSTANCE, counters);
            final UnsafeBuffer producerRegion = new UnsafeBuffer(
                ByteBuffer.allocateDirect(OneToOneRingDescriptor.producerRegionLength(CAPACITY)));
            final UnsafeBuffer consumerRegion = new UnsafeBuffer(
                ByteBuffer.allocateDirect(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH));
            final int source = subscriber.addSource(
                new OneToOneRingConsumer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE), PRODUCER_ID);

            producerRegion.putLongVolatile(0, RecordDescriptor.header((int)header[0], (int)header[1]));
            final FrameHandler never = (buffer, offset, length, frame) -> fail("dispatched from a corrupt ring");
            subscriber.poll(never, 10);
            audit.close();

            assertEquals(1, rejections.count(source, expected), rejections.describe());
            assertEquals(1, counters.rejected(expected), expected.name());
            final List<String> audited = new ArrayList<>();
            for (final AuditRecord record : AuditFiles.readAll(auditDir, "channel"))
            {
                if (AuditEventType.CHECKPOINT != record.type())
                {
                    audited.add(record.type() + " " + record.detail());
                }
            }
            assertEquals(List.of(AuditEventType.FRAME_REJECTED + " " + expected.name(),
                AuditEventType.QUARANTINED + " threshold"), audited);
        }
    }
}
