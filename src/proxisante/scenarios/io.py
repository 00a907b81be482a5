"""Read and write scenarios as YAML or JSON, with errors that name the edit and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from proxisante.errors import DataFileError, InputError, shorten
from proxisante.scenarios.model import Scenario

__all__ = ["check_shape", "dump_scenario", "load_scenario", "parse_scenario", "validation_message"]

_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
#: YAML's safe loader, in C (libyaml) when PyYAML has it: PyYAML's Python scanner takes
#: time quadratic in the nesting of ``[…]`` (a 1,000-level file: 10 s and more), libyaml
#: refuses more than 1,000 levels at once.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def validation_message(exc: ValidationError, data: Any) -> str:
    """Turn a pydantic error into one line naming the edit (index and kind) and the field."""
    parts = []
    for err in exc.errors()[:3]:
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "edits" and isinstance(loc[1], int):
            idx = loc[1]
            kind = "?"
            edits = data.get("edits") if isinstance(data, dict) else None
            if isinstance(edits, list) and idx < len(edits) and isinstance(edits[idx], dict):
                kind = shorten(edits[idx].get("kind", "?"), 40)
            rest = [shorten(x, 40) for x in loc[2:] if x != kind]
            where = f"edit #{idx + 1} ({kind})" + (f", field '{'.'.join(rest)}'" if rest else "")
        else:
            where = "field '" + ".".join(shorten(x, 40) for x in loc) + "'" if loc else "scenario"
        parts.append(f"{where}: {shorten(err['msg'], 200)}")
    more = len(exc.errors()) - 3
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def parse_scenario(data: Any) -> Scenario:
    """Validate a mapping (from YAML/JSON/the web API) into a :class:`Scenario`."""
    if not isinstance(data, dict):
        msg = f"a scenario must be a mapping with name and edits, got {type(data).__name__}"
        raise InputError(msg)
    check_shape(data)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError("invalid scenario: " + validation_message(exc, data)) from None


#: Largest scenario file accepted (a scenario closing 100,000 sites is about 2 MiB).
MAX_SCENARIO_BYTES = 16 << 20
#: Deepest nesting accepted in a scenario file (a scenario needs 4 levels).
MAX_SCENARIO_DEPTH = 32
#: Most values (mappings, lists, scalars; YAML aliases counted each time) in a scenario.
MAX_SCENARIO_NODES = 1_000_000


def _scenario_text(path: Path) -> str:
    """The file's text: UTF-8 (a byte-order mark is accepted), bounded in size."""
    size = path.stat().st_size
    if size > MAX_SCENARIO_BYTES:
        msg = f"file is {size / 2**20:.1f} MiB; a scenario file is at most 16 MiB"
        raise DataFileError(str(path), msg)
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataFileError(str(path), "UTF-16 text; expected a UTF-8 text file", line=1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        msg = "NUL byte: this is a binary file, not a YAML/JSON text"
        raise DataFileError(str(path), msg, line=raw.count(b"\n", 0, nul) + 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        msg = f"byte 0x{raw[exc.start]:02X} is not UTF-8; expected a UTF-8 text file"
        raise DataFileError(str(path), msg, line=line) from None


def check_shape(data: Any) -> None:
    """Refuse nesting deeper than :data:`MAX_SCENARIO_DEPTH` or more values than
    :data:`MAX_SCENARIO_NODES` (mappings, lists, keys and scalars; a YAML alias counts
    its whole value each time it is used), or a value containing itself.

    Iterative walk (no recursion limit) that sizes each distinct mapping or list once: a
    file of aliases of aliases (an "alias bomb") is refused without visiting the millions
    of values it stands for.
    """
    too_deep = f"nested deeper than {MAX_SCENARIO_DEPTH} levels; a scenario needs 4"
    sizes: dict[int, tuple[int, int]] = {}  # id of a mapping or list → (values, levels)
    open_: set[int] = set()  # containers being sized: the path from the top
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        value, children_sized = stack.pop()
        if not isinstance(value, dict | list) or id(value) in sizes:
            continue
        children = [*value, *value.values()] if isinstance(value, dict) else value
        if not children_sized:
            if id(value) in open_ or len(open_) >= MAX_SCENARIO_DEPTH:  # a cycle, or deep
                raise InputError(too_deep)
            open_.add(id(value))
            stack.append((value, True))
            stack.extend((c, False) for c in children if isinstance(c, dict | list))
            continue
        nodes, levels = 1, 1
        for c in children:
            n, d = sizes[id(c)] if isinstance(c, dict | list) else (1, 1)
            nodes, levels = nodes + n, max(levels, d + 1)
        if levels > MAX_SCENARIO_DEPTH:
            raise InputError(too_deep)
        if nodes > MAX_SCENARIO_NODES:
            msg = f"more than {MAX_SCENARIO_NODES:,} values (YAML aliases counted each time)"
            raise InputError(msg)
        sizes[id(value)] = (nodes, levels)
        open_.discard(id(value))


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (``.yaml``, ``.yml`` or ``.json``, UTF-8).

    Raises
    ------
    DataFileError
        Unsupported suffix, missing, too large, not UTF-8 text, invalid YAML/JSON (with its
        line), nested too deeply, or an invalid scenario (naming the edit and field).
    """
    path = Path(path)
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        msg = f"unsupported scenario file type '{path.suffix}'; accepted: .yaml, .yml, .json"
        raise DataFileError(str(path), msg)
    if not path.is_file():
        raise DataFileError(str(path), "file not found")
    text = _scenario_text(path)
    try:
        data = yaml.load(text, Loader=_YAML_LOADER) if fmt == "yaml" else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        line = line + 1 if line is not None else getattr(exc, "lineno", None)
        msg = f"not valid {fmt.upper()}"
        if "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit
            msg += ": nested too deeply (a scenario needs 4 levels)"
        raise DataFileError(str(path), msg, line=line) from None
    except RecursionError:
        msg = f"not valid {fmt.upper()}: nested too deeply (a scenario needs 4 levels)"
        raise DataFileError(str(path), msg) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        msg = f"not valid {fmt.upper()}: {shorten(exc)}"
        raise DataFileError(str(path), msg) from None
    try:
        return parse_scenario(data)
    except InputError as exc:
        raise DataFileError(str(path), str(exc)) from None


def dump_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario as YAML or JSON (by suffix), atomically."""
    path = Path(path)
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        msg = f"unsupported scenario file type '{path.suffix}'; accepted: .yaml, .yml, .json"
        raise InputError(msg)
    data = scenario.model_dump(mode="json", exclude_defaults=False)
    text = (
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        if fmt == "yaml"
        else json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    )
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
