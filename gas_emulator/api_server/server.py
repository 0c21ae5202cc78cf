"""The fake Apps Script API served over loopback HTTP (stdlib ``ThreadingHTTPServer``).

Use it from tests or tools::

    with FakeApiServer() as srv:               # MemoryStore, free port on 127.0.0.1
        service = srv.build_client()           # the real google-api-python-client, pointed here
        srv.update_settings(require_auth=True) # or POST /__control/settings (with srv.control_token)
        srv.reset()                            # or POST /__control/reset

Routes: ``/v1/...`` the API (spec 2.1), ``POST /v2/entries:list`` the executions' logs (a fake Cloud
Logging, see ``logbook``), ``/drive/v3/files...`` the projects as Drive files (``drive``),
``/v1/projects/<id>/services...`` and ``/v1/operations/...`` the Cloud project's APIs
(``service_usage``), ``/macros/s/<deploymentId>/exec`` (and ``/dev`` for HEAD)
the deployed web apps, ``/__control/{reset,settings,health}`` the test controls (never faulted;
guarded by a token, loopback Host names and no browser, see ``control``). Authorization and
injected faults are checked before anything else, so a 401/403/429/500 answer never changes state.
"""

from __future__ import annotations

import functools
import json
import random
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from gas_emulator.api_server import control, drive, errors, logbook, responses, service_usage
from gas_emulator.api_server.connections import DEFAULT_BACKLOG, LoadTolerantServer, ReadDeadlines
from gas_emulator.api_server.engine import CodeEngine, V8Engine
from gas_emulator.api_server.models import ApiBackend
from gas_emulator.api_server.settings import ApiSettings

JSON_TYPE = "application/json; charset=UTF-8"  # what googleapis.com answers (spec 3.2)
DRAIN_MAX_BYTES = 256 * 1024 * 1024  # an oversized body up to this size is read and dropped
# logging.v2 discovery: entries.list is POST v2/entries:list (rootUrl logging.googleapis.com).
LOGGING_LIST_PATH, LOGGING_LIST_METHOD = "/v2/entries:list", "logging.entries.list"
# Google pretty-prints JSON unless the call says prettyPrint=false ("true (default), false":
# https://cloud.google.com/apis/docs/system-parameters). google-api-python-client sends only alt=json.


