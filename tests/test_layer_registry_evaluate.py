"""A layer scored by ``newsgold evaluate``: the toy layer of test_layer_registry given an
evaluation view here, registered, and scored, with no change to any package module."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from newsgold import layers
from newsgold.cli import main
from newsgold.layers import Layer
from newsgold.layers.evaluation import Evaluation, PredictionContext, Run
from newsgold.scoring import Counted, Row
from test_layer_registry import FIXTURE, TOY, toy_document

# ---------------------------------------------------------------- the toy view


def toys_from_document(ck: PredictionContext, value: dict[str, Any]) -> list[Any]:
    return []  # a prediction document has no toys (the prediction schema does not know them)


def toys_from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    span = ck.span(value)  # the document checker, relaxed: "text" may be left out
    return [] if span is None else [(*span, value["label"])]


def score_toys(run: Run) -> dict[str, Any]:
    gold = {(doc.id, t.start, t.end, t.label) for doc, _ in run.pairs for t in doc.layer("toys")}
    pred = {(doc.id, *item) for doc, items in run.pairs for item in items}
    return {"spans": Counted.of(len(gold & pred), len(pred), len(gold))}


def toy_rows(scores: Mapping[str, Any]) -> list[Row]:
    return [Row("toy spans (exact)", scores["spans"])]


OFFSET = {"type": "integer", "minimum": 0, "description": "An offset into the gold text."}
TOY_VIEW = Evaluation(
    name="toys",
    needs=("toys",),
    from_document=toys_from_document,
    from_record=toys_from_record,
    score=score_toys,
    rows=toy_rows,
    record_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["doc_id", "layer", "start", "end", "label"],
        "properties": {
            "doc_id": {"type": "string", "description": "Gold document id."},
            "layer": {"const": "toys", "description": "The view."},
            "start": OFFSET,
            "end": OFFSET,
            "text": {"type": "string", "description": "Optional: the covered text."},
            "label": {"type": "string", "description": "Toy label."},
        },
    },
    description="Toys: exact spans with their label.",
)
SCORED_TOY = dataclasses.replace(TOY, evaluations=(TOY_VIEW,))


@pytest.fixture
def scored_toy() -> Iterator[Layer]:
    with layers.registered(SCORED_TOY) as layer:
        yield layer


def words(n: int) -> list[tuple[int, int, str]]:
    text = json.loads(FIXTURE.read_text(encoding="utf-8"))["text"]
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"[A-Za-z]{3,}", text)][:n]


def gold_and_prediction(tmp_path: Path, lines: list[dict[str, Any]]) -> tuple[Path, Path]:
    w = words(2)
    gold = toy_document(
        tmp_path,
        [
            {"id": f"toy{i + 1}", "start": s, "end": e, "text": t, "label": "WORD"}
            for i, (s, e, t) in enumerate(w)
        ],
    )
    pred = tmp_path / "toys.jsonl"
    pred.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return gold, pred


def record(span: tuple[int, int, str], **extra: Any) -> dict[str, Any]:
    start, end, _ = span
    return {"doc_id": "fixture_small", "layer": "toys", "start": start, "end": end, **extra}


# ---------------------------------------------------------------- tests


def test_toy_view_is_scored_by_the_cli(
    tmp_path: Path, scored_toy: Layer, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second, third = words(3)
    gold, pred = gold_and_prediction(
        tmp_path,
        [
            record(first, text=first[2], label="WORD"),
            record(second, label="WORD"),  # no text: a prediction may leave it out
            record(third, label="WORD"),  # not in the gold
        ],
    )
    args = ["evaluate", "--layer", "toys", "--pred", str(pred), "--gold", str(gold)]
    assert main([*args, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["layer"] == "toys" and report["documents"] == 1
    assert report["spans"] == {
        "precision": 0.6667,
        "recall": 1.0,
        "f1": 0.8,
        "correct": 2,
        "predicted": 3,
        "gold": 2,
    }
    assert main(args) == 0
    table = capsys.readouterr().out
    row = "toy spans (exact)                   0.6667  1.0000  0.8000        2      3      2"
    assert row in table.splitlines()


def test_toy_prediction_goes_through_the_document_checks(
    tmp_path: Path, scored_toy: Layer, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = words(2)
    gold, pred = gold_and_prediction(
        tmp_path,
        [record(first, label="WORD"), record(second, text=first[2], label="WORD")],
    )
    args = ["evaluate", "--layer", "toys", "--pred", str(pred), "--gold", str(gold)]
    assert main([*args, "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [(p["code"], p["pointer"]) for p in problems] == [("span-text-mismatch", "/1/text")]


def test_toy_view_is_a_layer_choice(scored_toy: Layer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--help"]) == 0
    assert "{ner,coref,linking,quotes,events,stance,relations,toys}" in capsys.readouterr().out


def test_without_its_view_the_toy_layer_is_no_choice(capsys: pytest.CaptureFixture[str]) -> None:
    with layers.registered(TOY):
        assert main(["evaluate", "--layer", "toys", "--pred", "x.jsonl"]) == 2
    assert "invalid choice: 'toys'" in capsys.readouterr().err
