"""The project's fuzz campaign: generated malformed files through the real commands.

Each case (:mod:`tests.fuzz.corpus`) is written to a file and given to the command a user
would run — ``proxisante offer import KIND FILE --store S`` for the importers,
``proxisante scenario import FILE --overwrite --store S`` for scenario files — in a forked
child process (isolation, time and peak memory per file), against a copy of a store that
already holds a valid import of every kind and a scenario. The child records the command's
outcome and fingerprints of the store before and after.

Outcomes counted per format:

- *refused*: exit code 2 with a one-line message; *located* when it names the file and,
  where the case's oracle gives them, the right line and field;
- *accepted*: exit 0; a *wrong acceptance* is an accepted file that had to be refused, or a
  ``same`` file (the seed's data in another acceptable form) that changed the stored data;
- *wrong refusals*: a ``same``/``accept`` file refused;
- *tracebacks* (any other exit, a signal, a timeout) and *internal errors* (exit 1,
  "internal error: …");
- *store changed after refusal*: the store's content differs after a refused file.

Targets: 0 tracebacks, 0 internal errors, 0 wrong acceptances, 0 changed stores, every
file ≤ 10 s and ≤ 1 GiB peak memory (resident set of the child, which shares the parent's
≈ 300 MiB of loaded modules). Seconds are wall-clock time of the command alone (modules are
loaded once before forking); the table also gives the CPU seconds of the slowest file,
which do not grow with the machine's load.

Run ``python -m tests.fuzz.campaign --per-format 200`` (``make fuzz``);
``--mutations big_valid,deep`` re-runs only the named generators
(:func:`tests.fuzz.corpus.mutations`).

Targets
-------
:data:`TARGETS` holds the ways a case reaches the code: ``cli`` (the commands above) and
``web`` (the same files sent as the raw body of the routes a user would use, with the
token, to an application on the same store: ``POST /api/offer/import/{kind}`` for the
importers, ``POST /api/scenarios`` for JSON scenarios). A web answer 2xx counts as accepted,
4xx as refused (its message: the JSON ``error``), 5xx as an internal error, and a stack
trace in an answer or an answer without a JSON error as a traceback. The web messages name
the upload (``upload-finess.csv``) rather than the user's file, and a request body has no
file name or line numbers: a JSON scenario refused by the web is *located* when its message
names the oracle's field.

A :class:`Target`'s ``invoke(case_path, store_path, fmt)`` runs in the child and returns
``(status, message)`` with status 0 (accepted), 2 (refused, ``message`` the one-line error
shown to the user), 1 (internal error) or anything else (a crash); ``formats`` lists the
corpus formats it takes, ``shown_name(case_name, fmt)`` the file name its messages must
carry (``None``: none) and ``names_lines`` whether they give line numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import io
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.corpus import FORMATS, Case, cases, seed_bytes
from tests.fuzz.hostile import HOSTILE_FORMATS, shown_name
from tests.fuzz.hostile import invoke as invoke_hostile

__all__ = ["TARGETS", "Result", "Target", "format_table", "run_campaign"]

#: Per-file limits (the issue's targets).
MAX_SECONDS = 10.0
MAX_PEAK_MIB = 1024.0
#: A child still running after this long is killed and counted as a crash.
KILL_AFTER_SECONDS = 120.0
#: Columns ignored by the "same data" comparison (provenance: file names, times, ids).
_PROVENANCE_COLUMNS = {"import_id", "source", "created_at", "updated_at", "edited_at"}


@dataclass(frozen=True)
class Target:
    """How a case reaches the code under test (see the module docstring)."""

    name: str
    formats: tuple[str, ...]
    invoke: Callable[[Path, Path, str], tuple[int, str]]
    shown_name: Callable[[str, str], str | None] = lambda case_name, fmt: case_name
    names_lines: Callable[[str], bool] = lambda fmt: True
    #: (format, mutation) files this target reads as the seed's data in another form (``same``)
    same: tuple[tuple[str, str], ...] = ()


def _cli(argv: list[str]) -> tuple[int, str]:
    """Run the ``proxisante`` command in this process; (exit status, stderr text)."""
    from proxisante.cli import main

    err = io.StringIO()
    code: int | str | None = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
    status = code if isinstance(code, int) else (0 if code is None else 3)
    text = err.getvalue().strip()
    if status == 1 and not text.startswith("internal error"):
        status = 3  # exit 1 without the CLI's own message: an uncaught error
    return status, text


def _invoke_cli(case_path: Path, store: Path, fmt: str) -> tuple[int, str]:
    if fmt in HOSTILE_FORMATS:
        return invoke_hostile(_cli, case_path, store, fmt)
    if fmt.startswith("scenario"):
        return _cli(["scenario", "import", str(case_path), "--overwrite", "--store", str(store)])
    return _cli(["offer", "import", fmt, str(case_path), "--store", str(store)])


#: The write token of the application the web target talks to.
WEB_TOKEN = "fuzz-campaign-token-0123456789"
#: The corpus formats a user can send to the web routes (scenario bodies are JSON).
WEB_FORMATS = ("finess", "rpps", "bpe", "pop-age", "scenario-json")


def _web_upload_name(case_name: str, fmt: str) -> str | None:
    """The name web import messages give the upload (``None`` for a scenario body)."""
    if fmt.startswith("scenario"):
        return None
    return f"upload-{fmt}.{'txt' if fmt == 'rpps' else 'csv'}"


def _invoke_web(case_path: Path, store: Path, fmt: str) -> tuple[int, str]:
    """POST the file to the route a user would use, on an application over ``store``."""
    from fastapi.testclient import TestClient

    from proxisante.web import create_app

    app = create_app(token=WEB_TOKEN, store_path=str(store), eval_workers=0)
    # no lifespan (no ``with``): the evaluation workers are not needed to save or import
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    scenario = fmt.startswith("scenario")
    url = "/api/scenarios" if scenario else f"/api/offer/import/{fmt}"
    headers = {"Authorization": f"Bearer {WEB_TOKEN}",
               "Content-Type": "application/json" if scenario else "text/csv"}  # fmt: skip
    r = client.post(url, content=case_path.read_bytes(), headers=headers)
    return web_outcome(r.status_code, r.text)


def web_outcome(status_code: int, text: str) -> tuple[int, str]:
    """A web answer as the campaign's ``(status, message)`` (see the module docstring)."""
    if "Traceback" in text or 'File "' in text:
        return 3, f"HTTP {status_code} with a stack trace: {text[:300]}"
    if status_code >= 500:
        return 1, f"internal error: HTTP {status_code} {text[:300]}"
    if status_code < 400:
        return 0, ""
    try:
        error = json.loads(text)["error"]
    except (ValueError, KeyError, TypeError):
        return 3, f"HTTP {status_code} without a JSON error: {text[:300]}"
    return (2, error) if isinstance(error, str) and error else (3, f"empty error: {text[:300]}")


