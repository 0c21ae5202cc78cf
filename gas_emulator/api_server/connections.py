"""Connection limits of the fake API's HTTP server: a deep listen backlog and read deadlines.

- ``LoadTolerantServer`` is ``ThreadingHTTPServer`` with a listen backlog of ``DEFAULT_BACKLOG``
  (socketserver's default is 5: with 200 clients connecting at once the kernel dropped SYNs, and
  retransmits cost whole seconds; issue #16 measured p99 2.5 s, max 9.6 s).
- ``ReadDeadlines`` gives each request a wall-clock budget for arriving (request line, headers and
  body, and the idle wait before it on a kept-alive connection). A socket timeout alone bounds
  one ``recv``; a slowloris client that sends a byte every few seconds never trips it. A single
  reaper thread shuts down the sockets whose budget ran out, which ends the blocked read at once.
- ``kernel_timeouts`` and ``TimeoutRaisingReader``/``TimeoutRaisingWriter`` bound each socket read and
  write the way ``settimeout()`` does (``TimeoutError`` after that long), but with the kernel's
  SO_RCVTIMEO/SO_SNDTIMEO on a blocking socket. ``settimeout()`` makes Python poll() before every
  recv and send: two hand-offs of the interpreter lock per call instead of one, which cost +25 %
  server CPU per call and 1.6x the context switches with 200 clients (bench/api_load.py's floor
  handler with and without it, perf stat).
"""

from __future__ import annotations

import io
import socket
import struct
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any

DEFAULT_BACKLOG = 1024  # the kernel caps it at net.core.somaxconn (4096 on current Linux)


class LoadTolerantServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, *, backlog: int = DEFAULT_BACKLOG) -> None:
        self.request_queue_size = backlog  # read by server_activate() -> listen()
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away or timed out is no error of ours: no traceback on stderr."""
        import sys

        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class ReadDeadlines:
    """Sockets armed with a deadline; the reaper shuts down those that pass it."""

    def __init__(self, tick_s: float = 0.05) -> None:
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._tick_s = tick_s
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._reap, name="gas-emu-api-reaper", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def arm(self, sock: socket.socket, budget_s: float) -> None:
        with self._lock:
            self._deadlines[sock] = time.monotonic() + budget_s

    def disarm(self, sock: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(sock, None)

    def _reap(self) -> None:
        while not self._stop.wait(self._tick_s):
            now = time.monotonic()
            with self._lock:
                late = [s for s, deadline in self._deadlines.items() if deadline <= now]
                for sock in late:
                    del self._deadlines[sock]
                    _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # the handler's blocked recv returns b"" and it ends
    except OSError:
        pass  # already closed by its handler


def kernel_timeouts(sock: socket.socket, seconds: float) -> bool:
    """Give the blocking ``sock`` a ``seconds`` timeout per read and per write in the kernel; False
    where the platform refuses these options (the caller then uses ``settimeout``)."""
    whole = int(seconds)
    micro = int((seconds - whole) * 1_000_000)
    if whole == 0 and micro == 0:
        micro = 1  # a zero timeval means "never time out"
    timeval = struct.pack("ll", whole, micro)  # struct timeval
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
    except (OSError, AttributeError):
        return False
    return True


class TimeoutRaisingReader(io.RawIOBase):
    """``sock.makefile("rb", buffering=0)`` of a socket with kernel timeouts, raising TimeoutError when
    a read timed out: socket.SocketIO returns None for it (the EAGAIN of a non-blocking socket),
    which a BufferedReader would take as the end of a short read."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer)
        if count is None:
            raise TimeoutError("timed out")  # socket.timeout's own message
        return count

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        self._raw.close()
        super().close()


class TimeoutRaisingWriter(io.BufferedIOBase):
    """socketserver's unbuffered writer (each write one sendall) for a socket with kernel timeouts:
    a send that timed out raises TimeoutError (a blocking socket's sendall raises BlockingIOError)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        try:
            self._sock.sendall(data)
        except BlockingIOError:
            raise TimeoutError("timed out") from None
        with memoryview(data) as view:
            return view.nbytes

    def fileno(self) -> int:
        return self._sock.fileno()
