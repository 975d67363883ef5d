"""Scoring predictions (src/newsgold/evaluate.py, schema/prediction.schema.json)."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold import tokens as T
from newsgold.cli import main
from newsgold.evaluate import (
    PredictionError,
    Report,
    evaluate,
    report_dict,
    report_json,
    report_table,
)
from newsgold.io import canonical_json
from newsgold.issues import codes_of
from newsgold.layers import tag_spans
from newsgold.layers.mentions import decode_iob2_strict, score_ner_units
from newsgold.model import Document
from newsgold.reader import documents
from newsgold.resources import documents_dir, schema_dir
from newsgold.scoring import plain

HERE = Path(__file__).parent
GOLD = HERE / "fixtures" / "valid" / "fixture_small.json"
PREDICTIONS = HERE / "fixtures" / "predictions"
ERRORS = PREDICTIONS / "fixture_small_errors.json"
ERRORS_JSONL = PREDICTIONS / "fixture_small_errors.jsonl"
INVALID = PREDICTIONS / "invalid"
LAYERS = ("ner", "quotes", "events", "stance")


def scores(layer: str, pred: Path, gold: Path | None = GOLD, labels: str = "ontonotes") -> Any:
    return report_dict(evaluate(layer, pred, gold, labels))


def headline(layer: str, s: dict[str, Any]) -> dict[str, float]:
    """The main P/R/F1-style numbers of a layer's scores."""
    if layer == "ner":
        out = {f"micro.{k}": s["micro"][k] for k in ("precision", "recall", "f1")}
        for view, v in s["semeval"].items():
            out.update({f"{view}.{k}": v[k] for k in ("precision", "recall", "f1")})
        return out
    if layer == "quotes":
        out = {}
        for mode in ("exact", "overlap"):
            out.update({f"{mode}.{k}": s[mode][k] for k in ("precision", "recall", "f1")})
            for how in ("strict", "lenient"):
                out[f"{mode}.speaker_{how}"] = s[mode][f"speaker_{how}"]
                out[f"{mode}.e2e_{how}"] = s[mode][f"end_to_end_{how}"]["f1"]
            out.update({f"{mode}.{k}": s[mode][k]["f1"] for k in ("cue", "source")})
        return out
    if layer == "events":
        keys = [k for k in s if k.startswith(("trigger_", "argument_"))]
        return {**{k: s[k]["f1"] for k in keys}, "realis": s["realis"]["accuracy"]}
    return {
        "pairs": s["pairs"]["f1"],
        "f_avg": s["polarity"]["f_avg"],
        "accuracy": s["polarity"]["accuracy"],
    }


# ---------------------------------------------------------------- schema