class FakeApiServer:
    """One fake API: a backend over a store, served on ``host:port`` (0 = a free port)."""

    def __init__(self, store: Any = None, *, host: str = "127.0.0.1", port: int = 0,
                 settings: ApiSettings | None = None, clock: Any = None,
                 engine: CodeEngine | None = None, control_token: str | None = None,
                 state_file: Path | None = None, allow_state_reset: bool = False,
                 backlog: int = DEFAULT_BACKLOG) -> None:
        """``control_token``: the /__control token (a fresh random one if None); ``state_file``: the
        file ``store`` keeps its data in, which /__control/reset then refuses to clear unless
        ``allow_state_reset``; ``backlog``: the listen queue (see ``connections``)."""
        if store is None:
            from gas_emulator.store.memory import MemoryStore

            store = MemoryStore()
        if clock is None:
            from gas_emulator.clock import RealClock

            clock = RealClock()
        self.store = store
        self.clock = clock
        self.host, self.port = host, port
        self.logbook = logbook.LogBook(store, clock, lambda: self.backend.settings)
        engine = logbook.LoggedEngine(engine or V8Engine(store, clock), self.logbook)
        self.backend = ApiBackend(store, clock, engine, settings=settings or ApiSettings(),
                                  base_url=lambda: self.base_url)
        self.drive = drive.DriveFiles(store)
        self.service_usage = service_usage.ServiceUsage(store, lambda: self.backend.settings)
        self.backlog = backlog
        self.deadlines = ReadDeadlines()
        self._httpd: LoadTolerantServer | None = None
        self._thread: threading.Thread | None = None
        self._fault_lock = threading.Lock()
        self._dice = random.Random(self.settings.fault_seed)
        self.control = control.ControlPlane(self, control_token or control.new_token(),
                                            state_file=state_file, allow_state_reset=allow_state_reset)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeApiServer:
        if self._httpd is not None:
            return self
        httpd = LoadTolerantServer((self.host, self.port), _Handler, backlog=self.backlog)
        httpd.app = self  # type: ignore[attr-defined]
        self.deadlines.start()
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="gas-emu-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self.deadlines.stop()
        self._httpd = self._thread = None

    def serve_forever(self) -> None:
        """Block until interrupted (the CLI); ``start()`` must have been called."""
        assert self._thread is not None, "call start() first"
        try:
            self._thread.join()
        finally:
            self.stop()

    def __enter__(self) -> FakeApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def control_token(self) -> str:
        """The token /__control/* requires in the ``X-Gas-Emu-Control-Token`` header."""
        return self.control.token

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- state and settings ----------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every project: the state equals a fresh server's (settings are kept)."""
        self.backend.reset()

    @property
    def settings(self) -> ApiSettings:
        return self.backend.settings

    def update_settings(self, **changes: Any) -> ApiSettings:
        """Change settings at run time; ValueError for an unknown name or a bad value."""
        with self._fault_lock:
            new = self.settings.updated(changes)
            if "fault_seed" in changes:
                self._dice = random.Random(new.fault_seed)
            self.backend.settings = new
        return new

    def build_client(self, credentials: Any = None, api: str = "script", version: str = "v1") -> Any:
        """The real ``build('script', 'v1', static_discovery=True)`` pointed at this server
        (``api="logging", version="v2"`` for the fake Cloud Logging ``entries.list``; ``drive``/``v3``,
        ``serviceusage``/``v1`` likewise). Each API keeps its discovery servicePath under this host."""
        from google.auth.credentials import AnonymousCredentials
        from googleapiclient.discovery import build
        from googleapiclient.discovery_cache import get_static_doc

        service_path = json.loads(get_static_doc(api, version) or "{}").get("servicePath", "")

        return build(api, version, credentials=credentials or AnonymousCredentials(),
                     static_discovery=True, cache_discovery=False,
                     client_options={"api_endpoint": self.base_url + "/" + service_path})

    # -- checks before any API call ---------------------------------------------------------------
    def check_call(self, authorization: str | None, api: str = "script") -> None:
        settings = self.settings
        if settings.require_auth and not _is_bearer(authorization):
            raise errors.unauthenticated()
        if settings.api_disabled and api == "script":  # the user's Apps Script API toggle only
            raise errors.api_disabled()
        with self._fault_lock:
            settings = self.settings
            if settings.fail_next > 0:
                self.backend.settings = settings.updated({"fail_next": settings.fail_next - 1})
                raise errors.fault(settings.fault_codes[0])
            if settings.fault_rate and self._dice.random() < settings.fault_rate:
                raise errors.fault(self._dice.choice(settings.fault_codes))

    def take_dropped_response(self, method_id: str) -> bool:
        """True (once) when this call's answer is to be lost (setting ``drop_next_response``)."""
        with self._fault_lock:
            if not method_id or self.settings.drop_next_response != method_id:
                return False
            self.backend.settings = self.settings.updated({"drop_next_response": ""})
            return True


def _wants_pretty(query: str) -> bool:
    """False only for ``prettyPrint=false`` (the parsing is skipped when the name is absent)."""
    if "prettyPrint" not in query:
        return True
    values = [v for name, v in parse_qsl(query, keep_blank_values=True) if name == "prettyPrint"]
    return not values or values[-1].lower() != "false"


@functools.lru_cache(maxsize=2)
def _http_date(second: int) -> str:
    """RFC 7231 date of ``second``, formatted once per second."""
    return formatdate(second, usegmt=True)


