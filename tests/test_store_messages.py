"""The store as the system allows it: reads never create it, a read-only (immutable) store is
read and refuses writes clearly, a file-size limit during an import is one line and the
store stays intact."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz.corpus import seed_bytes
from tests.test_output_targets import run

BPE = Path(__file__).parent / "data" / "repro" / "bpe_cp1252.csv"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _content(path: Path) -> tuple[str, str]:
    """Every table of the store, hashed (the fuzz campaign's fingerprint)."""
    from tests.fuzz.campaign import _fingerprints

    return _fingerprints(path)


def test_a_read_creates_no_folder_and_no_store(tmp_path):
    target = tmp_path / "new" / "dir" / "x.duckdb"
    for args in (["offer", "imports"], ["offer", "edits"]):
        code, err = run([*args, "--store", str(target)])
        assert code == 2 and "does not exist" in err and "x.duckdb" in err, (args, err)
        assert err.count("\n") == 0
    assert not (tmp_path / "new").exists()
    # reads that can do without a store use the bundled data, still creating nothing
    for args in (["offer", "show", "010000024"], ["scenario", "list"]):
        code, err = run([*args, "--store", str(target)])
        assert code == 0, err
    assert not (tmp_path / "new").exists()


def test_not_a_store_is_said_without_the_database_text(tmp_path):
    bad = tmp_path / "x.duckdb"
    bad.write_text("hello", encoding="utf-8")
    code, err = run(["offer", "imports", "--store", str(bad)])
    assert code == 2 and "not a proxisante store" in err, err
    assert "IO Error" not in err and "Exception" not in err and err.count("\n") == 0


@pytest.fixture
def immutable_store(tmp_path):
    if shutil.which("chattr") is None:
        pytest.skip("chattr not available")
    store = tmp_path / "s.duckdb"
    code, err = run(["offer", "import", "bpe", str(BPE), "--store", str(store)])
    assert code == 0, err
    if subprocess.run(["chattr", "+i", str(store)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i not permitted here")
    yield store
    subprocess.run(["chattr", "-i", str(store)], check=True)


def test_read_only_store_is_read_and_refuses_writes_clearly(immutable_store):
    before = _digest(immutable_store)
    code, err = run(["offer", "imports", "--store", str(immutable_store)])
    assert code == 0, err
    code, err = run(["offer", "edit", "010000024", "--fte", "gp=+1", "--store",
                     str(immutable_store)])  # fmt: skip
    assert code == 2 and "cannot be written" in err and "offer imports" in err, err
    assert "IO Error" not in err and err.count("\n") == 0
    assert _digest(immutable_store) == before


def _limited(limit_bytes: int):
    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return set_limit


def test_import_past_the_file_size_limit_is_one_line_and_the_store_intact(tmp_path):
    """`ulimit -f 3200; offer import finess big.csv` ended in « internal error:
    FatalException … please report it »."""
    store = tmp_path / "s.duckdb"
    code, err = run(["offer", "import", "bpe", str(BPE), "--store", str(store)])
    assert code == 0, err
    lines = seed_bytes("finess").decode().splitlines()
    big = [*lines, *(lines[1].replace("620000001", f"64{j:07d}") for j in range(50_000))]
    big_file = tmp_path / "big.csv"
    big_file.write_text("\n".join(big) + "\n", encoding="utf-8")
    before = _content(store)
    limit = store.stat().st_size + 1_600_000  # the store may not grow by the import
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-m", "proxisante", "offer", "import", "finess", str(big_file),
         "--store", str(store)],
        capture_output=True, text=True, timeout=300, preexec_fn=_limited(limit), env=env,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "file-size limit" in done.stderr and "internal error" not in done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert _content(store) == before
    code, err = run(["offer", "imports", "--store", str(store)])
    assert code == 0, err
