"""Read and write scenarios as YAML or JSON, with errors that name the edit and the field."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from proxisante._documents import YAML_LOADER, DocumentLimits, load_document
from proxisante._documents import check_shape as check_document_shape
from proxisante._output import write_output
from proxisante.errors import DataFileError, InputError, shorten
from proxisante.scenarios.model import Scenario

__all__ = [
    "check_shape",
    "dump_scenario",
    "edit_line",
    "file_error",
    "load_scenario",
    "parse_scenario",
    "validation_message",
]

_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


#: pydantic error types of a value that is not a number where one is expected.
_NOT_A_NUMBER = {"float_type", "int_type", "float_parsing", "int_parsing", "int_from_float"}


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
        text = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] in _NOT_A_NUMBER:
            kind = "a whole number" if err["type"].startswith("int") else "a decimal number"
            text = (f"got {shorten(repr(err.get('input')), 40)}; expected {kind} (e.g. "
                    f"{'12' if kind.startswith('a whole') else '1.5'}), not text or true/false "
                    "(YAML 1.1 forms such as 1:30, 0x10, 1_000 or .inf are text)")  # fmt: skip
        parts.append(f"{where}: {shorten(text, 200)}")
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
#: The bounds of a scenario, file or web body.
SCENARIO_LIMITS = DocumentLimits(
    max_bytes=MAX_SCENARIO_BYTES, max_depth=MAX_SCENARIO_DEPTH, max_nodes=MAX_SCENARIO_NODES,
    needs="a scenario needs 4 levels",
)  # fmt: skip


def check_shape(data: Any) -> None:
    """Refuse a scenario nested deeper than :data:`MAX_SCENARIO_DEPTH` or with more values
    than :data:`MAX_SCENARIO_NODES` (:func:`proxisante._documents.check_shape`)."""
    check_document_shape(data, SCENARIO_LIMITS)


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
    data = load_document(path, fmt, SCENARIO_LIMITS)
    try:
        return parse_scenario(data)
    except InputError as exc:
        raise DataFileError(str(path), str(exc)) from None


def edit_line(path: str | Path, index: int) -> int | None:
    """1-based line where edit number ``index`` (0-based) of a scenario file starts, or None
    (the file no longer parses, or has no such edit)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
        node = yaml.compose(text, Loader=YAML_LOADER)  # JSON is read as YAML here
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        edits = getattr(key, "value", None) == "edits" and isinstance(value, yaml.SequenceNode)
        if edits and 0 <= index < len(value.value):
            return value.value[index].start_mark.line + 1
    return None


def file_error(path: str | Path, exc: InputError) -> DataFileError:
    """``exc`` (an edit refused against the offer: ``edit #N (kind): …``) as an error naming
    the scenario file and the line of that edit."""
    if isinstance(exc, DataFileError):
        return exc
    m = re.match(r"edit #(\d+) ", str(exc))
    line = edit_line(path, int(m.group(1)) - 1) if m else None
    return DataFileError(str(path), str(exc), line=line)


def dump_scenario(scenario: Scenario, path: str | Path, *, option: str = "--out") -> Path:
    """Write a scenario as YAML or JSON (by suffix), whole or not at all
    (:func:`proxisante._output.write_output`)."""
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
    return write_output(path, text, option=option)
