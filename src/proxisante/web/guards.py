"""Request guards applied before any route: Host allow-list and streaming body limit.

:class:`RequestGuard` is a pure ASGI middleware (no buffering of its own):

* the ``Host`` header must be given once and name an allowed host (loopback names by
  default), so a page of another site cannot reach the server through DNS rebinding (its
  requests carry that site's host name), and two ``Host`` headers (a foreign one first)
  cannot disagree about which host is meant;
* a request body may not exceed a limit (per path prefix): a ``Content-Length`` above it is
  refused before any byte is read, and a body sent without one (chunked transfer) is counted
  as it arrives and refused as soon as the count passes the limit. The server then stops
  reading, so its memory stays bounded whatever the sender does.

Refusals are JSON ``{"error": …}`` like every other error of the application.

:class:`Utf8JsonRoute` is the route class of the routers taking JSON bodies: a body that is
not UTF-8 (UTF-16, UTF-32, Latin-1…) is refused with HTTP 400 before it is parsed, as a
scenario file is (:func:`proxisante._textfiles.utf8_text`; JSON exchanged between systems
is UTF-8, RFC 8259 §8.1; a UTF-8 byte-order mark is accepted, as in files).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from proxisante._documents import refuse_duplicate_keys
from proxisante._textfiles import utf8_text

__all__ = [
    "LOOPBACK_HOSTS",
    "MAX_SELECTOR_CHARS",
    "BodyTooLargeError",
    "RequestGuard",
    "Utf8JsonRoute",
    "host_name",
    "selector_text",
]

#: Longest territory selector accepted in a path or a query (``dep:62``, ``epci:…``, a name,
#: or up to 33 comma-separated INSEE codes); longer ones are refused, never cut.
MAX_SELECTOR_CHARS = 200


def selector_text(text: str) -> str:
    """``text`` if it is a selector of at most :data:`MAX_SELECTOR_CHARS` characters.

    Raises
    ------
    HTTPException
        400 naming the length and the limit (a longer selector is refused, not cut: cut,
        a list of codes would silently lose communes).
    """
    if len(text) > MAX_SELECTOR_CHARS:
        msg = (f"selector is {len(text):,} characters long; at most {MAX_SELECTOR_CHARS} (a "
               "name, dep:/epci:/circo: codes, or up to 33 INSEE codes)")  # fmt: skip
        raise HTTPException(400, msg)
    return text


#: Host names accepted by default: the loopback interface only.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class BodyTooLargeError(HTTPException):
    """A request body passed its limit (HTTP 413); raised from ``receive`` while reading."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit:,} bytes".replace(",", " "))


class Utf8JsonRoute(APIRoute):
    """A route whose request body must be UTF-8 (checked before FastAPI parses it: its JSON
    parser would otherwise read UTF-16 and UTF-32 too), without a key given twice in one
    object (FastAPI's parser keeps the last one silently).

    Raises
    ------
    DataFileError
        From the handler (HTTP 400 with the application's handlers): the body is not UTF-8,
        naming its line and the encoding expected.
    """

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def utf8_handler(request: Request) -> Response:
            body = await request.body()  # kept by the request: FastAPI parses the same bytes
            if body:
                text = utf8_text(body, "request body", expected="UTF-8 JSON (RFC 8259 §8.1)")
                refuse_duplicate_keys(text, "request body")
            return await handler(request)

        return utf8_handler


def host_name(header: str) -> str:
    """The host of a ``Host`` header without its port, lower case (``[::1]:80`` → ``::1``)."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[1 : h.find("]")] if "]" in h else h
    if h.count(":") == 1:
        return h.split(":", 1)[0]
    return h


async def _send_error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware: Host allow-list and streaming request-body limit.

    Parameters
    ----------
    app
        The application to protect.
    allowed_hosts
        Host names (without port) accepted in the ``Host`` header.
    max_body_bytes
        Largest body of any request, in bytes.
    body_limits
        Path prefix → larger (or smaller) limit for the paths under it (e.g. imports).
    """

    def __init__(
        self, app: ASGIApp, *, allowed_hosts: Iterable[str] = LOOPBACK_HOSTS,
        max_body_bytes: int = 256_000, body_limits: Mapping[str, int] | None = None,
    ) -> None:  # fmt: skip
        self.app = app
        self.allowed_hosts = frozenset(host_name(h) for h in allowed_hosts)
        self.max_body_bytes = max_body_bytes
        self.body_limits = dict(body_limits or {})

    def limit_for(self, path: str) -> int:
        """The body limit of ``path`` (the longest matching prefix wins)."""
        best = ("", self.max_body_bytes)
        for prefix, limit in self.body_limits.items():
            if path.startswith(prefix) and len(prefix) > len(best[0]):
                best = (prefix, limit)
        return best[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        hosts = sum(1 for k, _ in scope["headers"] if k.lower() == b"host")
        if hosts > 1:  # which one a proxy or the application would read is not defined
            await _send_error(send, 400, f"{hosts} Host headers; expected exactly one")
            return
        host = host_name(headers.get("host", ""))
        if host not in self.allowed_hosts:
            shown = host[:60] or "(none)"
            allowed = ", ".join(sorted(self.allowed_hosts))
            msg = f"host '{shown}' is not served here; allowed: {allowed} (serve --allow-host)"
            await _send_error(send, 400, msg)
            return
        limit = self.limit_for(scope.get("path", ""))
        length = headers.get("content-length")
        if length is not None and (not length.strip().isdigit() or int(length) > limit):
            await _send_error(send, 413, BodyTooLargeError(limit).detail)
            return
        received = 0
        exceeded = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:  # never read further once refused
                raise BodyTooLargeError(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLargeError(limit)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded and not response_started:
                return  # the 413 below replaces whatever the application answered
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLargeError:
            if response_started:
                raise
        if exceeded and not response_started:
            await _send_error(send, 413, BodyTooLargeError(limit).detail)