#: Targets of the campaign.
TARGETS: list[Target] = [
    Target("cli", FORMATS, _invoke_cli, shown_name=shown_name),
    # a scenario body, like a scenario file, must be UTF-8 (RFC 8259 §8.1): UTF-16 is refused
    Target("web", WEB_FORMATS, _invoke_web, shown_name=_web_upload_name,
           names_lines=lambda fmt: not fmt.startswith("scenario")),
]  # fmt: skip


@dataclass
class Result:
    """Outcome of one case."""

    case: Case
    target: str
    status: int
    message: str
    seconds: float
    peak_mib: float
    store_changed: bool
    data_changed: bool
    file_name: str = ""
    #: CPU time of the child while the file was handled (all its threads): what the file
    #: costs whatever the machine's load, unlike ``seconds`` (wall clock)
    cpu_seconds: float = 0.0
    #: the file name the message must carry (None: the target's messages name no file)
    shown_name: str | None = ""
    names_lines: bool = True
    #: what must happen to the file through this target (default: the case's oracle)
    expect: str = ""

    @property
    def expected(self) -> str:
        return self.expect or self.case.expect

    @property
    def refused(self) -> bool:
        return self.status == 2

    @property
    def accepted(self) -> bool:
        return self.status == 0

    @property
    def located(self) -> bool:
        """The message names the file and the oracle's line and field (as far as the
        target's messages name files and lines)."""
        c, msg = self.case, self.message
        ok = self.shown_name is None or (self.shown_name or self.file_name) in msg
        if c.line is not None and self.names_lines:
            ok &= f", line {c.line}:" in msg or f", line {c.line}," in msg
        if c.field is not None:
            ok &= f"field '{c.field}" in msg
        return ok and "\n" not in msg

    @property
    def wrong_acceptance(self) -> bool:
        return self.accepted and (
            self.expected == "refuse" or (self.expected == "same" and self.data_changed)
        )

    @property
    def wrong_refusal(self) -> bool:
        return self.refused and self.expected in ("same", "accept")


