"""The report page opened in a real browser (headless Chromium): every image must load.

The test never installs anything: where Chromium is missing it is skipped with the reason.
`make browser` installs Debian's chromium, and `.ci/run` calls it before `make test`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CROCUS

from framing.report import build_report

# Injected into a copy of the page: after load, record how many images there are and which failed.
_PROBE = """<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images);
  const broken = images.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.getAttribute("src"));
  document.body.setAttribute("data-images", String(images.length));
  document.body.setAttribute("data-broken", broken.join(","));
});
</script>"""


def _find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed: `make browser` installs Debian's chromium (needs root)")


@pytest.fixture(scope="module")
def chromium() -> str:
    return _find_chromium()


@pytest.mark.browser
def test_every_image_of_the_report_loads_in_chromium(chromium: str, tmp_path: Path) -> None:
    report = build_report(CROCUS, tmp_path / "crocus", n_resamples=1000, n_permutations=1000)
    page = (report.path / "index.html").read_text(encoding="utf-8")
    expected = len(re.findall(r"<img ", page))
    assert expected >= 7
    probe = report.path / "probe.html"
    probe.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--virtual-time-budget=15000", "--dump-dom", probe.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    body = re.search(r"<body[^>]*>", done.stdout)
    assert body, done.stdout[:500]
    images = re.search(r'data-images="(\d+)"', body.group(0))
    broken = re.search(r'data-broken="([^"]*)"', body.group(0))
    assert images and broken, f"the load probe did not run: {body.group(0)}"
    assert int(images.group(1)) == expected
    assert broken.group(1) == "", f"images that did not load: {broken.group(1)}"
