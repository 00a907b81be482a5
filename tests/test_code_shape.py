"""Shape of the code (docs/data-flow.md): functions in steps, docstrings that cite only what
exists. A function over 80 lines, a docstring naming a missing file or an unresolvable
``:func:``/``:class:``/``:mod:`` target fails here."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "proxisante"
MAX_LINES = 80
FILE_REF = re.compile(
    r"(?<![\w/.*-])((?:[\w.-]+/)*[\w-]+\.(?:md|py|csv|parquet|json|toml|yaml|txt))\b"
)
ROLE_REF = re.compile(r":(?:func|class|data|mod|meth|attr|exc):`~?(proxisante(?:\.\w+)+)`")


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_no_long_function():
    found = {}
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_LINES:
                    found[f"{path.relative_to(SRC).as_posix()}:{node.name}"] = lines
    assert not found, f"functions over {MAX_LINES} lines (split them into steps): {found}"


def test_docstrings_cite_existing_files():
    places = (ROOT, ROOT / "src", SRC, SRC / "data", ROOT / "docs")
    missing = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                              | ast.AsyncFunctionDef):  # fmt: skip
                continue
            for ref in FILE_REF.findall(ast.get_docstring(node, clean=False) or ""):
                if "/" not in ref and not ref.endswith(".md"):
                    continue  # a bare name is an example (``a.yaml``), a path is a citation
                if not any((p / ref).exists() for p in (*places, path.parent)):
                    missing.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 1)} {ref}")
    assert not missing, missing


def _resolves(name: str) -> bool:
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def test_docstrings_cite_existing_functions():
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in ROLE_REF.finditer(text):
            if not _resolves(m.group(1)):
                bad.append(f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1} "
                           f"{m.group(1)}")  # fmt: skip
    assert not bad, bad


def test_one_report_assembly():
    # the CLI (report, scenario run --report, plan cog --html), the web page and `make demo`
    # build reports through proxisante.report.territory_report only
    callers = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                     if "build_territory_report(" in p.read_text(encoding="utf-8"))  # fmt: skip
    assert callers == ["report/territory_report.py", "report/workspace_report.py"]
    users = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                   if "territory_report(" in p.read_text(encoding="utf-8"))  # fmt: skip
    assert {"cli/report_cmd.py", "cli/scenario_cmd.py", "cli/plan_cmd.py",
            "web/context.py"} <= set(users)  # fmt: skip


def _deferred_imports(tree: ast.Module):
    """Import statements inside functions, each with the statement before it in its block."""
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    for before, stmt in zip([None, *block], block, strict=False):
                        if isinstance(stmt, ast.Import | ast.ImportFrom):
                            yield before, stmt


def test_deferred_imports_say_why():
    # modules import at the top; an import inside a function (the CLI's start-up, a slow
    # library only one function needs, an import cycle) starts a block with its reason
    silent = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for before, stmt in _deferred_imports(ast.parse(text)):
            if isinstance(before, ast.Import | ast.ImportFrom):
                continue  # same block as the import above
            said = lines[stmt.lineno - 2].strip().startswith("#") or "#" in lines[stmt.lineno - 1]
            if not said:
                silent.append(f"{path.relative_to(ROOT)}:{stmt.lineno}")
    assert not silent, silent
