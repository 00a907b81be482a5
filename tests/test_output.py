"""The one writer of output files (proxisante._output): regular files or new names only,
whole or nothing, the temporary removed on every failure, OS errors as one line (exit 2)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from proxisante._output import check_output, write_output
from proxisante.errors import OutputError

IS_ROOT = os.geteuid() == 0


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    return d


def test_new_name_and_regular_file_are_written_whole(folder):
    target = folder / "a.html"
    write_output(target, "é")
    assert target.read_bytes() == "é".encode()
    target.chmod(0o640)
    write_output(target, lambda fh: fh.write(b"new"))
    assert target.read_bytes() == b"new"
    assert (target.stat().st_mode & 0o777) == 0o640  # the mode of a replaced file is kept
    assert _listing(folder) == ["a.html"]


def test_link_to_a_regular_file_writes_the_file_and_keeps_the_link(folder):
    real = folder / "real.csv"
    real.write_text("old")
    (folder / "link.csv").symlink_to(real)
    write_output(folder / "link.csv", b"new")
    assert (folder / "link.csv").is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda p: os.mkfifo(p), r"named pipe \(FIFO\)"),
        (lambda p: p.symlink_to("/dev/null"), "character device"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.symlink_to(p.parent / "missing"), "symbolic link to a missing file"),
    ],
    ids=["fifo", "link-to-dev-null", "folder", "dangling-link"],
)
def test_non_regular_targets_are_refused_and_kept(folder, make, what):
    target = folder / "t.html"
    make(target)
    before = os.lstat(target)
    with pytest.raises(OutputError, match=what):
        write_output(target, b"x")
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert _listing(folder) == ["t.html"]  # no temporary left


def test_device_is_refused_not_replaced():
    with pytest.raises(OutputError, match="character device"):
        write_output("/dev/null", b"x")
    assert Path("/dev/null").is_char_device()


def test_long_name_and_missing_folder(folder):
    with pytest.raises(OutputError, match="300 bytes long; at most 255") as e:
        write_output(folder / ("x" * 295 + ".html"), b"x")
    assert "\n" not in str(e.value) and len(str(e.value)) < 300
    with pytest.raises(OutputError, match=r"folder '.*missing' does not exist"):
        check_output(folder / "missing" / "x.xlsx")
    assert _listing(folder) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EACCES])
def test_os_errors_while_writing_are_one_line_and_leave_nothing(folder, monkeypatch, code):
    target = folder / "t.csv"
    target.write_text("kept")

    def fail(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OutputError, match=errno.errorcode[code]) as e:
        write_output(target, b"new")
    assert "\n" not in str(e.value) and "--out" in str(e.value)
    assert target.read_text() == "kept" and _listing(folder) == ["t.csv"]


def test_interrupt_while_writing_leaves_no_temporary(folder):
    def boom(fh):
        fh.write(b"partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_output(folder / "t.csv", boom)
    assert _listing(folder) == []


def test_file_size_limit_is_a_clear_error(folder):
    """EFBIG for real: a child process under RLIMIT_FSIZE (works as root too)."""
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from proxisante._output import write_output\n"
        "from proxisante.errors import OutputError\n"
        "try:\n"
        "    write_output(sys.argv[1], b'x' * 100_000)\n"
        "except OutputError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(folder / "big.csv")],
                         capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    assert "file-size limit" in out.stdout and "EFBIG" in out.stdout
    assert _listing(folder) == []


@pytest.mark.skipif(shutil.which("chattr") is None, reason="chattr not available")
def test_immutable_folder_is_refused_cleanly(folder):
    """A folder no one can write in (immutable: refuses root as well)."""
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i not permitted here")
    try:
        with pytest.raises(OutputError, match=r"cannot write in folder") as e:
            write_output(folder / "t.html", b"x")
        assert "\n" not in str(e.value)
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert _listing(folder) == []
