"""Shared fixtures: tiny hand-written corpora built in a temporary folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# FRAMING_SHARED_DATA points elsewhere (e.g. from a git worktree, which has no ../shared beside it)
SHARED_DATA = Path(os.environ.get("FRAMING_SHARED_DATA") or SHARED / "data")
CROCUS = REPO / "corpora" / "crocus"

WIRE_STORY = (
    "Russian investigators said on Saturday that four men detained in the Bryansk region were the "
    "gunmen who opened fire at the concert hall outside Moscow on Friday night. The Islamic State "
    "group claimed responsibility for the attack in a statement carried by its news agency. Officials "
    "said the death toll had risen to 133 and was expected to climb as rescuers searched the burned "
    "building. President Vladimir Putin said in a televised address that the suspects had been heading "
    "toward the border with Ukraine, a claim Kyiv rejected as absurd. Witnesses described men in "
    "camouflage moving through the foyer before the fire spread to the roof of the venue."
)
# The same wire story as republished by another outlet: two words changed, last sentence trimmed.
WIRE_COPY = (
    "Russian investigators said on Saturday that four men arrested in the Bryansk region were the "
    "gunmen who opened fire at the concert hall outside Moscow on Friday night. The Islamic State "
    "group claimed responsibility for the attack in a statement carried by its news agency. Officials "
    "said the death toll had risen to 133 and was expected to rise as rescuers searched the burned "
    "building. President Vladimir Putin said in a televised address that the suspects had been heading "
    "toward the border with Ukraine, a claim Kyiv rejected as absurd."
)
# A different story on the same event and day: shares names and facts, not wording.
OTHER_STORY = (
    "Four suspects were brought before a Moscow court on Sunday, a day after their arrest near the "
    "border. The Islamic State group had already claimed responsibility for the assault on the concert "
    "hall, yet state television focused on the route the men had taken toward Ukraine. Kyiv rejected "
    "any link to the attack and said the Kremlin was looking for a pretext. The death toll stood at "
    "133 on Saturday, officials said, and the burned building was still being searched."
)


def write_txt(folder: Path, name: str, body: str, **header: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{key}: {value}" for key, value in header.items()]
    content = ("\n".join(lines) + "\n\n" if lines else "") + body + "\n"
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A corpus folder with three outlets in three formats, a syndicated copy and a distinct story."""
    root = tmp_path / "tiny"
    root.mkdir()
    (root / "corpus.toml").write_text(
        'title = "Tiny"\nlanguage = "en"\n'
        '[outlets.wire]\ncountry = "International"\ntype = "wire service"\n'
        '[outlets.paper]\ncountry = "UK"\ntype = "broadsheet"\n'
        '[actors."Islamic State"]\naliases = ["ISIS", "IS-K"]\n'
        '[actors.Ukraine]\naliases = ["Kyiv"]\n',
        encoding="utf-8",
    )
    write_jsonl(
        root / "docs" / "wire.jsonl",
        [
            {
                "id": "w1",
                "outlet": "wire",
                "date": "2024-03-23",
                "title": "Arrests",
                "url": "https://w.example/1",
                "text": WIRE_STORY,
            },
            {
                "id": "w2",
                "outlet": "wire",
                "date": "2024-03-24",
                "title": "Court",
                "url": "https://w.example/2",
                "text": OTHER_STORY,
            },
        ],
    )
    write_txt(
        root / "docs" / "paper",
        "copy.txt",
        WIRE_COPY,
        outlet="paper",
        date="23 March 2024",
        title="Four held after concert attack",
    )
    write_txt(
        root / "docs" / "paper",
        "own.txt",
        "The paper's own analysis of the attack.\n\nAdvertisement\n\nIt says the warnings were ignored.",
        date="2024-03-25",
        title="Analysis",
    )
    (root / "docs" / "tabloid").mkdir(parents=True)
    (root / "docs" / "tabloid" / "scraped.txt").write_text(
        " date 2024-03-26 Horror at the concert hall.\n\nAdvertisment\n\nRead more: other news\n\n"
        "<p>Share this article</p>\n\nThe &amp; sign and \u201cquotes\u201d\u2014dashes.\n",
        encoding="utf-8",
    )
    return root


# Hand-written coded sentences for training tiny supervised models: loud (emotive) and calm ones.
LOUD = [
    "A barbaric, horrific massacre of innocent people.",
    "Chilling scenes of brutal slaughter shocked the nation.",
    "An outrageous and disgraceful attack on terrified families.",
    "The savage killers left a trail of carnage.",
    "Horrified witnesses described a bloodbath.",
    "A monstrous crime that sickened everyone.",
]
CALM = [
    "The committee met on Tuesday to discuss the budget.",
    "Officials said the report would be published next week.",
    "The company announced its quarterly results.",
    "Rain is expected in the north on Friday.",
    "The minister visited a school in the capital.",
    "Trade talks resumed after a short break.",
]


def coded_sentences() -> tuple[list[str], np.ndarray, np.ndarray]:
    """The LOUD and CALM sentences with their labels and four pseudo-articles as groups."""
    texts = LOUD + CALM
    labels = np.array([True] * len(LOUD) + [False] * len(CALM))
    groups = np.array([f"article{i % 4}" for i in range(len(texts))])
    return texts, labels, groups
