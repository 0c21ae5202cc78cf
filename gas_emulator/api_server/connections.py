"""Connection limits of the fake API's HTTP server: a deep listen backlog and read deadlines.

- ``LoadTolerantServer`` is ``ThreadingHTTPServer`` with a listen backlog of ``DEFAULT_BACKLOG``
  (socketserver's default is 5: with 200 clients connecting at once the kernel dropped SYNs, and
  retransmits cost whole seconds; issue #16 measured p99 2.5 s, max 9.6 s), whose connection threads
  accept for themselves and are reused (see the class).
- ``ReadDeadlines`` gives each request a wall-clock budget for arriving (request line, headers and
  body, and the idle wait before it on a kept-alive connection). A socket timeout alone bounds
  one ``recv``; a slowloris client that sends a byte every few seconds never trips it. A single
  reaper thread shuts down the sockets whose budget ran out, which ends the blocked read at once.
- ``kernel_timeouts`` and ``TimeoutRaisingReader``/``TimeoutRaisingWriter`` bound each socket read and
  write the way ``settimeout()`` does (``TimeoutError`` after that long), but with the kernel's
  SO_RCVTIMEO/SO_SNDTIMEO on a blocking socket. ``settimeout()`` makes Python poll() before every
  recv and send (CPython's sock_call_ex), two hand-offs of the interpreter lock per call instead of
  one, each a chance for another of the 200 threads of a loaded server to take the lock.
"""

from __future__ import annotations

import io
import socket
import struct
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any

DEFAULT_BACKLOG = 1024  # the kernel caps it at net.core.somaxconn (4096 on current Linux)


class LoadTolerantServer(ThreadingHTTPServer):
    """Each connection is still served by a thread of its own, at once, but the threads are reused.

    socketserver's way (a poll loop accepts, starts a thread per connection and waits for it to
    start) cost the fake API ~40 % of its server CPU: 392-396 -> 222-226 µs per call and 1,525-1,544
    -> 2,882-2,896 calls/s with 200 clients on new connections (bench/api_load.py --closed-loop-only,
    this change alone, two rounds). Each acceptor thread blocks in ``accept()`` (the kernel wakes one
    waiter per connection), serves what it accepted, then accepts again. The last idle acceptor
    starts another before serving, so a slow or idle connection never keeps a new one waiting;
    after serving, a thread beyond ``max_idle_threads`` idle ones ends.
    """

    daemon_threads = True
    max_idle_threads = 32  # threads left blocked in accept() after a burst of connections

    def __init__(self, address: tuple[str, int], handler: type, *, backlog: int = DEFAULT_BACKLOG) -> None:
        self.request_queue_size = backlog  # read by server_activate() -> listen()
        super().__init__(address, handler)
        self._pool_lock = threading.Lock()
        self._idle = 0  # acceptor threads in (or on their way to) accept()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Start the first acceptor and wait for ``shutdown()`` (``poll_interval`` is not used)."""
        self._stopped.clear()
        try:
            self._start_acceptor()
            self._stopping.wait()
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop accepting and wait for ``serve_forever`` to return; a connection being served is
        finished by its thread (daemon threads, as in ``ThreadingHTTPServer``)."""
        self._stopping.set()
        if not self._interrupt_accepts():
            self._wake_acceptors()
        self._stopped.wait()

    def _interrupt_accepts(self) -> bool:
        """Linux ends every accept() blocked on a listening socket that is shut down (EINVAL)."""
        try:
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            return False
        return True

    def _wake_acceptors(self) -> None:
        """Elsewhere each idle acceptor is sent a connection, which it closes before it ends."""
        host, port = self.server_address[:2]
        for _ in range(self._idle):
            try:
                socket.create_connection((host, port), timeout=1).close()
            except OSError:
                return

    def _start_acceptor(self) -> None:
        with self._pool_lock:
            self._idle += 1
        try:
            threading.Thread(target=self._accept_and_serve, name="gas-emu-api-conn", daemon=True).start()
        except RuntimeError:  # the system's thread limit
            with self._pool_lock:
                self._idle -= 1
            raise

    def _accept_and_serve(self) -> None:
        while not self._stopping.is_set():
            try:
                request, client_address = self.get_request()
            except OSError:
                continue  # shut down (the loop ends), or a connection that went away before accept
            if self._stopping.is_set():
                self.shutdown_request(request)
                return
            with self._pool_lock:
                self._idle -= 1
                was_last = self._idle == 0
            if was_last:
                try:
                    self._start_acceptor()
                except RuntimeError:
                    pass  # no thread to spare: new connections wait in the backlog until this one ends
            self.process_request_thread(request, client_address)  # serves, reports errors, closes
            with self._pool_lock:
                if self._idle >= self.max_idle_threads:
                    return
                self._idle += 1

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away or timed out is no error of ours: no traceback on stderr."""
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
    if sys.platform == "win32":  # Windows takes a DWORD of milliseconds, not a struct timeval
        return False
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
