"""Reading small YAML or JSON documents written by users (scenarios, plan assumptions),
with bounded resources and strict types.

One path for every such file: its size is bounded, its bytes must be UTF-8
(:func:`proxisante._textfiles.utf8_text`), YAML is parsed by PyYAML's safe loader in C
(libyaml) when available, and the parsed value's nesting and number of values are bounded
(:func:`check_shape`, an iterative walk: no recursion limit, no alias bomb). Every refusal
is a :class:`~proxisante.errors.DataFileError` naming the file (and the line when the
parser gives it).

Strict types (:data:`YAML_LOADER`): YAML 1.1's implicit conversions, which turn a value a
user typed into a number or a boolean it does not look like, are off. A plain value is

- an integer only when written ``[-+]?[0-9]+`` (``0x10``, ``0o7``, ``010``-style octal,
  ``1_000`` and sexagesimal ``1:30`` stay text);
- a float only when written in decimal with a point or an exponent (``.inf``, ``.nan``
  stay text);
- a boolean only for ``true``/``false`` (any case; ``yes``, ``no``, ``on``, ``off``, ``y``
  stay text), and ``null``/``~``/empty for nothing (YAML 1.2's core schema);
- never a date (``2025-01-01`` stays text).

Text where a number is expected is then refused by the reader of the document (numbers are
strict: :mod:`proxisante.bounds`). A key given twice in one mapping is refused naming both
lines, in YAML and in JSON (where the standard leaves it open and parsers keep the last).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from proxisante._textfiles import utf8_text
from proxisante.errors import DataFileError, InputError, shorten

__all__ = ["YAML_LOADER", "DocumentLimits", "check_shape", "load_document", "parse_text"]

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT, _FLOAT, _BOOL = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"
_DROPPED = {_INT, _FLOAT, _BOOL, "tag:yaml.org,2002:timestamp"}
_STRICT_INT = re.compile(r"^[-+]?[0-9]+$", re.ASCII)
_STRICT_FLOAT = re.compile(
    r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$",
    re.ASCII,
)
_STRICT_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key given twice in one mapping."""


class _StrictLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader (libyaml when available) with YAML 1.2 core scalars and
    duplicate keys refused (see the module docstring)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                    seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:
                    continue  # an unhashable key: SafeConstructor refuses it itself
                if first is not None:
                    raise DuplicateKeyError(
                        None, None, f"key '{shorten(key, 40)}' given twice in one mapping "
                        f"(first on line {first}); expected each key once",
                        key_node.start_mark,
                    )  # fmt: skip
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):
        value = self.construct_scalar(node)
        if not _STRICT_INT.match(value):
            raise yaml.constructor.ConstructorError(
                None, None, f"'{shorten(value, 40)}' is not a decimal integer", node.start_mark
            )
        return int(value)

    def construct_yaml_float(self, node):
        value = self.construct_scalar(node)
        if not (_STRICT_FLOAT.match(value) or _STRICT_INT.match(value)):
            raise yaml.constructor.ConstructorError(
                None, None, f"'{shorten(value, 40)}' is not a decimal number", node.start_mark
            )
        return float(value)

    def construct_yaml_bool(self, node):
        value = self.construct_scalar(node)
        if not _STRICT_BOOL.match(value):
            raise yaml.constructor.ConstructorError(
                None, None, f"'{shorten(value, 40)}' is not true or false", node.start_mark
            )
        return value.lower() == "true"


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(_BOOL, _STRICT_BOOL, list("tTfF"))
_StrictLoader.add_implicit_resolver(_INT, _STRICT_INT, list("-+0123456789"))
_StrictLoader.add_implicit_resolver(_FLOAT, _STRICT_FLOAT, list("-+0123456789."))
_StrictLoader.add_constructor(_INT, _StrictLoader.construct_yaml_int)
_StrictLoader.add_constructor(_FLOAT, _StrictLoader.construct_yaml_float)
_StrictLoader.add_constructor(_BOOL, _StrictLoader.construct_yaml_bool)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_str)

#: The loader of every user's YAML document: PyYAML's safe loader, in C (libyaml) when
#: PyYAML has it (PyYAML's Python scanner takes time quadratic in the nesting of ``[…]``: a
#: 1,000-level file takes 10 s and more; libyaml refuses more than 1,000 levels at once),
#: with strict scalars and duplicate keys refused (see the module docstring).
YAML_LOADER = _StrictLoader


class _DuplicateJsonKeyError(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _json_object(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateJsonKeyError(key)
        out[key] = value
    return out


def _json_key_lines(text: str, key: str) -> list[int]:
    """1-based lines where ``"key":`` is written in a JSON text (to name a duplicate)."""
    pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]


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


def refuse_duplicate_keys(text: str, name: str) -> None:
    """Refuse a JSON text with a key given twice in one object (naming its line); a text
    that is not JSON is left to the caller's parser.

    Raises
    ------
    DataFileError
        A duplicate key, naming ``name``, the key and its line.
    """
    try:
        json.loads(text, object_pairs_hook=_json_object)
    except _DuplicateJsonKeyError as exc:
        raise _duplicate_json_key(name, text, exc.key) from None
    except (ValueError, RecursionError):
        return


def _duplicate_json_key(name: str, text: str, key: str) -> DataFileError:
    lines = _json_key_lines(text, key)
    first = f" (first on line {lines[0]})" if len(lines) > 1 else ""
    msg = f"key '{shorten(key, 40)}' given twice in one object{first}; expected each key once"
    return DataFileError(name, msg, line=lines[1] if len(lines) > 1 else None)


def parse_text(text: str, fmt: str) -> Any:
    """A YAML (strict loader) or JSON (duplicate keys refused) text's value (no bounds)."""
    if fmt == "yaml":
        return yaml.load(text, Loader=YAML_LOADER)
    return json.loads(text, object_pairs_hook=_json_object)


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
        data = parse_text(text, fmt)
    except _DuplicateJsonKeyError as exc:
        raise _duplicate_json_key(name, text, exc.key) from None
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        line = line + 1 if line is not None else getattr(exc, "lineno", None)
        msg = f"not valid {fmt.upper()}"
        problem = str(getattr(exc, "problem", ""))
        if "nesting depth" in problem:  # libyaml's own limit
            msg += f": {deep}"
        elif isinstance(exc, yaml.constructor.ConstructorError) and problem:
            msg += f": {problem}"
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
