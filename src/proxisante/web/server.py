"""How ``proxisante serve`` runs the application: uvicorn, the httptools parser, a bounded
request head.

uvicorn parses HTTP with the pure-Python h11 unless httptools is installed; with httptools a
read costs about half the server CPU (measured on loopback: 2.2–6.3 → 1.3–2.5 ms per read),
and the server process, which answers every read on one core, is what limits a loaded server
on a 2-core machine. h11 refuses an incomplete request head beyond 16 KiB; httptools keeps
buffering it (a 200 MiB header value was accepted and held +380 MiB), so
:class:`BoundedHttpToolsProtocol` answers 431 and closes the connection once a request line
and its headers pass :data:`MAX_HEAD_BYTES` (security notes: ``docs/security.md``).
"""

from __future__ import annotations

from typing import Any

import uvicorn

__all__ = ["MAX_HEAD_BYTES", "http_protocol", "server_config"]

#: Bytes a request line and its headers may take before the server answers 431 and closes
#: the connection (memory held per connection is bounded by this plus one socket read).
MAX_HEAD_BYTES = 64 * 1024

#: Seconds a refused connection is kept reading (and dropping) before it is closed, so that
#: the client reads the 431 instead of a connection reset.
LINGER_SECONDS = 1.0

try:
    import httptools  # noqa: F401  (the parser uvicorn's protocol below needs)
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is a dependency; h11 bounds heads itself
    HttpToolsProtocol = None


if HttpToolsProtocol is not None:

    class BoundedHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol with a bound on each request's line and headers.

        Bytes received while a request head is incomplete are counted (from the end of the
        previous head); past :data:`MAX_HEAD_BYTES` the answer is 431 and the connection is
        closed. Bodies are not counted here (the application bounds them while streaming).
        """

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._in_head = True
            self._head_bytes = 0
            self._refused = False

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return  # lingering after a 431: bytes are read and dropped, not parsed
            if self._in_head:
                self._head_bytes += len(data)
            super().data_received(data)
            if self._in_head and self._head_bytes > MAX_HEAD_BYTES:
                self._in_head = False
                self._refuse_head()

        def on_headers_complete(self) -> None:
            self._in_head, self._head_bytes = False, 0
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._in_head = True
            super().on_message_complete()

        def _refuse_head(self) -> None:
            if self.transport.is_closing():
                return
            msg = f"request line and headers exceed {MAX_HEAD_BYTES} bytes".encode("ascii")
            self.transport.write(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                b"content-type: text/plain; charset=utf-8\r\n"
                b"content-length: " + str(len(msg)).encode("ascii") + b"\r\n"
                b"connection: close\r\n\r\n" + msg
            )
            # lingering close: closing now, with the client's bytes unread, would send a
            # reset that can destroy the answer before the client reads it; end the writing
            # side, drop what still arrives for a moment, then close
            self._refused = True
            if self.transport.can_write_eof():
                self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)


def http_protocol() -> Any:
    """The HTTP protocol of the server: the bounded httptools protocol, else uvicorn's h11."""
    return "h11" if HttpToolsProtocol is None else BoundedHttpToolsProtocol


def server_config(app: Any, *, host: str, port: int, log_level: str = "warning") -> Any:
    """The uvicorn configuration of ``proxisante serve`` (tests start the same server)."""

    return uvicorn.Config(app, host=host, port=port, log_level=log_level, http=http_protocol())
