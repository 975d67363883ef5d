"""Error records (``newsgold evaluate --errors``): categories at exact spans, derived from
the scoring matching, so that their counts are the report's figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsgold.cli import main
from newsgold.evaluate import evaluate, evaluations, report_dict, view
from newsgold.reader import documents
from newsgold.resources import documents_dir

HERE = Path(__file__).parent
GOLD = HERE / "fixtures" / "valid" / "fixture_small.json"
PREDICTIONS = HERE / "fixtures" / "predictions"
ERRORS = PREDICTIONS / "fixture_small_errors.json"
INVALID = PREDICTIONS / "invalid"
VIEWS = ("ner", "coref", "linking", "quotes", "events", "stance")


def test_every_built_in_view_has_error_records() -> None:
    assert [v.name for v in evaluations() if v.errors is not None] == list(VIEWS)


# ---------------------------------------------------------------- the hand-made NER prediction


def corpus_names() -> tuple[Any, list[tuple[int, int, str]]]:
    """The corpus document and its NAM names that overlap no other NAM name, in text order."""
    doc = next(iter(documents()))
    nam = sorted((m.start, m.end, m.label) for m in doc.mentions if m.mention_type == "NAM")
    alone = [
        n for n in nam if not any(o != n and o[0] < n[1] and n[0] < o[1] for o in nam)
    ]  # fmt: skip
    return doc, alone


@pytest.fixture
def handmade(tmp_path: Path) -> dict[str, Any]:
    return write_handmade(tmp_path / "handmade.jsonl")


def write_handmade(path: Path) -> dict[str, Any]:
    """Every gold name predicted, except: three missed, two with the wrong label, one with
    its last character cut off (a boundary error), and one spurious word."""
    doc, alone = corpus_names()
    missed = alone[0:3]
    relabelled = alone[10:12]
    cut = next(n for n in alone[20:] if n[1] - n[0] >= 4)
    nam = {(m.start, m.end, m.label) for m in doc.mentions if m.mention_type == "NAM"}
    at = doc.text.index(" said ") + 1
    spurious = (at, at + 4, "PERSON")
    assert not any(s < spurious[1] and spurious[0] < e for s, e, _ in nam)
    pred = []
    for s, e, label in sorted(nam):
        if (s, e, label) in missed:
            continue
        if (s, e, label) in relabelled:
            label = "ORG" if label != "ORG" else "PERSON"
        if (s, e, label) == cut:
            e -= 1
        pred.append({"doc_id": doc.id, "layer": "ner", "start": s, "end": e, "label": label})
    pred.append({"doc_id": doc.id, "layer": "ner", "start": at, "end": at + 4, "label": "PERSON"})
    path.write_text("".join(json.dumps(p) + "\n" for p in pred), encoding="utf-8")
    return {
        "path": path,
        "nam": nam,
        "missed": missed,
        "relabelled": relabelled,
        "cut": cut,
        "spurious": spurious,
    }


def by_category(records: list[dict[str, Any]], category: str) -> list[dict[str, Any]]:
    return [r for r in records if r["category"] == category]


def test_handmade_ner_errors_at_exact_spans(handmade: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "errors.jsonl"
    args = ["evaluate", "--layer", "ner", "--pred", str(handmade["path"]), "--errors", str(out)]
    assert main([*args, "--format", "json"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    missed = by_category(records, "missed")
    assert [(r["gold_spans"][0], r["gold_label"]) for r in missed] == [
        ([s, e], t) for s, e, t in handmade["missed"]
    ]
    assert all(r["pred_spans"] is None for r in missed)
    incorrect = by_category(records, "incorrect")
    assert [(r["gold_spans"], r["pred_spans"], r["gold_label"]) for r in incorrect] == [
        ([[s, e]], [[s, e]], t) for s, e, t in handmade["relabelled"]
    ]
    assert all(r["pred_label"] != r["gold_label"] for r in incorrect)
    s, e, _ = handmade["cut"]
    (partial,) = by_category(records, "partial")
    assert (partial["gold_spans"], partial["pred_spans"]) == ([[s, e]], [[s, e - 1]])
    assert partial["pred_text"] + "" == partial["gold_text"][:-1]
    (spurious,) = by_category(records, "spurious")
    assert (spurious["pred_spans"], spurious["pred_text"], spurious["gold_id"]) == (
        [[handmade["spurious"][0], handmade["spurious"][1]]],
        "said",
        None,
    )
    correct = by_category(records, "correct")
    assert len(correct) == len(handmade["nam"]) - 6
    assert all(r["gold_spans"] == r["pred_spans"] and r["gold_id"] for r in correct)
    assert len(records) == len(handmade["nam"]) + 1  # every gold name once, the spurious one
    # The counts are the report's SemEval strict figures.
    strict = report_dict(evaluate("ner", handmade["path"]))["semeval"]["strict"]
    assert (strict["correct"], strict["incorrect"], strict["missed"], strict["spurious"]) == (
        len(correct),
        len(incorrect) + 1,
        3,
        1,
    )
    assert [r["id"] for r in records] == [f"err-{k}" for k in range(1, len(records) + 1)]


def test_errors_file_loads_into_pandas(handmade: dict[str, Any], tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "errors.jsonl"
    main(["evaluate", "--layer", "ner", "--pred", str(handmade["path"]), "--errors", str(out)])
    frame = pd.read_json(out, lines=True)
    counts = frame["category"].value_counts().to_dict()
    assert {k: counts[k] for k in ("missed", "incorrect", "partial", "spurious")} == {
        "missed": 3,
        "incorrect": 2,
        "partial": 1,
        "spurious": 1,
    }


# ---------------------------------------------------------------- every view: counts agree


def cases() -> list[tuple[str, Path, Path | None, str]]:
    out = []
    for name in VIEWS:
        for labels in ("ontonotes", "conll") if name == "ner" else ("ontonotes",):
            out += [
                (name, ERRORS, GOLD, labels),
                (name, GOLD, GOLD, labels),
                (name, documents_dir(), None, labels),
            ]
    return out


@pytest.mark.parametrize(("layer", "pred", "gold", "labels"), cases())
def test_record_counts_are_the_report_figures(
    layer: str, pred: Path, gold: Path | None, labels: str
) -> None:
    report = evaluate(layer, pred, gold, labels, errors=True)
    part = view(layer).errors
    assert part is not None
    from newsgold.layers.evaluation import ErrorRecord, Side

    def side(d: dict[str, Any], name: str) -> Side | None:
        if d[f"{name}_spans"] is None:
            return None
        spans = tuple(tuple(x) for x in d[f"{name}_spans"])
        return Side(spans, d[f"{name}_text"], d[f"{name}_label"])  # type: ignore[arg-type]

    records = [
        ErrorRecord(r["doc_id"], r["unit"], r["category"], side(r, "gold"), side(r, "pred"),
                    r["checks"])
        for r in report.errors
    ]  # fmt: skip
    assert part.tally(records) == part.expected(report_dict(report))
    assert {r["category"] for r in report.errors} <= set(part.categories)
    if pred == gold or gold is None:  # the gold as its own prediction: nothing wrong
        assert {r["category"].rsplit("-", 1)[-1] for r in report.errors} <= {"correct"}


def test_fixture_records_of_the_other_views() -> None:
    quotes = evaluate("quotes", ERRORS, GOLD, errors=True).errors
    assert [(r["category"], r["gold_id"], r["pred_index"]) for r in quotes] == [
        ("correct", "q1", 0),
        ("spurious", None, 1),
    ]
    assert quotes[0]["checks"] == {
        "content_exact": False,
        "type": True,
        "cue": True,
        "source": True,
        "speaker_strict": True,
        "speaker_lenient": True,
    }
    events = evaluate("events", ERRORS, GOLD, errors=True).errors
    assert sorted((r["category"], r["gold_id"], r["pred_spans"]) for r in events) == [
        ("argument-correct", "ev1/e_russia", [[1, 3]]),
        ("argument-spurious", None, [[68, 69]]),
        ("argument-wrong-role", "ev1/e_united_states", [[30, 34]]),
        ("realis-wrong", "ev1", [[58, 66]]),
        ("trigger-spurious", None, [[9, 18]]),
        ("trigger-wrong-mode", "ev1/t1", [[58, 66]]),
    ]
    stance = evaluate("stance", ERRORS, GOLD, errors=True).errors
    assert [(r["category"], r["gold_id"], r["gold_label"], r["pred_label"]) for r in stance] == [
        ("spurious", None, None, "AGAINST"),
        ("wrong-polarity", "st1", "FAVOR", "AGAINST"),
    ]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("file", "layer"),
    [
        ("schema-enum.json", "ner"),
        ("dangling-reference.json", "quotes"),
        ("tokens-mismatch.jsonl", "ner"),
        ("prediction-empty.jsonl", "ner"),
    ],
)
def test_bad_prediction_writes_no_errors_file(
    file: str, layer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["evaluate", "--layer", layer, "--pred", str(INVALID / file), "--gold", str(GOLD)]
    assert main(args) == 1
    plain = capsys.readouterr()
    out = tmp_path / "errors.jsonl"
    assert main([*args, "--errors", str(out)]) == 1
    assert capsys.readouterr() == plain  # the same problems, the same words
    assert not out.exists() and list(tmp_path.iterdir()) == []
    out.write_text("kept\n", encoding="utf-8")
    assert main([*args, "--errors", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "kept\n"


def test_errors_to_a_folder_or_unwritable_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["evaluate", "--layer", "ner", "--pred", str(ERRORS), "--gold", str(GOLD)]
    assert main([*args, "--errors", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert main([*args, "--errors", str(blocker / "errors.jsonl")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [blocker]


def test_iob2_rows_give_character_spans_and_sentence_ids(tmp_path: Path) -> None:
    from newsgold import tokens as T
    from newsgold.layers import tag_spans
    from newsgold.model import Document

    doc = Document.from_dict(json.loads(GOLD.read_text(encoding="utf-8")))
    rows = []
    for sent in T.tag_document(doc, tag_spans(doc)):
        tags = list(sent.tags)
        rows.append({"doc_id": doc.id, "sentence_id": sent.sentence_id,
                     "tokens": [t.text for t in sent.tokens], "ner_tags": tags})  # fmt: skip
    rows[0]["ner_tags"][6:8] = ["B-GPE", "I-GPE"]  # "our U.S." for gold "U.S."
    pred = tmp_path / "rows.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    records = evaluate("ner", pred, GOLD, errors=True).errors
    assert [
        (r["category"], r["sentence_id"], r["gold_spans"], r["pred_spans"], r["pred_text"])
        for r in records
    ] == [
        ("partial", "s1", [[30, 34]], [[26, 34]], "our U.S."),
        ("correct", "s2", [[109, 115]], [[109, 115]], "Lavrov"),
        ("correct", "s2", [[121, 127]], [[121, 127]], "Sunday"),
    ]
    assert records[1]["gold_id"] == "m6"


def test_errors_never_overwrite_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = tmp_path / "pred.json"
    pred.write_bytes(ERRORS.read_bytes())
    folder = tmp_path / "preds"
    folder.mkdir()
    (folder / "a.json").write_bytes(ERRORS.read_bytes())
    for given, target in ((pred, pred), (folder, folder / "errors.jsonl")):
        args = ["evaluate", "--layer", "ner", "--pred", str(given), "--gold", str(GOLD)]
        assert main([*args, "--errors", str(target)]) == 2
        assert "would overwrite or add to the input" in capsys.readouterr().err
    assert pred.read_bytes() == ERRORS.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["a.json"]
    page = ["show", "--html", str(pred), "--pred", str(pred), "--layer", "ner", str(GOLD)]
    assert main(page) == 2
    assert pred.read_bytes() == ERRORS.read_bytes()


def test_coref_and_linking_records_by_hand(tmp_path: Path) -> None:
    # Gold (fixture_small): e_russia {We 1-3, our 26-29}, e_united_states {our U.S.
    # colleagues 26-45, U.S. 30-34}, e_lavrov {I 68-69, Lavrov 109-115}, Sunday 121-127.
    # Predicted entities: A {We, I, Lavrov}, B {our}, C {U.S.}, D {said 116-120}. CEAF-e
    # aligns Lavrov-A (phi4 0.8), Russia-B (0.67; A would give 0.4), US-C (0.67): "We" is
    # in A, aligned to Lavrov: wrong-entity.
    def rec(layer: str, spans: list[tuple[int, int]], **extra: Any) -> str:
        mentions = [{"start": s, "end": e} for s, e in spans]
        return json.dumps({"doc_id": "fixture_small", "layer": layer, "mentions": mentions,
                           **extra}) + "\n"  # fmt: skip

    pred = tmp_path / "coref.jsonl"
    pred.write_text(
        rec("coref", [(1, 3), (68, 69), (109, 115)])
        + rec("coref", [(26, 29)])
        + rec("coref", [(30, 34)])
        + rec("coref", [(116, 120)]),
        encoding="utf-8",
    )
    records = evaluate("coref", pred, GOLD, errors=True).errors
    assert [(r["category"], r["gold_id"], r["gold_label"], r["pred_text"]) for r in records] == [
        ("wrong-entity", "m1", "e_russia", "We"),
        ("correct", "m2", "e_russia", "our"),
        ("missed", "m4", "e_united_states", None),
        ("correct", "m3", "e_united_states", "U.S."),
        ("correct", "m5", "e_lavrov", "I"),
        ("correct", "m6", "e_lavrov", "Lavrov"),
        ("spurious", None, None, "said"),
        ("missed", "m7", "e_date_sunday", None),
    ]
    pred = tmp_path / "linking.jsonl"
    pred.write_text(
        rec("linking", [(109, 115)], wikipedia="Sergey Lavrov")
        + rec("linking", [(30, 34)], wikipedia="Russia"),
        encoding="utf-8",
    )
    report = evaluate("linking", pred, GOLD, errors=True)
    found = [(r["category"], r["gold_text"], r["pred_label"]) for r in report.errors]
    assert found[:2] == [("missed", "We", None), ("missed", "our", None)]
    assert ("wrong-title", "U.S.", "Russia") in found
    assert ("correct", "Lavrov", "Sergey Lavrov") in found
    assert sum(r[0] == "missed" for r in found) == 5
    accuracy = report_dict(report)["mention_accuracy"]
    assert (accuracy["n"], accuracy["agreed"]) == (2, 1)
