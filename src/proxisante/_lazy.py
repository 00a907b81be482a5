"""Package attributes imported on first use (PEP 562), so that importing a package — e.g. by
the command line to print its help — does not load numpy, pandas or scipy before they are
needed. Type checkers and import-linter see the imports under ``TYPE_CHECKING``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``exports`` maps each public name to
    the module defining it, imported the first time the name is read."""
    namespace = importlib.import_module(package).__dict__

    def get(name: str) -> Any:
        try:
            module = exports[name]
        except KeyError:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg) from None
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # later reads skip __getattr__
        return value

    def names() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return get, names
