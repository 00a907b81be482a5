"""Output targets of the commands: the issue's commands, each refused with one line, exit 2,
before any work, leaving the target and its folder as they were."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_entry import run_cli


def run(args: list[str]) -> tuple[int, str]:
    """``proxisante ARGS`` through the real entry point: (exit status, stderr stripped)."""
    code, err = run_cli(args)
    return code, err.strip()


def _refused(args: list[str], *expected: str) -> str:
    code, err = run(args)
    assert code == 2, err
    assert err.startswith("error:") and "\n" not in err, err
    for text in expected:
        assert text in err, err
    return err


def test_report_onto_a_device_is_refused_not_replaced(tmp_path):
    dev = tmp_path / "full"
    dev.symlink_to("/dev/null")  # a device reached by name, as /dev/full was
    _refused(["report", "-t", "62523", "--out", str(dev)], "character device")
    assert dev.is_symlink() and Path("/dev/null").is_char_device()
    _refused(["report", "-t", "62523", "--out", "/dev/null"], "character device")
    assert Path("/dev/null").is_char_device()


def test_report_onto_a_fifo_a_folder_or_a_long_name(tmp_path):
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    _refused(["report", "-t", "62523", "--out", str(fifo)], "named pipe")
    folder = tmp_path / "out"
    folder.mkdir()
    _refused(["report", "-t", "62523", "--out", str(folder)], "is a folder")
    _refused(["report", "-t", "62523", "--out", str(tmp_path / ("r" * 295 + ".html"))],
             "ENAMETOOLONG")  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pipe.html"]
    assert list(folder.iterdir()) == []  # no stray temporary


def test_plan_cog_into_a_missing_folder_is_refused_at_once(tmp_path):
    target = tmp_path / "missing" / "dir" / "x.xlsx"
    _refused(["plan", "cog", "-t", "62523", "--out", str(target)], "does not exist")
    assert not (tmp_path / "missing").exists()
    _refused(["plan", "cog", "-t", "62523", "--out", str(tmp_path / "x.xlsx"),
              "--html", str(tmp_path)], "--html", "is a folder")  # fmt: skip


@pytest.mark.skipif(shutil.which("chattr") is None, reason="chattr not available")
def test_report_into_a_read_only_folder(tmp_path):
    """Refused before the report is built (the folder is checked first)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i not permitted here")
    try:
        _refused(["report", "-t", "62523", "--out", str(folder / "r.html")], "cannot write")
        _refused(["apl", "-t", "62523", "--out", str(folder / "a.csv")], "cannot write")
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert list(folder.iterdir()) == []