def _fingerprints(store: Path) -> tuple[str, str]:
    """(every table, data tables without provenance columns) of a store, hashed."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        full, data = hashlib.sha256(), hashlib.sha256()
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        for table in sorted(tables):
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            full.update(repr((table, rows)).encode())
            if table in ("imports", "schema_version"):
                continue
            kept = [c for c in cols if c not in _PROVENANCE_COLUMNS]
            sel = ", ".join(f'"{c}"' for c in kept)
            rows = con.execute(f"SELECT {sel} FROM {table} ORDER BY ALL").fetchall()
            data.update(repr((table, rows)).encode())
        return full.hexdigest(), data.hexdigest()
    finally:
        con.close()


def _child(
    target: Target, fmt: str, case_path: Path, template: Path, before: tuple[str, str],
    store: Path, out: Path,
) -> None:  # fmt: skip
    shutil.copy(template, store)
    full0, data0 = before
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        status, message = target.invoke(case_path, store, fmt)
    except BaseException as exc:
        status, message = 3, f"{type(exc).__name__}: {exc}"[:500]
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    full1, data1 = _fingerprints(store)
    out.write_text(json.dumps({
        "status": status, "message": message[:2000], "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "store_changed": full0 != full1, "data_changed": data0 != data1,
    }))  # fmt: skip


def _fork(fn: Callable[[], None], timeout: float) -> tuple[int, float]:
    """Run ``fn`` in a forked child; (exit status or -signal, peak resident MiB)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            fn()
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            done, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.005)
    code = os.waitstatus_to_exitcode(status)
    return code, usage.ru_maxrss / 1024


def _prepare(work: Path) -> tuple[Path, tuple[str, str]]:
    """A store holding a valid import of every kind and the seed scenario, and its
    fingerprints."""
    template = work / "template.duckdb"
    seeds = {"finess": ".csv", "rpps": ".txt", "bpe": ".csv", "pop-age": ".csv"}

    def build() -> None:
        for fmt, suffix in seeds.items():
            path = work / f"seed-{fmt}{suffix}"
            path.write_bytes(seed_bytes(fmt))
            status, msg = _invoke_cli(path, template, fmt)
            assert status == 0, msg
        path = work / "seed-scenario.yaml"
        path.write_bytes(seed_bytes("scenario-yaml"))
        status, msg = _invoke_cli(path, template, "scenario-yaml")
        assert status == 0, msg
        (work / "template.json").write_text(json.dumps(_fingerprints(template)))

    code, _ = _fork(build, KILL_AFTER_SECONDS)
    if code != 0 or not template.exists():
        msg = "could not build the campaign's template store from the seeds"
        raise RuntimeError(msg)
    return template, tuple(json.loads((work / "template.json").read_text()))


