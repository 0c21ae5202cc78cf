"""Is the process that holds a cross-process lock still alive? Asked of the kernel, not of the PID.

Each process that takes locks in a ``SqliteStore`` is a *holder*: it creates one file of its own in
``<database>-holders/`` and keeps an exclusive ``flock`` on it for as long as it lives. The kernel
drops that lock when the process ends, before it is reaped (``close`` of every descriptor is part of
``exit``: flock(2), "released ... when all file descriptors referring to the open file description
are closed"), so a killed holder is seen dead at once, zombie or not, and a recycled PID fools no one.
A waiter probes a holder with a non-blocking ``flock`` of its own on that file: taken means dead.

Without ``fcntl`` (not POSIX) nothing can be probed and the lease alone decides (see ``sqlite.py``).
A child made by ``fork`` (without ``exec``) would inherit the descriptor and keep its parent looking
alive: the child closes its copy at fork, and its own locks get a holder of its own.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import weakref
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: liveness is unknown, the lease decides
    fcntl = None  # type: ignore[assignment]

#: Whether holders can be probed at all on this platform.
PROBES = fcntl is not None

_live_holders: weakref.WeakSet[Holder] = weakref.WeakSet()


class Holder:
    """This process's liveness file, locked for as long as the process (or ``close``) lasts."""

    def __init__(self, directory: Path) -> None:
        self.pid = os.getpid()
        self.id = f"{self.pid}-{secrets.token_hex(6)}"
        self._fd: int | None = None
        if fcntl is None:
            return
        directory.mkdir(mode=0o700, exist_ok=True)
        self.path = directory / self.id
        # Locked under a hidden name, then renamed into place (the lock goes with the file): a probe
        # or a sweep never sees a live holder's file unlocked.
        hidden = directory / f".{self.id}.new"
        fd = os.open(hidden, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.rename(hidden, self.path)
        self._fd = fd
        # Given up when closed, collected, or at a clean interpreter exit (the file goes with it).
        self._finalizer = weakref.finalize(self, _give_up, fd, self.path, self.pid)
        _live_holders.add(self)
        sweep(directory)  # files of holders killed while holding nothing: nobody else would probe them

    def close(self) -> None:
        """Stop holding (a clean exit): lock rows naming this holder then read as dead."""
        if self._fd is not None:
            self._fd = None
            self._finalizer()

    def _forget_in_child(self) -> None:
        """In a forked child: drop the inherited descriptor (closing it keeps the parent's lock)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            self._finalizer.detach()
            os.close(fd)


def _give_up(fd: int, path: Path, pid: int) -> None:
    if os.getpid() != pid:
        return  # a forked child's copy: its descriptor was closed at fork
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    with contextlib.suppress(OSError):
        os.close(fd)


def holder_alive(directory: Path, holder_id: str) -> bool | None:
    """True when ``holder_id`` still holds its liveness lock, False when it is gone (its file is
    then removed), None when this platform cannot tell."""
    if fcntl is None:
        return None
    path = directory / holder_id
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False  # removed by its holder at close, or by the prober that saw it dead
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # dead: nothing will ever lock it again
        return False
    finally:
        os.close(fd)


def sweep(directory: Path) -> int:
    """Remove the files of every dead holder in ``directory``; how many went."""
    removed = 0
    for entry in os.scandir(directory):
        if not entry.name.startswith(".") and holder_alive(directory, entry.name) is False:
            removed += 1
    return removed


def _after_fork_in_child() -> None:
    for holder in list(_live_holders):
        holder._forget_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
