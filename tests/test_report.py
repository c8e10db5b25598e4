"""The report: files, escaping, determinism, atomic writing, the summary in words, the CLI."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import CROCUS, write_jsonl, write_txt
from typer.testing import CliRunner

import framing
from framing import report as report_module
from framing.cli import app

RESAMPLES = 1000  # the smallest number the statistics accept without a warning; keeps the suite fast


@pytest.fixture(scope="module")
def crocus_report(tmp_path_factory: pytest.TempPathFactory) -> report_module.Report:
    out = tmp_path_factory.mktemp("reports") / "crocus"
    return report_module.build_report(CROCUS, out, n_resamples=RESAMPLES, n_permutations=RESAMPLES)


def test_report_writes_page_markdown_tables_figures_and_metadata(crocus_report: report_module.Report) -> None:
    folder = crocus_report.path
    assert (folder / "index.html").is_file()
    assert (folder / "report.md").is_file()
    for name in crocus_report.tables:
        assert (folder / "tables" / f"{name}.csv").is_file(), name
    for chart in ("cue_rates", "cue_heatmap", "distributions", "blame_matrix", "rates_over_time"):
        assert (folder / "figures" / f"{chart}.png").stat().st_size > 1000
        assert (folder / "figures" / f"{chart}.svg").stat().st_size > 1000
    page = (folder / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) == 7
    # the page carries its charts: each one is the PNG beside it, inlined as a data: URI
    assert all(image.startswith("data:image/png;base64,") for image in images)
    inlined = {base64.b64decode(image.split(",", 1)[1]) for image in images}
    assert inlined == {png.read_bytes() for png in (folder / "figures").glob("*.png")}
    assert "http://" not in page and "https://" not in page  # self-contained: no network
    assert "default-src 'none'" in page  # and the page forbids itself any request


def test_report_tables_match_the_library(crocus_report: report_module.Report) -> None:
    corpus = framing.load_corpus(CROCUS)
    rates = pd.read_csv(crocus_report.path / "tables" / "cue_rates.csv")
    assert set(rates["outlet"]) == set(corpus.documents["outlet"])
    assert rates["n_resamples"].eq(RESAMPLES).all() and rates["seed"].eq(0).all()
    # A pooled rate is checkable from the counts beside it.
    assert (rates["pooled_rate"] - rates["matches"] / rates["tokens"] * 1000).abs().max() < 1e-9
    features = framing.extract(corpus)
    vestnik = features[features["outlet"] == "vestnik"]
    row = rates[(rates["outlet"] == "vestnik") & (rates["cue"] == "hedging")].iloc[0]
    assert row["matches"] == vestnik["hedging_count"].sum()
    assert row["tokens"] == vestnik["tokens"].sum()


def test_metadata_records_versions_parameters_and_corpus_hash(crocus_report: report_module.Report) -> None:
    meta = json.loads((crocus_report.path / "metadata.json").read_text(encoding="utf-8"))
    corpus = framing.load_corpus(CROCUS)
    assert meta["toolkit"]["version"] == framing.__version__
    assert meta["corpus"]["content_hash"] == corpus.content_hash()
    assert meta["corpus"]["documents_analysed"] == len(corpus.documents)
    assert meta["parameters"]["seed"] == 0
    assert meta["parameters"]["bootstrap_resamples"] == RESAMPLES
    assert {lexicon["name"] for lexicon in meta["lexicons"]} >= {"hedging", "emotive", "blame"}
    assert all(lexicon["version"] != "unversioned" for lexicon in meta["lexicons"])


def _english(text: str) -> str:
    """A finding without its "English: " prefix (statements are made within each language)."""
    return text.removeprefix("English: ")


def test_summary_states_differences_with_effect_sizes_and_q_values(
    crocus_report: report_module.Report,
) -> None:
    # the demo corpus is compared within each language; the English statements come first
    texts = [_english(finding.text) for finding in crocus_report.findings]
    emotive = next(t for t in texts if t.startswith("Emotive"))
    # daily-blast (the tabloid) is the most emotive outlet of the demo corpus, by construction.
    assert "highest in daily-blast" in emotive and "Cliff's δ" in emotive and "q " in emotive
    hedging = next(t for t in texts if t.startswith("Hedging"))
    assert "highest in the-chronicle" in hedging
    # The lowest is the English outlet with the lowest hedging rate (outlets are compared within language)
    english = set(crocus_report.analysis.corpus.documents.query("language == 'en'")["outlet"])
    rates = crocus_report.tables["cue_rates"].query("cue == 'hedging'")
    rates = rates[rates["outlet"].isin(english)]
    lowest = set(rates.loc[rates["mean_rate"] == rates["mean_rate"].min(), "outlet"])
    assert any(f"lowest in {outlet}" in hedging for outlet in lowest)
    # A cue whose omnibus q-value is not small is reported as no reliable difference, never as one.
    omnibus = crocus_report.tables["omnibus"].query("language == 'en'")
    for cue in omnibus.loc[omnibus["q_value"] >= report_module.ALPHA, "cue"]:
        text = next(t for t in texts if t.lower().startswith(cue))
        assert "no reliable difference" in text


def test_summary_names_the_blame_differences_with_evidence(crocus_report: report_module.Report) -> None:
    blame = {_english(f.text).split(":")[0]: f for f in crocus_report.findings if f.topic == "blame"}
    vestnik = blame["Blame in vestnik"]
    # Russian state media asserts Ukraine's guilt in its own voice; the others report the IS claim.
    assert re.search(r"in its own voice or from unnamed sources it blames Ukraine \(\d+\)", vestnik.text)
    chronicle = blame["Blame in the-chronicle"]
    assert re.search(r"claims? of responsibility: by Islamic State \(\d+\)", chronicle.text)
    kyiv = blame["Blame in kyiv-courier"]
    assert re.search(r"denials or rejections of blame, most about Ukraine", kyiv.text)
    quoted = [e for e in vestnik.examples if "Ukraine" in e.note]
    assert quoted and any(word in quoted[0].sentence for word in ("Kyiv", "Ukraine", "Zelensky"))
    page = (crocus_report.path / "index.html").read_text(encoding="utf-8")
    assert f"{quoted[0].doc_id} · sentence {quoted[0].sentence_id}" in page


def test_summary_counts_syndicated_copies_in_good_grammar(crocus_report: report_module.Report) -> None:
    # Regression: "1 of them are syndicated copies" (the Russian outlets of the demo corpus hold one)
    covers = [f.text for f in crocus_report.findings if "The comparison covers" in f.text]
    overview = {text.split(":")[0]: text for text in covers}
    assert "1 of them is a syndicated copy of another outlet's article (kept;" in overview["Russian"]
    assert "2 of them are syndicated copies of another outlet's article (kept;" in overview["English"]
    assert not any("1 of them are" in text for text in overview.values())


def test_each_language_counts_its_own_dropped_copies() -> None:
    # Regression: every language's summary gave the whole corpus's dropped copies (3 in English and in
    # Russian, which hold 2 and 1)
    corpus = framing.load_corpus(CROCUS)
    copies = corpus.documents.loc[corpus.documents["duplicate_of"].notna(), "language"].value_counts()
    assert copies.to_dict() == {"en": 2, "ru": 1}
    analysis = report_module.analyse(
        corpus, drop_duplicates=True, n_resamples=RESAMPLES, n_permutations=RESAMPLES
    )
    covers = [f.text for f in analysis.findings if "The comparison covers" in f.text]
    overview = {text.split(":")[0]: text for text in covers}
    assert "2 syndicated copies of another outlet's article were left out." in overview["English"]
    assert "1 syndicated copy of another outlet's article was left out." in overview["Russian"]
    assert analysis.metadata["corpus"]["duplicates_dropped"] == 3


def test_claims_of_responsibility_are_counted_per_claimant(crocus_report: report_module.Report) -> None:
    # Regression: the most frequent claimant was credited with every claim its outlet reports, those
    # whose claimant is no actor of the corpus included (the-chronicle: "Islamic State's own claim of
    # responsibility 8 times" for 7 by the Islamic State), and with none named it read "undetermined's own
    # claim"
    table = crocus_report.tables["blame_attributions"]
    claims = table[(table["kind"] == "self_attribution") & ~table["negated"].astype(bool)]
    # statements are made within each language: "English: Blame in ...", "Russian: Blame in ..."
    findings = [f for f in crocus_report.findings if f.topic == "blame"]
    blame = {re.sub(r"^[A-Z][a-z]+: ", "", f.text).split(":")[0]: f for f in findings}
    checked, checked_unnamed = [], 0
    for outlet, own in claims.groupby("outlet"):
        if f"Blame in {outlet}" not in blame:
            continue  # a language with one outlet is not compared (holos-dnipra, the Ukrainian one)
        checked.append(outlet)
        text = blame[f"Blame in {outlet}"].text
        phrase = re.search(r"it reports (\d+) claims? of responsibility([^;]*)", text)
        assert phrase is not None, text
        assert int(phrase.group(1)) == len(own)
        named = own.loc[own["blamed"] != "undetermined", "blamed"].value_counts()
        for claimant, count in named.items():
            assert f"{claimant} ({count})" in phrase.group(2)
        unnamed = int((own["blamed"] == "undetermined").sum())
        if unnamed:
            checked_unnamed += 1
            assert f"{unnamed} with no actor of the corpus named as the claimant" in phrase.group(2)
        assert "undetermined" not in text
        example = blame[f"Blame in {outlet}"].examples[-1]
        # the quoted claim is one of the top named claimant's, not an unnamed one
        if len(named):
            assert example.note.startswith(f"{named.index[0]} → {named.index[0]}"), example.note
    assert {"the-chronicle", "volnaya"} <= set(checked)  # English and Russian outlets
    assert checked_unnamed  # the demo corpus has claims whose claimant is no actor


def test_examples_highlight_the_matched_terms(crocus_report: report_module.Report) -> None:
    examples = crocus_report.tables["examples"]
    assert set(examples["cue"]) == {"blame", "denial", "emotive", "hedging", "certainty"}
    for row in examples.itertuples():
        for span in row.spans.split(";"):
            start, end = map(int, span.split("-"))
            assert row.sentence[start:end].strip()
    page = (crocus_report.path / "index.html").read_text(encoding="utf-8")
    assert page.count("<mark>") >= len(examples)


def _tiny_corpus(root: Path, poison: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "corpus.toml").write_text(
        'title = "Tiny"\n[actors.Ukraine]\naliases = ["Kyiv"]\n', encoding="utf-8"
    )
    bodies = {
        "alpha": [
            "Officials said the attack was a horrific massacre. It may be linked to extremists.",
            "Kyiv was blamed by the officials for the brutal attack, reportedly.",
            "The shocking attack left the city in grief.",
        ],
        "beta": [
            "The committee clearly confirmed the figures. Kyiv denied any involvement.",
            "Ministers said the budget was approved on Monday.",
            "Undoubtedly the vote was proven fair, the report said.",
        ],
    }
    for outlet, texts in bodies.items():
        for number, text in enumerate(texts):
            extra = f" {poison}" if poison and outlet == "alpha" and number == 0 else ""
            write_txt(root / "docs" / outlet, f"{number}.txt", text + extra, date=f"2024-03-2{number + 2}")
    return root


def test_corpus_text_is_escaped_in_the_page(tmp_path: Path) -> None:
    # Entities survive HTML cleaning as literal characters, so the text really contains a script tag.
    # Three emotive terms make it the most typical emotive sentence of its outlet, so it is quoted.
    poison = (
        "The hackers wrote &lt;script&gt;alert('pwned')&lt;/script&gt; in a horrific, brutal, shocking note."
    )
    corpus = framing.load_corpus(_tiny_corpus(tmp_path / "tiny", poison))
    assert "<script>alert('pwned')</script>" in " ".join(corpus.documents["text"])
    report = report_module.build_report(
        corpus, tmp_path / "out", n_resamples=RESAMPLES, n_permutations=RESAMPLES
    )
    page = (report.path / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "</script><" not in page.replace("</script>\n</body>", "")
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page
    # the explorer's JSON carries the sentence with <, > and & escaped, so it cannot close its script
    data = re.search(r'<script type="application/json" id="evidence-data">(.*?)</script>', page, re.S)
    assert data and "\\u003cscript\\u003ealert('pwned')\\u003c/script\\u003e" in data.group(1)
    quoted = [s[2] for cell in json.loads(data.group(1))["cells"] for s in cell[2]]
    assert any("<script>alert('pwned')</script>" in sentence for sentence in quoted)


def test_control_characters_of_corpus_text_never_reach_the_page_or_the_markdown(tmp_path: Path) -> None:
    # regression (found by test_fuzz): an ESC kept in an article's text was written raw into the page,
    # where no escape makes it valid HTML and a terminal printing the file would run it
    poison = "The president\x92s horrific, brutal, shocking note \x1b[2Jcleared the screen."
    corpus = framing.load_corpus(_tiny_corpus(tmp_path / "tiny", poison))
    assert "\x1b[2J" in " ".join(corpus.documents["text"])
    report = report_module.build_report(
        corpus, tmp_path / "out", n_resamples=RESAMPLES, n_permutations=RESAMPLES
    )
    page = (report.path / "index.html").read_text(encoding="utf-8")
    markdown = (report.path / "report.md").read_text(encoding="utf-8")
    for text in (page, markdown):
        assert not re.search("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]", text)
    # quoted: the C1 control shown as the Windows-1252 character it stands for, ESC as U+FFFD
    assert "The president\u2019s <mark>horrific</mark>" in page and "\ufffd[2Jcleared" in page
    # the tables keep the text as it is
    examples = (report.path / "tables" / "examples.csv").read_text(encoding="utf-8")
    assert "\x1b[2J" in examples


def test_same_input_and_seed_give_byte_identical_output(tmp_path: Path) -> None:
    root = _tiny_corpus(tmp_path / "tiny")
    first = report_module.build_report(
        root, tmp_path / "a", seed=7, n_resamples=RESAMPLES, n_permutations=RESAMPLES
    )
    second = report_module.build_report(
        root, tmp_path / "b", seed=7, n_resamples=RESAMPLES, n_permutations=RESAMPLES
    )
    assert first.files == second.files
    for name in first.files:
        if name.endswith((".csv", ".json", ".md", ".html", ".svg")):
            assert (first.path / name).read_bytes() == (second.path / name).read_bytes(), name


def test_a_failed_run_leaves_the_previous_report_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tiny_corpus(tmp_path / "tiny")
    out = tmp_path / "report"
    report_module.build_report(root, out, n_resamples=RESAMPLES, n_permutations=RESAMPLES)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "marker.txt").write_text("previous report", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(report_module.charts, "save_figure", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        report_module.build_report(root, out, seed=3, n_resamples=RESAMPLES, n_permutations=RESAMPLES)
    assert (out / "marker.txt").read_text(encoding="utf-8") == "previous report"
    assert all((out / name).read_bytes() == content for name, content in before.items())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "tiny"]  # no temporary folder left
    monkeypatch.undo()
    report_module.build_report(root, out, n_resamples=RESAMPLES, n_permutations=RESAMPLES)
    assert not (out / "marker.txt").exists()  # a successful run replaces the whole folder


def test_compare_by_another_column_and_drop_duplicates(tmp_path: Path) -> None:
    corpus = framing.load_corpus(CROCUS)
    analysis = report_module.analyse(
        corpus, by="outlet_type", drop_duplicates=True, n_resamples=RESAMPLES, n_permutations=RESAMPLES
    )
    rates = analysis.tables["cue_rates"]
    assert "outlet_type" in rates.columns
    assert set(rates["outlet_type"]) == set(corpus.documents["outlet_type"].dropna())
    assert (
        analysis.metadata["corpus"]["duplicates_dropped"]
        == corpus.documents["duplicate_of"].notna().sum()
        > 0
    )
    copies = int(corpus.documents["duplicate_of"].notna().sum())
    assert rates.groupby("cue")["documents"].sum().eq(len(corpus.documents) - copies).all()


def test_unknown_grouping_column_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(CROCUS), "-o", str(tmp_path / "r"), "--by", "colour"])
    assert result.exit_code == 2
    assert "cannot compare by 'colour'" in result.output
    assert not (tmp_path / "r").exists()


def test_cli_report_and_compare(tmp_path: Path) -> None:
    root = _tiny_corpus(tmp_path / "tiny")
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", str(root), "-o", str(out), "--quiet", "--resamples", "1000", "--permutations", "1000"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out / "index.html")
    assert json.loads((out / "metadata.json").read_text())["parameters"]["permutations"] == 1000

    result = runner.invoke(app, ["compare", str(root), "--resamples", "1000", "-o", str(tmp_path / "c.csv")])
    assert result.exit_code == 0, result.output
    assert "alpha" in result.output and "beta" in result.output and "Kruskal-Wallis" in result.output
    table = pd.read_csv(tmp_path / "c.csv")
    alpha = table[(table["outlet"] == "alpha") & (table["cue"] == "emotive")].iloc[0]
    assert alpha["documents"] == 3 and alpha["matches"] >= 4


def test_small_groups_are_left_out_and_reported(tmp_path: Path) -> None:
    root = _tiny_corpus(tmp_path / "tiny")
    write_txt(root / "docs" / "gamma", "0.txt", "A lone horrific report.", date="2024-03-25")
    corpus = framing.load_corpus(root)
    analysis = report_module.analyse(corpus, n_resamples=RESAMPLES, n_permutations=RESAMPLES)
    assert analysis.groups == ["alpha", "beta"]
    assert set(analysis.tables["cue_rates"]["outlet"]) == {"alpha", "beta"}
    assert analysis.metadata["corpus"]["groups_left_out"] == ["gamma"]
    assert analysis.metadata["corpus"]["documents_left_out"] == 1
    left_out = "1 outlet with fewer than 2 documents is left out (gamma; 1 document)."  # not "1 outlets"
    assert left_out in analysis.findings[0].text
    with pytest.raises(framing.OptionError, match="fewer than two outlet groups"):
        report_module.analyse(corpus, min_documents=4)


def test_without_actors_the_summary_says_blame_targets_are_not_analysed(tmp_path: Path) -> None:
    root = _tiny_corpus(tmp_path / "tiny")
    (root / "corpus.toml").write_text('title = "No actors"\n', encoding="utf-8")
    analysis = report_module.analyse(
        framing.load_corpus(root), n_resamples=RESAMPLES, n_permutations=RESAMPLES
    )
    texts = [f.text for f in analysis.findings]
    assert any(t.startswith("No actors are defined") for t in texts)
    assert not any(t.startswith("Blame in ") for t in texts)


def test_characteristic_phrases_are_in_the_summary(crocus_report: report_module.Report) -> None:
    phrases = crocus_report.tables["phrases"]
    vestnik = phrases[phrases["group"] == "vestnik"].set_index("phrase")
    assert vestnik.loc["kyiv regime", "count_group"] > vestnik.loc["kyiv regime", "count_rest"]
    text = next(_english(f.text) for f in crocus_report.findings if "Characteristic phrases" in f.text)
    assert "vestnik: 'kyiv regime'" in text


def test_the_report_matches_every_document_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from framing.matcher import CueMatcher

    calls: list[str] = []
    original = CueMatcher.match

    def counting(self: CueMatcher, text: str, language: str | None = None) -> object:
        calls.append(text)
        return original(self, text, language)

    monkeypatch.setattr(CueMatcher, "match", counting)
    corpus = framing.load_corpus(CROCUS)
    analysis = report_module.analyse(corpus, n_resamples=RESAMPLES, n_permutations=RESAMPLES)
    assert len(calls) == len(corpus.documents) == len(analysis.tables["documents"])


def test_without_actors_no_blame_matrix_chart_is_drawn(tmp_path: Path) -> None:
    # regression: with no actors the page showed a one-column "undetermined 100%" blame matrix
    root = _tiny_corpus(tmp_path / "tiny")
    (root / "corpus.toml").write_text('title = "No actors"\n', encoding="utf-8")
    report = report_module.build_report(
        framing.load_corpus(root), tmp_path / "out", n_resamples=RESAMPLES, n_permutations=RESAMPLES
    )
    assert not (report.path / "figures" / "blame_matrix.png").exists()
    assert (report.path / "figures" / "cue_rates.png").exists()
    assert 'src="figures/blame_matrix.png"' not in (report.path / "index.html").read_text(encoding="utf-8")
    assert (report.path / "tables" / "blame_matrix.csv").exists()  # the table stays, for the record


def test_a_language_without_separability_is_stated_as_not_computed_not_a_crash(tmp_path: Path) -> None:
    # regression (found by the fuzz test): English is compared (two documents per outlet) but cannot be
    # cross-validated (outlet a has one document with words); its summary read a separability row that
    # only the whole corpus had
    rows = [
        {"id": "e1", "outlet": "a", "text": "Officials blamed Kyiv for the chilling attack."},
        {"id": "e2", "outlet": "b", "text": "It may have been a terrible massacre, they said."},
        {"id": "e3", "outlet": "b", "text": "Investigators likely know who planned the attack."},
        {"id": "e4", "outlet": "a", "text": "..."},  # no words: counted in English, but no rate
        {"id": "r1", "outlet": "a", "text": "Чиновники обвинили Киев в ужасном нападении на концертный зал."},
    ]
    path = write_jsonl(tmp_path / "two_languages.jsonl", rows)
    analysis = report_module.analyse(framing.load_corpus(path), n_resamples=20, n_permutations=20)
    stated = [f.text for f in analysis.findings if f.topic == "separability"]
    assert stated and all("Separability not computed" in text for text in stated)


def test_report_command_does_not_hold_the_url_column_it_never_reads(tmp_path: Path, monkeypatch) -> None:
    # regression (issue 8, memory): the urls, a string per document that no step of the report reads,
    # were held to the end of the report (31.5 MB at 200,000 AllSides articles)
    analysed: list[list[str]] = []
    analyse = report_module.analyse

    def spy(corpus: framing.Corpus, **options: object) -> object:
        analysed.append(list(corpus.documents.columns))
        return analyse(corpus, **options)

    monkeypatch.setattr(report_module, "analyse", spy)
    result = CliRunner().invoke(app, ["report", str(CROCUS), "-o", str(tmp_path / "r"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "url" not in analysed[0]
    assert {"doc_id", "outlet", "date", "title", "outlet_country"} <= set(analysed[0])
    assert "url" in framing.load_corpus(CROCUS).documents.columns
