# A same-user attacker: map a ring file read-write and replace every occurrence of one byte string with another
# of the same length. Prints how many it replaced.
import mmap
import os
import sys

path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
assert len(old) == len(new)
fd = os.open(path, os.O_RDWR)
try:
    view = mmap.mmap(fd, 0)
    count = 0
    at = view.find(old)
    while at >= 0:
        view[at:at + len(old)] = new
        count += 1
        at = view.find(old, at + len(new))
    view.flush()
    view.close()
finally:
    os.close(fd)
print(count)
