"""Read and write scenarios as YAML or JSON, with errors that name the edit and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from proxisante.errors import DataFileError, InputError
from proxisante.scenarios.model import Scenario

__all__ = ["dump_scenario", "load_scenario", "parse_scenario", "validation_message"]

_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


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
                kind = edits[idx].get("kind", "?")
            rest = [str(x) for x in loc[2:] if x != kind]
            where = f"edit #{idx + 1} ({kind})" + (f", field '{'.'.join(rest)}'" if rest else "")
        else:
            where = "field '" + ".".join(str(x) for x in loc) + "'" if loc else "scenario"
        parts.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - 3
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def parse_scenario(data: Any) -> Scenario:
    """Validate a mapping (from YAML/JSON/the web API) into a :class:`Scenario`."""
    if not isinstance(data, dict):
        msg = f"a scenario must be a mapping with name and edits, got {type(data).__name__}"
        raise InputError(msg)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError("invalid scenario: " + validation_message(exc, data)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        msg = f"unsupported scenario file type '{path.suffix}'; accepted: .yaml, .yml, .json"
        raise DataFileError(str(path), msg)
    if not path.is_file():
        raise DataFileError(str(path), "file not found")
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        line = line + 1 if line is not None else getattr(exc, "lineno", None)
        raise DataFileError(str(path), f"not valid {fmt.upper()}", line=line) from None
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
