"""Results derived from large immutable inputs, reused while the very same inputs come back.

The web's evaluation workers evaluate many scenarios on one offer and one baseline: what
depends only on those (an offer's per-site state, the population aged 75+ aligned on the
evaluated communes) is computed once. Entries are found by the *identity* of their inputs
(``is``), never by value, and hold references to them, so an identity is never reused by
another object while its entry lives. The inputs must not be modified in place (offers,
baselines and population tables never are: a change builds new ones).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["IdentityCache"]

T = TypeVar("T")


class IdentityCache(Generic[T]):
    """The last ``size`` results of a computation, keyed by the identity of its inputs.

    >>> cache = IdentityCache(size=1)
    >>> key = (object(),)
    >>> cache.get(key, lambda: [1, 2]) is cache.get(key, lambda: [3])
    True
    """

    def __init__(self, size: int = 1) -> None:
        self.size = size
        self._entries: list[tuple[tuple, T]] = []
        self._lock = threading.Lock()

    def get(self, inputs: tuple, compute: Callable[[], T]) -> T:
        """The result for ``inputs`` (compared with ``is``), computed on a miss."""
        with self._lock:
            for refs, value in self._entries:
                if len(refs) == len(inputs) and all(
                    a is b for a, b in zip(refs, inputs, strict=True)
                ):
                    return value
        value = compute()
        with self._lock:
            self._entries = [(inputs, value), *self._entries][: self.size]
        return value
