/**
 * The data path: {@link io.bastion.channel.Publisher} and {@link io.bastion.channel.Subscriber} over one-to-one and
 * many-to-one rings, {@link io.bastion.channel.FrameSealer sealing}, the ring handover
 * ({@link io.bastion.channel.SealedRing}, {@link io.bastion.channel.RingFiles}) and the counters.
 * <p>
 * <b>What another process of the same user can and cannot do</b> (a process that is no party and holds no token,
 * such as a compromised plugin; root, the kernel and timing side channels are out of scope):
 * <ul>
 * <li>It cannot open a ring on Linux. Rings are anonymous memory ({@code memfd}) with no name in any folder, handed
 * to each party by the broker as descriptors over its socket; the broker and every client mark themselves
 * non-dumpable, so {@code /proc/PID/fd}, {@code /proc/PID/mem} and {@code ptrace} of a party are closed to it.</li>
 * <li>It cannot shrink or grow a ring on Linux, and neither can a party: both regions are sealed
 * ({@code F_SEAL_SHRINK | F_SEAL_GROW}), so a mapping of a ring cannot fault.</li>
 * <li>It cannot get bytes of its choosing sealed: frames are built and sealed in the publisher's private memory and
 * only then copied into the ring ({@link io.bastion.channel.Publisher#offer}, and the private buffer of
 * {@link io.bastion.channel.FrameClaim}). Bytes it changes in a ring it can write are refused as
 * {@code BAD_TAG}.</li>
 * <li>Where anonymous sealed memory is missing (the named-file fallback, or {@code bastion.broker.sealed.rings}
 * false), rings are owner-only files in the 0700 broker folder whose names are removed once both sides mapped them
 * ({@code bastion.broker.unlink.rings}, on by default). Until then such a process can open them, read frames and
 * truncate them: a truncation stops the publisher with {@code MAPPING_FAULT} and quarantines the source with
 * {@link io.bastion.codec.RejectReason#MAPPING_FAULT} on JVMs that report a memory fault where it happens (JDK 25);
 * JDK 17 reports it asynchronously, at a later safepoint, where no library can contain it.</li>
 * <li>A party of a ring that runs as the same user as its peer can reopen its own read-only descriptor read-write
 * through {@code /proc/self/fd}: direction between parties of one user is by convention, not by the kernel; run
 * the parties as different users to make it a kernel guarantee.</li>
 * </ul>
 */
package io.bastion.channel;
