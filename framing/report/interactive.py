"""The interactive parts of the report page, kept self-contained: inlined images, embedded data, own script.

The page must work offline when it is e-mailed on its own, so nothing is fetched: charts are inlined as
``data:`` URIs, the evidence sentences travel as JSON inside ``<script type="application/json">``, and
the few KB of JavaScript (``templates/report.js``, the project's own, no library) are inlined too. A
Content-Security-Policy in the page forbids every request (``default-src 'none'``; only ``data:``
images and the inline script and style run).

The evidence explorer shows, for each group and cue, up to :func:`evidence_cap` sentences (the cap is
stated on the page): enough to read how a group words a cue, few enough that 379 outlets still give a
page of a few MB.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Hashable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from framing.report.findings import Example

__all__ = [
    "EVIDENCE_BUDGET",
    "EVIDENCE_PER_CELL",
    "evidence_cap",
    "evidence_json",
    "explorer_html",
    "inline_image",
    "page_script",
    "script_json",
]

#: Most sentences the explorer embeds per group and cue.
EVIDENCE_PER_CELL = 10
#: Sentences the explorer embeds in all (about 300 bytes each): the per-cell cap shrinks to stay near it.
EVIDENCE_BUDGET = 3000


def evidence_cap(groups: int, cues: int, at_least: int = 3) -> int:
    """Sentences per group and cue the explorer embeds: :data:`EVIDENCE_PER_CELL`, fewer with many cells.

    Never fewer than ``at_least`` (the number quoted per cell in the static evidence section).

    >>> evidence_cap(12, 5), evidence_cap(379, 5)
    (10, 3)
    """
    cells = max(1, groups * cues)
    return max(at_least, min(EVIDENCE_PER_CELL, EVIDENCE_BUDGET // cells))


def _utf16(text: str, offset: int) -> int:
    """A code-point offset of ``text`` as the UTF-16 offset JavaScript strings use (emoji count twice)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def script_json(value: Any) -> str:
    """``value`` as JSON that cannot end or comment out the ``<script>`` element it is embedded in.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc. (so no ``</script>`` and no ``<!--``), and the line
    separators U+2028/U+2029 are escaped too; ``JSON.parse`` reads the same value back.

    >>> script_json(["</script><!--\\u2028"])
    '["\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u2028"]'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, escaped)
    return text


def evidence_json(
    examples: Sequence[Example], groups: Sequence[Hashable], cues: Sequence[str], cap: int
) -> str:
    """The explorer's data: ``{"cap", "groups", "cues", "cells": [[group, cue, sentences], ...]}``.

    Each sentence is ``[doc_id, sentence_id, text, [[start, end], ...], note]`` with the matched spans in
    UTF-16 offsets (as JavaScript indexes strings); at most ``cap`` sentences per cell, in the report's
    order (most typical first).
    """
    group_index = {g: i for i, g in enumerate(groups)}
    cue_index = {c: i for i, c in enumerate(cues)}
    cells: dict[tuple[int, int], list[Any]] = {}
    for example in examples:
        if example.group not in group_index or example.cue not in cue_index:
            continue
        cell = cells.setdefault((group_index[example.group], cue_index[example.cue]), [])
        if len(cell) >= cap:
            continue
        text = example.sentence
        spans = [[_utf16(text, s), _utf16(text, e)] for s, e in example.spans if 0 <= s < e]
        cell.append([str(example.doc_id), int(example.sentence_id), text, spans, example.note])
    data = {
        "cap": cap,
        "groups": [str(g) for g in groups],
        "cues": list(cues),
        "cells": [[g, c, sentences] for (g, c), sentences in sorted(cells.items())],
    }
    return script_json(data)


def explorer_html(
    examples: Sequence[Example], groups: Sequence[Hashable], cues: Sequence[str], by: str, cap: int
) -> str:
    """The evidence explorer: a group x cue grid (sentences per cell), a search box and a result panel.

    The grid and the search work from the JSON of :func:`evidence_json`; without JavaScript the grid
    still shows the counts and the static evidence section below quotes the most typical sentences.
    """
    counts: dict[tuple[Hashable, str], int] = {}
    for example in examples:
        key = (example.group, example.cue)
        counts[key] = min(cap, counts.get(key, 0) + 1)
    label = html.escape(by)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cues)
    rows = []
    for gi, group in enumerate(groups):
        cells = []
        for ci, cue in enumerate(cues):
            n = counts.get((group, cue), 0)
            if n:
                name = html.escape(f"{group} / {cue}")
                cells.append(
                    f'<td class="num"><button type="button" class="cell" data-g="{gi}" data-c="{ci}" '
                    f'title="{name}">{n}</button></td>'
                )
            else:
                cells.append('<td class="num">0</td>')
        rows.append(f"<tr><th>{html.escape(str(group))}</th>{''.join(cells)}</tr>")
    return (
        f"<p>Click a cell for its sentences: at most {cap} per {label} and cue (the most typical ones, "
        f"as in tables/examples.csv), matched words marked. The search box looks through all "
        f"{sum(counts.values()):,} embedded sentences.</p>"
        f'<table id="explorer" class="grid"><thead><tr><th>{label}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        '<p><label>Search the evidence sentences: <input type="search" id="evidence-search" '
        'placeholder="a word or phrase" autocomplete="off"></label> <span id="search-count"></span></p>'
        '<div id="evidence-panel" aria-live="polite"></div>'
    )


def inline_image(path: Path, alt: str) -> str:
    """An ``<img>`` carrying the PNG at ``path`` as a ``data:`` URI (``alt`` already escaped)."""
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{alt}">'


def page_script() -> str:
    """The page's own JavaScript (``templates/report.js``), to inline in a ``<script>`` element."""
    return resources.files("framing.report").joinpath("templates", "report.js").read_text(encoding="utf-8")
