"""Tests of newsgold.agreement and `newsgold agreement`, on hand-made pairs with known answers.

Every test document is built in code from tests/fixtures/valid/fixture_small.json, whose text is

    "We felt the readiness of our U.S. colleagues to continue dialogue. I think there's
    no alternative to that," Lavrov said Sunday.

Word offsets used below: We 1-3, readiness 13-22, our 26-29, U.S. 30-34, colleagues 35-45,
continue 49-57, dialogue 58-66, I 68-69, think 70-75, there's 76-83, no 84-86,
alternative 87-98, that 102-106, Lavrov 109-115, said 116-120, Sunday 121-127.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import random
from collections.abc import Hashable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from newsgold.agreement import (
    DOCS,
    compare,
    to_json,
    to_text,
)
from newsgold.cli import main
from newsgold.io import canonical_json
from newsgold.layers.events import event_agreement
from newsgold.layers.mentions import mention_agreement
from newsgold.layers.quotes import quote_agreement
from newsgold.layers.stance import stance_agreement
from newsgold.model import Document
from newsgold.scoring import (
    OVERLAP_THRESHOLD,
    ceaf_e_pairs,
    cohen_kappa,
    coreference_scores,
    label_agreement,
    max_assignment,
    muc,
)
from newsgold.spans import dice
from newsgold.validate import validate_document_value

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"


# ---------------------------------------------------------------- building documents


def base() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return value


TEXT: str = base()["text"]


def sp(start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": TEXT[start:end]}


def mention(mid: str, start: int, end: int, label: str, kind: str, entity: str) -> dict[str, Any]:
    return {**sp(start, end), "id": mid, "label": label, "mention_type": kind, "entity_id": entity}


def entity(
    eid: str, name: str, etype: str, wikipedia: str | None, members: Sequence[str] = ()
) -> dict[str, Any]:
    return {
        "id": eid,
        "name": name,
        "type": etype,
        "wikipedia": wikipedia,
        "members": list(members),
        "description": f"{name}.",
    }


def doc(value: dict[str, Any]) -> Document:
    """A Document from a dict, after checking that the dict is a valid document."""
    problems = validate_document_value(value, "test")
    assert problems == [], [p.format() for p in problems]
    return Document.from_dict(value)


def write(path: Path, value: dict[str, Any]) -> Path:
    path.write_text(canonical_json(doc(value)), encoding="utf-8")
    return path


def all_scores(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every precision, recall, F1, observed agreement, kappa and mean in a report dict."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("precision", "recall", "f1", "observed", "kappa", "mean", "conll_f1"):
                out.append((f"{path}/{k}", v))
            else:
                out.extend(all_scores(v, f"{path}/{k}"))
    return out


# ---------------------------------------------------------------- Cohen's kappa


def test_kappa_textbook_two_by_two() -> None:
    # The worked example of the Wikipedia article "Cohen's kappa": 50 grant proposals,
    # both readers say yes to 20, both no to 15; A yes / B no 5, A no / B yes 10.
    # p_o = 35/50 = 0.7; A says yes to 25/50, B to 30/50;
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    agreement = label_agreement(pairs)
    assert (agreement.n, agreement.agreed) == (50, 35)
    assert agreement.observed == pytest.approx(0.7)
    assert agreement.expected == pytest.approx(0.5)


def test_kappa_second_textbook_example() -> None:
    # 20 patients, two doctors: both yes 12, A yes / B no 4, A no / B yes 2, both no 2.
    # p_o = 14/20 = 0.7; A yes 16/20 = 0.8, B yes 14/20 = 0.7;
    # p_e = 0.8 * 0.7 + 0.2 * 0.3 = 0.62; kappa = 0.08 / 0.38 = 0.2105.
    pairs = [("yes", "yes")] * 12 + [("yes", "no")] * 4 + [("no", "yes")] * 2 + [("no", "no")] * 2
    assert cohen_kappa(pairs) == pytest.approx(0.08 / 0.38)


def test_kappa_degenerate_and_empty() -> None:
    # One and the same label everywhere: p_e = 1 and p_o = 1, 0/0; defined as 1.0.
    assert cohen_kappa([("direct", "direct")] * 3) == 1.0
    assert label_agreement([("direct", "direct")]).expected == 1.0
    # Nothing compared: no kappa.
    assert cohen_kappa([]) is None
    assert label_agreement([]).observed is None
    # Systematic disagreement is below 0: p_o = 0, p_e = 0.5, kappa = -1.
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)


# ---------------------------------------------------------------- coreference metrics

# The test cases of the CoNLL-2012 reference scorer (test/CorefMetricTestConfig.pm, cases A1-A4):
# key {a} {b,c} {d,e,f}; responses with missing and extra mentions; expected (R, P, F1).
KEY_A = [frozenset("a"), frozenset("bc"), frozenset("def")]
REFERENCE_CASES: list[tuple[str, list[frozenset[Hashable]], dict[str, tuple[float, float]]]] = [
    (
        "A1",
        [frozenset("a"), frozenset("bc"), frozenset("def")],
        {"muc": (1, 1), "b_cubed": (1, 1), "ceaf_e": (1, 1)},
    ),
    (
        "A2",
        [frozenset("a"), frozenset("de")],
        {"muc": (1 / 3, 1), "b_cubed": (7 / 18, 1), "ceaf_e": (0.6, 0.9)},
    ),
    (
        "A3",
        [frozenset("a"), frozenset("bcx"), frozenset("defy"), frozenset("z")],
        {
            "muc": (1, 3 / 5),
            "b_cubed": (1, (4 + 7 / 12) / 9),
            "ceaf_e": ((1 + 4 / 5 + 6 / 7) / 3, (1 + 4 / 5 + 6 / 7) / 4),
        },
    ),
    (
        "A4",
        [frozenset("a"), frozenset("bcx"), frozenset("dy"), frozenset("z")],
        {
            "muc": (1 / 3, 1 / 3),
            "b_cubed": ((3 + 1 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 7),
            "ceaf_e": ((1 + 4 / 5 + 2 / 5) / 3, (1 + 4 / 5 + 2 / 5) / 4),
        },
    ),
]


@pytest.mark.parametrize(
    ("case", "response", "expected"), REFERENCE_CASES, ids=[c[0] for c in REFERENCE_CASES]
)
def test_reference_scorer_cases(
    case: str, response: list[frozenset[Hashable]], expected: dict[str, tuple[float, float]]
) -> None:
    scores = coreference_scores(KEY_A, response)
    for name, (recall, precision) in expected.items():
        prf = getattr(scores, name)
        assert prf.recall == pytest.approx(recall), (case, name)
        assert prf.precision == pytest.approx(precision), (case, name)
        assert prf.f1 == pytest.approx(2 * recall * precision / (recall + precision)), (case, name)
    # The published F1 of A2 (MUC 0.5, B-cubed 14/25, CEAF-e 0.72) and A3 (B-cubed 110/163).
    if case == "A2":
        assert (scores.muc.f1, scores.b_cubed.f1, scores.ceaf_e.f1) == pytest.approx(
            (0.5, 14 / 25, 0.72)
        )
    if case == "A3":
        assert scores.b_cubed.f1 == pytest.approx(110 / 163)


# A key/response pair with twinless mentions on both sides, as discussed by Pradhan et al. (2014):
# key K1 = {a,b,c}, K2 = {d,e,f,g}; response R1 = {a,b}, R2 = {c,d}, R3 = {f,g,h,i}.
# e is only in the key, h and i only in the response. Worked out by hand:
# MUC  R: K1 splits into {a,b} {c} -> 3-2 = 1; K2 into {d} {e} {f,g} -> 4-3 = 1; R = 2/5.
#      P: R1 -> 2-1 = 1; R2 into {c} {d} -> 0; R3 into {f,g} {h} {i} -> 1; P = 2/5. F1 = 0.4.
# B3   R = (2^2/3 + 1^2/3 + 1^2/4 + 2^2/4) / 7 = (35/12) / 7 = 35/84 = 5/12.
#      P = (2^2/2 + 1^2/2 + 1^2/2 + 2^2/4) / 8 = 4/8 = 1/2. F1 = 5/11.
# CEAF-e phi4(K1,R1) = 4/5, phi4(K1,R2) = 2/5, phi4(K2,R2) = 1/3, phi4(K2,R3) = 1/2;
#      best alignment K1-R1, K2-R3: Phi = 1.3; R = 1.3/2 = 0.65, P = 1.3/3; F1 = 0.52.
# CoNLL F1 = (0.4 + 5/11 + 0.52) / 3.
TWINLESS_KEY = [frozenset("abc"), frozenset("defg")]
TWINLESS_RESPONSE = [frozenset("ab"), frozenset("cd"), frozenset("fghi")]


def test_twinless_mentions_worked_by_hand() -> None:
    scores = coreference_scores(TWINLESS_KEY, TWINLESS_RESPONSE)
    assert (scores.muc.recall, scores.muc.precision, scores.muc.f1) == pytest.approx(
        (0.4, 0.4, 0.4)
    )
    assert (scores.b_cubed.recall, scores.b_cubed.precision) == pytest.approx((35 / 84, 0.5))
    assert scores.b_cubed.f1 == pytest.approx(5 / 11)
    assert (scores.ceaf_e.recall, scores.ceaf_e.precision) == pytest.approx((0.65, 1.3 / 3))
    assert scores.ceaf_e.f1 == pytest.approx(0.52)
    assert scores.conll_f1 == pytest.approx((0.4 + 5 / 11 + 0.52) / 3)
    # F1 is symmetric: swapping the sides swaps recall and precision.
    swapped = coreference_scores(TWINLESS_RESPONSE, TWINLESS_KEY)
    assert swapped.b_cubed.recall == pytest.approx(scores.b_cubed.precision)
    assert swapped.conll_f1 == pytest.approx(scores.conll_f1)


def test_all_singletons_on_both_sides() -> None:
    # Reference scorer case N1 (identical all-singleton partitions) prints MUC 0: there is no
    # link to count. By the empty-sides convention both annotations agree: 1.0.
    singletons = [frozenset("a"), frozenset("b")]
    scores = coreference_scores(singletons, singletons)
    assert (scores.muc.a_total, scores.muc.b_total) == (0, 0)
    assert scores.muc.f1 == 1.0
    assert scores.b_cubed.f1 == 1.0 and scores.ceaf_e.f1 == 1.0
    # One side with links, the other without: MUC is 0, as in the reference scorer.
    assert muc([frozenset("ab")], singletons).f1 == 0.0
    assert muc(singletons, [frozenset("ab")]).f1 == 0.0


def test_max_assignment_against_brute_force() -> None:
    rng = random.Random(2014)
    for _ in range(200):
        rows, cols = rng.randint(1, 5), rng.randint(1, 5)
        weights = [
            [rng.choice([0.0, 0.25, 0.5, rng.random()]) for _ in range(cols)] for _ in range(rows)
        ]
        if rows <= cols:
            best = max(
                sum(weights[i][p[i]] for i in range(rows))
                for p in itertools.permutations(range(cols), rows)
            )
        else:
            best = max(
                sum(weights[p[j]][j] for j in range(cols))
                for p in itertools.permutations(range(rows), cols)
            )
        assert max_assignment(weights) == pytest.approx(best)
    assert max_assignment([]) == 0.0


def _random_partition(rng: random.Random, mentions: list[int]) -> list[frozenset[Hashable]]:
    clusters: dict[int, set[Hashable]] = {}
    for m in mentions:
        clusters.setdefault(rng.randint(0, max(1, len(mentions) // 2)), set()).add(m)
    return [frozenset(c) for c in clusters.values()]


def test_cross_check_with_scorch() -> None:
    # scorch (PyPI) implements the CoNLL-2012 formulas independently; a test-only dependency.
    scores = pytest.importorskip("scorch.scores")
    rng = random.Random(7)
    for _ in range(300):
        universe = list(range(rng.randint(1, 12)))
        key = _random_partition(rng, [m for m in universe if rng.random() < 0.85] or [0])
        response = _random_partition(rng, [m for m in universe if rng.random() < 0.85] or [0])
        key_sets = [set(c) for c in key]
        response_sets = [set(c) for c in response]
        ours = coreference_scores(key, response)
        for name, prf in (("b_cubed", ours.b_cubed), ("ceaf_e", ours.ceaf_e)):
            r, p, f = getattr(scores, name)(key_sets, response_sets)
            assert (prf.recall, prf.precision, prf.f1) == pytest.approx((r, p, f)), name
        r, p, f = scores.muc(key_sets, response_sets)
        if ours.muc.a_total == 0 and ours.muc.b_total == 0:
            assert (r, p, f) == (0, 0, 0) and ours.muc.f1 == 1.0  # the one documented deviation
        else:
            assert (ours.muc.recall, ours.muc.precision, ours.muc.f1) == pytest.approx((r, p, f))


def _by_definition(
    key: list[frozenset[Hashable]], response: list[frozenset[Hashable]]
) -> dict[str, Any]:
    """MUC, B-cubed and CEAF-e (R and P as exact fractions) straight from the formulas
    of ``COREFERENCE``, with the CEAF-e alignment found by trying every one."""

    def muc_side(ks: list[frozenset[Hashable]], rs: list[frozenset[Hashable]]) -> Fraction:
        num = den = 0
        for k in ks:
            parts = sum(1 for r in rs if k & r) + sum(1 for m in k if not any(m in r for r in rs))
            num, den = num + len(k) - parts, den + len(k) - 1
        return Fraction(num, den) if den else Fraction(-1)

    def b3_side(ks: list[frozenset[Hashable]], rs: list[frozenset[Hashable]]) -> Fraction:
        num = sum((Fraction(len(k & r) ** 2, len(k)) for k in ks for r in rs), Fraction(0))
        return num / sum(len(k) for k in ks)

    def phi4(i: int, j: int) -> Fraction:
        return Fraction(2 * len(key[i] & response[j]), len(key[i]) + len(response[j]))

    small, large = sorted((len(key), len(response)))
    best = Fraction(0)
    for chosen in itertools.permutations(range(large), small):
        pairs = (
            enumerate(chosen)
            if len(key) <= len(response)
            else ((i, j) for j, i in enumerate(chosen))
        )
        best = max(best, sum((phi4(i, j) for i, j in pairs), Fraction(0)))
    return {
        "muc": (muc_side(key, response), muc_side(response, key)),
        "b_cubed": (b3_side(key, response), b3_side(response, key)),
        "ceaf_e": (best / len(key), best / len(response)),
        "phi": best,
    }


def test_coreference_scores_by_definition_when_clusters_share_items() -> None:
    # The scorer counts how the clusters share items once, and every metric reads those counts.
    # Clusters here may share items with each other on the same side, which no annotation
    # has, so that counting an item once per cluster that holds it is checked as well.
    rng = random.Random(1995)
    for _ in range(400):
        universe = range(rng.randint(1, 9))
        key = [
            frozenset(rng.sample(universe, rng.randint(1, len(universe))))
            for _ in range(rng.randint(1, 4))
        ]
        response = [
            frozenset(rng.sample(universe, rng.randint(1, len(universe))))
            for _ in range(rng.randint(1, 4))
        ]
        want = _by_definition(key, response)
        got = coreference_scores(key, response)
        for name in ("muc", "b_cubed", "ceaf_e"):
            prf = getattr(got, name)
            recall, precision = want[name]
            if recall >= 0:
                assert prf.recall == pytest.approx(float(recall)), (key, response, name)
            if precision >= 0:
                assert prf.precision == pytest.approx(float(precision)), (key, response, name)
        aligned = ceaf_e_pairs(key, response)
        assert aligned == sorted(aligned)
        assert len({i for i, _ in aligned}) == len({j for _, j in aligned}) == len(aligned)
        assert all(key[i] & response[j] for i, j in aligned), (key, response, aligned)
        phi = sum(
            Fraction(2 * len(key[i] & response[j]), len(key[i]) + len(response[j]))
            for i, j in aligned
        )
        assert float(phi) == pytest.approx(float(want["phi"])), (key, response)


def test_dice() -> None:
    # "dialogue" 58-66 (8 characters) against "continue dialogue" 49-66 (17): 2*8/25 = 0.64.
    assert dice([(58, 66)], [(49, 66)]) == pytest.approx(0.64)
    # Discontinuous spans are compared as the union of their characters.
    assert dice([(1, 3), (4, 8)], [(1, 8)]) == pytest.approx(2 * 6 / (6 + 7))
    assert dice([(1, 3)], [(4, 8)]) == 0.0
    assert OVERLAP_THRESHOLD == 0.5


# ---------------------------------------------------------------- mentions


def mention_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """The twinless key/response above laid on words of the fixture text.

    a We, b readiness, c our, d U.S., e colleagues, f dialogue, g I, h Lavrov, i Sunday.
    A: K1 = {a,b,c} -> Russia, K2 = {d,e,f,g} -> United States.
    B: R1 = {a,b} -> Russia, R2 = {c,d} -> United States (same title, other entity id),
       R3 = {f,g,h,i} -> Sergei Lavrov. B's entity ids differ from A's.
    """
    words = {
        "a": (1, 3, "PRO"),
        "b": (13, 22, "NOM"),
        "c": (26, 29, "PRO"),
        "d": (30, 34, "NAM"),
        "e": (35, 45, "NOM"),
        "f": (58, 66, "NOM"),
        "g": (68, 69, "PRO"),
        "h": (109, 115, "NAM"),
        "i": (121, 127, "NAM"),
    }

    def build(clusters: dict[str, tuple[str, str, str | None, str]]) -> dict[str, Any]:
        d = base()
        d["annotated_layers"] = ["sentences", "mentions", "entities"]
        d["quotes"], d["events"], d["stance"] = [], [], []
        d["mentions"] = []
        d["entities"] = []
        for eid, (members, name, wiki, etype) in clusters.items():
            d["entities"].append(entity(eid, name, etype, wiki))
            for letter in members:
                start, end, kind = words[letter]
                d["mentions"].append(mention(f"m_{letter}", start, end, etype, kind, eid))
        d["mentions"].sort(key=lambda m: (m["start"], m["end"]))
        return d

    a = build(
        {
            "e_russia": ("abc", "Russia", "Russia", "GPE"),
            "e_us": ("defg", "United States", "United States", "GPE"),
        }
    )
    b = build(
        {
            "e1": ("ab", "Russia", "Russia", "GPE"),
            "e2": ("cd", "the US", "United States", "GPE"),
            "e3": ("fghi", "Sergei Lavrov", "Sergey Lavrov", "PERSON"),
        }
    )
    return a, b


def test_mentions_known_answers() -> None:
    a, b = mention_pair()
    result = mention_agreement(doc(a), doc(b))
    # NAM: A has d (U.S., GPE); B has d (GPE), h and i (PERSON). Strict and exact span:
    # 1 matched; P = 1/3, R = 1/1, F1 = 2*1/(1+3) = 0.5.
    assert (
        result.nam_strict.precision,
        result.nam_strict.recall,
        result.nam_strict.f1,
    ) == pytest.approx((1 / 3, 1.0, 0.5))
    assert result.nam_exact_span.f1 == pytest.approx(0.5)
    # By type: GPE 1/1 both ways; PERSON has 0 in A and 2 in B: P = R = F1 = 0.
    assert result.nam_strict_by_type["GPE"].f1 == 1.0
    assert result.nam_strict_by_type["PERSON"].f1 == 0.0
    assert result.nam_exact_span_by_type["PERSON"].b_total == 2
    # NOM: A {b, e, f}, B {b, f}: P = 1, R = 2/3, F1 = 0.8. PRO: {a, c, g} on both sides.
    assert (result.nom.precision, result.nom.recall, result.nom.f1) == pytest.approx(
        (1.0, 2 / 3, 0.8)
    )
    assert result.pro.f1 == 1.0
    # Entity linking on the six shared spans a b c d f g:
    # a, b Russia = Russia; c Russia != United States; d United States = United States;
    # f, g United States != Sergey Lavrov. 3 of 6 agree.
    assert (result.entity_linking.n, result.entity_linking.agreed) == (6, 3)
    # Coreference keyed by span equals the hand-worked twinless example.
    scores = result.coreference
    assert (scores.muc.f1, scores.b_cubed.f1, scores.ceaf_e.f1) == pytest.approx(
        (0.4, 5 / 11, 0.52)
    )
    assert result.coreference_without_singletons.conll_f1 == pytest.approx(scores.conll_f1)


def test_mentions_label_disagreement_and_groups() -> None:
    a = base()
    b = copy.deepcopy(a)
    # B calls "Sunday" a TIME: NAM strict 2 of 3 (P = R = F1 = 2/3), exact span 3 of 3.
    # By type, exact span: DATE and TIME both cover the one span "Sunday": 1.0 each;
    # by type, strict: DATE R = 0 (0 of 1), TIME P = 0 (0 of 1).
    b["entities"][3]["type"] = "TIME"
    b["mentions"][6]["label"] = "TIME"
    # Both make "We" a group of Russia and the United States, with other names and ids in B:
    # groups agree when their members do (by Wikipedia title here).
    a["entities"].append(
        entity("e_two", "the two countries", "GPE", None, ["e_russia", "e_united_states"])
    )
    a["mentions"][0]["entity_id"] = "e_two"
    for e in b["entities"]:
        e["id"] = e["id"].replace("e_", "e_b_")
    for m in b["mentions"]:
        m["entity_id"] = m["entity_id"].replace("e_", "e_b_")
    b["entities"].append(
        entity("e_b_pair", "Russia and the US", "GPE", None, ["e_b_russia", "e_b_united_states"])
    )
    b["mentions"][0]["entity_id"] = "e_b_pair"
    for layer in ("quotes", "events", "stance"):
        b[layer] = []
        a[layer] = []
    a["annotated_layers"] = b["annotated_layers"] = ["sentences", "mentions", "entities"]
    result = mention_agreement(doc(a), doc(b))
    assert result.nam_strict.f1 == pytest.approx(2 / 3)
    assert result.nam_exact_span.f1 == 1.0
    assert result.nam_exact_span_by_type["DATE"].f1 == 1.0
    assert result.nam_exact_span_by_type["TIME"].f1 == 1.0
    assert result.nam_strict_by_type["DATE"].recall == 0.0
    assert result.nam_strict_by_type["TIME"].precision == 0.0
    # All 7 spans are shared; every entity agrees: the group by its members, Sunday by name
    # (no Wikipedia title), the others by title.
    assert (result.entity_linking.n, result.entity_linking.agreed) == (7, 7)
    assert result.coreference.conll_f1 == 1.0


# ---------------------------------------------------------------- quotes


def quote(
    qid: str,
    qtype: str,
    content: list[tuple[int, int]],
    cue: tuple[int, int],
    source: str,
    parent: str | None = None,
) -> dict[str, Any]:
    return {
        "id": qid,
        "type": qtype,
        "content": [sp(s, e) for s, e in content],
        "cue": [sp(*cue)],
        "source": source,
        "speaker": "e_lavrov",
        "addressee": None,
        "parent": parent,
    }


SAID, THINK = (116, 120), (70, 75)


def quote_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """A: q1 "We felt ... dialogue" (1-66), q2 "I think ... that" (68-106), q3 "there's ... that"
    (76-106, cue "think", source "I", nested in q2). B: q1 exact, q2 "I think ... that," (68-107,
    indirect), no q3."""
    a, b = base(), base()
    a["quotes"] = [
        quote("q1", "direct", [(1, 66)], SAID, "m6"),
        quote("q2", "direct", [(68, 106)], SAID, "m6"),
        quote("q3", "indirect", [(76, 106)], THINK, "m5", parent="q2"),
    ]
    b["quotes"] = [
        quote("q1", "direct", [(1, 66)], SAID, "m6"),
        quote("q2", "indirect", [(68, 107)], SAID, "m6"),
    ]
    for side in (a, b):  # the fixture's stance evidence lies in q2 now, not in q1
        side["stance"][0]["quote_ids"] = ["q2"]
    return a, b


def test_quotes_exact_overlap_and_miss() -> None:
    a, b = quote_pair()
    result = quote_agreement(doc(a), doc(b))
    # Exact: only q1 = q1. P = 1/2, R = 1/3, F1 = 2*1/(3+2) = 0.4.
    exact = result.attributions["exact"]
    assert (exact.precision, exact.recall, exact.f1) == pytest.approx((0.5, 1 / 3, 0.4))
    # Overlap: Dice(A q2 68-106, B q2 68-107) = 2*38/(38+39) = 0.987 beats
    # Dice(A q3 76-106, B q2) = 2*30/(30+39) = 0.870, so B q2 pairs with A q2 and A q3 is missed.
    # P = 2/2, R = 2/3, F1 = 0.8.
    overlap = result.attributions["overlap"]
    assert (overlap.precision, overlap.recall, overlap.f1) == pytest.approx((1.0, 2 / 3, 0.8))
    assert result.matched_attributions == 2
    # Roles: cue units A {said, said, think}, B {said, said}; source units A {Lavrov, Lavrov, I},
    # B {Lavrov, Lavrov}: 2 matched, P = 1, R = 2/3, F1 = 0.8, exact and by overlap.
    for role in ("cue", "source"):
        for kind in ("exact", "overlap"):
            assert result.roles[role][kind].f1 == pytest.approx(0.8), (role, kind)
    assert result.roles["content"]["exact"].f1 == pytest.approx(0.4)
    # On the two matched pairs: speakers agree; parents agree (both null twice);
    # types (direct, direct), (direct, indirect): p_o = 1/2, A all direct, B half direct:
    # p_e = 1 * 1/2 = 1/2, kappa = 0.
    assert (result.speaker.n, result.speaker.agreed) == (2, 2)
    assert (result.parent.n, result.parent.agreed) == (2, 2)
    assert result.type.observed == pytest.approx(0.5)
    assert result.type.kappa == pytest.approx(0.0)


def test_quotes_parent_agreement() -> None:
    a, _ = quote_pair()
    b = copy.deepcopy(a)
    b["quotes"][2]["parent"] = None  # B does not nest q3 in q2
    result = quote_agreement(doc(a), doc(b))
    assert (result.parent.n, result.parent.agreed) == (3, 2)
    # B has only q1 and an unnested q3; q3 pairs with A's q3 (Dice 1), whose parent q2 has no
    # partner in B: that parent disagrees, q1's (both null) agrees.
    b["quotes"] = [copy.deepcopy(q) for q in a["quotes"] if q["id"] != "q2"]
    b["quotes"][1]["parent"] = None
    b["stance"][0]["quote_ids"] = ["q3"]  # the evidence lies in q3; q2 is gone
    result = quote_agreement(doc(a), doc(b))
    assert (result.parent.n, result.parent.agreed) == (2, 1)


# ---------------------------------------------------------------- events


def event(
    eid: str,
    etype: str,
    trigger: tuple[int, int],
    args: list[tuple[str, str, str]],
    realis: str,
    time: str | None,
) -> dict[str, Any]:
    return {
        "id": eid,
        "type": etype,
        "modes": [],
        "contexts": ["diplomatic"],
        "triggers": [{"id": f"t_{eid}", **sp(*trigger)}],
        "arguments": [{"role": r, "entity_id": e, "mention_id": m} for r, e, m in args],
        "realis": realis,
        "time": None
        if time is None
        else {"mention_id": "m7", "value": time, "reasoning": "Sunday before the document date."},
    }


def event_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """A: ev1 CONSULT "dialogue", ev2 AGREE "readiness", ev3 SUPPORT "alternative".
    B: ev1 CONSULT "continue dialogue" (overlap only), ev2 COOPERATE "readiness"; no ev3."""
    ru, us = ("actor", "e_russia", "m2"), ("actor", "e_united_states", "m4")
    a, b = base(), base()
    a["events"] = [
        event("ev1", "CONSULT", (58, 66), [ru, us], "future", None),
        event("ev2", "AGREE", (13, 22), [us], "actual", "2017-08-06"),
        event("ev3", "SUPPORT", (87, 98), [("actor", "e_lavrov", "m5")], "actual", None),
    ]
    b["events"] = [
        event(
            "ev1",
            "CONSULT",
            (49, 66),
            [ru, ("recipient", "e_united_states", "m4")],
            "future",
            "2017-08-06",
        ),
        event("ev2", "COOPERATE", (13, 22), [us], "actual", "2017-08-06"),
    ]
    return a, b


def test_events_known_answers() -> None:
    a, b = event_pair()
    result = event_agreement(doc(a), doc(b))
    # Triggers exact: readiness only; P = 1/2, R = 1/3, F1 = 0.4. Overlap: also
    # dialogue / continue dialogue (Dice 0.64); P = 1, R = 2/3, F1 = 0.8.
    assert result.triggers["exact"].f1 == pytest.approx(0.4)
    assert result.triggers["overlap"].f1 == pytest.approx(0.8)
    # Types on the 2 matched triggers: (AGREE, COOPERATE), (CONSULT, CONSULT): p_o = 1/2,
    # p_e = 1/2*1/2 (CONSULT) = 1/4, kappa = (1/2 - 1/4) / (3/4) = 1/3.
    assert result.trigger_type.observed == pytest.approx(0.5)
    assert result.trigger_type.kappa == pytest.approx(1 / 3)
    assert result.trigger_type_and_modes.observed == pytest.approx(0.5)
    # Arguments on the 2 paired events: A {actor Russia, actor US} + {actor US},
    # B {actor Russia, recipient US} + {actor US}: 2 of 3 each way; entity only: 3 of 3.
    assert result.matched_events == 2
    assert result.arguments["role_and_entity"].f1 == pytest.approx(2 / 3)
    assert result.arguments["entity_only"].f1 == 1.0
    # Realis agrees on both (future, actual): p_e = 1/2, kappa = 1. Time: ev1 null vs 2017-08-06.
    assert result.realis.kappa == pytest.approx(1.0)
    assert (result.time_value.n, result.time_value.agreed) == (2, 1)
    # Event coreference over trigger spans, all singletons: A {58-66} {13-22} {87-98},
    # B {49-66} {13-22}. MUC has no link on either side: 1.0. B-cubed R = 1/3, P = 1/2,
    # F1 = 0.4; CEAF-e Phi = 1, R = 1/3, P = 1/2, F1 = 0.4. CoNLL F1 = (1 + 0.4 + 0.4) / 3 = 0.6.
    assert result.coreference.muc.f1 == 1.0
    assert result.coreference.b_cubed.f1 == pytest.approx(0.4)
    assert result.coreference.ceaf_e.f1 == pytest.approx(0.4)
    assert result.coreference.conll_f1 == pytest.approx(0.6)


# ---------------------------------------------------------------- stance


def stance(
    sid: str,
    holder: str,
    target: tuple[str, str, str | None, str | None],
    polarity: str,
    evidence: tuple[int, int],
    basis: str,
) -> dict[str, Any]:
    tid, description, entity_id, event_id = target
    return {
        "id": sid,
        "holder": holder,
        "target": {
            "id": tid,
            "description": description,
            "entity_id": entity_id,
            "event_id": event_id,
        },
        "polarity": polarity,
        "evidence": [sp(*evidence)],
        "quote_ids": ["q1"],
        "basis": basis,
    }


def stance_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """A: st1 Lavrov FAVOR the dialogue (tg1, event ev1); st2 Russia FAVOR the US (tg2, entity);
    st3 Lavrov AGAINST an alternative (tg3, no link).
    B: st1 on tg5 (other id, same event ev1), evidence 68-106 instead of 76-106;
    st2 on tg2, AGAINST; st3 on tg9 (no link: only the target map pairs it), basis inferred."""
    a, b = base(), base()
    a["stance"] = [
        stance(
            "st1",
            "e_lavrov",
            ("tg1", "continuing dialogue", None, "ev1"),
            "FAVOR",
            (76, 106),
            "explicit",
        ),
        stance(
            "st2",
            "e_russia",
            ("tg2", "the United States", "e_united_states", None),
            "FAVOR",
            (13, 22),
            "inferred",
        ),
        stance(
            "st3",
            "e_lavrov",
            ("tg3", "an alternative to dialogue", None, None),
            "AGAINST",
            (84, 98),
            "explicit",
        ),
    ]
    b["stance"] = [
        stance(
            "st1",
            "e_lavrov",
            ("tg5", "dialogue with the US", None, "ev1"),
            "FAVOR",
            (68, 106),
            "explicit",
        ),
        stance(
            "st2",
            "e_russia",
            ("tg2", "the United States", "e_united_states", None),
            "AGAINST",
            (13, 22),
            "inferred",
        ),
        stance(
            "st3",
            "e_lavrov",
            ("tg9", "alternatives to dialogue", None, None),
            "AGAINST",
            (84, 98),
            "inferred",
        ),
    ]
    return a, b


def test_stance_without_map() -> None:
    a, b = stance_pair()
    result = stance_agreement(doc(a), doc(b))
    # st1 pairs through the linked event, st2 by target id, st3 not at all: 2 of 3 each way.
    assert result.pairs.f1 == pytest.approx(2 / 3)
    assert dict(result.matched_by) == {"target_id": 1, "target_map": 0, "linked_id": 1}
    # Polarity (FAVOR, FAVOR), (FAVOR, AGAINST): p_o = 1/2, p_e = 1 * 1/2, kappa = 0.
    assert result.polarity.kappa == pytest.approx(0.0)


def test_stance_with_target_map() -> None:
    a, b = stance_pair()
    result = stance_agreement(doc(a), doc(b), {"tg9": "tg3"})
    assert result.pairs.f1 == 1.0
    assert dict(result.matched_by) == {"target_id": 1, "target_map": 1, "linked_id": 1}
    # Polarity (F, F), (F, A), (A, A): p_o = 2/3; A F 2/3, A 1/3; B F 1/3, A 2/3;
    # p_e = 2/9 + 2/9 = 4/9; kappa = (2/3 - 4/9) / (5/9) = 0.4.
    assert result.polarity.observed == pytest.approx(2 / 3)
    assert result.polarity.kappa == pytest.approx(0.4)
    # Evidence Dice: st1 2*30/(30+38) = 60/68, st2 and st3 1; mean (60/68 + 2) / 3.
    assert result.evidence_dice.mean == pytest.approx((60 / 68 + 2) / 3)
    assert (result.evidence_exact.n, result.evidence_exact.agreed) == (3, 2)
    # Basis (explicit, explicit), (inferred, inferred), (explicit, inferred): same margins as
    # the polarity above, kappa = 0.4.
    assert result.basis.kappa == pytest.approx(0.4)


def test_stance_map_replaces_raw_id() -> None:
    a, b = stance_pair()
    # B's tg2 mapped to A's tg3: B st2 no longer pairs by id, but still by the linked entity.
    result = stance_agreement(doc(a), doc(b), {"tg2": "tg3"})
    assert dict(result.matched_by) == {"target_id": 0, "target_map": 0, "linked_id": 2}


# ---------------------------------------------------------------- identity and output


@pytest.mark.parametrize("layer", ["mentions", "quotes", "events", "stance"])
def test_identity_gives_one_everywhere(layer: str) -> None:
    d = doc(base())
    report = compare(d, d, layer)
    scores = all_scores(report.to_dict())
    assert scores
    assert all(v == 1.0 for _, v in scores), [s for s in scores if s[1] != 1.0]


def test_json_is_sorted_rounded_and_deterministic() -> None:
    a, b = quote_pair()
    report = compare(doc(a), doc(b), "quotes", a_file="a.json", b_file="b.json")
    out = to_json(report)
    value = json.loads(out)
    assert out == json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    assert value["metrics"]["attributions"]["exact"]["recall"] == 0.3333
    assert out == to_json(compare(doc(a), doc(b), "quotes", a_file="a.json", b_file="b.json"))
    text = to_text(report)
    assert "Attributions (content)" in text and "0.4000" in text


def test_docs_state_the_choices() -> None:
    for phrase in (
        "CoNLL-2012",
        "singleton",
        "only one side",
        "Dice",
        "0.5",
        "kappa",
        "--target-map",
        "1.0",
    ):
        assert phrase in DOCS


# ---------------------------------------------------------------- CLI


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["agreement", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = stance_pair()
    fa, fb = write(tmp_path / "a.json", a), write(tmp_path / "b.json", b)
    code, out, _ = run(capsys, str(fa), str(fb), "--layer", "stance", "--format", "json")
    assert code == 0
    value = json.loads(out)
    assert value["layer"] == "stance"
    assert value["metrics"]["pairs"]["f1"] == 0.6667
    code, out, _ = run(capsys, str(fa), str(fb), "--layer", "stance")
    assert code == 0 and "Holder-target pairs" in out
    tmap = tmp_path / "map.json"
    tmap.write_text('{"tg9": "tg3"}\n', encoding="utf-8")
    code, out, _ = run(
        capsys, str(fa), str(fb), "--layer", "stance", "--format", "json", "--target-map", str(tmap)
    )
    assert code == 0 and json.loads(out)["metrics"]["polarity"]["kappa"] == 0.4


def test_cli_accepts_non_canonical_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(base(), indent=4) + "\n", encoding="utf-8")
    code, _, _ = run(capsys, str(path), str(FIXTURE), "--layer", "mentions")
    assert code == 0


def test_cli_invalid_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = base()
    bad["mentions"][0]["end"] = 4  # "We " no longer equals its text "We"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, indent=2) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, str(FIXTURE), str(path), "--layer", "mentions")
    assert code == 1
    assert "span-text-mismatch" in out and "*** FAILED ***" in out


def test_cli_different_texts_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The fixture's first sentence alone, with the layers that fit in it.
    short = base()
    short["text"] = TEXT[:67]
    short["text_sha256"] = hashlib.sha256(short["text"].encode("utf-8")).hexdigest()
    short["sentences"] = short["sentences"][:1]
    short["mentions"] = [m for m in short["mentions"] if m["end"] <= 67]
    short["entities"] = [e for e in short["entities"] if e["id"] in {"e_russia", "e_united_states"}]
    short["quotes"], short["events"], short["stance"] = [], [], []
    short["annotated_layers"] = ["sentences", "mentions", "entities"]
    path = write(tmp_path / "short.json", short)
    code, _, err = run(capsys, str(FIXTURE), str(path), "--layer", "mentions")
    assert code == 1
    assert "different texts" in err
    # A layer that one side has not annotated cannot be compared either.
    code, _, err = run(capsys, str(FIXTURE), str(path), "--layer", "quotes")
    assert code == 1 and "quotes" in err


def test_cli_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = str(FIXTURE)
    assert run(capsys, fixture, fixture)[0] == 2  # no --layer
    assert run(capsys, fixture, "--layer", "mentions")[0] == 2  # one file
    assert run(capsys, fixture, str(tmp_path / "missing.json"), "--layer", "mentions")[0] == 2
    assert run(capsys, fixture, fixture, "--layer", "nope")[0] == 2
    tmap = tmp_path / "map.json"
    tmap.write_text('{"tg9": "tg3"}\n', encoding="utf-8")
    assert run(capsys, fixture, fixture, "--layer", "quotes", "--target-map", str(tmap))[0] == 2
    code, _, err = run(capsys, fixture, fixture, "--layer", "stance", "--target-map", str(tmap))
    assert code == 2 and '"tg9" is not a target id of B' in err
    tmap.write_text('["tg1"]\n', encoding="utf-8")
    assert run(capsys, fixture, fixture, "--layer", "stance", "--target-map", str(tmap))[0] == 2


def test_cli_docs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--docs")
    assert code == 0
    assert "CoNLL-2012" in out and "LAYER stance" in out