def test_prediction_schema_is_valid_and_described() -> None:
    from jsonschema import Draft202012Validator

    raw = json.loads((schema_dir() / "prediction.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(raw)
    assert raw["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert "description" in prop or "$ref" in prop, f"{path}/{name} has no description"
                if "$ref" in prop and "description" not in prop:
                    target = prop["$ref"].split("/")[-1]
                    assert "description" in raw["$defs"][target], f"{path}/{name}"
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}/{i}")

    walk(raw, "")
    text = json.dumps(raw)
    for label_def in ("entity_type", "quote_type", "event_type", "polarity", "realis"):
        assert f"labels.json#/$defs/{label_def}" in text
    assert '"PERSON"' not in text  # labels by $ref, not copied


# ---------------------------------------------------------------- gold as prediction


@pytest.mark.parametrize("layer", LAYERS)
def test_gold_as_prediction_scores_one(layer: str) -> None:
    s = scores(layer, GOLD)
    assert s["documents"] == 1
    assert set(headline(layer, s).values()) == {1.0}


def test_gold_as_prediction_scores_one_conll() -> None:
    assert set(headline("ner", scores("ner", GOLD, labels="conll")).values()) == {1.0}


@pytest.mark.parametrize("layer", LAYERS)
def test_corpus_gold_as_prediction(layer: str) -> None:
    """Holds for whatever the corpus holds: 1.0 where the layer has gold items."""
    s = scores(layer, documents_dir(), None)
    annotated = [
        d for d in documents() if ("mentions" if layer == "ner" else layer) in d.annotated_layers
    ]
    assert s["documents"] == len(annotated)
    gold_items = {
        "ner": lambda d: sum(m.mention_type == "NAM" for m in d.mentions),
        "quotes": lambda d: len(d.quotes),
        "events": lambda d: len(d.events),
        "stance": lambda d: len(d.stance),
    }[layer]
    if sum(gold_items(d) for d in annotated):
        assert set(headline(layer, s).values()) == {1.0}
    else:
        assert set(headline(layer, s).values()) == {0.0}


# ---------------------------------------------------------------- empty prediction


@pytest.mark.parametrize("layer", LAYERS)
def test_empty_prediction_scores_zero_recall(layer: str, tmp_path: Path) -> None:
    empty_doc = tmp_path / "empty.json"
    empty_doc.write_text('{"id": "fixture_small"}\n', encoding="utf-8")
    empty_line = tmp_path / "empty.jsonl"
    empty_line.write_text('{"id": "fixture_small"}\n', encoding="utf-8")
    for pred in (empty_doc, empty_line):
        s = scores(layer, pred)
        recalls = [v for k, v in headline(layer, s).items() if not k.endswith(("precision",))]
        assert set(recalls) == {0.0}
        assert s["documents_without_prediction"] == 0
    empty_jsonl = tmp_path / "nothing.jsonl"
    empty_jsonl.write_text("", encoding="utf-8")  # no prediction at all: refused
    with pytest.raises(PredictionError) as caught:
        scores(layer, empty_jsonl)
    assert [(p.code, p.pointer) for p in caught.value.problems] == [("prediction-empty", "")]


def test_corpus_empty_prediction_scores_zero_recall(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    ids = sorted(p.stem for p in documents_dir().glob("*.json"))
    empty.write_text("".join(json.dumps({"id": i}) + "\n" for i in ids), encoding="utf-8")
    for layer in LAYERS:
        s = scores(layer, empty, None)
        assert set(headline(layer, s).values()) == {0.0}
        assert s["documents_without_prediction"] == 0


# ---------------------------------------------------------------- known errors
#
# Gold (tests/fixtures/valid/fixture_small.json), 128 characters:
#   "We felt the readiness of our U.S. colleagues to continue dialogue. I think
#   there's no alternative to that," Lavrov said Sunday.
# NAM mentions: U.S. 30-34 GPE, Lavrov 109-115 PERSON, Sunday 121-127 DATE.
# The prediction (tests/fixtures/predictions/fixture_small_errors.json and the same
# content as layer records in fixture_small_errors.jsonl) makes known errors.


@pytest.mark.parametrize("pred", [ERRORS, ERRORS_JSONL], ids=["document", "records"])
def test_known_errors_ner(pred: Path) -> None:
    # Predicted NAM spans: We 1-3 PERSON (no gold NAM: spurious), U.S. 30-34 GPE
    # (correct), Lavrov 109-115 ORG (right span, wrong type), "said Sunday" 116-127
    # DATE (overlaps Sunday, wrong start); "I" 68-69 is PRO and not scored.
    # 3 gold, 4 predicted.
    s = scores("ner", pred)
    # micro: only U.S. is exact: P 1/4, R 1/3, F1 2*(1/4)(1/3)/(7/12) = 2/7.
    assert (s["micro"]["precision"], s["micro"]["recall"], s["micro"]["f1"]) == (
        0.25,
        0.3333,
        0.2857,
    )
    sem = s["semeval"]
    # strict: COR 1 (U.S.), INC 2 (Lavrov ORG, said Sunday), SPU 1 (We), MIS 0.
    assert [
        sem["strict"][k] for k in ("correct", "incorrect", "partial", "missed", "spurious")
    ] == [1, 2, 0, 0, 1]
    assert (sem["strict"]["precision"], sem["strict"]["recall"]) == (0.25, 0.3333)
    # exact: Lavrov has the right boundaries: COR 2, INC 1, SPU 1: P 2/4, R 2/3, F1 4/7.
    assert (sem["exact"]["correct"], sem["exact"]["incorrect"]) == (2, 1)
    assert (sem["exact"]["precision"], sem["exact"]["recall"], sem["exact"]["f1"]) == (
        0.5,
        0.6667,
        0.5714,
    )
    # partial: COR 2, PAR 1 (said Sunday): P (2 + 0.5)/4 = 0.625, R 2.5/3, F1 = 5/7.
    assert sem["partial"]["partial"] == 1
    assert (sem["partial"]["precision"], sem["partial"]["recall"], sem["partial"]["f1"]) == (
        0.625,
        0.8333,
        0.7143,
    )
    # type: U.S. and said Sunday have the right type and overlap: COR 2; Lavrov INC 1.
    assert (sem["type"]["correct"], sem["type"]["incorrect"], sem["type"]["spurious"]) == (2, 1, 1)
    assert sem["type"]["f1"] == 0.5714
    # per type, on the spans of that type alone: DATE strict 0 (INC 1), partial 1/2.
    assert s["per_type"]["DATE"]["strict"]["incorrect"] == 1
    assert s["per_type"]["DATE"]["partial"]["precision"] == 0.5
    assert s["per_type"]["GPE"]["micro"]["f1"] == 1.0
    assert s["per_type"]["ORG"]["strict"]["spurious"] == 1
    assert s["per_type"]["PERSON"]["strict"]["missed"] == 1


def test_known_errors_ner_conll() -> None:
    # CoNLL: gold U.S. LOC, Lavrov PER (Sunday DATE is dropped): 2 gold.
    # Predicted We PER (spurious), U.S. LOC (correct), Lavrov ORG (incorrect); said
    # Sunday DATE dropped: 3 predicted. P 1/3, R 1/2, F1 0.4.
    s = scores("ner", ERRORS, labels="conll")
    assert (s["micro"]["precision"], s["micro"]["recall"], s["micro"]["f1"]) == (0.3333, 0.5, 0.4)
    assert [s["semeval"]["strict"][k] for k in ("correct", "incorrect", "missed", "spurious")] == [
        1,
        1,
        0,
        1,
    ]


@pytest.mark.parametrize("pred", [ERRORS, ERRORS_JSONL], ids=["document", "records"])
def test_known_errors_quotes(pred: Path) -> None:
    # Gold q1: content 1-107 (106 characters), cue "said" 116-120, source Lavrov 109-115,
    # speaker e_lavrov (mentions I 68-69, Lavrov 109-115), direct.
    # p1 (direct): content 1-67, Dice 2*66/(66+106) = 0.77 >= 0.5: an overlap match, not
    #   exact; speaker has mentions I and Lavrov: aligned to e_lavrov, correct.
    # p2 (indirect): content 68-107, Dice 2*39/(39+106) = 0.54, but q1 pairs with p1 first
    #   (higher Dice), one to one: no match; cue "think".
    s = scores("quotes", pred)
    assert (s["exact"]["correct"], s["exact"]["f1"], s["exact"]["speaker_strict"]) == (
        0,
        0.0,
        0.0,
    )
    # overlap: 1 of 2 predicted, 1 of 1 gold: P 0.5, R 1, F1 2/3; speaker 1/1.
    ov = s["overlap"]
    assert (ov["precision"], ov["recall"], ov["f1"], ov["speaker_strict"]) == (
        0.5,
        1.0,
        0.6667,
        1.0,
    )
    assert ov["speaker_lenient"] == 1.0
    assert (ov["end_to_end_strict"]["correct"], ov["end_to_end_strict"]["f1"]) == (1, 0.6667)
    # per type: direct 1/1; indirect 0 of 1 predicted, no gold.
    assert s["per_type"]["direct"]["overlap"]["f1"] == 1.0
    assert s["per_type"]["indirect"]["overlap"]["predicted"] == 1
    assert "mixed" not in s["per_type"]
    # cue per matched quote: p1's "said" is q1's cue (1 right), p2 gives "think" (2
    # predicted cues), q1 has one: P 0.5, R 1. Exact: nothing matched, nothing right.
    # Source likewise: p1's Lavrov is right, p2's U.S. counts as predicted.
    assert (ov["cue"]["precision"], ov["cue"]["recall"], ov["cue"]["f1"]) == (0.5, 1.0, 0.6667)
    assert (ov["source"]["precision"], ov["source"]["recall"]) == (0.5, 1.0)
    assert (s["exact"]["cue"]["correct"], s["exact"]["cue"]["predicted"]) == (0, 2)
    assert s["overlap_threshold"] == 0.5


@pytest.mark.parametrize("pred", [ERRORS, ERRORS_JSONL], ids=["document", "records"])
def test_known_errors_events(pred: Path) -> None:
    # Gold ev1 CONSULT, no modes, trigger "dialogue" 58-66, actors e_russia and
    # e_united_states, realis future.
    # pe1 CONSULT, modes [phone], trigger 58-66; actor We (-> e_russia), recipient
    #   U.S. (-> e_united_states, wrong role); realis actual.
    # pe2 AGREE, trigger "readiness" 9-18 (no gold); actor Lavrov.
    s = scores("events", pred)
    # triggers: 1 of 2 predicted match by span and type: P 0.5, R 1, F1 2/3; the modes differ.
    assert (s["trigger_identification"]["precision"], s["trigger_identification"]["f1"]) == (
        0.5,
        0.6667,
    )
    assert s["trigger_classification"]["f1"] == 0.6667
    assert s["trigger_classification_mode"]["f1"] == 0.0
    # arguments: 3 predicted, 2 gold; identified 2 (P 2/3, R 1, F1 0.8), classified 1
    # (P 1/3, R 1/2, F1 0.4).
    ai, ac = s["argument_identification"], s["argument_classification"]
    assert (ai["precision"], ai["recall"], ai["f1"]) == (0.6667, 1.0, 0.8)
    assert (ac["precision"], ac["recall"], ac["f1"]) == (0.3333, 0.5, 0.4)
    # realis: ev1 pairs with pe1 (actual != future): 0 of 1.
    assert s["realis"] == {"accuracy": 0.0, "correct": 0, "paired_events": 1}


@pytest.mark.parametrize("pred", [ERRORS, ERRORS_JSONL], ids=["document", "records"])
def test_known_errors_stance(pred: Path) -> None:
    # Gold st1: e_lavrov FAVOR towards event ev1.
    # s1: Lavrov AGAINST towards pe1 (-> ev1): the pair matches, the polarity is wrong.
    # s2: U.S. AGAINST "sanctions": no gold pair.
    s = scores("stance", pred)
    assert (s["pairs"]["precision"], s["pairs"]["recall"], s["pairs"]["f1"]) == (0.5, 1.0, 0.6667)
    # matched pairs [(FAVOR, AGAINST)]: F_FAVOR 0, F_AGAINST 0: F_avg 0; accuracy 0.
    assert (s["polarity"]["f_avg"], s["polarity"]["accuracy"], s["polarity"]["f_avg_classes"]) == (
        0.0,
        0.0,
        2,
    )


def test_stance_f_avg_on_matched_pairs(tmp_path: Path) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    st = gold["stance"][0]
    us = {"id": "tg2", "description": "the US", "entity_id": "e_united_states", "event_id": None}
    talk = {"id": "tg3", "description": "Dialogue", "entity_id": None, "event_id": None}
    gold["stance"] += [
        {**st, "id": "st2", "holder": "e_russia", "polarity": "AGAINST", "target": us},
        {**st, "id": "st3", "holder": "e_united_states", "polarity": "NONE", "target": talk},
    ]
    gold_path = tmp_path / "fixture_small.json"
    gold_path.write_text(canonical_json(Document.from_dict(gold)), encoding="utf-8")
    text = gold["text"]

    def sp(s: int, e: int) -> dict[str, Any]:
        return {"start": s, "end": e, "text": text[s:e]}

    rows = [
        {
            "layer": "stance",
            "holder": [sp(109, 115)],
            "target": {"event": [sp(58, 66)]},
            "polarity": "FAVOR",
        },
        {
            "layer": "stance",
            "holder": [sp(26, 29)],
            "target": {"entity": [sp(30, 34)]},
            "polarity": "FAVOR",
        },
        {
            "layer": "stance",
            "holder": [sp(30, 34)],
            "target": {"description": " dialogue"},
            "polarity": "NONE",
        },
    ]
    pred = tmp_path / "pred.jsonl"
    pred.write_text(
        "".join(json.dumps({"doc_id": "fixture_small", **r}) + "\n" for r in rows), encoding="utf-8"
    )
    s = scores("stance", pred, gold_path)
    # Matched pairs (gold, predicted): (FAVOR, FAVOR), (AGAINST, FAVOR), (NONE, NONE).
    # FAVOR: TP 1, predicted 2, gold 1: P 0.5, R 1, F1 2/3. AGAINST: TP 0, gold 1: F1 0.
    # F_avg = (2/3 + 0) / 2 = 1/3; accuracy 2/3.
    assert s["pairs"]["f1"] == 1.0
    assert s["polarity"]["per_class"]["FAVOR"]["f1"] == 0.6667
    assert (s["polarity"]["f_avg"], s["polarity"]["accuracy"]) == (0.3333, 0.6667)


def _fixture_rows(labels: str = "ontonotes") -> list[dict[str, Any]]:
    doc = Document.from_dict(json.loads(GOLD.read_text(encoding="utf-8")))
    out = []
    for sent in T.tag_document(doc, tag_spans(doc)):
        tags = sent.tags if labels == "ontonotes" else T.to_conll(sent.tags)
        out.append(
            {
                "doc_id": doc.id,
                "sentence_id": sent.sentence_id,
                "tokens": [t.text for t in sent.tokens],
                "ner_tags": list(tags),
            }
        )
    return out


def test_known_errors_iob2(tmp_path: Path) -> None:
    rows = _fixture_rows()
    s1, s2 = rows
    assert s1["tokens"][6:8] == ["our", "U.S."] and s1["ner_tags"][7] == "B-GPE"
    assert s2["tokens"][-4:-1] == ["Lavrov", "said", "Sunday"]
    # s1: "our U.S." tagged B-GPE I-GPE: a wrong start. s2: Lavrov right; Sunday tagged
    # I-DATE with no B-: seqeval strict reads no entity there (counted as a stray tag).
    s1["ner_tags"][6:8] = ["B-GPE", "I-GPE"]
    s2["ner_tags"][-2] = T.ontonotes_tags().index("I-DATE")  # as an int
    pred = tmp_path / "rows.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    s = scores("ner", pred)
    # micro: {Lavrov} of predicted {our U.S., Lavrov} and gold {U.S., Lavrov, Sunday}:
    # P 1/2, R 1/3, F1 0.4. strict: COR 1, INC 1 (our U.S.), MIS 1 (Sunday).
    assert (s["micro"]["precision"], s["micro"]["recall"], s["micro"]["f1"]) == (0.5, 0.3333, 0.4)
    assert [s["semeval"]["strict"][k] for k in ("correct", "incorrect", "missed", "spurious")] == [
        1,
        1,
        1,
        0,
    ]
    assert s["iob2_tags_outside_chunks"] == 1 and s["unit"] == "sentence-token"


def test_iob2_gold_rows_score_one_and_missing_rows_count_as_o(tmp_path: Path) -> None:
    for labels in ("ontonotes", "conll"):
        rows = _fixture_rows(labels)
        pred = tmp_path / f"{labels}.jsonl"
        pred.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
        s = scores("ner", pred, labels=labels)
        assert s["micro"]["precision"] == 1.0 and s["micro"]["recall"] < 1.0
        pred.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        assert set(headline("ner", scores("ner", pred, labels=labels)).values()) == {1.0}


# ---------------------------------------------------------------- seqeval and nervaluate


def _perturbed(gold: list[list[str]], names: tuple[str, ...], seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    for seq in gold:
        pred = list(seq)
        for i in range(len(pred)):
            r = rng.random()
            if r < 0.06:
                pred[i] = "O"
            elif r < 0.12:
                pred[i] = rng.choice(names)
        out.append(pred)
    return out


def _gold_sequences(labels: str) -> list[list[str]]:
    docs = [Document.from_dict(json.loads(GOLD.read_text(encoding="utf-8")))]
    docs += [d for d in documents() if {"sentences", "mentions"} <= set(d.annotated_layers)]
    out = []
    for doc in docs:
        for sent in T.tag_document(doc, tag_spans(doc)):
            out.append(list(sent.tags if labels == "ontonotes" else T.to_conll(sent.tags)))
    return out


def _counts(x: Any) -> tuple[int, ...]:
    if isinstance(x, dict):
        return (x["correct"], x["incorrect"], x["partial"], x["missed"], x["spurious"])
    return (x.correct, x.incorrect, x.partial, x.missed, x.spurious)


NERVALUATE_VIEWS = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
"""Each SemEval view and nervaluate's name for it."""


def _nervaluate(units: list[tuple[list[Any], list[Any]]], tags: list[str]) -> Any:
    """nervaluate's results on units of (gold spans, predicted spans), as dicts (its ends
    are inclusive)."""
    from nervaluate import Evaluator

    as_dicts = [
        [[{"label": t, "start": s, "end": e - 1} for s, e, t in spans] for spans in side]
        for side in zip(*units, strict=True)
    ]
    return Evaluator(as_dicts[0], as_dicts[1], tags=tags, loader="dict").evaluate()


@pytest.mark.parametrize("labels", ["ontonotes", "conll"])
@pytest.mark.parametrize("seed", range(8))
def test_ner_equals_seqeval_and_nervaluate(labels: str, seed: int) -> None:
    from nervaluate import Evaluator
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    names = T.ontonotes_tags() if labels == "ontonotes" else T.conll_tags()
    types = [n[2:] for n in names if n.startswith("B-")]
    gold = _gold_sequences(labels)
    pred = _perturbed(gold, names, seed)
    units = [
        (decode_iob2_strict(g)[0], decode_iob2_strict(p)[0])
        for g, p in zip(gold, pred, strict=True)
    ]
    mine = plain(score_ner_units(units))

    kw: dict[str, Any] = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    assert mine["micro"]["precision"] == pytest.approx(precision_score(gold, pred, **kw), abs=1e-12)
    assert mine["micro"]["recall"] == pytest.approx(recall_score(gold, pred, **kw), abs=1e-12)
    assert mine["micro"]["f1"] == pytest.approx(f1_score(gold, pred, **kw), abs=1e-12)
    report = classification_report(gold, pred, output_dict=True, **kw)
    for typ, v in mine["per_type"].items():
        for k in ("precision", "recall"):
            assert v["micro"][k] == pytest.approx(report[typ][k], abs=1e-12)
        assert v["micro"]["gold"] == report[typ]["support"]

    # nervaluate on the same spans (its ends are inclusive), and on the same tags
    # where the predicted tags are valid IOB2 (its list loader reads stray I- tags
    # differently from seqeval's strict mode).
    theirs = _nervaluate(units, types)
    for mine_view, their_view in NERVALUATE_VIEWS.items():
        assert _counts(mine["semeval"][mine_view]) == _counts(theirs["overall"][their_view])
        assert mine["semeval"][mine_view]["f1"] == pytest.approx(
            theirs["overall"][their_view].f1, abs=1e-12
        )
        for typ, per in theirs["entities"].items():
            assert _counts(mine["per_type"][typ][mine_view]) == _counts(per[their_view])
            assert mine["per_type"][typ][mine_view]["precision"] == pytest.approx(
                per[their_view].precision, abs=1e-12
            )
    valid = [p if not decode_iob2_strict(p)[1] else g for g, p in zip(gold, pred, strict=True)]
    units_valid = [
        (decode_iob2_strict(g)[0], decode_iob2_strict(p)[0])
        for g, p in zip(gold, valid, strict=True)
    ]
    mine_valid = plain(score_ner_units(units_valid))
    theirs_list = Evaluator(gold, valid, tags=types, loader="list").evaluate()
    for mine_view, their_view in NERVALUATE_VIEWS.items():
        assert _counts(mine_valid["semeval"][mine_view]) == _counts(
            theirs_list["overall"][their_view]
        )


_TYPES = ["PERSON", "ORG", "GPE"]
_spans = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from(_TYPES)).map(
        lambda x: (x[0], x[0] + x[1], x[2])
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_spans, _spans), min_size=1, max_size=3))
def test_semeval_views_equal_nervaluate_on_overlapping_and_nested_spans(
    units: list[tuple[list[Any], list[Any]]],
) -> None:
    """Spans that overlap, nest, repeat and come in any order, in gold and prediction:
    the counts of the four views are nervaluate's, overall and per type."""
    mine = plain(score_ner_units(units))
    theirs = _nervaluate(units, _TYPES)
    for mine_view, their_view in NERVALUATE_VIEWS.items():
        assert _counts(mine["semeval"][mine_view]) == _counts(theirs["overall"][their_view])
        for typ, per in theirs["entities"].items():
            if typ in mine["per_type"]:
                assert _counts(mine["per_type"][typ][mine_view]) == _counts(per[their_view])


@pytest.mark.parametrize("labels", ["ontonotes", "conll"])
def test_evaluate_iob2_file_equals_seqeval(labels: str, tmp_path: Path) -> None:
    """The command's numbers on an IOB2 file equal seqeval's on the same tags."""
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    rows = _fixture_rows(labels)
    names = T.ontonotes_tags() if labels == "ontonotes" else T.conll_tags()
    gold = [r["ner_tags"] for r in rows]
    pred = _perturbed(gold, names, 3)
    pred[1][-4] = "O"  # Lavrov missed, in either label set
    pred[0][7] = names[-1]  # U.S. gets the last type's I- tag: no entity
    path = tmp_path / "rows.jsonl"
    path.write_text(
        "".join(json.dumps({**r, "ner_tags": p}) + "\n" for r, p in zip(rows, pred, strict=True)),
        encoding="utf-8",
    )
    s = report_dict(evaluate("ner", path, GOLD, labels))
    kw: dict[str, Any] = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    assert s["micro"]["precision"] == round(precision_score(gold, pred, **kw), 4)
    assert s["micro"]["recall"] == round(recall_score(gold, pred, **kw), 4)
    assert s["micro"]["f1"] == round(f1_score(gold, pred, **kw), 4)


# ---------------------------------------------------------------- invalid predictions

# code -> (fixture file, pointer, layer)
INVALID_CASES: dict[str, tuple[str, str, str]] = {
    "unknown-document": ("unknown-document.json", "/id", "ner"),
    "text-mismatch": ("text-mismatch.json", "/text", "ner"),
    "duplicate-prediction": ("duplicate-prediction.jsonl", "/1/id", "ner"),
    "duplicate-span": ("duplicate-span.json", "/mentions/1", "ner"),
    "duplicate-mention": ("duplicate-mention.json", "/mentions/1/entity_id", "coref"),
    "label-set-mismatch": ("label-set-mismatch.jsonl", "/0/label", "ner"),
    "unknown-sentence": ("unknown-sentence.jsonl", "/0", "ner"),
    "tokens-mismatch": ("tokens-mismatch.jsonl", "/0/tokens/2", "ner"),
    "tag-count-mismatch": ("tag-count-mismatch.jsonl", "/0/ner_tags", "ner"),
    "unknown-tag": ("unknown-tag.jsonl", "/0/ner_tags/7", "ner"),
    "ner-forms-mixed": ("ner-forms-mixed.jsonl", "", "ner"),
    "unknown-line-kind": ("unknown-line-kind.jsonl", "/0", "ner"),
    "invalid-json": ("invalid-json.json", "", "ner"),
    "schema-enum": ("schema-enum.json", "/mentions/0/label", "ner"),
    "schema-required": ("schema-required.jsonl", "/0/content", "quotes"),
    "span-text-mismatch": ("span-text-mismatch.json", "/mentions/0/text", "ner"),
    "span-out-of-range": ("span-out-of-range.json", "/mentions/0/end", "ner"),
    "dangling-reference": ("dangling-reference.json", "/quotes/0/speaker", "quotes"),
    "duplicate-id": ("duplicate-id.json", "/mentions/1/id", "ner"),
    "prediction-empty": ("prediction-empty.jsonl", "", "ner"),
    "prediction-folder-empty": ("prediction-folder-empty", "", "ner"),
    "prediction-not-json": ("prediction-not-json.conll", "", "coref"),
}

# code -> (gold fixture under invalid_gold, pointer, layer): problems of the gold
GOLD_CASES: dict[str, tuple[str, str, str]] = {
    "gold-layer-not-annotated": ("gold-layer-not-annotated", "", "stance"),
}


def test_every_prediction_code_has_a_fixture() -> None:
    prediction_codes = set(codes_of("prediction"))
    assert prediction_codes <= set(INVALID_CASES) | set(GOLD_CASES)
    assert not set(INVALID_CASES) & set(GOLD_CASES)
    assert sorted(p.name for p in (PREDICTIONS / "invalid_gold").iterdir()) == sorted(
        f for f, _, _ in GOLD_CASES.values()
    )
    assert set(INVALID_CASES) <= prediction_codes | set(codes_of("document"))
    assert sorted(p.name for p in INVALID.iterdir()) == sorted(
        f for f, _, _ in INVALID_CASES.values()
    )


@pytest.mark.parametrize("code", sorted(INVALID_CASES))
def test_invalid_prediction_gives_the_problem(code: str) -> None:
    file, where, layer = INVALID_CASES[code]
    with pytest.raises(PredictionError) as caught:
        evaluate(layer, INVALID / file, GOLD)
    found = [(p.code, p.pointer) for p in caught.value.problems]
    assert found == [(code, where)]
    problem = caught.value.problems[0]
    assert problem.file.endswith(file) and problem.message and problem.hint


@pytest.mark.parametrize("code", ["tokens-mismatch", "schema-enum", "unknown-document"])
def test_cli_invalid_prediction_exits_1(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    file, where, layer = INVALID_CASES[code]
    args = ["evaluate", "--layer", layer, "--pred", str(INVALID / file), "--gold", str(GOLD)]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert f"#{where}: L" in out and code in out and "*** FAILED ***" in out
    assert main([*args, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert [(p["code"], p["pointer"]) for p in report["problems"]] == [(code, where)]


@pytest.mark.parametrize("code", sorted(GOLD_CASES))
def test_invalid_gold_gives_the_problem(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder, where, layer = GOLD_CASES[code]
    gold = PREDICTIONS / "invalid_gold" / folder
    with pytest.raises(PredictionError) as caught:
        evaluate(layer, GOLD, gold)
    assert [(p.code, p.file, p.pointer) for p in caught.value.problems] == [
        (code, str(gold), where)
    ]
    args = ["evaluate", "--layer", layer, "--pred", str(GOLD), "--gold", str(gold)]
    assert main([*args, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(p["code"], p["pointer"]) for p in report["problems"]] == [(code, where)]


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.jsonl", b""), ("blank.jsonl", b"\n\n  \n"), ("tabs.jsonl", b"\t\n")],
)
def test_cli_empty_jsonl_prediction_exits_1(
    name: str, content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty prediction is refused, not scored as zero (predicting none is explicit)."""
    pred = tmp_path / name
    pred.write_bytes(content)
    args = ["evaluate", "--layer", "ner", "--pred", str(pred), "--gold", str(GOLD)]
    assert main([*args, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(p["code"], p["file"], p["pointer"]) for p in report["problems"]] == [
        ("prediction-empty", str(pred), "")
    ]
    assert pred.read_bytes() == content


@pytest.mark.parametrize("files", [[], ["notes.txt"], ["pred.json.bak", "sub.jsonl.old"]])
def test_cli_empty_prediction_folder_exits_2(
    files: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "pred"
    folder.mkdir()
    for name in files:
        (folder / name).write_bytes(GOLD.read_bytes())
    args = ["evaluate", "--layer", "ner", "--pred", str(folder), "--gold", str(GOLD)]
    assert main([*args, "--format", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert [(p["code"], p["file"], p["pointer"]) for p in report["problems"]] == [
        ("prediction-folder-empty", str(folder), "")
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)


def test_cli_missing_prediction_file_exits_2(tmp_path: Path) -> None:
    assert (
        main(
            [
                "evaluate",
                "--layer",
                "ner",
                "--pred",
                str(tmp_path / "nope.json"),
                "--gold",
                str(GOLD),
            ]
        )
        == 2
    )


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize("layer", LAYERS)
def test_cli_gold_as_prediction_prints_one(layer: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--layer", layer, "--pred", str(GOLD), "--gold", str(GOLD)]) == 0
    table = capsys.readouterr().out
    rows = [
        m.groups()
        for m in re.finditer(r" (\d\.\d{4}) +(\d\.\d{4}) +(\d\.\d{4}) +\d+ +\d+ +\d+$", table, re.M)
    ]
    assert rows and all(row == ("1.0000",) * 3 for row in rows), table
    assert "0.0000" not in table
    assert (
        main(
            [
                "evaluate",
                "--layer",
                layer,
                "--pred",
                str(GOLD),
                "--gold",
                str(GOLD),
                "--format",
                "json",
            ]
        )
        == 0
    )
    first = capsys.readouterr().out
    main(
        ["evaluate", "--layer", layer, "--pred", str(GOLD), "--gold", str(GOLD), "--format", "json"]
    )
    assert capsys.readouterr().out == first  # deterministic
    assert list(json.loads(first)) == sorted(json.loads(first))


def test_cli_known_errors_print_the_hand_computed_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", "--layer", "ner", "--pred", str(ERRORS), "--gold", str(GOLD)]) == 0
    table = capsys.readouterr().out
    assert "SemEval partial                     0.6250  0.8333  0.7143" in table
    assert main(["evaluate", "--layer", "events", "--pred", str(ERRORS), "--gold", str(GOLD)]) == 0
    assert "argument classification             0.3333  0.5000  0.4000" in capsys.readouterr().out


def test_report_json_rounds_to_four_decimals() -> None:
    text = report_json(Report("stance", {"x": 2 / 3, "nested": {"y": [1 / 7]}}))
    assert json.loads(text) == {"nested": {"y": [0.1429]}, "x": 0.6667}
    assert text.endswith("}\n")
    assert "0.6667" in report_table(evaluate("quotes", ERRORS, GOLD))


def test_jsonl_line_with_a_huge_integer_or_nan_is_an_l1_problem(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jsonl"
    huge.write_text('{"a": ' + "9" * 5000 + "}\n", encoding="utf-8")
    nan = tmp_path / "nan.jsonl"
    nan.write_text('{"layer": "quotes", "x": NaN}\n', encoding="utf-8")
    for path, where in [(huge, "/0"), (nan, "/0/x")]:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "newsgold",
                "evaluate",
                "--layer",
                "quotes",
                "--pred",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        first = result.stdout.splitlines()[0]
        assert first.startswith(f"{path}#{where}: L1 invalid-json: line 1: "), first


def _same_as_nervaluate(
    true: list[Any], pred: list[Any], tags: list[str], overall: dict[str, Any], mine: Any
) -> None:
    """nervaluate gives ``overall`` on the unit, and per type what ``mine`` gives."""
    theirs = _nervaluate([(true, pred)], tags)
    for mine_view, their_view in NERVALUATE_VIEWS.items():
        assert _counts(theirs["overall"][their_view]) == overall[mine_view]
        for typ, per in theirs["entities"].items():
            assert _counts(mine["per_type"][typ][mine_view]) == _counts(per[their_view])


def test_semeval_overall_is_not_the_sum_of_the_per_type_counts() -> None:
    """Overall, a prediction consumes the gold entity it overlaps first, whatever its
    type; per type, only spans of that type meet. Against gold 102-115 PERSON, the
    predictions 99-110 ORG and 102-115 PERSON give overall strict: 0 correct, 1
    incorrect, 1 spurious, but per type PERSON 1 correct and ORG 1 spurious. nervaluate
    counts the same (stated in the NER view's definitions)."""
    true, pred = [(102, 115, "PERSON")], [(99, 110, "ORG"), (102, 115, "PERSON")]
    mine = plain(score_ner_units([(true, pred)]))
    # (correct, incorrect, partial, missed, spurious) of each view, overall
    overall = {
        "strict": (0, 1, 0, 0, 1),
        "exact": (0, 1, 0, 0, 1),
        "partial": (0, 0, 1, 0, 1),
        "type": (0, 1, 0, 0, 1),
    }
    for name, counts in overall.items():
        assert _counts(mine["semeval"][name]) == counts
        assert (mine["semeval"][name]["actual"], mine["semeval"][name]["possible"]) == (2, 1)
        assert _counts(mine["per_type"]["PERSON"][name]) == (1, 0, 0, 0, 0)
        assert _counts(mine["per_type"]["ORG"][name]) == (0, 0, 0, 0, 1)
        per_type = [_counts(v[name]) for v in mine["per_type"].values()]
        summed = tuple(sum(c) for c in zip(*per_type, strict=True))
        assert summed == (1, 0, 0, 0, 1) != counts
    assert mine["semeval"]["strict"]["f1"] == 0.0
    assert mine["per_type"]["PERSON"]["strict"]["f1"] == 1.0
    _same_as_nervaluate(true, pred, ["ORG", "PERSON"], overall, mine)


def test_semeval_exact_matches_across_types_overall_but_not_per_type() -> None:
    """A prediction with a gold span's bounds and another type is exact overall; per
    type it meets no span of its type (spurious), so per type exact counts as strict.
    nervaluate counts the same."""
    true, pred = [(0, 5, "A"), (10, 15, "B")], [(0, 5, "B"), (10, 15, "B")]
    mine = plain(score_ner_units([(true, pred)]))
    # (correct, incorrect, partial, missed, spurious)
    overall = {
        "strict": (1, 1, 0, 0, 0),
        "exact": (2, 0, 0, 0, 0),
        "partial": (2, 0, 0, 0, 0),
        "type": (1, 1, 0, 0, 0),
    }
    for name, counts in overall.items():
        assert _counts(mine["semeval"][name]) == counts
        assert _counts(mine["per_type"]["A"][name]) == (0, 0, 0, 1, 0)
        assert _counts(mine["per_type"]["B"][name]) == (1, 0, 0, 0, 1)
    _same_as_nervaluate(true, pred, ["A", "B"], overall, mine)


# ---------------------------------------------------------------- duplicates and size


def _record_lines(layer: str) -> list[str]:
    return [line for line in ERRORS_JSONL.read_text("utf-8").splitlines() if f'"{layer}"' in line]


def _problems(layer: str, pred: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(PredictionError) as caught:
        evaluate(layer, pred, GOLD)
    return [(p.code, p.file, p.pointer) for p in caught.value.problems]


@pytest.mark.parametrize("order", ["records-first", "document-first"])
def test_a_span_in_a_record_and_a_document_is_a_duplicate_in_either_order(
    order: str, tmp_path: Path
) -> None:
    """U.S. 30-34 GPE as a record and in a prediction document: duplicate-span both ways."""
    record = json.dumps(
        {"doc_id": "fixture_small", "layer": "ner", "start": 30, "end": 34, "label": "GPE"}
    )
    document = json.dumps(
        {
            "id": "fixture_small",
            "mentions": [{"id": "m1", "start": 30, "end": 34, "label": "GPE"}],
        }
    )
    lines = [record, document] if order == "records-first" else [document, record]
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    before = pred.read_bytes()
    second = "/1/id" if order == "records-first" else "/1"
    assert _problems("ner", pred) == [("duplicate-span", str(pred), second)]
    assert pred.read_bytes() == before


@pytest.mark.parametrize("layer", ["quotes", "events", "stance"])
def test_the_same_record_twice_is_a_duplicate(layer: str, tmp_path: Path) -> None:
    first = _record_lines(layer)[0]
    pred = tmp_path / "pred.jsonl"
    pred.write_text(f"{first}\n{first}\n", encoding="utf-8")
    assert _problems(layer, pred) == [("duplicate-prediction", str(pred), "/1")]
    one = tmp_path / "one.jsonl"
    one.write_text(f"{first}\n", encoding="utf-8")
    assert report_dict(evaluate(layer, one, GOLD))["documents"] == 1


@pytest.mark.parametrize("layer", ["quotes", "events", "stance"])
def test_a_record_repeating_a_prediction_document_is_a_duplicate(
    layer: str, tmp_path: Path
) -> None:
    """The errors fixture as a document and its records for the layer: each one repeats."""
    document = json.dumps(json.loads(ERRORS.read_text("utf-8")))
    records = _record_lines(layer)
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(line + "\n" for line in [document, *records]), encoding="utf-8")
    expected = [("duplicate-prediction", str(pred), f"/{i}") for i in range(1, len(records) + 1)]
    assert _problems(layer, pred) == expected


def test_a_jsonl_prediction_over_the_size_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = tmp_path / "big.jsonl"
    with pred.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: no disk space, no time
    args = ["evaluate", "--layer", "ner", "--pred", str(pred), "--gold", str(GOLD)]
    assert main([*args, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(p["code"], p["file"], p["pointer"]) for p in report["problems"]] == [
        ("file-too-large", str(pred), "")
    ]


def test_twenty_thousand_records_for_one_document_are_read(tmp_path: Path) -> None:
    """Reading is linear in the records (a set of those seen, not a list); the index
    keeps the contiguous lines of a document as one run, not a place per line."""
    from newsgold.evaluate import index_predictions

    length = len(Document.from_dict(json.loads(GOLD.read_text("utf-8"))).text)
    types = [t[2:] for t in T.ontonotes_tags() if t.startswith("B-")][:3]
    every = [(s, e, t) for s in range(length) for e in range(s + 1, length + 1) for t in types]
    spans = every[:20_000]
    pred = tmp_path / "many.jsonl"
    with pred.open("w", encoding="utf-8") as handle:
        for s, e, t in spans:
            record = {"doc_id": "fixture_small", "layer": "ner", "start": s, "end": e, "label": t}
            handle.write(json.dumps(record) + "\n")
    index, problems = index_predictions(pred, {"fixture_small"})
    assert problems == [] and index.problems == [] and index.unplaced == []
    assert index.runs == {"fixture_small": [[0, 0, 0, pred.stat().st_size]]}
    s = report_dict(evaluate("ner", pred, GOLD))
    assert len(spans) == 20_000
    assert s["micro"]["predicted"] == 20_000


def _checked(pred: Path, layer: str) -> Any:
    """The second pass's check of the predictions at ``pred`` for the fixture."""
    import newsgold.evaluate as ev

    scored = ev.view(layer)
    gold = ev._gold_index(GOLD, scored, lambda xs, **_: xs)
    index, problems = ev.index_predictions(pred, gold.ids)
    assert problems == []
    stream = ev._Stream(gold, index, scored, "ontonotes", pred)
    (doc,) = documents([GOLD])
    return stream.check(doc, index.runs.get(doc.id, []))


def test_a_prediction_document_keeps_only_the_scored_view(tmp_path: Path) -> None:
    """Every part of a prediction document is checked, but only the scored view's
    normalised predictions are kept (memory grows with the scored view, not all)."""
    from newsgold.evaluate import evaluations

    for scored in evaluations():
        checked = _checked(GOLD, scored.name)
        assert checked.found == []
        assert list(checked.pred.items) == [scored.name]
    value = json.loads(GOLD.read_text(encoding="utf-8"))
    value["mentions"][0]["end"] = len(value["text"]) + 5
    pred = tmp_path / "fixture_small.json"
    pred.write_text(json.dumps(value), encoding="utf-8")
    problems = [p for _, p in _checked(pred, "quotes").found]
    assert [(p.code, p.pointer) for p in problems] == [("span-out-of-range", "/mentions/0/end")]


_DOCUMENT_CASES = sorted(
    code
    for code, (file, _, _) in INVALID_CASES.items()
    if file.endswith(".json") and code not in ("invalid-json", "unknown-document")
)
"""The invalid prediction documents of a gold document (an unknown one is no gold's)."""


@pytest.mark.parametrize("code", _DOCUMENT_CASES)
def test_a_prediction_document_gives_the_same_problems_whatever_the_view(code: str) -> None:
    """A view that is not scored checks all it reads though it keeps nothing: the
    problems of a prediction document are the same whichever view is scored (a
    coreference problem is reported when NER is scored, and so on)."""
    from newsgold.evaluate import evaluations

    file, where, _ = INVALID_CASES[code]
    for scored in evaluations():
        found = [(p.code, p.pointer) for _, p in _checked(INVALID / file, scored.name).found]
        assert found == [(code, where)], scored.name


def _copy_with_quotes(o: Any) -> bool:
    return isinstance(o, Document) and o.id.startswith("copy_") and bool(o.quotes)


def test_evaluate_gives_the_scorer_one_gold_document_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gold is read again as the scorer goes: while a document is scored, no other
    scored document (with its layers) is held; the scores are those of the view."""
    import gc

    import newsgold.evaluate as ev

    value = json.loads(GOLD.read_text(encoding="utf-8"))
    for k in range(5):
        value["id"] = f"copy_{k}"
        (tmp_path / f"copy_{k}.json").write_text(
            canonical_json(Document.from_dict(value)), encoding="utf-8"
        )
    scored = ev.view("quotes")
    held: list[int] = []

    def score(run: Any) -> dict[str, Any]:
        for _ in run.pairs:
            gc.collect()
            # this run's documents only: another test may leave a document of its own
            held.append(sum(_copy_with_quotes(o) for o in gc.get_objects()))
        return scored.score(run)

    monkeypatch.setattr(ev, "view", lambda name: dataclasses.replace(scored, score=score))
    report = report_dict(ev.evaluate("quotes", tmp_path, tmp_path))
    assert held == [1, 1, 1, 1, 1]
    monkeypatch.undo()
    assert report == report_dict(evaluate("quotes", tmp_path, tmp_path))
    assert report["overlap"]["gold"] == 5 * len(value["quotes"])


# ---------------------------------------------------------------- streaming


def _copies(folder: Path, n: int) -> list[str]:
    """``n`` copies of the fixture under the ids copy_0, copy_1, ... in ``folder``."""
    folder.mkdir()
    value = json.loads(GOLD.read_text(encoding="utf-8"))
    for k in range(n):
        value["id"] = f"copy_{k}"
        text = canonical_json(Document.from_dict(value))
        (folder / f"copy_{k}.json").write_text(text, encoding="utf-8")
    return [f"copy_{k}" for k in range(n)]


def _ner_records(doc_ids: list[str]) -> list[str]:
    """The errors fixture's NER records for each of ``doc_ids``, interleaved."""
    lines = [json.loads(line) for line in _record_lines("ner")]
    return [json.dumps({**r, "doc_id": d}) for r in lines for d in doc_ids]


def _predictions(form: str, folder: Path, doc_ids: list[str]) -> Path:
    if form == "documents":
        out = folder / "pred"
        out.mkdir()
        value = json.loads(ERRORS.read_text("utf-8"))
        for d in doc_ids[::-1]:
            (out / f"{d}.json").write_text(json.dumps({**value, "id": d}), encoding="utf-8")
        return out
    out = folder / "pred.jsonl"
    if form == "records":
        lines = _ner_records(doc_ids)
    else:
        lines = [json.dumps({**r, "doc_id": d}) for d in doc_ids[::-1] for r in _fixture_rows()]
    out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return out


@pytest.mark.parametrize("form", ["documents", "records", "iob2"])
def test_while_a_document_is_scored_no_other_documents_predictions_are_held(
    form: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gold and predictions are matched document by document: while one is scored, no
    other gold document and no other document's predictions are held, whatever the
    order of the predictions (documents in reverse order, records interleaved)."""
    import gc

    import newsgold.evaluate as ev

    doc_ids = _copies(tmp_path / "gold", 4)
    pred = _predictions(form, tmp_path, doc_ids)
    scored = ev.view("ner")
    held: list[tuple[int, int]] = []

    def count(kind: type, ident: str) -> int:
        """This run's objects of ``kind`` alive (another test may leave a document)."""
        return sum(isinstance(o, kind) and getattr(o, ident) in doc_ids for o in gc.get_objects())

    def score(run: Any) -> dict[str, Any]:
        for _ in run.pairs:
            gc.collect()
            held.append((count(Document, "id"), count(ev.Prediction, "doc_id")))
        return scored.score(run)

    monkeypatch.setattr(ev, "view", lambda name: dataclasses.replace(scored, score=score))
    report = report_dict(ev.evaluate("ner", pred, tmp_path / "gold"))
    assert held == [(1, 1)] * 4
    monkeypatch.undo()
    assert report == report_dict(evaluate("ner", pred, tmp_path / "gold"))
    assert report["unit"] == ("sentence-token" if form == "iob2" else "document-character")
    assert report["documents"] == 4 and report["documents_without_prediction"] == 0


@pytest.mark.parametrize("first", [700, 0])
def test_the_collector_runs_less_often_while_scoring_and_as_before_after(
    first: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the scorer goes through the documents, the collector's first threshold is a
    hundred times its own (0, automatic collection off, stays 0); after a run, after a
    run whose predictions have a problem and after a scorer that fails, the thresholds
    are as they were."""
    import gc

    import newsgold.evaluate as ev

    doc_ids = _copies(tmp_path / "gold", 2)
    scored = ev.view("quotes")
    seen: list[tuple[int, ...]] = []

    def score(run: Any) -> dict[str, Any]:
        for _ in run.pairs:
            seen.append(gc.get_threshold())
        return scored.score(run)

    def fail(run: Any) -> dict[str, Any]:
        for _ in run.pairs:
            raise RuntimeError("the scorer fails")
        return {}

    value = json.loads(GOLD.read_text(encoding="utf-8"))
    value["mentions"][0]["end"] = 10**6
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "bad.json").write_text(json.dumps({**value, "id": doc_ids[1]}), encoding="utf-8")
    own = gc.get_threshold()
    gc.set_threshold(first, *own[1:])
    try:
        before = gc.get_threshold()
        monkeypatch.setattr(ev, "view", lambda name: dataclasses.replace(scored, score=score))
        ev.evaluate("quotes", tmp_path / "gold", tmp_path / "gold")
        assert seen == [(first * 100, *own[1:])] * 2
        assert gc.get_threshold() == before
        with pytest.raises(PredictionError) as raised:
            ev.evaluate("quotes", bad, tmp_path / "gold")
        assert [p.code for p in raised.value.problems] == ["span-out-of-range"]
        assert seen[2:] == [(first * 100, *own[1:])] * 2
        assert gc.get_threshold() == before
        monkeypatch.setattr(ev, "view", lambda name: dataclasses.replace(scored, score=fail))
        with pytest.raises(RuntimeError, match="the scorer fails"):
            ev.evaluate("quotes", tmp_path / "gold", tmp_path / "gold")
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*own)


def test_spaced_collector_blocks_that_overlap_restore_the_thresholds_once_all_end() -> None:
    """Blocks that overlap (nested, or in two threads, ending in any order) space the
    collector once, and the last to end restores the thresholds the first found; a
    block that fails restores them too; a first threshold too large to multiply is
    spaced to the largest the collector takes, not refused."""
    import gc

    from newsgold.io import collector_spaced

    own = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        first, second = collector_spaced(), collector_spaced()
        first.__enter__()
        second.__enter__()
        assert gc.get_threshold() == (70_000, 10, 10)
        first.__exit__(None, None, None)  # the first to begin ends first
        assert gc.get_threshold() == (70_000, 10, 10)
        second.__exit__(None, None, None)
        assert gc.get_threshold() == (700, 10, 10)
        with pytest.raises(KeyError), collector_spaced():
            assert gc.get_threshold() == (70_000, 10, 10)
            raise KeyError("a failing block")
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(25_000_000, 10, 10)
        with collector_spaced():
            assert gc.get_threshold() == (2**31 - 1, 10, 10)
        assert gc.get_threshold() == (25_000_000, 10, 10)
    finally:
        gc.set_threshold(*own)


def test_problems_of_every_document_are_reported_at_once_in_file_and_line_order(
    tmp_path: Path,
) -> None:
    """The predictions are checked document by document in gold order, but the problems
    come all at once in file then line order, those of no gold document among them."""
    doc_ids = _copies(tmp_path / "gold", 3)
    far = {"layer": "ner", "start": 30, "end": 10_000, "label": "GPE"}
    lines = [
        json.dumps({"doc_id": doc_ids[2], **far}),
        json.dumps({"doc_id": "nope", "layer": "ner", "start": 30, "end": 34, "label": "GPE"}),
        '{"doc_id": "copy_0", "layer": "ner"',
        json.dumps({"doc_id": doc_ids[0], **far}),
    ]
    folder = tmp_path / "pred"
    folder.mkdir()
    (folder / "a.jsonl").write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    value = json.loads(ERRORS.read_text("utf-8"))
    value.update(id=doc_ids[1], text=value.get("text", "") + "!")
    (folder / "b.json").write_text(json.dumps(value), encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", folder, tmp_path / "gold")
    a, b = str(folder / "a.jsonl"), str(folder / "b.json")
    assert [(p.code, p.file, p.pointer) for p in caught.value.problems] == [
        ("span-out-of-range", a, "/0/end"),
        ("unknown-document", a, "/1/doc_id"),
        ("invalid-json", a, "/2"),
        ("span-out-of-range", a, "/3/end"),
        ("text-mismatch", b, "/text"),
    ]


def test_iob2_rows_before_a_prediction_document_of_their_document_are_kept(
    tmp_path: Path,
) -> None:
    """Rows, then a prediction document of the same document with no names: the rows
    are scored (they were dropped when the document replaced what came before it)."""
    rows = _fixture_rows()
    empty = {"id": "fixture_small", "mentions": []}
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(x) + "\n" for x in [*rows, empty]), encoding="utf-8")
    s = report_dict(evaluate("ner", pred, GOLD))
    assert s["unit"] == "sentence-token"
    assert set(headline("ner", s).values()) == {1.0}


def test_the_same_span_for_two_documents_is_no_duplicate(tmp_path: Path) -> None:
    doc_ids = _copies(tmp_path / "gold", 2)
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(f"{x}\n" for x in _ner_records(doc_ids)), encoding="utf-8")
    s = report_dict(evaluate("ner", pred, tmp_path / "gold"))
    assert s["micro"]["predicted"] == 2 * len(_record_lines("ner"))


def test_interleaved_records_score_as_grouped_ones(tmp_path: Path) -> None:
    """Records of two documents interleaved line by line (a run of lines each in the
    index) score as the same records grouped by document (one run each)."""
    from newsgold.evaluate import index_predictions

    doc_ids = _copies(tmp_path / "gold", 2)
    mixed, grouped = tmp_path / "mixed.jsonl", tmp_path / "grouped.jsonl"
    lines = _ner_records(doc_ids)
    mixed.write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    by_doc = sorted(lines, key=lambda x: json.loads(x)["doc_id"])
    grouped.write_text("".join(f"{x}\n" for x in by_doc), encoding="utf-8")
    index, _ = index_predictions(mixed, set(doc_ids))
    assert [len(index.runs[d]) for d in doc_ids] == [len(_record_lines("ner"))] * 2
    index, _ = index_predictions(grouped, set(doc_ids))
    assert [len(index.runs[d]) for d in doc_ids] == [1, 1]
    gold = tmp_path / "gold"
    assert report_dict(evaluate("ner", mixed, gold)) == report_dict(evaluate("ner", grouped, gold))
    assert evaluate("ner", mixed, gold, errors=True).errors == (
        evaluate("ner", grouped, gold, errors=True).errors
    )


def _change_after_indexing(monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None]) -> None:
    import newsgold.evaluate as ev

    original = ev.index_predictions

    def index_then_change(path: Path, *args: Any, **kw: Any) -> Any:
        out = original(path, *args, **kw)
        change(path)
        return out

    monkeypatch.setattr(ev, "index_predictions", index_then_change)


def test_a_prediction_file_changed_between_the_passes_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The predictions are read twice; a file that changed in between (a line added) is
    refused, not read at byte offsets that no longer hold the lines indexed."""
    doc_ids = _copies(tmp_path / "gold", 2)
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(f"{x}\n" for x in _ner_records(doc_ids)), encoding="utf-8")

    def prepend(path: Path) -> None:
        path.write_text("\n" + path.read_text("utf-8"), encoding="utf-8")

    _change_after_indexing(monkeypatch, prepend)
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", pred, tmp_path / "gold")
    (found,) = caught.value.problems
    assert (found.code, found.file, found.pointer) == ("file-unreadable", str(pred), "")
    assert found.message.startswith("changed while it was evaluated")


def test_a_changed_file_with_its_size_and_time_kept_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two document ids of the same length swapped, size and modification time put
    back: each line read again names another document than the one it was indexed
    under, and is refused there."""
    doc_ids = _copies(tmp_path / "gold", 2)
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(f"{x}\n" for x in _ner_records(doc_ids)[:2]), encoding="utf-8")

    def swap(path: Path) -> None:
        info = path.stat()
        text = path.read_text("utf-8").replace("copy_0", "copy_x")
        text = text.replace("copy_1", "copy_0").replace("copy_x", "copy_1")
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))

    _change_after_indexing(monkeypatch, swap)
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", pred, tmp_path / "gold")
    assert [(p.code, p.pointer) for p in caught.value.problems] == [
        ("file-unreadable", "/0/doc_id"),
        ("file-unreadable", "/1/doc_id"),
    ]


# ---------------------------------------------------------------- one pass over the gold


def _seen_by_the_scorer(monkeypatch: pytest.MonkeyPatch, layer: str) -> list[str]:
    """The ids of the gold documents the scorer of ``layer`` is given, in order."""
    import newsgold.evaluate as ev

    scored = ev.view(layer)
    seen: list[str] = []

    def score(run: Any) -> dict[str, Any]:
        def pairs() -> Any:
            for doc, items in run.pairs:
                seen.append(doc.id)
                yield doc, items

        return scored.score(dataclasses.replace(run, pairs=pairs()))

    monkeypatch.setattr(ev, "view", lambda name: dataclasses.replace(scored, score=score))
    return seen


def test_the_gold_is_read_once_when_no_second_pass_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each gold document is read and checked once, and scored as it is read; only a
    second pass over the scored documents (the error records) reads them again."""
    import newsgold.reader

    doc_ids = _copies(tmp_path / "gold", 3)
    pred = _predictions("records", tmp_path, doc_ids)
    again: list[Path] = []
    original = newsgold.reader.read_again

    def counted(path: Path) -> Document:
        again.append(path)
        return original(path)

    monkeypatch.setattr(newsgold.reader, "read_again", counted)
    first = evaluate("ner", pred, tmp_path / "gold")
    assert again == []
    with_errors = evaluate("ner", pred, tmp_path / "gold", errors=True)
    assert again == [tmp_path / "gold" / f"{d}.json" for d in doc_ids]
    assert with_errors.scores == first.scores and with_errors.errors


def test_a_gold_file_invalid_after_scored_ones_gives_its_problems_and_no_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The gold is checked as it is scored: a bad gold file after three scored ones stops
    the run with the problems of that file (the first bad one only); no score, no record."""
    from newsgold.reader import read

    gold = tmp_path / "gold"
    doc_ids = _copies(gold, 3)
    value = json.loads(GOLD.read_text(encoding="utf-8"))
    value.update(id="copy_3")
    value["mentions"][0]["end"] += 1
    bad = gold / "copy_3.json"
    bad.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
    (gold / "copy_4.json").write_text("{", encoding="utf-8")
    expected = [(p.code, p.file, p.pointer) for p in next(iter(read([bad]))).problems]
    assert ("span-text-mismatch", str(bad), "/mentions/0/end") in expected
    pred = _predictions("records", tmp_path, [*doc_ids, "copy_3", "copy_4"])
    seen = _seen_by_the_scorer(monkeypatch, "ner")
    with pytest.raises(PredictionError) as caught:
        ev_evaluate("ner", pred, gold)
    assert [(p.code, p.file, p.pointer) for p in caught.value.problems] == expected
    assert seen == doc_ids
    monkeypatch.undo()
    out = tmp_path / "errors.jsonl"
    args = ["evaluate", "--layer", "ner", "--pred", str(pred), "--gold", str(gold)]
    assert main([*args, "--format", "json", "--errors", str(out)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and "micro" not in report and "layer" not in report
    assert [(p["code"], p["file"], p["pointer"]) for p in report["problems"]] == expected
    assert not out.exists()


def ev_evaluate(*args: Any, **kw: Any) -> Any:
    """:func:`newsgold.evaluate.evaluate` looked up when called (a test may patch it)."""
    import newsgold.evaluate as ev

    return ev.evaluate(*args, **kw)


def test_a_duplicate_gold_id_stops_the_run(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    doc_ids = _copies(gold, 2)
    value = json.loads(GOLD.read_text(encoding="utf-8"))
    value["id"] = "COPY_1"
    (gold / "COPY_1.json").write_text(canonical_json(Document.from_dict(value)), encoding="utf-8")
    pred = _predictions("records", tmp_path, doc_ids)
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", pred, gold)
    (found,) = caught.value.problems
    assert (found.code, found.file, found.pointer) == (
        "duplicate-document-id",
        str(gold / "copy_1.json"),
        "/id",
    )
    assert (
        found.message
        == f'id "copy_1" is also the id "COPY_1" (equal up to case) of {gold / "COPY_1.json"}'
    )


@pytest.mark.parametrize("pred_kind", ["missing", "empty-folder"])
def test_the_gold_is_checked_before_a_bad_prediction_path_is_reported(
    pred_kind: str, tmp_path: Path
) -> None:
    """A gold problem, then a gold that scores nothing, come before a prediction path
    that cannot be read (no such path, a folder of no prediction file)."""
    from newsgold.reader import read

    pred = tmp_path / "nope" if pred_kind == "missing" else INVALID / "prediction-folder-empty"
    code = "file-unreadable" if pred_kind == "missing" else "prediction-folder-empty"
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", pred, GOLD)
    assert [(p.code, p.file) for p in caught.value.problems] == [(code, str(pred))]
    unannotated = PREDICTIONS / "invalid_gold" / "gold-layer-not-annotated"
    with pytest.raises(PredictionError) as caught:
        evaluate("stance", pred, unannotated)
    assert [(p.code, p.file, p.pointer) for p in caught.value.problems] == [
        ("gold-layer-not-annotated", str(unannotated), "")
    ]
    bad_gold = tmp_path / "gold"
    _copies(bad_gold, 1)
    (bad_gold / "copy_1.json").write_text("[]\n", encoding="utf-8")
    expected = [(p.code, p.pointer) for p in list(read([bad_gold]))[1].problems]
    assert expected
    for layer in ("ner", "stance"):
        with pytest.raises(PredictionError) as caught:
            evaluate(layer, pred, bad_gold)
        assert [(p.code, p.pointer) for p in caught.value.problems] == expected
        assert {p.file for p in caught.value.problems} == {str(bad_gold / "copy_1.json")}


def test_a_prediction_for_no_gold_document_between_two_documents_lines(tmp_path: Path) -> None:
    """A line of no gold document between the lines of two gold documents is reported at
    its line, once the whole gold is known; the lines around it are checked as usual."""
    doc_ids = _copies(tmp_path / "gold", 2)
    record = {"layer": "ner", "start": 30, "end": 34, "label": "GPE"}
    lines = [
        {"doc_id": doc_ids[0], **record},
        {"doc_id": "copy_9", **record},
        {"id": "copy_8", "mentions": []},
        {"doc_id": doc_ids[1], **record},
        {"doc_id": doc_ids[1], "layer": "ner", "start": 30, "end": 10_000, "label": "GPE"},
    ]
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", pred, tmp_path / "gold")
    assert [(p.code, p.file, p.pointer) for p in caught.value.problems] == [
        ("unknown-document", str(pred), "/1/doc_id"),
        ("unknown-document", str(pred), "/2/id"),
        ("span-out-of-range", str(pred), "/4/end"),
    ]
    assert caught.value.problems[0].message == '"copy_9" is not the id of a gold document'
    pred.write_text("".join(json.dumps(x) + "\n" for x in lines[:1] + lines[3:4]), "utf-8")
    s = report_dict(evaluate("ner", pred, tmp_path / "gold"))
    assert (s["documents"], s["micro"]["predicted"]) == (2, 2)


def _without_stance(folder: Path, doc_id: str) -> None:
    """The fixture under ``doc_id`` in ``folder``, its stance layer not annotated."""
    value = json.loads(GOLD.read_text(encoding="utf-8"))
    value["id"] = doc_id
    value["annotated_layers"].remove("stance")
    del value["stance"]
    (folder / f"{doc_id}.json").write_text(
        canonical_json(Document.from_dict(value)), encoding="utf-8"
    )


@pytest.mark.parametrize("unscored", ["a_doc", "b_doc"])
def test_the_predictions_of_an_unscored_gold_document_are_checked(
    unscored: str, tmp_path: Path
) -> None:
    """A gold document that does not annotate the layer is not scored, but its
    predictions are checked against it (before or after the first scored document)."""
    gold = tmp_path / "gold"
    gold.mkdir()
    scored = "b_doc" if unscored == "a_doc" else "a_doc"
    _without_stance(gold, unscored)
    value = json.loads(GOLD.read_text(encoding="utf-8"))
    value["id"] = scored
    (gold / f"{scored}.json").write_text(canonical_json(Document.from_dict(value)), "utf-8")
    pred = tmp_path / "pred"
    pred.mkdir()
    prediction = json.loads(ERRORS.read_text("utf-8"))
    (pred / "a.json").write_text(json.dumps({**prediction, "id": scored}), "utf-8")
    (pred / "b.json").write_text(json.dumps({**prediction, "id": unscored}), "utf-8")
    s = report_dict(evaluate("stance", pred, gold))
    assert (s["documents"], s["predictions_for_unscored_documents"]) == (1, 1)
    prediction["mentions"][0]["end"] = 10_000
    (pred / "b.json").write_text(json.dumps({**prediction, "id": unscored}), "utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("stance", pred, gold)
    assert [(p.code, p.file, p.pointer) for p in caught.value.problems] == [
        ("span-out-of-range", str(pred / "b.json"), "/mentions/0/end")
    ]


@pytest.mark.parametrize("change", ["label", "cut-time-kept", "id-size-and-time-kept"])
def test_a_gold_file_changed_between_the_passes_of_errors_is_refused(
    change: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The error records read the scored gold documents again: a file changed since it
    was scored (its size or modification time, or the id it holds) is refused, so the
    records never come from another gold than the scores."""
    import newsgold.evaluate as ev

    doc_ids = _copies(tmp_path / "gold", 2)
    pred = _predictions("records", tmp_path, doc_ids)
    target = tmp_path / "gold" / "copy_1.json"
    original = ev.error_records

    def change_then_records(*args: Any) -> Any:
        info = target.stat()
        text = target.read_text("utf-8")
        if change == "label":
            text = text.replace('"label": "GPE"', '"label": "LOC"', 1)
        elif change == "cut-time-kept":
            text = text[:-2] + "\n"
        else:
            text = text.replace('"copy_1"', '"copy_9"')
        target.write_text(text, encoding="utf-8")
        if change != "label":
            os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
        return original(*args)

    monkeypatch.setattr(ev, "error_records", change_then_records)
    with pytest.raises(PredictionError) as caught:
        ev.evaluate("ner", pred, tmp_path / "gold", errors=True)
    (found,) = caught.value.problems
    if change == "id-size-and-time-kept":
        assert (found.code, found.file, found.pointer) == ("file-unreadable", str(target), "/id")
        assert found.message == 'id "copy_9" was "copy_1" when the gold was first read'
    else:
        assert (found.code, found.file, found.pointer) == ("file-unreadable", str(target), "")
        assert found.message.startswith("changed while it was evaluated")
        assert found.hint == "do not change the gold while it is scored; run evaluate again"


# ---------------------------------------------------------------- messages


def test_a_wrong_label_names_the_allowed_labels(tmp_path: Path) -> None:
    labels = json.loads((schema_dir() / "labels.json").read_text("utf-8"))
    ontonotes = labels["$defs"]["entity_type"]["enum"]
    pred = tmp_path / "pred.jsonl"
    record = {"doc_id": "fixture_small", "layer": "ner", "start": 30, "end": 34, "label": "GEO"}
    pred.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", pred, GOLD)
    (found,) = caught.value.problems
    assert (found.code, found.pointer) == ("schema-other", "/0/label")
    assert found.message == '"GEO": is not one of the allowed values'
    allowed = [*ontonotes, "PER", "MISC"]
    assert found.hint == "use one of: " + ", ".join(allowed)


@pytest.mark.parametrize(
    ("field", "value", "message", "hint"),
    [
        (
            "source",
            "m1",
            '"m1": is not an object with start, end, or null',
            "give an object with start, end, or null (see schema/prediction.schema.json)",
        ),
        (
            "speaker",
            {"start": 109, "end": 115},
            '{"start": 109, "end": 115}: is not an array of spans, or null',
            "give an array of spans, or null (see schema/prediction.schema.json)",
        ),
    ],
)
def test_a_quote_record_in_the_document_form_names_the_expected_form(
    field: str, value: Any, message: str, hint: str, tmp_path: Path
) -> None:
    record = {
        "doc_id": "fixture_small",
        "layer": "quotes",
        "content": [{"start": 1, "end": 67}],
        field: value,
    }
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("quotes", pred, GOLD)
    assert [(p.code, p.pointer, p.message, p.hint) for p in caught.value.problems] == [
        ("schema-one-of", f"/0/{field}", message, hint)
    ]


@pytest.mark.parametrize("name", ["pred.json", "pred.txt"])
def test_json_lines_under_another_suffix_says_so(name: str, tmp_path: Path) -> None:
    lines = ERRORS_JSONL.read_text("utf-8").splitlines()[:2]
    pred = tmp_path / name
    pred.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", pred, GOLD)
    assert [(p.code, p.pointer, p.message, p.hint) for p in caught.value.problems] == [
        (
            "invalid-json",
            "",
            "Extra data at line 2 column 1",
            "the file holds one JSON value a line (JSON Lines): name it pred.jsonl",
        )
    ]


def test_a_junk_file_prints_a_capped_list_and_the_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsgold.cli import MAX_PRINTED

    pred = tmp_path / "junk.jsonl"
    pred.write_text("junk\n" * (MAX_PRINTED + 500), encoding="utf-8")
    args = ["evaluate", "--layer", "ner", "--pred", str(pred), "--gold", str(GOLD)]
    assert main(args) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == MAX_PRINTED + 2
    assert all(f"{pred}#/" in line and "invalid-json" in line for line in lines[:MAX_PRINTED])
    assert lines[-2:] == [
        "... 500 more problem(s) not shown",
        f"*** FAILED *** with {MAX_PRINTED + 500} problem(s) in 1 of 1 file(s)",
    ]
    assert main([*args, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["problem_count"] == len(report["problems"]) == MAX_PRINTED + 500


@pytest.mark.parametrize("start", [30.0, 3e1])
def test_an_offset_written_as_a_float_is_refused_not_dropped(
    tmp_path: Path, start: float, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = tmp_path / "pred.jsonl"
    record = {"doc_id": "fixture_small", "layer": "ner", "start": start, "end": 34, "label": "GPE"}
    pred.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", pred, GOLD)
    (found,) = caught.value.problems
    assert (found.code, found.pointer) == ("schema-type", "/0/start")
    assert main(["evaluate", "--layer", "ner", "--gold", str(GOLD), "--pred", str(pred)]) == 1


# ---------------------------------------------------------------- the index reads a leading id


def _document_text(doc_id: str, *, second_id: str | None = None) -> str:
    """The errors fixture as a prediction document for ``doc_id``, ``id`` its first key;
    with ``second_id``, the key ``id`` given again, last, with that value."""
    value = json.loads(ERRORS.read_text("utf-8"))
    value.pop("id")
    text = json.dumps({"id": doc_id, **value}, indent=2)
    if second_id is not None:
        text = text[: text.rindex("}")].rstrip() + f',\n  "id": "{second_id}"\n}}'
    return text + "\n"


def _problems_of(pred: Path, gold: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(PredictionError) as caught:
        evaluate("ner", pred, gold)
    return [(Path(p.file).name, p.pointer, p.code) for p in caught.value.problems]


@pytest.mark.parametrize("first", ["copy_0", "copy_1", "elsewhere"])
def test_a_prediction_document_that_repeats_its_id_gives_the_repeated_key_wherever_placed(
    first: str, tmp_path: Path
) -> None:
    """The index takes the id a document starts with; a file that gives ``id`` twice is
    found to repeat it, whichever document (or none) its first id names."""
    _copies(tmp_path / "gold", 2)
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / "a.json").write_text(_document_text(first, second_id="copy_1"), encoding="utf-8")
    assert _problems_of(pred, tmp_path / "gold") == [("a.json", "/id", "duplicate-key")]


def test_a_prediction_document_that_starts_well_and_breaks_off_is_no_json(tmp_path: Path) -> None:
    _copies(tmp_path / "gold", 1)
    pred = tmp_path / "pred"
    pred.mkdir()
    text = _document_text("copy_0")
    (pred / "a.json").write_text(text[: len(text) // 2], encoding="utf-8")
    assert _problems_of(pred, tmp_path / "gold") == [("a.json", "", "invalid-json")]


@pytest.mark.parametrize("form", ["id-not-first", "escaped", "spaced"])
def test_a_prediction_document_is_placed_by_its_id_however_it_is_written(
    form: str, tmp_path: Path
) -> None:
    """The id is the one the checks read: the document predicts for copy_1 alone."""
    doc_ids = _copies(tmp_path / "gold", 2)
    value = json.loads(_document_text("copy_1"))
    if form == "id-not-first":
        key = next(k for k in value if k != "id")
        text = json.dumps({key: value[key], **value})
        assert not text.startswith('{"id"')
    elif form == "escaped":
        text = json.dumps(value).replace('"copy_1"', '"copy\\u005f1"', 1)
    else:
        text = json.dumps(value, separators=(" , ", " : "))
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / "a.json").write_text(text, encoding="utf-8")
    scores = evaluate("ner", pred, tmp_path / "gold").scores
    assert (scores["documents"], scores["documents_without_prediction"]) == (len(doc_ids), 1)


def _coref_record() -> dict[str, Any]:
    """A coreference record of the first entity of the gold with two mentions."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    for entity in gold["entities"]:
        found = [m for m in gold["mentions"] if m["entity_id"] == entity["id"]]
        if len(found) >= 2:
            spans = [{k: m[k] for k in ("start", "end", "text")} for m in found]
            return {"doc_id": gold["id"], "layer": "coref", "mentions": spans}
    raise AssertionError("the fixture has an entity of two mentions")


RECORD_SPANS = [
    ("quotes", 4, ("content", 0)),
    ("quotes", 4, ("cue", 0)),
    ("quotes", 4, ("source",)),
    ("quotes", 4, ("speaker", 0)),
    ("events", 6, ("triggers", 0)),
    ("events", 6, ("arguments", 0, "entity", 0)),
    ("stance", 8, ("holder", 1)),
    ("stance", 8, ("target", "event", 0)),
    ("coref", None, ("mentions", 1)),
]
"""A span in each place a layer record holds one: (layer, line of ERRORS_JSONL or None
for a coreference record made from the gold, path of the span)."""


@pytest.mark.parametrize(("layer", "line", "path"), RECORD_SPANS)
def test_every_span_of_a_layer_record_is_checked(
    layer: str, line: int | None, path: tuple[str | int, ...], tmp_path: Path
) -> None:
    """A record whose spans all match the text is scored; one whose span at ``path`` does
    not is reported there, once, and nothing of it is scored."""
    lines = ERRORS_JSONL.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[line]) if line is not None else _coref_record()
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert report_dict(evaluate(layer, pred, GOLD))["documents"] == 1
    span = record
    for step in path:
        span = span[step]
    span["end"] += 1
    pred.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(PredictionError) as caught:
        evaluate(layer, pred, GOLD)
    where = "/0/" + "/".join(str(step) for step in path) + "/text"
    assert [(p.code, p.pointer) for p in caught.value.problems] == [("span-text-mismatch", where)]
