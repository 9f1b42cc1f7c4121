/**
 * Anonymous, sealed shared memory for rings, Linux only (x86_64, aarch64), through JNA.
 * <p>
 * Contract: call {@link io.bastion.channel.shm.SharedMemory#isSupported()} first; when it is false (another OS or
 * architecture, a kernel or seccomp filter without {@code memfd_create}, or JNA unable to load), call nothing else
 * in this package. No class here loads JNA before one of its methods needs it.
 * <p>
 * The producer side {@link io.bastion.channel.shm.SharedMemory#createSealed creates} a memfd whose size is sealed
 * (mode 0600, close-on-exec, zero-filled), {@link io.bastion.channel.shm.SharedMemory#map maps} it writable, and
 * hands a peer a {@link io.bastion.channel.shm.SharedMemory#readOnlyDescriptor read-only reopen} (passing descriptors
 * between processes is not part of this package). The receiving side calls
 * {@link io.bastion.channel.shm.SharedMemory#checkSealed checkSealed} on every descriptor it is handed, before it maps
 * it, and maps it read-only; a descriptor that fails throws a typed
 * {@link io.bastion.channel.shm.SharedMemoryException}. Each {@link io.bastion.channel.shm.MappedRegion} is unmapped
 * once by its owner when no thread touches it any more; a region outlives its descriptor.
 * <p>
 * What the kernel enforces: a read-only descriptor gives only read-only mappings (no {@code mprotect} upgrade) and
 * cannot add seals; the sealed size cannot change, so a mapping never faults past the end. A process of another user
 * cannot reopen the memfd for writing (mode 0600) unless it has {@code CAP_DAC_OVERRIDE}; a process of the same user
 * can, and can read a dumpable process's descriptors through {@code /proc/PID/fd}, which
 * {@link io.bastion.channel.shm.ProcessHardening#disableDumping()} closes. The one writer of a region therefore
 * {@link io.bastion.channel.shm.SharedMemory#sealFutureWrites seals future writes} right after it maps it: from then on
 * no descriptor, not even one reopened read-write by a process of the same user, gives a writable mapping or a
 * {@code write}; readers that share a region with readers they do not trust check that seal
 * ({@link io.bastion.channel.shm.SharedMemory#checkSealedAgainstWriters}).
 * <p>
 * JNA unpacks its native stub on first use into {@code -Djna.tmpdir} if set, else {@code ~/.cache/JNA/temp}, else
 * {@code java.io.tmpdir}. For a service account whose home is unusable (such as {@code nobody}), set
 * {@code -Djna.tmpdir} (or {@code -Djava.io.tmpdir}) to a directory it can write and that is not mounted
 * {@code noexec}. On JDK 24 and later, {@code --enable-native-access=ALL-UNNAMED} silences the JDK's warning about
 * JNA's {@code System.load}.
 */
package io.bastion.channel.shm;
