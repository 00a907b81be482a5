"""How ``proxisante serve`` runs the application: uvicorn, the httptools parser, a bounded
request head.

uvicorn parses HTTP with the pure-Python h11 unless httptools is installed; with httptools a
read costs about half the server CPU (measured on loopback: 2.2–6.3 → 1.3–2.5 ms per read),
and the server process, which answers every read on one core, is what limits a loaded server
on a 2-core machine. h11 refuses an incomplete request head beyond 16 KiB; httptools keeps
buffering it (a 200 MiB header value was accepted and held +380 MiB), so
:class:`BoundedHttpToolsProtocol` answers 431 and closes the connection once a request line
and its headers pass :data:`MAX_HEAD_BYTES`, whether the head arrives in pieces or in one
(security notes: ``docs/security.md``).

The protocol also shapes what the HTTP parser refuses itself as the application's errors:
one-line JSON ``{"error": …}`` for a 431, for a malformed request (garbage request line,
``Content-Length`` that is not a number, negative, overflowing or beside ``chunked``: 400),
and for a request target that is not in origin form (``GET http://other.host/ HTTP/1.1``:
400; this server is not a proxy).
"""

from __future__ import annotations

import json
from typing import Any

import uvicorn

__all__ = ["MAX_HEAD_BYTES", "error_response", "http_protocol", "server_config"]

#: Bytes a request line and its headers may take before the server answers 431 and closes
#: the connection (memory held per connection is bounded by this plus one socket read).
MAX_HEAD_BYTES = 64 * 1024

#: Seconds a refused connection is kept reading (and dropping) before it is closed, so that
#: the client reads the 431 instead of a connection reset.
LINGER_SECONDS = 1.0

try:
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is a dependency; h11 bounds heads itself
    HttpToolsProtocol = None


_REASONS = {400: b"Bad Request", 431: b"Request Header Fields Too Large"}


def error_response(status: int, message: str) -> bytes:
    """A complete HTTP/1.1 answer with the application's one-line JSON error body."""
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    head = b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
    return head % (status, _REASONS[status], len(body)) + b"connection: close\r\n\r\n" + body


class _RefusedRequestError(Exception):
    """Raised from a parser callback to stop parsing a request (status and message)."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message
        super().__init__(message)


if HttpToolsProtocol is not None:

    class BoundedHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol with a bound on each request's line and headers,
        origin-form request targets only, and JSON bodies for the parser's refusals.

        Head bytes are counted two ways, so the bound holds whatever the sending pattern:
        bytes received while a request head is incomplete (a head trickling in), and the
        bytes of the request target and headers as the parser reads them (a whole head in
        one piece, or pipelined requests). Past :data:`MAX_HEAD_BYTES` the answer is 431 and
        the connection is closed, before the application sees the request. Bodies are not
        counted here (the application bounds them while streaming).
        """

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._in_head = True
            self._head_bytes = 0
            self._parsed_head_bytes = 0
            self._refused = False

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return  # lingering after a refusal: bytes are read and dropped, not parsed
            if self._in_head:
                self._head_bytes += len(data)
            self._unset_keepalive_if_required()
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserError as exc:
                refused = exc.__context__
                if isinstance(refused, _RefusedRequestError):
                    self._refuse(refused.status, refused.message)
                else:
                    self.logger.warning("Invalid HTTP request received.")
                    self._refuse(400, f"invalid HTTP request: {str(exc)[:80]}")
                return
            except httptools.HttpParserUpgrade:
                if self._should_upgrade():
                    self.handle_websocket_upgrade()
                else:
                    self._unsupported_upgrade_warning()
            if self._in_head and self._head_bytes > MAX_HEAD_BYTES:
                self._in_head = False
                self._refuse(431, _too_large())

        def on_message_begin(self) -> None:
            self._parsed_head_bytes = 0
            super().on_message_begin()

        def _count(self, n: int) -> None:
            self._parsed_head_bytes += n
            if self._parsed_head_bytes > MAX_HEAD_BYTES:
                raise _RefusedRequestError(431, _too_large())

        def on_url(self, url: bytes) -> None:
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value) + 4)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            self._in_head, self._head_bytes = False, 0
            if not self.url.startswith(b"/") and self.url != b"*":
                raise _RefusedRequestError(
                    400, "request target must be a path (origin form, e.g. GET /api/…); this "
                    "server is not a proxy")  # fmt: skip
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._in_head = True
            super().on_message_complete()

        def send_400_response(self, msg: str) -> None:
            self._refuse(400, f"invalid HTTP request: {msg}")

        def _refuse(self, status: int, message: str) -> None:
            if self.transport.is_closing():
                return
            self.transport.write(error_response(status, message))
            # lingering close: closing now, with the client's bytes unread, would send a
            # reset that can destroy the answer before the client reads it; end the writing
            # side, drop what still arrives for a moment, then close
            self._refused = True
            if self.transport.can_write_eof():
                self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)


def _too_large() -> str:
    return f"request line and headers exceed {MAX_HEAD_BYTES} bytes"


def http_protocol() -> Any:
    """The HTTP protocol of the server: the bounded httptools protocol, else uvicorn's h11."""
    return "h11" if HttpToolsProtocol is None else BoundedHttpToolsProtocol


def server_config(app: Any, *, host: str, port: int, log_level: str = "warning") -> Any:
    """The uvicorn configuration of ``proxisante serve`` (tests start the same server)."""

    return uvicorn.Config(app, host=host, port=port, log_level=log_level, http=http_protocol())
