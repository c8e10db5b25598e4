"""Coding sheets: a seeded, stratified sample of documents or sentences for people to code.

:func:`draw_sample` stratifies the units by a group column (the outlet by default) and, optionally, by
bands of a lexicon score (``stratify_by="emotive"``: units without the cue, and units with it below and
above the median positive score), so that rare positives are not missed. Each stratum receives an equal
share of the sample (capped by its size, the rest passed on to the strata that still have units), and
every sampled unit carries its **sampling weight** ``stratum_units / stratum_sampled``: weighted means of
the coded labels estimate the corpus prevalence without bias.

:func:`write_sheet` writes the sample as a CSV whose first lines (starting with ``#``) are the coding
instructions, with one empty column ``<label>__<coder>`` per label and coder; :func:`read_sheet` reads
it back. :func:`write_coding_page` writes a self-contained HTML page (no network, no server) that shows
the units one by one and exports the filled sheet as CSV.

>>> sample = draw_sample(corpus, unit="sentence", n=400, stratify_by="emotive", seed=0)  # doctest: +SKIP
>>> write_sheet(sample, "sheet.csv", labels=["emotive"], coders=["a", "b"])            # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from framing.errors import InputError, OptionError
from framing.io.escape import spreadsheet_safe, unescape_cell

__all__ = [
    "SHEET_COLUMNS",
    "coder_columns",
    "draw_sample",
    "read_sheet",
    "write_coding_page",
    "write_sheet",
]

#: Columns of a coding sheet before the coder columns.
SHEET_COLUMNS = ["unit_id", "doc_id", "sentence_id", "group", "stratum", "weight", "text"]
BANDS = ("none", "low", "high")


def _units(data: Any, unit: str) -> pd.DataFrame:
    """One row per unit with its text and every feature column (sentences sliced from documents)."""
    from framing.corpus import Corpus
    from framing.features import extract

    if isinstance(data, Corpus):
        documents = data.documents
    elif isinstance(data, pd.DataFrame):
        documents = data
    else:
        documents = pd.DataFrame({"text": list(data)})
    if "text" not in documents.columns:
        raise OptionError("the units need a 'text' column")
    if "doc_id" not in documents.columns:
        ids = documents["id"] if "id" in documents.columns else pd.Series(range(len(documents)))
        documents = documents.assign(doc_id=ids.astype(str).to_numpy())
    documents = documents.assign(doc_id=documents["doc_id"].astype(str))
    table = extract(documents, unit=unit)  # type: ignore[arg-type]
    table["doc_id"] = table["doc_id"].astype(str)
    texts = dict(zip(documents["doc_id"].astype(str), documents["text"], strict=True))
    metadata = documents.drop(columns=[c for c in ("text", "tokens") if c in documents.columns])
    extra = [c for c in metadata.columns if c not in table.columns]
    table = table.merge(metadata[["doc_id", *extra]], on="doc_id", how="left")
    if unit == "sentence":
        table["text"] = [
            texts[str(d)][int(s) : int(e)]
            for d, s, e in zip(table["doc_id"], table["start"], table["end"], strict=True)
        ]
        table["unit_id"] = [
            f"{d}#s{int(s)}" for d, s in zip(table["doc_id"], table["sentence_id"], strict=True)
        ]
    else:
        table["text"] = [texts[str(d)] for d in table["doc_id"]]
        table["sentence_id"] = pd.NA
        table["unit_id"] = table["doc_id"].astype(str)
    return table


def _score_column(table: pd.DataFrame, cue: str) -> str:
    for column in (f"{cue}_weighted", f"{cue}_count"):
        if column in table.columns:
            return column
    if cue in table.columns:
        return cue
    raise OptionError(f"cannot stratify by {cue!r}: it is neither a cue family nor a column of the units")


def _bands(scores: pd.Series) -> pd.Series:
    """``none`` (score 0), ``low`` and ``high`` (positive scores below / at or above their median)."""
    scores = scores.astype(float)
    positive = scores[scores > 0]
    median = float(positive.median()) if len(positive) else 0.0
    return pd.Series(
        np.where(scores <= 0, "none", np.where(scores < median, "low", "high")), index=scores.index
    )


def _allocate(sizes: Sequence[int], n: int) -> list[int]:
    """Equal shares of ``n`` over strata, each capped by its size; what a stratum cannot take goes on."""
    taken = [0] * len(sizes)
    remaining = min(n, sum(sizes))
    while remaining > 0:
        open_strata = [i for i, size in enumerate(sizes) if taken[i] < size]
        share, extra = divmod(remaining, len(open_strata))
        for position, i in enumerate(open_strata):
            give = min(sizes[i] - taken[i], share + (1 if position < extra else 0))
            taken[i] += give
            remaining -= give
    return taken


def draw_sample(
    data: Any,
    *,
    unit: Literal["document", "sentence"] = "sentence",
    n: int = 400,
    per_group: str | None = "outlet",
    stratify_by: str | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """A seeded stratified sample of ``n`` units, with strata, sizes and sampling weights.

    Args:
        data: a corpus, a DataFrame with ``text`` (and ``doc_id``, ``outlet``), or texts.
        unit: ``sentence`` or ``document``.
        n: units to draw in all (fewer when the corpus has fewer).
        per_group: stratify by this column (``outlet``, ``outlet_type``, ...); None: no group strata.
        stratify_by: a cue family (or numeric column) whose score bands (none / low / high) also stratify.
        seed: seed of the draw; the same input and seed give the same sample.

    Returns:
        One row per sampled unit in a seeded random order: ``unit_id``, ``doc_id``, ``sentence_id``,
        ``group``, ``stratum``, ``stratum_units``, ``stratum_sampled``, ``weight`` (units represented by
        this one), ``text``. ``df.attrs`` records the options.
    """
    if unit not in ("document", "sentence"):
        raise OptionError(f"unit must be 'document' or 'sentence', not {unit!r}")
    if n < 1:
        raise OptionError(f"n must be at least 1, not {n}")
    table = _units(data, unit)
    if per_group is not None and per_group not in table.columns:
        raise OptionError(f"no column {per_group!r} to stratify by; columns: {', '.join(table.columns)}")
    table["group"] = table[per_group].astype(str) if per_group else "all"
    band = (
        _bands(table[_score_column(table, stratify_by)])
        if stratify_by
        else pd.Series("all", index=table.index)
    )
    table["stratum"] = table["group"] + "|" + band
    table = table.sort_values(["stratum", "doc_id", "unit_id"], kind="stable").reset_index(drop=True)
    strata = sorted(table["stratum"].unique())
    sizes = [int((table["stratum"] == s).sum()) for s in strata]
    taken = _allocate(sizes, n)
    rng = np.random.default_rng(seed)
    rows = []
    for stratum, size, k in zip(strata, sizes, taken, strict=True):
        members = table.index[table["stratum"] == stratum].to_numpy()
        chosen = np.sort(rng.choice(members, size=k, replace=False)) if k else members[:0]
        part = table.loc[chosen].copy()
        part["stratum_units"] = size
        part["stratum_sampled"] = k
        part["weight"] = size / k if k else np.nan
        rows.append(part)
    sample = pd.concat(rows, ignore_index=True)
    sample = sample.iloc[rng.permutation(len(sample))].reset_index(drop=True)
    columns = ["unit_id", "doc_id", "sentence_id", "group", "stratum", "stratum_units", "stratum_sampled"]
    sample = sample[[*columns, "weight", "text"]]
    sample.attrs.update(
        {
            "unit": unit,
            "n": n,
            "per_group": per_group,
            "stratify_by": stratify_by,
            "seed": seed,
            "units": len(table),
        }
    )
    return sample


def coder_columns(labels: Sequence[str], coders: Sequence[str]) -> list[str]:
    """The sheet's coding columns, ``<label>__<coder>`` for every label and coder."""
    return [f"{label}__{coder}" for label in labels for coder in coders]


