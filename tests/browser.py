"""Headless Debian Chromium helpers for tests (skip cleanly with a reason when absent)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("Debian chromium is not installed (make test installs it when run as root)")
    return exe


def render(html_path: Path, tmp_path: Path, *, screenshot: Path | None = None) -> str:
    """Load a local HTML file in headless Chromium, run its scripts, return the final DOM."""
    exe = chromium_or_skip()
    profile = tmp_path / "chromium-profile"
    base = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=8000"]
    url = html_path.resolve().as_uri()
    if screenshot is not None:
        subprocess.run(
            [*base, "--window-size=1200,1600", f"--screenshot={screenshot}", url],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    done = subprocess.run(
        [*base, "--dump-dom", url], check=True, capture_output=True, timeout=120, text=True
    )
    return done.stdout
