"""The report page opened in a real browser (headless Chromium): it loads, its script works, it stays offline.

A probe script is injected at the top of a copy of the page. It records errors (uncaught exceptions,
``console.error``, Content-Security-Policy violations) from the start, and after load it clicks a table
header, types in a table's filter box, in the evidence search box and clicks an explorer cell, then writes
what it saw into ``<body data-result>``, which ``chromium --dump-dom`` hands back.

The test never installs anything: where Chromium is missing it is skipped with the reason.
`make browser` installs Debian's chromium, and `.ci/run` calls it before `make test`.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CROCUS

from framing.report import Report, build_report

_PROBE = """<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push("error: " + e.message); });
document.addEventListener("securitypolicyviolation", function (e) {
  window.__errors.push("blocked request: " + e.blockedURI);
});
(function () {
  var original = console.error;
  console.error = function () {
    window.__errors.push("console: " + Array.prototype.join.call(arguments, " "));
    original.apply(console, arguments);
  };
})();
window.addEventListener("load", function () {
  var r = {}, rows = function (t) { return Array.prototype.slice.call(t.tBodies[0].rows); };
  var images = Array.prototype.slice.call(document.images);
  r.images = images.length;
  r.broken = images.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).length;
  var table = document.querySelector("table.data");
  r.header = table.tHead.rows[0].cells[2].textContent;
  r.before = rows(table).map(function (row) { return row.cells[2].getAttribute("data-v"); });
  table.tHead.rows[0].cells[2].click();
  r.ascending = rows(table).map(function (row) { return row.cells[2].getAttribute("data-v"); });
  table.tHead.rows[0].cells[2].click();
  r.descending = rows(table).map(function (row) { return row.cells[2].getAttribute("data-v"); });
  var filter = table.previousElementSibling.querySelector("input");
  filter.value = "VESTNIK";
  filter.dispatchEvent(new Event("input"));
  r.filtered = rows(table).filter(function (row) { return !row.hidden; }).map(function (row) {
    return row.cells[0].textContent;
  });
  var search = document.getElementById("evidence-search");
  search.value = "Kyiv";
  search.dispatchEvent(new Event("input"));
  r.found = Array.prototype.map.call(document.querySelectorAll("#evidence-panel blockquote"), function (b) {
    return b.firstChild ? b.textContent : "";
  });
  r.count = document.getElementById("search-count").textContent;
  var cell = document.querySelector("#explorer button.cell");
  cell.click();
  r.cell = [cell.getAttribute("data-g"), cell.getAttribute("data-c"), cell.textContent];
  r.quotes = document.querySelectorAll("#evidence-panel blockquote").length;
  r.marks = document.querySelectorAll("#evidence-panel blockquote mark").length;
  r.requests = performance.getEntriesByType("resource").map(function (e) { return e.name; });
  r.errors = window.__errors;
  document.body.setAttribute("data-result", JSON.stringify(r));
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


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return build_report(
        CROCUS, tmp_path_factory.mktemp("browser") / "crocus", n_resamples=200, n_permutations=200
    )


def _run_probe(chromium: str, page: Path) -> dict:
    probe = page.with_name("probe.html")
    text = page.read_text(encoding="utf-8")
    # first in <head>: errors are caught from the start, before the page's own script runs
    probe.write_text(text.replace("<head>", "<head>" + _PROBE, 1), encoding="utf-8")
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--virtual-time-budget=15000", "--dump-dom", probe.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    body = re.search(r"<body[^>]*>", done.stdout)
    assert body, done.stdout[:500]
    result = re.search(r'data-result="([^"]*)"', body.group(0))
    assert result, f"the probe did not run: {body.group(0)[:500]}"
    return json.loads(html.unescape(result.group(1)))


@pytest.mark.browser
def test_the_page_works_in_chromium_offline_and_without_errors(chromium: str, report: Report) -> None:
    page = report.path / "index.html"
    seen = _run_probe(chromium, page)
    assert seen["errors"] == []
    assert seen["requests"] == []  # not one request leaves the file (images are data: URIs)
    assert seen["images"] == len(re.findall(r"<img ", page.read_text(encoding="utf-8"))) >= 7
    assert seen["broken"] == 0

    # a click on the header sorts numerically, a second click reverses
    values = [float(v) for v in seen["before"]]
    assert seen["header"] == "tokens"
    assert [float(v) for v in seen["ascending"]] == sorted(values)
    assert [float(v) for v in seen["descending"]] == sorted(values, reverse=True)
    # filtering is case-insensitive and hides the other rows
    assert seen["filtered"] == ["vestnik"]

    # the search box looks through the embedded sentences
    expected = [e for e in report.analysis.evidence if "kyiv" in e.sentence.lower()]
    assert seen["count"] == f"{len(expected)} of {len(report.analysis.evidence)} sentences match"
    assert len(seen["found"]) == len(expected) > 0
    assert all("kyiv" in quote.lower() for quote in seen["found"])

    # a click on a cell of the explorer shows that cell's sentences with their matched words marked
    _, _, count = seen["cell"]
    assert seen["quotes"] == int(count) >= 1
    assert seen["marks"] >= seen["quotes"]
