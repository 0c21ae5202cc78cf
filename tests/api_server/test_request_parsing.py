"""Request lines and headers parsed as http.server parses them: versions, Connection, Expect and the
limits on headers."""

from __future__ import annotations

import socket

import pytest

GENEROUS_S = 30.0  # waits on the server's answer or close, never a sleep


def exchange(server, raw: bytes) -> bytes:
    """Send ``raw`` and read until the server closes the connection."""
    with socket.create_connection((server.host, server.port), timeout=GENEROUS_S) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def host(server) -> str:
    return f"Host: {server.host}:{server.port}\r\n"


def test_an_http_1_0_request_is_answered_then_closed(server):
    answer = exchange(server, f"GET /v1/projects/abc HTTP/1.0\r\n{host(server)}\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 404 Not Found\r\n")
    assert b"\r\nConnection: close\r\n" in answer


def test_connection_close_ends_a_kept_alive_connection_after_the_answer(server):
    request = f"GET /v1/projects/abc HTTP/1.1\r\n{host(server)}Connection: close\r\n\r\n"
    answer = exchange(server, request.encode())
    assert answer.startswith(b"HTTP/1.1 404 Not Found\r\n")
    assert answer.count(b"HTTP/1.1 ") == 1


def test_expect_100_continue_is_answered_continue_before_the_body(server):
    body = b'{"title": "t"}'
    head = (f"POST /v1/projects HTTP/1.1\r\n{host(server)}Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((server.host, server.port), timeout=GENEROUS_S) as sock:
        sock.sendall(head)
        assert sock.recv(25) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")


def test_a_header_line_over_65536_bytes_is_431_line_too_long(server):
    request = f"GET /v1/projects/abc HTTP/1.1\r\n{host(server)}X-Big: {'a' * 70000}\r\n\r\n"
    answer = exchange(server, request.encode())
    assert answer.startswith(b"HTTP/1.1 431 Line too long\r\n")


def test_more_than_100_headers_is_431_too_many_headers(server):
    request = f"GET /v1/projects/abc HTTP/1.1\r\n{host(server)}".encode() + b"X-A: 1\r\n" * 101 + b"\r\n"
    answer = exchange(server, request)
    assert answer.startswith(b"HTTP/1.1 431 Too many headers\r\n")


@pytest.mark.parametrize(("line", "code"), [
    ("GET /v1/projects/abc HTTP/2.0", b"505"),  # versions the stdlib refuses, before any header
    ("GET /v1/projects/abc HTTP/1.x", b"400"),
])
def test_other_request_lines_are_refused_by_the_stdlib(server, line, code):
    answer = exchange(server, f"{line}\r\n{host(server)}\r\n".encode())
    assert b"<p>Error code explanation: " + code + b" - " in answer  # http.server's error page


def test_a_folded_header_is_read_as_the_stdlib_reads_it(server):
    answer = exchange(server, f"GET /v1/projects/abc HTTP/1.1\r\n{host(server)}X-Folded: a\r\n b\r\n"
                              "Connection:\r\n close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 404 Not Found\r\n")  # unfolded "close" ended the connection


def test_an_http_0_9_request_is_refused_with_a_body_only_answer_and_the_server_goes_on(server):
    answer = exchange(server, b"GET /v1/projects/abc\r\n\r\n")  # no version: HTTP/0.9
    assert b"Message: Bad HTTP/0.9 request type ('GET')." in answer
    assert not answer.startswith(b"HTTP/")  # 0.9 has no status line
    again = exchange(server, f"GET /v1/projects/abc HTTP/1.0\r\n{host(server)}\r\n".encode())
    assert again.startswith(b"HTTP/1.1 404 Not Found\r\n")
