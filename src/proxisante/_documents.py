"""Reading small YAML or JSON documents written by users (scenarios, plan assumptions),
with bounded resources.

One path for every such file: its size is bounded, its bytes must be UTF-8
(:func:`proxisante._textfiles.utf8_text`), YAML is parsed by PyYAML's safe loader in C
(libyaml) when available, and the parsed value's nesting and number of values are bounded
(:func:`check_shape`, an iterative walk: no recursion limit, no alias bomb). Every refusal
is a :class:`~proxisante.errors.DataFileError` naming the file (and the line when the
parser gives it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from proxisante._textfiles import utf8_text
from proxisante.errors import DataFileError, InputError, shorten

__all__ = ["YAML_LOADER", "DocumentLimits", "check_shape", "load_document"]

#: YAML's safe loader, in C (libyaml) when PyYAML has it: PyYAML's Python scanner takes
#: time quadratic in the nesting of ``[…]`` (a 1,000-level file: 10 s and more), libyaml
#: refuses more than 1,000 levels at once.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DocumentLimits:
    """Bounds of one kind of document, and what it needs (said in messages).

    Parameters
    ----------
    max_bytes
        Largest file accepted.
    max_depth
        Deepest nesting of mappings and lists accepted.
    max_nodes
        Most values (mappings, lists, keys and scalars; YAML aliases counted each time).
    needs
        What a valid document needs, e.g. ``"a scenario needs 4 levels"``.
    """

    def __init__(self, *, max_bytes: int, max_depth: int, max_nodes: int, needs: str) -> None:
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.needs = needs


def check_shape(data: Any, limits: DocumentLimits) -> None:
    """Refuse nesting deeper than ``limits.max_depth`` or more values than
    ``limits.max_nodes`` (mappings, lists, keys and scalars; a YAML alias counts its whole
    value each time it is used), or a value containing itself.

    Iterative walk (no recursion limit) that sizes each distinct mapping or list once: a
    file of aliases of aliases (an "alias bomb") is refused without visiting the millions
    of values it stands for.

    Raises
    ------
    InputError
        Too deep, too many values, or a value containing itself.
    """
    too_deep = f"nested deeper than {limits.max_depth} levels; {limits.needs}"
    sizes: dict[int, tuple[int, int]] = {}  # id of a mapping or list → (values, levels)
    open_: set[int] = set()  # containers being sized: the path from the top
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        value, children_sized = stack.pop()
        if not isinstance(value, dict | list) or id(value) in sizes:
            continue
        children = [*value, *value.values()] if isinstance(value, dict) else value
        if not children_sized:
            if id(value) in open_ or len(open_) >= limits.max_depth:  # a cycle, or deep
                raise InputError(too_deep)
            open_.add(id(value))
            stack.append((value, True))
            stack.extend((c, False) for c in children if isinstance(c, dict | list))
            continue
        nodes, levels = 1, 1
        for c in children:
            n, d = sizes[id(c)] if isinstance(c, dict | list) else (1, 1)
            nodes, levels = nodes + n, max(levels, d + 1)
        if levels > limits.max_depth:
            raise InputError(too_deep)
        if nodes > limits.max_nodes:
            msg = f"more than {limits.max_nodes:,} values (YAML aliases counted each time)"
            raise InputError(msg)
        sizes[id(value)] = (nodes, levels)
        open_.discard(id(value))


def load_document(path: str | Path, fmt: str, limits: DocumentLimits) -> Any:
    """The parsed value of a UTF-8 YAML (``fmt='yaml'``) or JSON (``'json'``) file, within
    ``limits``.

    Raises
    ------
    DataFileError
        Missing, larger than ``limits.max_bytes``, not UTF-8 text, invalid YAML/JSON (with
        its line), nested too deeply or too many values; each naming the file.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise DataFileError(name, "file not found")
    size = path.stat().st_size
    if size > limits.max_bytes:
        msg = f"file is {size / 2**20:.1f} MiB; at most {limits.max_bytes / 2**20:g} MiB"
        raise DataFileError(name, msg)
    text = utf8_text(path.read_bytes(), name)
    deep = f"nested too deeply ({limits.needs})"
    try:
        data = yaml.load(text, Loader=YAML_LOADER) if fmt == "yaml" else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        line = line + 1 if line is not None else getattr(exc, "lineno", None)
        msg = f"not valid {fmt.upper()}"
        if "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit
            msg += f": {deep}"
        raise DataFileError(name, msg, line=line) from None
    except RecursionError:
        raise DataFileError(name, f"not valid {fmt.upper()}: {deep}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise DataFileError(name, f"not valid {fmt.upper()}: {shorten(exc)}") from None
    try:
        check_shape(data, limits)
    except InputError as exc:
        raise DataFileError(name, str(exc)) from None
    return data
