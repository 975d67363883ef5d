"""The quote-attribution measures (src/newsgold/layers/quotes.py): strict and lenient
speaker, cue and source per matched quote, the head-word rule; hand-worked cases."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from newsgold.evaluate import evaluate, report_dict, report_table
from newsgold.io import canonical_json
from newsgold.layers.quotes import PQuote, _gold_quotes, _Matcher, head_word
from newsgold.model import Document
from newsgold.reader import read_file
from newsgold.resources import documents_dir
from newsgold.scoring import exact_span_pairs, overlap_pairs

TEXT = (
    'The Ministry said "talks go on." Lavrov told Tillerson "we wait." '
    "The Ministry agreed, and so did Moscow's ministry."
)


def at(fragment: str, nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(fragment, start + 1)
    return {"start": start, "end": start + len(fragment), "text": fragment}


def gold_document() -> dict[str, Any]:
    """Two quotes: q1 by the Ministry (source "The Ministry", cue "said"), q2 by Lavrov
    (source "Lavrov", cue "told"). The Ministry has a second mention at the end."""
    mention = [
        ("m1", at("The Ministry"), "ORG", "NOM", "e_ministry"),
        ("m2", at("Lavrov"), "PERSON", "NAM", "e_lavrov"),
        ("m3", at("Tillerson"), "PERSON", "NAM", "e_tillerson"),
        ("m4", at("The Ministry", 1), "ORG", "NOM", "e_ministry"),
    ]
    entities = [
        ("e_ministry", "Ministry of Foreign Affairs of Russia", "ORG"),
        ("e_lavrov", "Sergei Lavrov", "PERSON"),
        ("e_tillerson", "Rex Tillerson", "PERSON"),
    ]

    def quote(qid: str, content: str, cue: str, source: str, speaker: str) -> dict[str, Any]:
        return {
            "id": qid,
            "type": "direct",
            "content": [at(content)],
            "cue": [at(cue)],
            "source": source,
            "speaker": speaker,
            "addressee": None,
            "parent": None,
        }

    return {
        "id": "measures",
        "schema_version": "1.0.0",
        "metadata": {
            "headline": None,
            "source_outlets": [],
            "language": "en",
            "date": {"value": "2017-08-07", "basis": "Test document."},
            "provenance": "Test document written for the quote measures.",
            "license": "Test fixture; CC BY 4.0 annotations.",
        },
        "text": TEXT,
        "text_sha256": hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
        "annotated_layers": ["sentences", "mentions", "entities", "quotes"],
        "sentences": [
            {"id": "s1", **at('The Ministry said "talks go on."')},
            {"id": "s2", **at('Lavrov told Tillerson "we wait."')},
            {"id": "s3", **at("The Ministry agreed, and so did Moscow's ministry.")},
        ],
        "mentions": [
            {"id": i, **span, "label": label, "mention_type": kind, "entity_id": e}
            for i, span, label, kind, e in mention
        ],
        "entities": [
            {"id": e, "name": n, "type": t, "wikipedia": None, "members": [], "description": n}
            for e, n, t in entities
        ],
        "quotes": [
            quote("q1", "talks go on.", "said", "m1", "e_ministry"),
            quote("q2", "we wait.", "told", "m2", "e_lavrov"),
        ],
        "events": [],
        "stance": [],
    }


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    path = tmp_path / "measures.json"
    path.write_text(canonical_json(Document.from_dict(gold_document())), encoding="utf-8")
    return path


def record(content: str, cue: str | None, source: str | None, speaker: list[str] | None,
           nth: int = 0) -> dict[str, Any]:  # fmt: skip
    def span(fragment: str) -> dict[str, Any]:
        found = at(fragment, nth if fragment == "Ministry" else 0)
        return {"start": found["start"], "end": found["end"]}

    return {
        "doc_id": "measures",
        "layer": "quotes",
        "type": "direct",
        "content": [span(content)],
        "cue": [] if cue is None else [span(cue)],
        "source": None if source is None else span(source),
        "speaker": None if speaker is None else [span(s) for s in speaker],
    }


def score(tmp_path: Path, gold: Path, *records: dict[str, Any]) -> Any:
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return report_dict(evaluate("quotes", pred, gold))


def test_head_word_rule() -> None:
    assert head_word("the Ministry") == head_word("Ministry") == "ministry"
    assert head_word("the Ministry of Foreign Affairs") == "ministry"
    assert head_word("Russia's Foreign Ministry") == "ministry"
    assert head_word("Sergei Lavrov, who met Tillerson") == "lavrov"
    assert head_word("the minister who spoke") == "minister"
    assert head_word("U.S. officials") == "officials"
    assert head_word("Of Mice of Men") == "mice"  # the first word is never a cut
    assert head_word(" , ") is None


def test_ministry_for_the_ministry_is_lenient_not_strict(tmp_path: Path, gold: Path) -> None:
    # q1's speaker given as "Ministry" (inside gold "The Ministry", 4-12): no exact span
    # of any gold mention, so strict is wrong; it overlaps m1 of e_ministry: lenient right.
    s = score(tmp_path, gold, record("talks go on.", "said", "The Ministry", ["Ministry"]))
    ov = s["overlap"]
    assert (ov["correct"], ov["predicted"], ov["gold"]) == (1, 1, 2)
    assert (ov["speaker_strict"], ov["speaker_lenient"]) == (0.0, 1.0)
    assert ov["end_to_end_strict"]["correct"] == 0
    assert (ov["end_to_end_lenient"]["correct"], ov["end_to_end_lenient"]["f1"]) == (1, 0.6667)
    # The cue and source are right on the matched quote: P 1/1, R 1/2.
    assert (ov["cue"]["correct"], ov["cue"]["predicted"], ov["cue"]["gold"]) == (1, 1, 2)
    assert (ov["source"]["precision"], ov["source"]["recall"]) == (1.0, 0.5)
    table = report_table(evaluate("quotes", tmp_path / "pred.jsonl", gold))
    assert "speaker accuracy on matched quotes: strict 0.0000 exact" in table
    assert "lenient 1.0000 exact" in table


def test_the_exact_span_is_right_both_ways(tmp_path: Path, gold: Path) -> None:
    s = score(tmp_path, gold, record("talks go on.", "said", "The Ministry", ["The Ministry"]))
    assert (s["exact"]["speaker_strict"], s["exact"]["speaker_lenient"]) == (1.0, 1.0)


def test_overlap_or_same_head_is_lenient(tmp_path: Path, gold: Path) -> None:
    # "Ministry agreed" overlaps m4 ("The Ministry", second) though its head is "agreed":
    # lenient by overlap. "Moscow's ministry" is no gold mention and overlaps none, but
    # its head "ministry" is that of m1 and m4: lenient by head word.
    for speaker in ("Ministry agreed", "Moscow's ministry"):
        s = score(tmp_path, gold, record("talks go on.", None, None, [speaker]))
        assert (s["exact"]["speaker_strict"], s["exact"]["speaker_lenient"]) == (0.0, 1.0)
    # The same span for q2 (gold speaker Lavrov) is wrong both ways.
    s = score(tmp_path, gold, record("we wait.", None, None, ["Moscow's ministry"]))
    assert (s["exact"]["speaker_strict"], s["exact"]["speaker_lenient"]) == (0.0, 0.0)


def test_lenient_refuses_another_entity(tmp_path: Path, gold: Path) -> None:
    # Speaker "Tillerson" for q2 (gold Lavrov): an exact span of e_tillerson, wrong in both.
    # Speaker "told Tillerson" overlaps only e_tillerson's mention: wrong in both.
    s = score(
        tmp_path,
        gold,
        record("talks go on.", None, None, ["Tillerson"]),
        record("we wait.", None, None, ["told"]),
    )
    assert (s["exact"]["speaker_strict"], s["exact"]["speaker_lenient"]) == (0.0, 0.0)


def test_right_cue_on_the_wrong_quote_earns_nothing(tmp_path: Path, gold: Path) -> None:
    # Predicted q1 with q2's cue "told" and source "Lavrov": both belong to the gold, as a
    # set view would count them, but not to the quote they are attached to.
    s = score(tmp_path, gold, record("talks go on.", "told", "Lavrov", ["The Ministry"]))
    ov = s["overlap"]
    assert (ov["cue"]["correct"], ov["cue"]["predicted"], ov["cue"]["gold"]) == (0, 1, 2)
    assert (ov["source"]["correct"], ov["source"]["predicted"], ov["source"]["gold"]) == (0, 1, 2)
    # An unmatched quote (content "Lavrov") with the right cue of q2 earns nothing either,
    # but counts as a predicted cue.
    s = score(tmp_path, gold, record("Lavrov", "told", "Lavrov", None))
    assert (s["overlap"]["cue"]["correct"], s["overlap"]["cue"]["predicted"]) == (0, 1)


def test_no_predicted_speaker_is_wrong(tmp_path: Path, gold: Path) -> None:
    s = score(tmp_path, gold, record("we wait.", "told", "Lavrov", None))
    assert (s["exact"]["speaker_strict"], s["exact"]["speaker_lenient"]) == (0.0, 0.0)
    assert (s["exact"]["cue"]["f1"], s["exact"]["source"]["f1"]) == (0.6667, 0.6667)


def test_definitions_in_docs_and_card(capsys: pytest.CaptureFixture[str]) -> None:
    from newsgold.cli import main
    from newsgold.evaluate import measures
    from newsgold.resources import dataset_dir

    assert main(["evaluate", "--docs"]) == 0
    out = capsys.readouterr().out
    for name in ("speaker_strict", "speaker_lenient", "end_to_end_lenient", "head word"):
        assert name in out and name in measures()
    assert '"Ministry" and "the Ministry" share the head "ministry"' in out
    card = (dataset_dir() / "README.md").read_text(encoding="utf-8")
    assert measures().rstrip() in card
    assert main(["evaluate", "--layer", "quotes"]) == 2
    assert "give --layer and --pred (or --docs)" in capsys.readouterr().err


def test_quotes_of_a_type_are_matched_among_the_quotes_of_that_type() -> None:
    """Each type's matching keeps the overlap candidates where both quotes have the type:
    the pairs are those of matching that type's quotes alone. Every predicted quote is a
    gold quote's content; every other one has another type."""
    doc = read_file(documents_dir() / "000_6f6c25f93ca58200.json").document
    assert doc is not None
    gold = _gold_quotes(doc)
    types = sorted({q.type for q in gold})
    assert len(types) >= 2

    def other(t: str) -> str:
        return types[(types.index(t) + 1) % len(types)]

    pred = [
        PQuote(q.type if k % 2 == 0 else other(q.type), q.content, q.cue, None, None)
        for k, q in enumerate(gold)
    ]
    matcher = _Matcher(doc, pred)
    for typ in types:
        gi = [i for i, q in enumerate(gold) if q.type == typ]
        pj = [j for j, q in enumerate(pred) if q.type == typ]
        gs, ps = [list(gold[i].content) for i in gi], [list(pred[j].content) for j in pj]
        for mode, pairs in (("overlap", overlap_pairs), ("exact", exact_span_pairs)):
            got = [(p.gold, p.pred) for p in matcher.match(mode, typ).pairs]
            assert got == [(gi[a], pj[b]) for a, b in pairs(gs, ps)], (typ, mode)
            assert all(gold[i].type == typ == pred[j].type for i, j in got)
        # the quotes that kept their type pair with themselves
        assert {(k, k) for k in gi if k % 2 == 0} <= {
            (p.gold, p.pred) for p in matcher.match("overlap", typ).pairs
        }
    every = [(p.gold, p.pred) for p in matcher.match("overlap").pairs]
    assert every == [(k, k) for k in range(len(gold))]
