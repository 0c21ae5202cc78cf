"""Connection limits: the listen backlog, read deadlines against slowloris and idle connections, and
deeply nested JSON answered 400 (not 500)."""

from __future__ import annotations

import io
import itertools
import socket
import socketserver
import struct
import threading

import pytest

from gas_emulator.api_server import errors
from gas_emulator.api_server.connections import (
    DEFAULT_BACKLOG,
    LoadTolerantServer,
    TimeoutRaisingReader,
    TimeoutRaisingWriter,
    kernel_timeouts,
)

GENEROUS_S = 30.0  # waits on an event (the server closing), never a sleep


def connect(server) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=GENEROUS_S)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def raw_request(server, method: str, path: str, body: bytes) -> tuple[int, bytes]:
    with connect(server) as sock:
        head = (f"{method} {path} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\nConnection: close\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        sock.sendall(head.encode() + body)
        answer = read_until_closed(sock)
    return int(answer.split(b" ", 2)[1]), answer


def test_the_listen_backlog_is_deep(server):
    assert server.backlog == DEFAULT_BACKLOG == 1024
    assert server._httpd.request_queue_size == 1024


def test_a_request_that_never_finishes_arriving_is_cut_off(server):
    server.update_settings(request_read_timeout_s=0.2, socket_timeout_s=GENEROUS_S)
    with connect(server) as sock:
        sock.sendall(b"GET /v1/projects/abc HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # and then nothing
        assert read_until_closed(sock) == b""  # closed by the deadline, long before the socket timeout


def test_a_body_that_never_finishes_arriving_is_cut_off(server):
    server.update_settings(request_read_timeout_s=0.2, socket_timeout_s=GENEROUS_S)
    with connect(server) as sock:
        sock.sendall(b"POST /v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{")
        answer = read_until_closed(sock)
    assert answer == b""  # shut down mid-body: nothing of it is acted on


def test_an_idle_kept_alive_connection_is_closed(server):
    server.update_settings(request_read_timeout_s=0.2, socket_timeout_s=GENEROUS_S)
    with connect(server) as sock:
        sock.sendall(f"GET /v1/projects/abc HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        answer = read_until_closed(sock)  # the 404 answer, then the close when the idle budget ends
    assert answer.startswith(b"HTTP/1.1 404")


def test_slow_clients_do_not_stop_others(server, api):
    server.update_settings(request_read_timeout_s=GENEROUS_S)
    slow = [connect(server) for _ in range(50)]
    try:
        for sock in slow:
            sock.sendall(b"GET /v1/projects/abc HTTP/1.1\r\n")
        assert api.projects().create(body={"title": "still served"}).execute()["title"] == "still served"
    finally:
        for sock in slow:
            sock.close()


DEEP = 200_000


@pytest.mark.parametrize("path", ["/v1/projects", "/v2/entries:list"])
def test_deeply_nested_json_is_400(server, path):
    body = b'{"title": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    status, answer = raw_request(server, "POST", path, body)
    assert status == 400
    assert errors.MSG_BAD_JSON.encode() in answer


def test_deeply_nested_raw_json_to_the_control_plane_is_400(server):
    raw = b"[" * DEEP + b"]" * DEEP
    with connect(server) as sock:
        head = (f"POST /__control/settings HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close\r\n"
                f"Content-Type: application/json\r\nX-Gas-Emu-Control-Token: {server.control_token}\r\n"
                f"Content-Length: {len(raw)}\r\n\r\n")
        sock.sendall(head.encode() + raw)
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 400")
    assert errors.MSG_BAD_JSON.encode() in answer


def test_an_idle_connection_is_closed_after_the_socket_timeout(server):
    server.update_settings(request_read_timeout_s=GENEROUS_S, socket_timeout_s=0.2)
    with connect(server) as sock:
        assert read_until_closed(sock) == b""  # the kernel's read timeout ended the wait, not the deadline


def test_kernel_timeouts_never_become_zero_which_would_mean_none():
    left, right = socket.socketpair()
    with left, right:
        assert kernel_timeouts(left, 1e-9)
        seconds, micro = struct.unpack("ll", left.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 16))
        assert (seconds, micro) != (0, 0)


def test_a_read_that_times_out_raises_timeout_error():
    left, right = socket.socketpair()
    with left, right:
        assert kernel_timeouts(left, 0.05)
        reader = io.BufferedReader(TimeoutRaisingReader(left.makefile("rb", buffering=0)))
        right.sendall(b"partial line")
        with pytest.raises(TimeoutError, match="^timed out$"):
            reader.readline()


def test_a_write_that_times_out_raises_timeout_error():
    left, right = socket.socketpair()
    with left, right:
        assert kernel_timeouts(left, 0.05)
        with pytest.raises(TimeoutError, match="^timed out$"):
            TimeoutRaisingWriter(left).write(b"x" * 64 * 1024 * 1024)  # the peer never reads


def test_the_writer_reports_every_byte_written():
    left, right = socket.socketpair()
    with left, right:
        assert TimeoutRaisingWriter(left).write(b"answer") == 6
        assert right.recv(16) == b"answer"


class _ThreadNumber(socketserver.StreamRequestHandler):
    """Answers the number of the thread serving the connection (one number per thread)."""

    numbers = itertools.count()
    local = threading.local()

    def handle(self) -> None:
        if not hasattr(self.local, "number"):
            self.local.number = next(self.numbers)
        self.wfile.write(str(self.local.number).encode())


@pytest.fixture
def thread_server():
    srv = LoadTolerantServer(("127.0.0.1", 0), _ThreadNumber)
    runner = threading.Thread(target=srv.serve_forever, daemon=True)
    runner.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    runner.join(GENEROUS_S)


def thread_number(srv) -> int:
    with socket.create_connection(srv.server_address, timeout=GENEROUS_S) as sock:
        return int(read_until_closed(sock))


def test_threads_are_reused_from_one_connection_to_the_next(thread_server):
    served_by = {thread_number(thread_server) for _ in range(40)}
    assert len(served_by) <= 20  # a thread per connection would be 40


def test_a_connection_is_served_while_every_other_thread_is_busy(thread_server):
    held = [socket.create_connection(thread_server.server_address, timeout=GENEROUS_S) for _ in range(20)]
    try:
        assert thread_number(thread_server) >= 0
    finally:
        for sock in held:
            sock.close()


def _acceptors() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "gas-emu-api-conn"}


@pytest.mark.parametrize("interrupt", [True, False], ids=["shutdown wakes accept", "connections wake accept"])
def test_shutdown_ends_the_idle_threads(monkeypatch, interrupt):
    before = _acceptors()
    srv = LoadTolerantServer(("127.0.0.1", 0), _ThreadNumber)
    if not interrupt:  # as on a system where shutdown() does not end a blocked accept()
        monkeypatch.setattr(srv, "_interrupt_accepts", lambda: False)
    runner = threading.Thread(target=srv.serve_forever, daemon=True)
    runner.start()
    thread_number(srv)
    srv.shutdown()
    for thread in _acceptors() - before:
        thread.join(GENEROUS_S)
        assert not thread.is_alive()
    srv.server_close()
