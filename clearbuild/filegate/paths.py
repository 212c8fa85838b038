"""Open a file an export names without ever leaving the export or following a link.

The path is checked as text first (relative, no ``..``, no backslash or drive colon), then opened
one component at a time from the export folder with O_NOFOLLOW: a symbolic link anywhere on the
path (the file itself or any folder above it, pointing outside the export or inside it) fails
the open instead of being followed, so there is no moment between a check and a copy at which a
link could be swapped in. Only regular files are opened (a FIFO or a device is refused without
blocking). The export folder itself is the operator's setting and may be reached through a link.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class FileRefused(Exception):
    """A file an export names that must not be published; the message says why, for officials."""


def parts(rel: str) -> list[str]:
    """The path's components; FileRefused when it could leave the export folder."""
    if (not rel or rel.startswith("/") or "\\" in rel or ":" in rel or "\x00" in rel
            or any(p in ("", ".", "..") for p in rel.split("/"))):
        raise FileRefused("file path must be relative, inside the export")
    return list(PurePosixPath(rel).parts)


def open_inside(base: str | Path, rel: str) -> int:
    """A read-only descriptor of ``base/rel``, opened with no link followed; FileRefused otherwise.
    The caller closes it."""
    names = parts(rel)
    fd = os.open(Path(base).resolve(), FLAGS | os.O_DIRECTORY)
    try:
        for i, name in enumerate(names):
            last = i == len(names) - 1
            flags = FLAGS | (os.O_NONBLOCK if last else os.O_DIRECTORY)
            try:
                nxt = os.open(name, flags, dir_fd=fd)
            except FileNotFoundError as e:
                raise FileRefused("attached file missing") from e
            except OSError as e:
                if e.errno in (errno.ELOOP, errno.EMLINK) or (
                        e.errno == errno.ENOTDIR and _is_link(fd, name)):
                    raise FileRefused("symbolic link on the file's path (an export may hold no "
                                      "links)") from e
                if e.errno == errno.ENOTDIR:
                    raise FileRefused("attached file missing") from e
                raise FileRefused(f"attached file unreadable ({e.strerror})") from e
            os.close(fd)
            fd = nxt
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileRefused("not a regular file")
        os.set_blocking(fd, True)
        out, fd = fd, -1
        return out
    finally:
        if fd >= 0:
            os.close(fd)


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def read_inside(base: str | Path, rel: str, max_bytes: int) -> bytes:
    """The file's bytes, opened as open_inside does; FileRefused when it is over ``max_bytes``."""
    fd = open_inside(base, rel)
    with os.fdopen(fd, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > max_bytes:
            raise FileRefused(f"file is {size:,} bytes, over the limit of {max_bytes:,} "
                              "(CB_MAX_ATTACHMENT_BYTES)")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while being read
        raise FileRefused(f"file is over the limit of {max_bytes:,} bytes (CB_MAX_ATTACHMENT_BYTES)")
    return data
