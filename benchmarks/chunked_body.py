"""Send an oversized request on a raw socket: a body chunked (no Content-Length), or a
request head that never ends.

Shared by ``bench_web_body.py`` (server memory under such bodies) and the web security
tests (``tests/web/test_security.py``: the streaming body limit cuts them early). Not a
benchmark itself (the ``make bench`` loop runs ``bench_*.py`` only).
"""

from __future__ import annotations

import socket
import time

__all__ = ["CHUNK_BYTES", "send_chunked", "send_long_head", "send_stream"]

#: Payload bytes of each chunk sent.
CHUNK_BYTES = 65_536


def send_chunked(
    host: str, port: int, path: str, *, total: int, headers: dict[str, str],
    stall_seconds: float = 20.0, max_seconds: float = 600.0,
) -> tuple[int | None, int, float]:  # fmt: skip
    """POST up to ``total`` bytes in 64 KiB chunks with ``Transfer-Encoding: chunked``.

    Sends as fast as the server reads and stops when it answers, stops reading for
    ``stall_seconds``, closes the connection or ``max_seconds`` have passed.

    Parameters
    ----------
    host, port
        The server (``Host: 127.0.0.1`` is sent, a loopback name every server accepts).
    path
        Path and query of the request.
    total
        Most payload bytes to send.
    headers
        Extra request headers (``Content-Type``, ``Authorization``…).

    Returns
    -------
    tuple
        HTTP status of the answer (``None`` without one), bytes the server let in (chunk
        framing and socket buffers included), seconds from the first byte to the answer.
    """
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    chunk = f"{CHUNK_BYTES:x}\r\n".encode() + b"x" * CHUNK_BYTES + b"\r\n"
    return send_stream(host, port, head.encode(), chunk, total=total,
                       stall_seconds=stall_seconds, max_seconds=max_seconds)  # fmt: skip


def send_long_head(host: str, port: int, *, total: int, kind: str = "value",
                   max_seconds: float = 120.0) -> tuple[int | None, int, float]:  # fmt: skip
    """A GET whose request head never ends: one header value (``kind="value"``), ever more
    header lines (``"lines"``) or a request line (``"url"``) of up to ``total`` bytes; same
    return value as :func:`send_chunked`."""
    request = b"GET /api/search?q=lens HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head, piece = {
        "url": (b"GET /api/search?q=", b"a" * CHUNK_BYTES),
        "value": (request + b"X-Long: ", b"a" * CHUNK_BYTES),
        "lines": (request, b"X-Many: v\r\n" * (CHUNK_BYTES // 11)),
    }[kind]
    return send_stream(host, port, head, piece, total=total, max_seconds=max_seconds)


def send_stream(
    host: str, port: int, head: bytes, piece: bytes, *, total: int,
    stall_seconds: float = 20.0, max_seconds: float = 600.0,
) -> tuple[int | None, int, float]:  # fmt: skip
    """Send ``head`` then ``piece`` again and again (up to ``total`` bytes) until the server
    answers, stops reading for ``stall_seconds`` or closes; see :func:`send_chunked`."""
    sock = socket.create_connection((host, port), timeout=30)
    sock.sendall(head)
    sent, reply, t0 = 0, b"", time.perf_counter()
    sock.setblocking(False)
    stalled_since = None
    pending = b""  # a partial send must finish its piece, or a chunked framing breaks
    while sent < total and time.perf_counter() - t0 < max_seconds:
        try:
            reply += sock.recv(65_536)
            if reply:
                break
        except BlockingIOError:
            pass
        except OSError:
            break
        try:
            pending = pending or piece
            n = sock.send(pending)
            sent, pending = sent + n, pending[n:]
            stalled_since = None
        except BlockingIOError:
            stalled_since = stalled_since or time.perf_counter()
            if time.perf_counter() - stalled_since > stall_seconds:
                break  # the server stopped reading and did not answer
            time.sleep(0.005)  # the server is not reading: wait for its answer
        except OSError:
            break
    sock.settimeout(stall_seconds)
    try:
        while b"\r\n" not in reply:
            data = sock.recv(65_536)
            if not data:
                break
            reply += data
    except OSError:
        pass
    sock.close()
    parts = reply.split(b" ", 2)
    status = int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None
    return status, sent, time.perf_counter() - t0
