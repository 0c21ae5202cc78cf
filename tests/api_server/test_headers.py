"""headers.read gives the message http.client.parse_headers gives, for any header block."""

from __future__ import annotations

import http.client
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gas_emulator.api_server import headers

NAMES = st.sampled_from(["Host", "Content-Type", "content-type", "Authorization", "X-A", "From", "a b", ""])
VALUES = st.sampled_from([
    "x", "", " \t padded ", "application/json", "multipart/form-data; boundary=zz", "message/rfc822",
    "Bearer t", "caf\u00e9", "tr\u00e4iling  ", "a:b:c",
]) | st.text(st.characters(min_codepoint=0, max_codepoint=255), max_size=12)
LINES = st.one_of(
    st.builds(lambda n, v, end: f"{n}:{v}{end}".encode("latin-1"), NAMES, VALUES,
              st.sampled_from(["\r\n", "\n"])),
    st.builds(lambda v: f" {v}\r\n".encode("latin-1"), VALUES),  # a continuation line
    st.builds(lambda v: f"From {v}\r\n".encode("latin-1"), VALUES),
    st.builds(lambda v: f"{v}\r\n".encode("latin-1"), VALUES),  # no colon at all
)
ENDS = st.sampled_from([b"\r\n", b"\n", b""])


def snapshot(message) -> dict:
    state = dict(vars(message))
    state["defects"] = [type(d).__name__ for d in message.defects]
    if isinstance(state["_payload"], list):  # a message/multipart type: the parts parsed from no body
        state["_payload"] = [snapshot(part) for part in state["_payload"]]
    return state


@given(st.lists(LINES, max_size=8), ENDS)
def test_any_header_block_gives_the_message_parse_headers_gives(lines, end):
    block = b"".join(lines) + end
    expected = http.client.parse_headers(io.BytesIO(block))
    got = headers.read(io.BytesIO(block))
    assert type(got) is type(expected)
    assert snapshot(got) == snapshot(expected)


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x0c", "\r", "\x1c", "\x1e", "\x7f", "\x85", "\xff"])
def test_a_value_with_a_control_character_gives_the_message_parse_headers_gives(char):
    block = f"X-A: a{char}b\r\nHost: h\r\n\r\n".encode("latin-1")
    expected = http.client.parse_headers(io.BytesIO(block))
    assert snapshot(headers.read(io.BytesIO(block))) == snapshot(expected)


def test_ordinary_headers_are_read_without_the_email_parser(monkeypatch):
    monkeypatch.setattr(headers.email.parser, "Parser", None)  # would fail if used
    got = headers.read(io.BytesIO(b"Host: 127.0.0.1:8080\r\nAccept-Encoding: identity\r\n\r\n"))
    assert got.items() == [("Host", "127.0.0.1:8080"), ("Accept-Encoding", "identity")]


def test_a_header_line_too_long_raises_what_parse_headers_raises():
    block = b"X-Long: " + b"a" * 70000 + b"\r\n\r\n"
    with pytest.raises(http.client.LineTooLong, match="^got more than 65536 bytes when reading header line$"):
        headers.read(io.BytesIO(block))


def test_too_many_headers_raise_what_parse_headers_raises():
    block = b"X-A: 1\r\n" * 101 + b"\r\n"
    with pytest.raises(http.client.HTTPException, match="^got more than 100 headers$"):
        headers.read(io.BytesIO(block))
