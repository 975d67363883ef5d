"""The scoring core (src/newsgold/scoring.py), and that evaluate and agreement both follow it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsgold.evaluate
from newsgold.agreement import DOCS, compare
from newsgold.evaluate import evaluate, report_dict
from newsgold.io import canonical_json
from newsgold.layers.evaluation import NOWHERE, Aligner
from newsgold.model import Document
from newsgold.scoring import (
    COREFERENCE,
    DEFINITIONS,
    EMPTY_SIDES,
    OVERLAP_THRESHOLD,
    PRF,
    Counted,
    exact_span_pairs,
    overlap_candidates,
    overlap_pairs,
)
from newsgold.spans import dice, greedy_pairs, jaccard, merge

GOLD = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
TEXT: str = json.loads(GOLD.read_text(encoding="utf-8"))["text"]

# The shrunk quote: a gold content of 85 characters, "readiness ... alternative" (13-98),
# and a predicted content of 40 characters inside it, "our U.S. colleagues to continue
# dialogue" (26-66). Dice = 2 * 40 / (85 + 40) = 0.64 >= 0.5: an overlap match. (Jaccard
# would be 40 / 85 = 0.47 < 0.5: no match.)
LONG = (13, 98)
SHORT = (26, 66)


def fixture() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(GOLD.read_text(encoding="utf-8"))
    return value


def sp(start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": TEXT[start:end]}


def write(path: Path, value: dict[str, Any]) -> Path:
    path.write_text(canonical_json(Document.from_dict(value)), encoding="utf-8")
    return path


def with_content(start: int, end: int) -> dict[str, Any]:
    value = fixture()
    value["quotes"][0]["content"] = [sp(start, end)]
    value["stance"][0]["quote_ids"] = []  # the stance evidence may lie outside the new content
    return value


# ---------------------------------------------------------------- the empty-sides rule


def test_empty_sides_rule_worked_by_hand() -> None:
    # Nothing to find, nothing found: P = R = F1 = 1.
    both = PRF.counted(0, 0, 0)
    assert (both.precision, both.recall, both.f1) == (1.0, 1.0, 1.0)
    # Three to find, nothing found: R = 0/3 = 0; P has denominator 0 and the gold is not
    # empty: 0.
    missed = PRF.counted(3, 0, 0)
    assert (missed.precision, missed.recall, missed.f1) == (0.0, 0.0, 0.0)
    # Nothing to find, two found: P = 0/2 = 0; R has denominator 0 and the prediction is
    # not empty: 0.
    spurious = PRF.counted(0, 2, 0)
    assert (spurious.precision, spurious.recall, spurious.f1) == (0.0, 0.0, 0.0)
    # The evaluate form of the same figure follows the same rule.
    assert Counted.of(0, 0, 0).to_dict() == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "correct": 0,
        "predicted": 0,
        "gold": 0,
    }


def test_empty_sides_in_evaluate(tmp_path: Path) -> None:
    gold = fixture()
    gold["stance"] = []  # stance annotated, none in the text
    gold_path = write(tmp_path / "fixture_small.json", gold)
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"id": "fixture_small"}\n', encoding="utf-8")  # predicts nothing
    pairs = report_dict(evaluate("stance", empty, gold_path))["pairs"]
    assert (pairs["precision"], pairs["recall"], pairs["f1"]) == (1.0, 1.0, 1.0)
    assert (pairs["correct"], pairs["predicted"], pairs["gold"]) == (0, 0, 0)
    # Gold with a record, nothing predicted: 0 on every figure.
    pairs = report_dict(evaluate("stance", empty, GOLD))["pairs"]
    assert (pairs["precision"], pairs["recall"], pairs["f1"]) == (0.0, 0.0, 0.0)


def test_empty_sides_in_agreement() -> None:
    value = fixture()
    value["stance"] = []
    empty = Document.from_dict(value)
    pairs = compare(empty, empty, "stance").metrics.to_dict()["pairs"]
    assert (pairs["precision"], pairs["recall"], pairs["f1"]) == (1.0, 1.0, 1.0)
    assert (pairs["a_total"], pairs["b_total"]) == (0, 0)
    full = Document.from_dict(fixture())
    pairs = compare(full, empty, "stance").metrics.to_dict()["pairs"]
    assert (pairs["precision"], pairs["recall"], pairs["f1"]) == (0.0, 0.0, 0.0)


# ---------------------------------------------------------------- one overlap measure


def test_shrunk_quote_worked_by_hand() -> None:
    assert LONG[1] - LONG[0] == 85 and SHORT[1] - SHORT[0] == 40
    assert dice([LONG], [SHORT]) == pytest.approx(0.64)
    assert jaccard([LONG], [SHORT]) == pytest.approx(40 / 85)
    assert overlap_pairs([[LONG]], [[SHORT]]) == [(0, 0)]
    assert exact_span_pairs([[LONG]], [[SHORT]]) == []
    assert OVERLAP_THRESHOLD == 0.5


def test_shrunk_quote_matches_alike_in_evaluate_and_agreement(tmp_path: Path) -> None:
    gold_path = write(tmp_path / "fixture_small.json", with_content(*LONG))
    pred = tmp_path / "pred.jsonl"
    record = {"doc_id": "fixture_small", "layer": "quotes", "content": [sp(*SHORT)]}
    pred.write_text(json.dumps(record) + "\n", encoding="utf-8")
    s = report_dict(evaluate("quotes", pred, gold_path))
    assert (s["exact"]["correct"], s["overlap"]["correct"]) == (0, 1)
    assert (s["overlap"]["precision"], s["overlap"]["recall"]) == (1.0, 1.0)

    a = Document.from_dict(with_content(*LONG))
    b = Document.from_dict(with_content(*SHORT))
    attributions = compare(a, b, "quotes").metrics.to_dict()["attributions"]
    assert (attributions["exact"]["a_matched"], attributions["overlap"]["a_matched"]) == (0, 1)
    assert attributions["overlap"]["f1"] == s["overlap"]["f1"] == 1.0


# ---------------------------------------------------------------- one set of definitions


def test_both_stages_quote_the_shared_definitions() -> None:
    assert EMPTY_SIDES in DEFINITIONS
    doc = newsgold.evaluate.__doc__ or ""
    for text in (DEFINITIONS, COREFERENCE):
        assert text in DOCS
    assert DEFINITIONS in doc
    assert "Jaccard" not in doc and "Jaccard" not in DOCS


_unit = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 8)).map(lambda x: (x[0], x[0] + x[1])),
    max_size=3,
)
_units = st.lists(_unit, max_size=6)
_odd_units = st.lists(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(-2, 8)).map(lambda x: (x[0], x[0] + x[1])),
        max_size=3,
    ),
    max_size=6,
)
"""Units whose ranges may hold no characters (or run backwards): none comes from a valid
document, and each is compared with every unit."""


def _greedy_by_dice(
    a: list[list[tuple[int, int]]], b: list[list[tuple[int, int]]], threshold: float
) -> list[tuple[int, int]]:
    """The overlap pairs by definition: Dice of every unit with every unit, pairs at or
    over the threshold taken greedily."""
    every = [
        ((-dice(ua, ub),), i, j)
        for i, ua in enumerate(a)
        for j, ub in enumerate(b)
        if dice(ua, ub) >= threshold
    ]
    return greedy_pairs(every)


@settings(max_examples=300, deadline=None)
@given(_units, _units, st.sampled_from([0.0, 0.25, OVERLAP_THRESHOLD, 1.0]))
def test_overlap_pairs_equal_greedy_pairs_of_every_dice(
    a: list[list[tuple[int, int]]], b: list[list[tuple[int, int]]], threshold: float
) -> None:
    """Units apart are skipped, not paired differently: the pairs are those of Dice taken
    over every pair of units (empty units included: two empty units have Dice 1.0)."""
    assert overlap_pairs(a, b, threshold) == _greedy_by_dice(a, b, threshold)


@settings(max_examples=500, deadline=None)
@given(_odd_units, _odd_units, st.sampled_from([0.0, 0.25, OVERLAP_THRESHOLD, 1.0]))
def test_overlap_pairs_of_odd_units_compare_every_unit_that_may_meet(
    a: list[list[tuple[int, int]]], b: list[list[tuple[int, int]]], threshold: float
) -> None:
    """Ranges without characters (or running backwards) are compared as Dice compares
    them: skipping units apart loses no pair."""
    assert overlap_pairs(a, b, threshold) == _greedy_by_dice(a, b, threshold)


_spans = st.tuples(st.integers(0, 6), st.integers(1, 3)).map(lambda p: (p[0], p[0] + p[1]))
_referents = st.dictionaries(
    st.sampled_from(["e1", "e2", "e3", "e4", "e5"]), st.frozensets(_spans, max_size=4), max_size=5
)


@settings(max_examples=500, deadline=None)
@given(_referents, st.one_of(st.none(), st.frozensets(_spans, max_size=5)))
def test_aligner_gives_the_referent_sharing_most_spans_first_on_a_tie(
    table: dict[str, frozenset[tuple[int, int]]], spans: frozenset[tuple[int, int]] | None
) -> None:
    """The aligner finds the gold referents by span instead of trying each; the answer is
    the definition's: most spans shared, the first in the table on a tie, NOWHERE when
    none shares one, None for no referent."""
    if spans is None:
        want: str | None = None
    else:
        shared = [(len(spans & gold), -k, ident) for k, (ident, gold) in enumerate(table.items())]
        best = max(shared, default=(0, 0, NOWHERE))
        want = best[2] if best[0] else NOWHERE
    assert Aligner(table).align(spans) == want


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(_unit, st.sampled_from("xy"))),
    st.lists(st.tuples(_unit, st.sampled_from("xy"))),
)
def test_a_subset_pairs_from_the_candidates_of_all_units_as_alone(
    a: list[tuple[list[tuple[int, int]], str]], b: list[tuple[list[tuple[int, int]], str]]
) -> None:
    """Quotes of one type are matched from the candidates of all the document's quotes
    (found once), kept where both units have the type: the pairs are those of matching
    the units of that type alone."""
    candidates = overlap_candidates([merge(u) for u, _ in a], [merge(u) for u, _ in b])
    for kind in "xy":
        gi = [i for i, (_, k) in enumerate(a) if k == kind]
        pj = [j for j, (_, k) in enumerate(b) if k == kind]
        alone = overlap_pairs([a[i][0] for i in gi], [b[j][0] for j in pj])
        kept = [c for c in candidates if a[c[1]][1] == kind and b[c[2]][1] == kind]
        assert greedy_pairs(kept) == [(gi[x], pj[y]) for x, y in alone]