def _instructions(sample: pd.DataFrame, labels: Sequence[str], coders: Sequence[str]) -> list[str]:
    options = sample.attrs
    return [
        "framing coding sheet",
        f"unit: {options.get('unit')}; sample of {len(sample)} of {options.get('units')} units; "
        f"strata: {options.get('per_group') or 'none'} x {options.get('stratify_by') or 'no score bands'}; "
        f"seed {options.get('seed')}",
        f"labels: {', '.join(labels)}; coders: {', '.join(coders)}",
        "Read each text on its own and write in your column (<label>__<coder>) 1 if the label applies, 0 if "
        "not (or an ordered code 0, 1, 2, ...); leave empty when you cannot decide.",
        "Do not change unit_id, weight or text. weight = corpus units each row stands for (use it for "
        "prevalence estimates).",
    ]


def write_sheet(
    sample: pd.DataFrame,
    path: str | Path,
    *,
    labels: Sequence[str],
    coders: Sequence[str],
) -> Path:
    """Write the sample as a coding sheet: ``#`` instruction lines, then a CSV with empty coder columns."""
    from framing.io import open_atomic

    if not labels or not coders:
        raise OptionError("give at least one label and one coder")
    sheet = sample.copy()
    for column in coder_columns(labels, coders):
        sheet[column] = ""
    buffer = io.StringIO()
    for line in _instructions(sample, labels, coders):
        buffer.write(f"# {line}\n")
    # Coders open the sheet in a spreadsheet: a sentence starting with "=" must not run as a formula
    # (read_sheet undoes the escape).
    spreadsheet_safe(sheet).to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    path = Path(path)
    with open_atomic(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())
    return path


