"""The digest's HTML in headless Chromium: screenshots at 600 px and phone width, and
no horizontal scrolling at either.

Headless Chromium will not make a window narrower than 500 px, so the layout is
measured inside an iframe of the exact width (same origin through `srcdoc`): a script
writes the framed page's scrollWidth and clientWidth into the DOM that `--dump-dom`
prints. Screenshots do honour narrow windows and are saved beside the test's files.
"""

from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from flows.digest_run import DigestOptions, run_weekly_digest
from tests.digest.conftest import RUN_AT, WEEK

WIDTHS = (600, 375)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
HARNESS = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" style="width:{width}px;height:3000px;border:0" srcdoc="{page}"></iframe>
<script>
window.addEventListener("load", function () {{
  var root = document.getElementById("page").contentDocument.documentElement;
  document.body.setAttribute("data-layout", root.scrollWidth + "x" + root.clientWidth);
}});
</script></body></html>"""


def chromium() -> str:
    # The browser is part of the test environment (.ci/run installs it): fail, not skip.
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        pytest.fail("chromium is not installed; run `apt-get install -y chromium`")
    return path


def browse(tmp_path: Path, width: int, *args: str) -> str:
    profile = tmp_path / f"profile-{width}-{len(list(tmp_path.iterdir()))}"
    result = subprocess.run(
        [
            chromium(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},2000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def layout_width(tmp_path: Path, page_html: str, width: int) -> tuple[int, int]:
    """(scrollWidth, clientWidth) of the page laid out `width` px wide."""
    harness = tmp_path / f"harness-{width}.html"
    harness.write_text(
        HARNESS.format(width=width, page=html.escape(page_html, quote=True)),
        encoding="utf-8",
    )
    dom = browse(tmp_path, 800, "--dump-dom", harness.as_uri())
    scroll, client = re.search(r'data-layout="(\d+)x(\d+)"', dom).groups()
    return int(scroll), int(client)


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


@pytest.fixture
def digest_html(warehouse, settings, tmp_path) -> Path:
    report = run_weekly_digest(
        warehouse,
        WEEK,
        now=RUN_AT,
        settings=settings,
        options=DigestOptions(preview_dir=tmp_path / "preview"),
    )
    return Path(next(p for p in report.preview_paths if p.endswith(".html")))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_digest_lays_out_without_horizontal_scrolling(digest_html, tmp_path, width):
    page = digest_html.read_text(encoding="utf-8")

    scroll, client = layout_width(tmp_path, page, width)

    assert client == width
    assert scroll <= client


@pytest.mark.parametrize("width", WIDTHS)
def test_a_screenshot_of_the_digest_is_saved_at_each_width(
    digest_html, tmp_path, width
):
    shot = tmp_path / "screenshots" / f"digest-{WEEK}-{width}px.png"
    shot.parent.mkdir(exist_ok=True)

    browse(tmp_path, width, f"--screenshot={shot}", digest_html.as_uri())

    assert png_size(shot) == (width, 2000)


def test_the_measurement_catches_a_page_wider_than_the_phone(tmp_path):
    wide = (
        '<!DOCTYPE html><html><body style="margin:0"><div style="width:520px">'
        "x</div></body></html>"
    )

    scroll, client = layout_width(tmp_path, wide, 375)

    assert (scroll, client) == (520, 375)
