"""The baselines (src/newsgold/baselines/): rule-based quotes, spaCy NER."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsgold.baselines import predictions_jsonl
from newsgold.baselines import quotes as Q
from newsgold.cli import main
from newsgold.evaluate import evaluate, report_dict, text_sha256

HERE = Path(__file__).parent
GOLD = HERE / "fixtures" / "valid" / "fixture_small.json"


def attributed(text: str) -> list[tuple[str, str, str | None, str | None]]:
    """(content, cue, source text, speaker name) of each quotation found."""
    out = []
    for q in Q.attribute(text):
        source = None if q.source is None else q.source[2]
        speaker = None if q.speaker is None else q.speaker.text
        out.append((text[slice(*q.content)], text[slice(*q.cue)], source, speaker))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"The talks went well today," Jane Doe said.',
            [("The talks went well today,", "said", "Jane Doe", "Jane Doe")],
        ),
        (
            '"The talks went well today," said Governor Jane Doe.',
            [("The talks went well today,", "said", "Jane Doe", "Jane Doe")],
        ),
        (
            "Jane Doe told reporters on Monday, “The talks went well today.”",
            [("The talks went well today.", "told", "Jane Doe", "Jane Doe")],
        ),
        (
            'According to Jane Doe, "the talks went well today."',
            [("the talks went well today.", "According to", "Jane Doe", "Jane Doe")],
        ),
        (
            'Jane Doe arrived late. "The talks went well today," she said.',
            [("The talks went well today,", "said", "she", "Jane Doe")],
        ),
        (
            'The Ministry of Finance met. "Rates will stay where they are," it said.',
            [("Rates will stay where they are,", "said", "it", "Ministry of Finance")],
        ),
        (
            'Foreign Minister John Roe said: "We will respond in due course."',
            [("We will respond in due course.", "said", "John Roe", "John Roe")],
        ),
    ],
)
def test_quote_rules(text: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert attributed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'She called the plan "a disaster" on Monday.',  # short: a scare quote
        'He wrote an article "Why the talks went well today" last week.',  # a title
        '"The talks went well today and will go on tomorrow."',  # no cue
        'The report, "Talks and their many outcomes in practice", was read widely.',
    ],
)
def test_quote_rules_skip(text: str) -> None:
    assert attributed(text) == []


def test_quotation_marks_pair_within_a_paragraph() -> None:
    text = 'He said "one two three\nfour" and "five six seven" today.'
    spans = Q.quotation_spans(text)
    assert [text[o + 1 : c] for o, c in spans] == ["five six seven"]
    text = '“Curly ones” and "straight ones" mix.'
    assert [text[o + 1 : c] for o, c in Q.quotation_spans(text)] == ["Curly ones", "straight ones"]


def test_quote_prediction_validates_and_scores(tmp_path: Path) -> None:
    out = tmp_path / "quotes.jsonl"
    assert main(["baseline", "quotes", "--gold", str(GOLD), "--out", str(out)]) == 0
    first = out.read_bytes()
    assert main(["baseline", "quotes", "--gold", str(GOLD), "--out", str(out)]) == 0
    assert out.read_bytes() == first  # deterministic
    doc = json.loads(first.decode("utf-8").splitlines()[0])
    assert doc["id"] == "fixture_small"
    s = report_dict(evaluate("quotes", out, GOLD))
    # The fixture's one direct quotation, cue "said" and speaker "Lavrov" are found.
    assert s["exact"]["f1"] == 1.0 and s["exact"]["speaker_strict"] == 1.0
    assert s["exact"]["cue"]["f1"] == 1.0 and s["exact"]["source"]["f1"] == 1.0


def test_quote_baseline_on_the_corpus(tmp_path: Path) -> None:
    """Holds for whatever the corpus holds: the predictions validate and score."""
    out = tmp_path / "quotes.jsonl"
    assert main(["baseline", "quotes", "--out", str(out)]) == 0
    s = report_dict(evaluate("quotes", out))
    assert 0.0 <= s["overlap"]["f1"] <= 1.0


def test_predictions_jsonl_is_one_object_a_line() -> None:
    text = predictions_jsonl([{"id": "a", "x": [1]}, {"id": "b"}])
    assert text == '{"id":"a","x":[1]}\n{"id":"b"}\n'


# ---------------------------------------------------------------- spaCy NER


@pytest.fixture
def ruler_pipeline(tmp_path: Path) -> Path:
    """A small spaCy pipeline (blank English tokenizer and an entity ruler) on disk."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "GPE", "pattern": "U.S."},
            {"label": "PERSON", "pattern": "Lavrov"},
            {"label": "DATE", "pattern": "Sunday"},
            {"label": "ANIMAL", "pattern": "colleagues"},
        ]
    )
    path = tmp_path / "pipeline"
    nlp.to_disk(path)
    return path


def test_ner_baseline_runs_a_pipeline(
    ruler_pipeline: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ner.jsonl"
    args = [
        "baseline",
        "ner",
        "--model",
        str(ruler_pipeline),
        "--gold",
        str(GOLD),
        "--out",
        str(out),
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "ANIMAL 1" in printed  # a label outside OntoNotes is counted, not written
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [(m["text"], m["label"]) for m in doc["mentions"]] == [
        ("U.S.", "GPE"),
        ("Lavrov", "PERSON"),
        ("Sunday", "DATE"),
    ]
    gold_text = json.loads(GOLD.read_text(encoding="utf-8"))["text"]
    assert doc["text_sha256"] == text_sha256(gold_text)
    for labels in ("ontonotes", "conll"):
        s = report_dict(evaluate("ner", out, GOLD, labels))
        assert s["micro"]["f1"] == 1.0


def test_ner_baseline_unknown_model_exits_2(tmp_path: Path) -> None:
    args = ["baseline", "ner", "--model", str(tmp_path / "none"), "--gold", str(GOLD)]
    assert main([*args, "--out", str(tmp_path / "x.jsonl")]) == 2
    assert not (tmp_path / "x.jsonl").exists()


@pytest.mark.parametrize("protocol", ["text", "sentences"])
def test_ner_protocols_call_the_pipeline_on_the_text_or_each_gold_sentence(
    ruler_pipeline: Path, protocol: str
) -> None:
    from newsgold.baselines import ner
    from newsgold.evaluate import load_gold

    nlp = ner.load_pipeline(str(ruler_pipeline))
    calls: list[str] = []

    def recording(text: str) -> object:
        calls.append(text)
        return nlp(text)

    (doc,) = load_gold(GOLD)
    pred = ner.predict_document(recording, doc, protocol=protocol)
    expected = [doc.text] if protocol == "text" else [s.text for s in doc.sentences]
    assert calls == expected and len(doc.sentences) > 1
    assert [(m["start"], m["end"], m["text"]) for m in pred["mentions"]] == [
        (m.start, m.end, m.text)
        for m in doc.mentions
        if m.text in ("U.S.", "Lavrov", "Sunday") and m.mention_type == "NAM"
    ]


def test_ner_unknown_protocol_is_refused(ruler_pipeline: Path) -> None:
    from newsgold.baselines import ner
    from newsgold.evaluate import load_gold

    (doc,) = load_gold(GOLD)
    with pytest.raises(ValueError, match="unknown protocol 'paragraphs'"):
        ner.predict_document(ner.load_pipeline(str(ruler_pipeline)), doc, protocol="paragraphs")
