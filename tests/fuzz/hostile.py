"""Hostile inputs beyond the official files: absurd plan parameters, output targets that are
not files, and resource limits, each with its oracle, for the fuzz campaign.

Formats (:data:`HOSTILE_FORMATS`), each run through the real command by
:func:`invoke` in the campaign's child process:

- ``assumptions``: a plan assumptions file (YAML) with an absurd value, a YAML 1.1 form
  where a number is expected, a key given twice, or a non-ASCII digit; run as
  ``plan cog -t 62523 --no-scenarios --assumptions FILE``: refused naming the file (and the
  line of a duplicate key), before any plan is built;
- ``plan-options``: ``plan cog`` options out of their range or not ASCII decimal numbers
  (``--step 1e-300``, ``--time-limit 1e9``, ``--set gp_tariff_eur=1e308``, ``--hires ١``…);
  the case's bytes are the options (JSON): refused at once;
- ``output-target``: ``apl -t 62523 --out TARGET`` where TARGET is a named pipe, a link to
  ``/dev/null``, a folder, a dangling link, a 300-byte name, a missing folder, an immutable
  folder — refused, the target left as it was (a device still a device, nothing written
  in the folder) — or a regular file, a new name, a link to a regular file — accepted
  and written whole;
- ``resource-limit``: the same commands under a file-size limit (``ulimit -f``, set with
  ``setrlimit(RLIMIT_FSIZE)`` in the child): a FINESS import of 15,000–25,000 sites
  whose write-ahead log must pass 64–256 KiB, and an APL table larger than 1–16 KiB:
  refused with one line naming the limit, the store unchanged.

A broken invariant (a target replaced, a temporary left behind) is reported as a crash
(status 3) with what was found.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import resource
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.fuzz.corpus import Case, seed_bytes

__all__ = ["HOSTILE_FORMATS", "hostile_cases", "invoke", "shown_name"]

HOSTILE_FORMATS = ("assumptions", "plan-options", "output-target", "resource-limit")
#: Formats whose messages name no input file (an option, or the output target instead).
NO_FILE_FORMATS = ("plan-options", "output-target", "resource-limit")


def shown_name(case_name: str, fmt: str) -> str | None:
    """The file name a refusal must carry (None: the message names an option or a target)."""
    return None if fmt in NO_FILE_FORMATS else case_name


# --- cases ----------------------------------------------------------------------------------
_ABSURD = [
    ("fte_step", "1.0e-300"), ("fte_step", "0"), ("gp_consultations_per_fte", "0"),
    ("gp_tariff_eur", "1.0e+308"), ("gp_tariff_eur", "-30"), ("hires_fte_per_year", "1e12"),
    ("ramp_up_share", "1.5"), ("retirement_age", "300"), ("opening_eur", "1e400"),
    ("max_added_fte_per_site", "1e9"), ("centre_gp_fte_per_person", "0"),
    ("physiotherapist_fte_eur_per_year", "1e30"),
]  # fmt: skip
_TEXT_NUMBERS = ["1:30", "0x10", "true", "0o7", ".inf", ".nan", "1_000", "yes", "'3'", "١٢",
                 "３０", "[30]", "{a: 1}"]  # fmt: skip
_OPTIONS = [
    ["--step", "1e-300"], ["--step", "0"], ["--step", "١"], ["--time-limit", "1e9"],
    ["--time-limit", "0"], ["--time-limit", "nan"], ["--hires", "1e12"], ["--hires", "inf"],
    ["--max-candidates", "0"], ["--max-candidates", "1_000"], ["--from", "1"],
    ["--to", "99999"], ["--set", "gp_tariff_eur=1e308"], ["--set", "gp_consultations_per_fte=0"],
    ["--set", "fte_step=0x10"], ["--set", "gp_tariff_eur=١"], ["--budget-per-year", "-5"],
    ["--budget-per-year", "1e99"], ["--ramp-up", "2"], ["--min-team", "1e6"],
    ["--max-fte", "1e-9"], ["--centre-gp-fte-per-person", "1.5"],
]  # fmt: skip
_TARGETS = {
    "fifo": "refuse", "link to /dev/null": "refuse", "folder": "refuse",
    "dangling link": "refuse", "300-byte name": "refuse", "missing folder": "refuse",
    "immutable folder": "refuse", "regular file": "accept", "new name": "accept",
    "link to a regular file": "accept",
}  # fmt: skip


def _assumption_cases(rng: random.Random) -> list[Callable[[], Case]]:
    def case(mutation: str, text: str, line: int | None = None) -> Case:
        return Case("assumptions", mutation, text.encode("utf-8"), "refuse", line, None,
                    ".yaml")  # fmt: skip

    def absurd():
        name, value = rng.choice(_ABSURD)
        return case(f"{name}: {value}", f"gp_tariff_eur: 30\n{name}: {value}\n")

    def text_number():
        value = rng.choice(_TEXT_NUMBERS)
        return case(f"a number written {value}", f"gp_tariff_eur: {value}\n")

    def duplicate_key():
        return case("key given twice", "fte_step: 0.5\nramp_up_share: 0.5\nfte_step: 1\n", 3)

    def unknown_or_nested():
        return case("not a flat mapping", rng.choice(["- 1\n- 2\n", "gp_tariff_eur:\n  a: 1\n",
                                                      "gp_tarif_eur: 30\n"]))  # fmt: skip

    return [absurd, text_number, duplicate_key, unknown_or_nested]


def _option_cases(rng: random.Random) -> list[Callable[[], Case]]:
    def option():
        argv = rng.choice(_OPTIONS)
        return Case("plan-options", " ".join(argv), json.dumps(argv).encode(), "refuse",
                    suffix=".json")  # fmt: skip

    return [option]


def _target_cases(rng: random.Random) -> list[Callable[[], Case]]:
    def make(kind: str) -> Callable[[], Case]:
        def target():
            return Case("output-target", kind, json.dumps({"kind": kind}).encode(),
                        _TARGETS[kind], suffix=".json")  # fmt: skip

        target.__name__ = kind.replace(" ", "_").replace("/", "").replace("-", "_")
        return target

    return [make(k) for k in _TARGETS]


def _resource_cases(rng: random.Random) -> list[Callable[[], Case]]:
    def import_past_limit():
        sites = rng.choice([15_000, 25_000])
        spec = {"what": "import", "sites": sites, "limit": rng.choice([65_536, 262_144])}
        return Case("resource-limit", f"FINESS import of {sites:,} sites over the limit",
                    json.dumps(spec).encode(), "refuse", suffix=".json")  # fmt: skip

    def output_past_limit():
        spec = {"what": "output", "limit": rng.choice([1_024, 16_384])}
        return Case("resource-limit", "APL table larger than the limit",
                    json.dumps(spec).encode(), "refuse", suffix=".json")  # fmt: skip

    return [import_past_limit, output_past_limit]


_FACTORIES = {
    "assumptions": _assumption_cases, "plan-options": _option_cases,
    "output-target": _target_cases, "resource-limit": _resource_cases,
}  # fmt: skip


def hostile_cases(fmt: str, rng: random.Random) -> list[Callable[[], Case]]:
    """The case generators of a hostile format."""
    return _FACTORIES[fmt](rng)


# --- running a case -------------------------------------------------------------------------
def invoke(cli: Callable[[list[str]], tuple[int, str]], case_path: Path, store: Path,
           fmt: str) -> tuple[int, str]:  # fmt: skip
    """Run a hostile case through its command (in the campaign's child process)."""
    spec = case_path.read_bytes()
    work = case_path.parent / (case_path.name + ".d")
    work.mkdir()
    try:
        if fmt == "assumptions":
            return cli(["plan", "cog", "-t", "62523", "--no-scenarios", "--assumptions",
                        str(case_path), "--out", str(work / "p.xlsx"), "--store", str(store)])  # fmt: skip
        if fmt == "plan-options":
            return cli(["plan", "cog", "-t", "62523", "--no-scenarios", *json.loads(spec),
                        "--out", str(work / "p.xlsx"), "--store", str(store)])  # fmt: skip
        if fmt == "output-target":
            return _output_target(cli, json.loads(spec)["kind"], work)
        return _resource_limit(cli, json.loads(spec), work, store)
    finally:
        subprocess.run(["chattr", "-R", "-i", str(work)], capture_output=True, check=False)
        shutil.rmtree(work, ignore_errors=True)


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _output_target(cli, kind: str, work: Path) -> tuple[int, str]:
    target = work / "t.csv"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link to /dev/null":
        target.symlink_to("/dev/null")
    elif kind == "folder":
        target.mkdir()
    elif kind == "dangling link":
        target.symlink_to(work / "missing.csv")
    elif kind == "300-byte name":
        target = work / ("t" * 296 + ".csv")
    elif kind == "missing folder":
        target = work / "missing" / "t.csv"
    elif kind == "immutable folder":
        folder = work / "ro"
        folder.mkdir()
        target = folder / "t.csv"
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            folder.chmod(0o500)  # no chattr: a folder without write permission (not root)
            if os.geteuid() == 0:
                return 2, f"{target}: skipped (no chattr and root)"  # root writes anyway
    elif kind == "regular file":
        target.write_text("old\n", encoding="utf-8")
    elif kind == "link to a regular file":
        (work / "real.csv").write_text("old\n", encoding="utf-8")
        target.symlink_to(work / "real.csv")
    before = sorted((p.name, os.lstat(p).st_mode) for p in work.iterdir())
    status, message = cli(["apl", "-t", "62523", "--out", str(target)])
    after = sorted((p.name, os.lstat(p).st_mode) for p in work.iterdir())
    broken = _broken(kind, target, work, before, after, status)
    if broken:
        return 3, f"{kind}: {broken} (command: {status}, {message[:200]})"
    return status, message


def _broken(kind: str, target: Path, work: Path, before, after, status: int) -> str | None:
    """What the command broke, or None."""
    if not Path("/dev/null").is_char_device():
        return "/dev/null is no longer a device"
    if any(".proxisante-" in name for name, _ in after):
        return "a temporary file was left behind"
    if _TARGETS[kind] == "refuse":
        if before != after:
            return f"the folder changed: {before} → {after}"
        if kind == "immutable folder" and _listing(target.parent):
            return "a file was written in the immutable folder"
        return None
    real = work / "real.csv" if kind == "link to a regular file" else target
    if status == 0 and "62523" not in real.read_text(encoding="utf-8-sig"):
        return "the target does not hold the table"
    if kind == "link to a regular file" and not stat.S_ISLNK(os.lstat(target).st_mode):
        return "the link was replaced by a file"
    return None


@contextlib.contextmanager
def _file_size_limit(limit: int) -> Iterator[None]:
    """``ulimit -f``: files of this process may not grow past ``limit`` bytes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def _resource_limit(cli, spec: dict, work: Path, store: Path) -> tuple[int, str]:
    if spec["what"] == "output":
        target = work / "apl.csv"
        with _file_size_limit(spec["limit"]):
            status, message = cli(["apl", "-t", "dep:62", "--out", str(target)])
        if status == 0 or target.exists() or any(".proxisante-" in n for n in _listing(work)):
            return 3, f"written past the file-size limit: {status} {message[:200]}"
        return status, message
    lines = seed_bytes("finess").decode("utf-8").splitlines()
    big = [*lines, *(lines[1].replace("620000001", f"64{j:07d}") for j in range(spec["sites"]))]
    data = work / "finess.csv"
    data.write_text("\n".join(big) + "\n", encoding="utf-8")
    with _file_size_limit(spec["limit"]), contextlib.redirect_stdout(io.StringIO()):
        return cli(["offer", "import", "finess", str(data), "--store", str(store)])