def read_sheet(path: str | Path) -> pd.DataFrame:
    """Read a coding sheet (or any CSV/TSV), skipping the leading ``#`` instruction lines; cells as text."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text: {exc}", hint="save the sheet as UTF-8 CSV") from exc
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and lines[skip].startswith("#"):
        skip += 1
    separator = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        sheet = pd.read_csv(
            io.StringIO("".join(lines[skip:])), sep=separator, dtype=str, keep_default_na=False
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(path, f"cannot read the sheet: {exc}") from exc
    return sheet.map(unescape_cell)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>framing coding sheet</title>
<style>
body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}
#text{font-size:1.25rem;line-height:1.6;border:1px solid #ccc;padding:1rem;border-radius:6px;min-height:5rem}
button{font-size:1rem;margin:.25rem;padding:.4rem .9rem}.meta{color:#666;font-size:.9rem}
.chosen{background:#0072b2;color:#fff}
</style></head><body>
<h1>Coding sheet</h1>
<details><summary>Instructions</summary><pre id="instructions"></pre></details>
<p>Coder: <select id="coder"></select> <span class="meta" id="progress"></span></p>
<p class="meta" id="meta"></p><div id="text"></div><div id="buttons"></div>
<p><button id="prev">&larr; previous</button><button id="next">next &rarr;</button>
<button id="export">export CSV</button></p>
<script id="sheet-data" type="application/json">__DATA__</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("sheet-data").textContent);
const key = "framing-sheet-" + data.key;
const saved = JSON.parse(localStorage.getItem(key) || "null");
if (saved) { data.rows.forEach((row, i) => Object.assign(row, saved[i] || {})); }
let at = 0;
document.getElementById("instructions").textContent = data.instructions.join("\\n");
const coder = document.getElementById("coder");
data.coders.forEach(c => {
  const o = document.createElement("option"); o.value = o.textContent = c; coder.appendChild(o);
});
function store() {
  const codes = data.rows.map(r => Object.fromEntries(data.coding.map(c => [c, r[c]])));
  localStorage.setItem(key, JSON.stringify(codes));
}
function show() {
  const row = data.rows[at];
  document.getElementById("text").textContent = row.text;
  document.getElementById("meta").textContent = row.unit_id;
  document.getElementById("progress").textContent = (at + 1) + " / " + data.rows.length;
  const box = document.getElementById("buttons"); box.innerHTML = "";
  data.labels.forEach(label => {
    const column = label + "__" + coder.value;
    const line = document.createElement("div"); line.textContent = label + ": ";
    ["1", "0", ""].forEach(value => {
      const b = document.createElement("button");
      b.textContent = value === "" ? "unsure" : value === "1" ? "yes (1)" : "no (0)";
      if ((row[column] || "") === value && (value !== "" || row[column] === "")) b.className = "chosen";
      b.onclick = () => { row[column] = value; store(); show(); };
      line.appendChild(b);
    });
    box.appendChild(line);
  });
}
function cell(v) {
  v = v == null ? "" : String(v);
  return /[",\\n\\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}
document.getElementById("export").onclick = () => {
  const lines = data.instructions.map(l => "# " + l);
  lines.push(data.columns.map(cell).join(","));
  data.rows.forEach(r => lines.push(data.columns.map(c => cell(r[c])).join(",")));
  const blob = new Blob([lines.join("\\n") + "\\n"], {type: "text/csv"});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob); a.download = "coded_sheet.csv"; a.click();
};
document.getElementById("prev").onclick = () => { at = Math.max(0, at - 1); show(); };
document.getElementById("next").onclick = () => { at = Math.min(data.rows.length - 1, at + 1); show(); };
coder.onchange = show;
show();
</script></body></html>
"""


def write_coding_page(
    sample: pd.DataFrame,
    path: str | Path,
    *,
    labels: Sequence[str],
    coders: Sequence[str],
) -> Path:
    """A self-contained HTML page that shows the units one by one and exports the filled sheet as CSV.

    Codes are kept in the browser's local storage between visits; nothing is sent anywhere.
    """
    from framing.io import open_atomic

    coding = coder_columns(labels, coders)
    sheet = sample.copy()
    for column in coding:
        sheet[column] = ""
    rows = json.loads(sheet.to_json(orient="records", force_ascii=False))
    payload = {
        "key": f"{sample.attrs.get('seed')}-{len(sample)}-{sheet['unit_id'].iloc[0] if len(sheet) else ''}",
        "instructions": _instructions(sample, labels, coders),
        "labels": list(labels),
        "coders": list(coders),
        "coding": coding,
        "columns": list(sheet.columns),
        "rows": rows,
    }
    # "</" inside the JSON would end the script element early; "<\/" is the same string in JSON
    blob = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")
    page = _PAGE.replace("__DATA__", blob)
    path = Path(path)
    with open_atomic(path, "w", encoding="utf-8") as handle:
        handle.write(page)
    return path
