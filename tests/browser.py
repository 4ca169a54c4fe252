"""Headless Chromium for the tests that look at a page as a browser lays it out."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

#: Where CI sets this, a missing Chromium fails the test instead of skipping it.
REQUIRE_CHROMIUM = os.environ.get("DOICHIEU_REQUIRE_CHROMIUM", "") not in ("", "0")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_or_skip() -> str:
    browser = chromium()
    if browser is None:
        if REQUIRE_CHROMIUM:
            pytest.fail("DOICHIEU_REQUIRE_CHROMIUM is set but chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); CI installs it and runs this test")
    return browser


def dump_dom(browser: str, url: str, profile: Path, *extra: str) -> str:
    """The DOM after ``url`` loaded, as Chromium serialises it."""
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            *extra,
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
