package io.bastion.channel.shm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AccountNamesTest
{
    @Test
    void idsAreNamedAsTheFileSystemNamesThem() throws Exception
    {
        assumeTrue(SharedMemory.isSupported(), "Linux only");
        final PosixFileAttributes self = Files.readAttributes(Path.of("/proc/self"), PosixFileAttributes.class);
        final int uid = (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        final int gid = (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        assertEquals(self.owner().getName(), AccountNames.userName(uid));
        assertEquals(self.group().getName(), AccountNames.groupName(gid));
        assertEquals("nobody", AccountNames.userName(65534));
    }

    @Test
    void idsWithoutAnAccountOrOutOfRangeHaveNoName()
    {
        assertNull(AccountNames.userName(3_999_999_999L));
        assertNull(AccountNames.groupName(3_999_999_999L));
        assertNull(AccountNames.userName(-1));
        assertNull(AccountNames.groupName(0x1_0000_0000L));
    }
}