def _is_bearer(authorization: str | None) -> bool:
    scheme, _, token = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall when an answer takes two segments
    server_version = "gas-emu-api"
    pretty = True  # this request's JSON layout (query parameter prettyPrint)

    @property
    def app(self) -> FakeApiServer:
        return self.server.app  # type: ignore[attr-defined]

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.app.settings.socket_timeout_s)

    def handle_one_request(self) -> None:
        """Each request must arrive within ``request_read_timeout_s`` (disarmed once its body is in)."""
        self.app.deadlines.arm(self.connection, self.app.settings.request_read_timeout_s)
        try:
            super().handle_one_request()
        finally:
            self.app.deadlines.disarm(self.connection)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def do_PUT(self) -> None:  # noqa: N802
        self._handle()

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle()

    def do_PATCH(self) -> None:  # noqa: N802
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent: a request log could carry tokens in query strings."""

    def _handle(self) -> None:
        self.pretty = True  # until this request's query is read (not the last one's on this connection)
        try:
            body = self._read_body()  # always first: an unread body would poison the kept-alive socket
            self.app.deadlines.disarm(self.connection)  # the request is in: running it has no deadline
            parts = urlsplit(self.path)
            self.pretty = _wants_pretty(parts.query)
            if parts.path.startswith("/__control/"):
                self._send_json(*self.app.control.handle(self.command, parts.path, self.headers, body))
            elif parts.path.startswith("/macros/s/"):
                self._serve_web(parts.path, parts.query, body)
            elif parts.path == LOGGING_LIST_PATH:
                self._list_log_entries(parts.query, body)
            else:
                status, answer, method_id = self._dispatch_api(parts.path, parts.query, body)
                if self.app.take_dropped_response(method_id):
                    self.close_connection = True  # done, but the answer is lost (drop_next_response)
                    return
                if answer is None:  # Drive files.delete: 204 No Content
                    self._send(status, b"", JSON_TYPE)
                else:
                    self._send_json(status, answer)
        except errors.ApiError as exc:
            self._send_json(exc.code, exc.to_json(), exc.headers)
        except Exception:  # a bug must still answer Google's 500, not drop the connection
            self.close_connection = True
            self._send_json(500, errors.fault(500).to_json())

    def _dispatch_api(self, path: str, query: str, body: bytes) -> tuple[int, Any, str]:
        """Drive v3, Service Usage v1 or the Apps Script API, after the same authorization and faults."""
        authorization = self.headers.get("Authorization")
        if path.startswith(drive.PATH_PREFIX):
            self.app.check_call(authorization, api="drive")
            return drive.dispatch(self.app.drive, self.command, path, query, body)
        if service_usage.handles(path):
            self.app.check_call(authorization, api="serviceusage")
            return service_usage.dispatch(self.app.service_usage, self.command, path, query, body)
        self.app.check_call(authorization)
        return responses.dispatch(self.app.backend, self.command, path, query, body)

    def _list_log_entries(self, query: str, body: bytes) -> None:
        if self.command != "POST":
            raise errors.ApiError(404, errors.MSG_NO_SUCH_METHOD)
        self.app.check_call(self.headers.get("Authorization"), api="logging")
        responses.parse_query(LOGGING_LIST_METHOD, query)
        self._send_json(200, self.app.logbook.list_entries(logbook.parse_request(body)))

    def _read_body(self) -> bytes:
        limit = self.app.settings.max_body_bytes
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked(limit)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise errors.invalid_argument() from None
        if length < 0 or length > limit:
            self._discard(length)
            raise errors.invalid_argument(errors.MSG_PAYLOAD_TOO_LARGE.format(limit=limit))
        return self.rfile.read(length) if length else b""

    def _discard(self, length: int) -> None:
        """Read and drop an oversized body so the client, still sending, gets the 400 (not a reset);
        beyond ``DRAIN_MAX_BYTES`` the connection is simply closed."""
        if length < 0 or length > DRAIN_MAX_BYTES:
            self.close_connection = True
            return
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                break
            length -= len(chunk)

    def _read_chunked(self, limit: int) -> bytes:
        body = bytearray()
        while True:
            try:
                size = int(self.rfile.readline(64).split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                raise errors.invalid_argument() from None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return bytes(body)
            if len(body) + size > limit:
                self.close_connection = True
                raise errors.invalid_argument(errors.MSG_PAYLOAD_TOO_LARGE.format(limit=limit))
            body += self.rfile.read(size)
            self.rfile.readline(8)  # CRLF after the chunk

    def _serve_web(self, path: str, query: str, body: bytes) -> None:
        segments = responses.split_path(path)  # macros, s, <id>, exec|dev, path info...
        if len(segments) < 4 or segments[3] not in ("exec", "dev") or self.command not in ("GET", "POST"):
            raise errors.ApiError(404, errors.MSG_NO_SUCH_METHOD)
        if not responses.ID_PATTERN.fullmatch(segments[2]):
            raise errors.invalid_argument()
        result = self.app.backend.serve_web(
            segments[2], segments[3], self.command, path_info="/".join(segments[4:]), query=query,
            body=body, content_type=self.headers.get("Content-Type", ""))
        self._send(result.status, result.body.encode("utf-8"), f"{result.mime_type}; charset=utf-8")

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        # Compact output uses json's C encoder; indent=2 runs its pure-Python one (~3x the CPU).
        text = json.dumps(body, indent=2) if self.pretty else json.dumps(body, separators=(",", ":"))
        self._send(status, text.encode("utf-8"), JSON_TYPE, headers)

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header, formatted once per second rather than once per answer."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        return _http_date(int(time.time()))

    def _send(self, status: int, payload: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        # Headers and body in one send: on loopback each send wakes the client and cost ~60 µs of
        # server CPU (cProfile, bench/api_load.py). end_headers() would flush the headers alone.
        self._headers_buffer.append(b"\r\n" if self.command == "HEAD" else b"\r\n" + payload)
        self.flush_headers()
