"""Headless Debian Chromium helpers for tests (skip cleanly with a reason when absent)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def live_server(app, *, lifespan: str = "on") -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan=lifespan)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "the web server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def selenium_driver(profile: Path, *, width: int = 1280, height: int = 800):
    """Debian chromium driven by chromedriver (skips with a reason when absent); the window
    is a laptop's first screen (``width`` × ``height``)."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("Debian chromium/chromedriver not installed (make test installs them as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for flag in CHROMIUM_FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument(f"--window-size={width},{height}")
    driver = webdriver.Chrome(options=opts, service=Service(shutil.which("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()


#: Text of the page that a person sees without scrolling: every text node with a box of
#: non-zero width inside the window (hidden elements have no box).
_FIRST_SCREEN_JS = """
var height = window.innerHeight, out = [];
var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  var node = walker.currentNode;
  if (!node.textContent.trim()) { continue; }
  var range = document.createRange(); range.selectNodeContents(node);
  var boxes = range.getClientRects();
  for (var i = 0; i < boxes.length; i++) {
    var b = boxes[i];
    if (b.width > 0 && b.top < height && b.bottom > 0) { out.push(node.textContent); break; }
  }
}
return out.join(" ");
"""


def first_screen_text(driver) -> str:
    """What the first screen of the page in ``driver`` says (spaces normalised)."""
    return " ".join(driver.execute_script(_FIRST_SCREEN_JS).split())