def _warm_up() -> None:
    """Load what every child needs once, before forking (modules, commune table, bundled
    offer), so that a file's seconds measure how it is handled, not module loading.

    The ``offer import`` and ``scenario import`` commands go through the workspace, whose
    module loads the access, scenario and plan packages (scipy…): about 1 s per process on
    a quiet machine, several under load, once per process rather than once per file. The
    web target's children build an application: its stack is loaded here too.
    """
    import fastapi.testclient  # noqa: F401

    import proxisante.cli
    import proxisante.offer.importing
    import proxisante.scenarios.io
    import proxisante.web  # noqa: F401
    from proxisante.offer import load_default_offer
    from proxisante.offer.importing import known_communes
    from proxisante.workspace import Workspace  # noqa: F401  (loads the lazy module)

    known_communes()
    load_default_offer()


def run_case(
    target: Target, case: Case, index: int, work: Path, template: Path, before: tuple[str, str]
) -> Result:
    """Write the case's file, run it in a child, and read what happened."""
    name = f"{case.format}-{index:04d}{case.suffix}"
    case_path = work / name
    case_path.write_bytes(case.data)
    out = work / f"{name}.json"
    store = work / f"{name}.duckdb"
    code, peak = _fork(lambda: _child(target, case.format, case_path, template, before, store,
                                      out), KILL_AFTER_SECONDS)  # fmt: skip
    if out.exists():
        r = json.loads(out.read_text())
    else:
        r = {"status": 3, "message": f"child ended with {code} and no result", "seconds": 0.0,
             "store_changed": False, "data_changed": False}  # fmt: skip
    # the result keeps the case without its bytes: the campaign's process must not grow by
    # every generated file, since each forked child starts with (and counts) its memory
    kept = dataclasses.replace(case, data=b"")
    result = Result(kept, target.name, r["status"], r["message"], r["seconds"], peak,
                    r["store_changed"], r["data_changed"], name,
                    r.get("cpu_seconds", 0.0), shown_name=target.shown_name(name, case.format),
                    names_lines=target.names_lines(case.format),
                    expect="same" if (case.format, case.mutation) in target.same else "")  # fmt: skip
    for p in (case_path, out, store, store.with_name(store.name + ".wal")):
        p.unlink(missing_ok=True)
    return result


def run_campaign(
    per_format: int, *, formats: tuple[str, ...] = FORMATS, seed: int = 0, big: bool = True,
    progress: bool = False, only: tuple[str, ...] | None = None,
    targets: tuple[str, ...] | None = None,
) -> list[Result]:  # fmt: skip
    """Run ``per_format`` generated cases of every format through every target (``only``:
    just the mutations of those names; ``targets``: just the targets of those names)."""
    _warm_up()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="proxisante-fuzz-") as tmp:
        work = Path(tmp)
        template, before = _prepare(work)
        for target in TARGETS:
            if targets is not None and target.name not in targets:
                continue
            for fmt in formats:
                if fmt not in target.formats:
                    continue
                for i, case in enumerate(cases(fmt, per_format, seed=seed, big=big, only=only)):
                    results.append(run_case(target, case, i, work, template, before))
                    if progress and (i + 1) % 50 == 0:
                        print(f"  {target.name} {fmt}: {i + 1}/{per_format}", file=sys.stderr)
    return results


def summarise(results: list[Result]) -> list[dict]:
    """One row of counts per (target, format), then a total row."""
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.target, r.case.format), []).append(r)
    rows = [_row(f"{t} {f}", rs) for (t, f), rs in groups.items()]
    rows.append(_row("total", results))
    return rows


def _row(label: str, rs: list[Result]) -> dict:
    return {
        "format": label,
        "tried": len(rs),
        "refused": sum(r.refused for r in rs),
        "located": sum(r.refused and r.located for r in rs),
        "accepted": sum(r.accepted for r in rs),
        "wrong_accept": sum(r.wrong_acceptance for r in rs),
        "wrong_refuse": sum(r.wrong_refusal for r in rs),
        "tracebacks": sum(r.status not in (0, 1, 2) for r in rs),
        "internal": sum(r.status == 1 for r in rs),
        "store_changed": sum(r.refused and r.store_changed for r in rs),
        "max_s": max((r.seconds for r in rs), default=0.0),
        "max_cpu_s": max((r.cpu_seconds for r in rs), default=0.0),
        "median_s": sorted(r.seconds for r in rs)[len(rs) // 2] if rs else 0.0,
        "max_mib": max((r.peak_mib for r in rs), default=0.0),
    }


def format_table(rows: list[dict]) -> str:
    """The campaign's table, as text."""
    head = ("format", "tried", "refused", "located", "accepted", "wrong_accept",
            "wrong_refuse", "tracebacks", "internal", "store_changed", "median_s", "max_s",
            "max_cpu_s", "max_mib")  # fmt: skip
    labels = ("format", "tried", "refused", "refused naming file+line+field", "accepted",
              "wrong accept.", "wrong refusals", "tracebacks", "internal errors",
              "store changed after refusal", "median s/file", "max s/file",
              "max CPU s/file", "max peak MiB/file")  # fmt: skip
    cells = [[_cell(row[h]) for h in head] for row in rows]
    widths = [max(len(lab), *(len(c[i]) for c in cells)) for i, lab in enumerate(labels)]
    lines = [" | ".join(lab.ljust(w) for lab, w in zip(labels, widths, strict=True))]
    lines.append("-|-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells]
    return "\n".join(lines)


def _cell(v) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def failures(results: list[Result], clock: str = "wall") -> list[str]:
    """One line per case that misses a target (or is refused without its location).

    ``clock="cpu"`` checks the time limit on the child's CPU seconds instead of wall
    seconds: the same bound on pathological inputs (a quadratic step still fails), but
    independent of how loaded the machine is (the ``make test`` run uses it).
    """
    out = []
    for r in results:
        problems = []
        if r.status not in (0, 1, 2):
            problems.append("traceback")
        if r.status == 1:
            problems.append("internal error")
        if r.wrong_acceptance:
            problems.append("wrong acceptance")
        if r.wrong_refusal:
            problems.append("wrong refusal")
        if r.refused and not r.located:
            problems.append("refused without the expected file/line/field")
        if r.refused and r.store_changed:
            problems.append("store changed after refusal")
        seconds = r.cpu_seconds if clock == "cpu" else r.seconds
        if seconds > MAX_SECONDS:
            problems.append(f"{seconds:.1f} {'CPU ' if clock == 'cpu' else ''}s")
        if r.peak_mib > MAX_PEAK_MIB:
            problems.append(f"{r.peak_mib:.0f} MiB")
        if problems:
            c = r.case
            out.append(
                f"{r.file_name} [{c.mutation}; expect {r.expected} line {c.line} "
                f"field {c.field}]: "
                f"{', '.join(problems)} — {r.message[:300]!r}"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-format", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--targets", default=",".join(t.name for t in TARGETS),
                        help="comma-separated: cli, web")  # fmt: skip
    parser.add_argument("--no-big", action="store_true", help="leave out the large files")
    parser.add_argument("--json", type=Path, help="also write the table and failures here")
    parser.add_argument("--mutations", default="",
                        help="comma-separated mutation names (e.g. big_valid,long_line): "
                        "run only those")  # fmt: skip
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="time limit on wall seconds (default) or on CPU seconds "
                        "(load-independent)")  # fmt: skip
    args = parser.parse_args(argv)
    formats = tuple(f for f in args.formats.split(",") if f)
    t0 = time.perf_counter()
    only = tuple(m for m in args.mutations.split(",") if m) or None
    targets = tuple(t for t in args.targets.split(",") if t)
    results = run_campaign(args.per_format, formats=formats, seed=args.seed,
                           big=not args.no_big, progress=True, only=only,
                           targets=targets)  # fmt: skip
    rows = summarise(results)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "failures": failures(results, args.clock)}))
    print(format_table(rows))
    print(f"\n{len(results)} file(s) in {time.perf_counter() - t0:.0f} s; limits per file: "
          f"{MAX_SECONDS:g} {args.clock} s, {MAX_PEAK_MIB:g} MiB peak (resident set of the child process)")  # fmt: skip
    bad = failures(results, args.clock)
    for line in bad[:40]:
        print("  " + line)
    if len(bad) > 40:
        print(f"  … {len(bad) - 40} more")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
