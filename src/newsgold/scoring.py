"""The scoring core of ``newsgold evaluate`` and ``newsgold agreement``.

Both stages compare a response with a reference: predictions with the gold
(evaluate), annotation B with annotation A (agreement). This module holds what
they share, so that a definition exists once: the P/R/F1 figure and its rule
for empty sides, Cohen's kappa and label accuracy, the coreference metrics
(MUC, B-cubed, CEAF-e), one-to-one matching (exact, and best overlap with one
similarity and threshold), and the rendering of a report as a text table or as
JSON. :data:`DEFINITIONS` and :data:`COREFERENCE` are the shared definitions;
both stages quote them in their own documentation.

The overlap similarity is the character-level Dice coefficient
``2 |A & B| / (|A| + |B|)`` of the unions of two units' spans, which is the
character-level F1 of one unit against the other, and the threshold is 0.5.
Dice is the measure the published agreement figures use, and it is symmetric
in the two sides like F1 itself; Jaccard ``|A & B| / |A | B|`` orders pairs the
same way (J = D / (2 - D)) but J >= 0.5 is the stricter D >= 2/3.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from fractions import Fraction
from typing import Any, TypeVar

from newsgold.spans import Range, greedy_pairs, length, merge, merged_dice

OVERLAP_THRESHOLD = 0.5
"""Smallest character-level Dice coefficient of two units for an overlap match."""

OVERLAP_MEASURE = "character Dice"
"""The name of the overlap similarity, as reports print it."""

EMPTY_SIDES = """\
Empty sides: recall is 1.0 when there is nothing to find and nothing was
  found, precision is 1.0 when nothing was found and there was nothing to
  find; any other ratio whose denominator is 0 is 0.0. So two empty sides
  score P = R = F1 = 1.0, and when one side alone is empty both P and R are 0.0."""
"""The one rule for P/R/F1 with an empty side, quoted by both stages' definitions."""

DEFINITIONS = f"""\
- Spans are compared by character offsets (0-based, end-exclusive). A unit that
  has several spans (discontinuous content, several evidence spans) is compared
  as the set of characters its spans cover.
- Exact match: the same characters. Equal units are paired one to one in order
  (the k-th of the reference with the k-th of the response).
- Overlap match: {OVERLAP_MEASURE} coefficient 2|A & B| / (|A| + |B|) >= {OVERLAP_THRESHOLD}
  between the unions of the two units' spans (the character-level F1 of one
  unit against the other). Units are paired one to one, greedily: the pair with
  the highest Dice first; ties go to the pair whose reference unit, then whose
  response unit, comes first. Exact matches have Dice 1 and so pair first.
- Precision = matched response units / response units; recall = matched
  reference units / reference units; F1 = 2PR / (P + R), 0.0 when P + R = 0.
- {EMPTY_SIDES}
- Accuracy (observed agreement) = agreed / compared over matched pairs.
- Cohen's kappa = (p_o - p_e) / (1 - p_e), where p_e is the sum over labels of
  the product of the two sides' proportions of that label on the compared
  pairs. Degenerate case: p_e = 1 happens only when both sides gave one and
  the same label to every pair, so p_o = 1 as well and the formula is 0/0;
  kappa is then reported as 1.0 (the labels are identical). With no pair
  compared, kappa is null."""
"""The shared definitions of the figures, quoted by both stages' documentation."""

COREFERENCE = """\
Definitions of the CoNLL-2012 reference scorer (v8.01; Pradhan et al. 2014,
"Scoring Coreference Partitions of Predicted Mentions: A Reference
Implementation"). K are the reference clusters (key), R the response clusters.
- MUC (Vilain et al. 1995): R = sum_k (|k| - |p(k)|) / sum_k (|k| - 1), where
  p(k) is the partition of k by the response clusters and every mention of k
  that no response cluster holds is a part of its own; P swaps K and R.
- B-cubed (Bagga and Baldwin 1998): R = sum_k sum_r |k & r|^2 / |k| divided by
  sum_k |k|; P swaps K and R.
- CEAF-e (Luo 2005): phi4(k, r) = 2 |k & r| / (|k| + |r|); Phi is the largest
  sum of phi4 over one-to-one alignments of K and R (Kuhn-Munkres);
  R = Phi / |K|, P = Phi / |R|.
- CoNLL F1 = the mean of the MUC, B-cubed and CEAF-e F1.
- Mentions present in only one side are kept as they are, as in the reference
  scorer: no mention is added or removed. A mention only in the key lowers
  recall, a mention only in the response lowers precision.
- One deviation: when neither side has a coreference link (every cluster a
  singleton on both sides) both MUC denominators are 0; the reference scorer
  prints 0 there, this code prints 1.0 by the empty-sides rule."""
"""The coreference metric definitions, quoted by the agreement documentation."""

K = TypeVar("K", bound=Hashable)


# ---------------------------------------------------------------- P/R/F1


def ratio(num: float, den: float, other_den: float) -> float:
    """``num / den`` under the empty-sides rule (:data:`EMPTY_SIDES`)."""
    if den == 0:
        return 1.0 if other_den == 0 else 0.0
    return num / den


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of a response (B) against a reference (A).

    ``recall = a_matched / a_total`` and ``precision = b_matched / b_total``,
    under the rule of :data:`EMPTY_SIDES`. For counted units both matched
    figures are the number of matched pairs; for the coreference metrics they
    are the metric's numerators. ``to_dict`` gives the figures with these four
    counts.
    """

    a_total: float
    a_matched: float
    b_total: float
    b_matched: float

    @property
    def recall(self) -> float:
        return ratio(self.a_matched, self.a_total, self.b_total)

    @property
    def precision(self) -> float:
        return ratio(self.b_matched, self.b_total, self.a_total)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    @classmethod
    def counted(cls, a_total: int, b_total: int, matched: int) -> PRF:
        return cls(a_total, matched, b_total, matched)

    def scores(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.scores(),
            "a_total": self.a_total,
            "a_matched": self.a_matched,
            "b_total": self.b_total,
            "b_matched": self.b_matched,
        }

    def count_cells(self) -> str:
        """The counts column of a table row: matched/total of each side."""
        a_side = f"{_num(self.a_matched)}/{_num(self.a_total)}"
        return f"A {a_side}  B {_num(self.b_matched)}/{_num(self.b_total)}"


@dataclass(frozen=True)
class Counted(PRF):
    """A :class:`PRF` of counted units, given as correct, predicted and gold.

    ``to_dict`` gives the figures with ``correct`` (matched pairs, or credit),
    ``predicted`` (response units) and ``gold`` (reference units).
    """

    @classmethod
    def of(cls, correct: float, predicted: float, gold: float) -> Counted:
        return cls(gold, correct, predicted, correct)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.scores(),
            "correct": self.b_matched,
            "predicted": self.b_total,
            "gold": self.a_total,
        }

    def count_cells(self) -> str:
        return f"{_num(self.b_matched):>7} {_num(self.b_total):>6} {_num(self.a_total):>6}"


# ---------------------------------------------------------------- accuracy and kappa


@dataclass(frozen=True)
class Agreement:
    """Accuracy (observed agreement) on ``n`` compared pairs, of which ``agreed`` agree."""

    n: int
    agreed: int

    @property
    def observed(self) -> float | None:
        return None if self.n == 0 else self.agreed / self.n

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "agreed": self.agreed, "observed": self.observed}


@dataclass(frozen=True)
class LabelAgreement(Agreement):
    """Agreement on a closed label set, with chance agreement and Cohen's kappa."""

    expected: float | None = None
    kappa: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "expected": self.expected, "kappa": self.kappa}


@dataclass(frozen=True)
class MeanScore:
    """The mean of ``n`` scores summing to ``total`` (null when ``n`` is 0)."""

    n: int
    total: float

    @property
    def mean(self) -> float | None:
        return None if self.n == 0 else self.total / self.n

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "mean": self.mean}


def equality_agreement(pairs: Sequence[tuple[object, object]]) -> Agreement:
    """Accuracy of value pairs: the share of pairs whose two values are equal."""
    return Agreement(len(pairs), sum(a == b for a, b in pairs))


def _kappa_parts(pairs: Sequence[tuple[str, str]]) -> tuple[Fraction, Fraction] | None:
    n = len(pairs)
    if n == 0:
        return None
    observed = Fraction(sum(a == b for a, b in pairs), n)
    count_a = Counter(a for a, _ in pairs)
    count_b = Counter(b for _, b in pairs)
    expected = sum((Fraction(count_a[k] * count_b[k], n * n) for k in count_a), Fraction(0))
    return observed, expected


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of the label pairs (A's label, B's label).

    Returns None when there is no pair. When the chance agreement is 1 (both
    annotators gave one and the same label to every pair, so the observed
    agreement is 1 too and the formula is 0/0) the result is 1.0.
    """
    parts = _kappa_parts(pairs)
    if parts is None:
        return None
    observed, expected = parts
    if expected == 1:
        return 1.0
    return float((observed - expected) / (1 - expected))


def label_agreement(pairs: Sequence[tuple[str, str]]) -> LabelAgreement:
    """Observed agreement, chance agreement and Cohen's kappa of label pairs."""
    parts = _kappa_parts(pairs)
    if parts is None:
        return LabelAgreement(0, 0)
    agreed = sum(a == b for a, b in pairs)
    return LabelAgreement(len(pairs), agreed, float(parts[1]), cohen_kappa(pairs))


# ---------------------------------------------------------------- matching


def exact_pairs(a_keys: Sequence[K], b_keys: Sequence[K]) -> list[tuple[int, int]]:
    """Pair equal keys one to one, in order: the k-th A of a key with the k-th B of it."""
    free: dict[K, list[int]] = {}
    for j, key in enumerate(b_keys):
        free.setdefault(key, []).append(j)
    out = []
    for i, key in enumerate(a_keys):
        js = free.get(key)
        if js:
            out.append((i, js.pop(0)))
    return out


def exact_span_pairs(
    a_units: Sequence[Sequence[Range]], b_units: Sequence[Sequence[Range]]
) -> list[tuple[int, int]]:
    """Pair units that cover the same characters, one to one in order."""
    return exact_pairs([merge(u) for u in a_units], [merge(u) for u in b_units])


def overlap_pairs(
    a_units: Sequence[Sequence[Range]],
    b_units: Sequence[Sequence[Range]],
    threshold: float = OVERLAP_THRESHOLD,
) -> list[tuple[int, int]]:
    """Pair units one to one by best Dice >= threshold; ties by index of A, then of B."""
    return greedy_pairs(
        overlap_candidates([merge(u) for u in a_units], [merge(u) for u in b_units], threshold)
    )


def overlap_candidates(
    merged_a: Sequence[Sequence[Range]],
    merged_b: Sequence[Sequence[Range]],
    threshold: float = OVERLAP_THRESHOLD,
) -> list[tuple[tuple[float], int, int]]:
    """The candidates of :func:`overlap_pairs` for units merged already (:func:`merge`):
    ``((-dice,), i, j)`` of each pair of units with Dice at least ``threshold``, for
    :func:`greedy_pairs`. Those of a subset of the units pair as the subset's own
    candidates would (indices keep their order). With a positive threshold, two units
    whose characters lie apart (Dice 0) are not compared further."""
    sizes_b = [length(m) for m in merged_b]
    candidates = []
    for i, ma in enumerate(merged_a):
        size_a = length(ma)
        for j, mb in enumerate(merged_b):
            total = size_a + sizes_b[j]
            apart = not ma or not mb or ma[-1][1] <= mb[0][0] or mb[-1][1] <= ma[0][0]
            if total and apart and threshold > 0:
                continue  # Dice 0: no candidate
            d = merged_dice(ma, mb, total)
            if d >= threshold:
                candidates.append(((-d,), i, j))
    return candidates


def span_prf(
    a_units: Sequence[Sequence[Range]], b_units: Sequence[Sequence[Range]]
) -> dict[str, PRF]:
    """P/R/F1 of span units matched exactly and by overlap."""
    exact = exact_span_pairs(a_units, b_units)
    overlap = overlap_pairs(a_units, b_units)
    return {
        "exact": PRF.counted(len(a_units), len(b_units), len(exact)),
        "overlap": PRF.counted(len(a_units), len(b_units), len(overlap)),
    }


# ---------------------------------------------------------------- coreference


Cluster = frozenset[Hashable]


@dataclass(frozen=True)
class CorefScores:
    """MUC, B-cubed and CEAF-e of B's clusters against A's."""

    muc: PRF
    b_cubed: PRF
    ceaf_e: PRF
    a_clusters: int
    b_clusters: int
    a_mentions: int
    b_mentions: int

    @property
    def conll_f1(self) -> float:
        return (self.muc.f1 + self.b_cubed.f1 + self.ceaf_e.f1) / 3

    def to_dict(self) -> dict[str, Any]:
        return {
            "muc": self.muc.to_dict(),
            "b_cubed": self.b_cubed.to_dict(),
            "ceaf_e": self.ceaf_e.to_dict(),
            "conll_f1": self.conll_f1,
            "a_clusters": self.a_clusters,
            "b_clusters": self.b_clusters,
            "a_mentions": self.a_mentions,
            "b_mentions": self.b_mentions,
        }


def holders(clusters: Iterable[Iterable[Hashable]]) -> dict[Hashable, list[int]]:
    """Each item with the indices of the clusters that hold it, in cluster order."""
    out: dict[Hashable, list[int]] = {}
    for j, c in enumerate(clusters):
        for m in c:
            out.setdefault(m, []).append(j)
    return out


@dataclass(frozen=True)
class _Shared:
    """How the clusters of two sides share items, counted once for all three metrics.

    ``by_key[i]`` maps each response cluster j that shares items with key cluster i to
    ``|k_i & r_j|``, in ascending j; ``by_response[j]`` is the same seen from r_j, in
    ascending i. ``key_alone[i]`` counts the items of k_i in no response cluster,
    ``response_alone[j]`` those of r_j in no key cluster. An item held by two clusters of
    one side counts in each (no annotation has one, the definitions allow it).
    """

    key: Sequence[Cluster]
    response: Sequence[Cluster]
    by_key: list[dict[int, int]]
    by_response: list[dict[int, int]]
    key_alone: list[int]
    response_alone: list[int]


def _shared(key: Sequence[Cluster], response: Sequence[Cluster]) -> _Shared:
    where = holders(response)
    by_key: list[dict[int, int]] = []
    by_response: list[dict[int, int]] = [{} for _ in response]
    key_alone: list[int] = []
    for i, k in enumerate(key):
        common: dict[int, int] = {}
        alone = 0
        for m in k:
            found = where.get(m)
            if found is None:
                alone += 1
                continue
            for j in found:
                common[j] = common.get(j, 0) + 1
        if len(common) > 1:
            common = dict(sorted(common.items()))
        for j, c in common.items():
            by_response[j][i] = c
        by_key.append(common)
        key_alone.append(alone)
    in_key = {m for k in key for m in k}
    response_alone = [sum(m not in in_key for m in r) for r in response]
    return _Shared(key, response, by_key, by_response, key_alone, response_alone)


def _muc_side(
    clusters: Sequence[Cluster], common: list[dict[int, int]], alone: list[int]
) -> tuple[int, int]:
    num = den = 0
    for k, shared, own in zip(clusters, common, alone, strict=True):
        num += len(k) - len(shared) - own
        den += len(k) - 1
    return num, den


def _muc(s: _Shared) -> PRF:
    r_num, r_den = _muc_side(s.key, s.by_key, s.key_alone)
    p_num, p_den = _muc_side(s.response, s.by_response, s.response_alone)
    return PRF(r_den, r_num, p_den, p_num)


def muc(key: Sequence[Cluster], response: Sequence[Cluster]) -> PRF:
    """MUC recall and precision (Vilain et al. 1995) as in the CoNLL-2012 reference scorer."""
    return _muc(_shared(key, response))


def _b_cubed_side(clusters: Sequence[Cluster], common: list[dict[int, int]]) -> tuple[float, int]:
    num = 0.0
    for k, shared in zip(clusters, common, strict=True):
        for c in shared.values():
            num += c * c / len(k)
    return num, sum(len(k) for k in clusters)


def _b_cubed(s: _Shared) -> PRF:
    r_num, r_den = _b_cubed_side(s.key, s.by_key)
    p_num, p_den = _b_cubed_side(s.response, s.by_response)
    return PRF(r_den, r_num, p_den, p_num)


def b_cubed(key: Sequence[Cluster], response: Sequence[Cluster]) -> PRF:
    """B-cubed (Bagga and Baldwin 1998) as in the CoNLL-2012 reference scorer."""
    return _b_cubed(_shared(key, response))


def assignment(weights: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """A one-to-one assignment of rows to columns with the largest sum of weights, as
    (row, column) pairs in row order.

    The Hungarian (Kuhn-Munkres) algorithm with potentials, O(n^2 m).
    """
    if not weights or not weights[0]:
        return []
    rows = [list(r) for r in weights]
    flipped = len(rows) > len(rows[0])
    if flipped:
        rows = [list(col) for col in zip(*rows, strict=True)]
    n, m = len(rows), len(rows[0])
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)  # p[j]: row assigned to column j (1-based; 0 = none)
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = -rows[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = [(p[j] - 1, j - 1) for j in range(1, m + 1) if p[j]]
    return sorted((c, r) for r, c in pairs) if flipped else sorted(pairs)


def max_assignment(weights: Sequence[Sequence[float]]) -> float:
    """The largest sum of weights over a one-to-one assignment of rows to columns."""
    return sum(weights[i][j] for i, j in assignment(weights))


def _phi4(s: _Shared, i: int, j: int) -> float:
    return 2 * s.by_key[i].get(j, 0) / (len(s.key[i]) + len(s.response[j]))


def _ceaf_e_pairs(s: _Shared) -> list[tuple[int, int]]:
    # Clusters that share no item have similarity 0, so the optimal alignment is solved
    # per connected group of clusters that share items; a group of one key and one
    # response cluster aligns them.
    out: list[tuple[int, int]] = []
    seen_key = [False] * len(s.key)
    seen_response = [False] * len(s.response)
    for first in range(len(s.key)):
        if seen_key[first] or not s.by_key[first]:
            continue
        seen_key[first] = True
        ks, rs, todo = [first], [], [first]
        while todo:
            for j in s.by_key[todo.pop()]:
                if not seen_response[j]:
                    seen_response[j] = True
                    rs.append(j)
                    for i in s.by_response[j]:
                        if not seen_key[i]:
                            seen_key[i] = True
                            ks.append(i)
                            todo.append(i)
        if len(ks) == 1 and len(rs) == 1:
            out.append((first, rs[0]))
            continue
        ks.sort()
        rs.sort()
        weights = [[_phi4(s, i, j) for j in rs] for i in ks]
        out += [(ks[a], rs[b]) for a, b in assignment(weights) if weights[a][b] > 0]
    return sorted(out)


def ceaf_e_pairs(key: Sequence[Cluster], response: Sequence[Cluster]) -> list[tuple[int, int]]:
    """The CEAF-e alignment: (key index, response index) of the aligned clusters that share
    a mention, in key order."""
    return _ceaf_e_pairs(_shared(key, response))


def _ceaf_e(s: _Shared) -> PRF:
    total = sum(_phi4(s, i, j) for i, j in _ceaf_e_pairs(s))
    return PRF(len(s.key), total, len(s.response), total)


def ceaf_e(key: Sequence[Cluster], response: Sequence[Cluster]) -> PRF:
    """Entity-based CEAF (Luo 2005, phi4) as in the CoNLL-2012 reference scorer."""
    return _ceaf_e(_shared(key, response))


def coreference_scores(key: Sequence[Cluster], response: Sequence[Cluster]) -> CorefScores:
    """MUC, B-cubed and CEAF-e of ``response`` (B) against ``key`` (A)."""
    s = _shared(key, response)
    return CorefScores(
        _muc(s),
        _b_cubed(s),
        _ceaf_e(s),
        len(key),
        len(response),
        sum(len(k) for k in key),
        sum(len(r) for r in response),
    )


def _summed_prf(prfs: Sequence[PRF]) -> PRF:
    return PRF(
        sum(x.a_total for x in prfs),
        sum(x.a_matched for x in prfs),
        sum(x.b_total for x in prfs),
        sum(x.b_matched for x in prfs),
    )


def summed(scores: Sequence[CorefScores]) -> CorefScores:
    """The scores of several documents pooled as the reference scorer pools them: every
    numerator, denominator and count summed (no cluster spans two documents, so this
    equals scoring the documents' clusters together, without comparing clusters of
    different documents)."""
    return CorefScores(
        _summed_prf([s.muc for s in scores]),
        _summed_prf([s.b_cubed for s in scores]),
        _summed_prf([s.ceaf_e for s in scores]),
        sum(s.a_clusters for s in scores),
        sum(s.b_clusters for s in scores),
        sum(s.a_mentions for s in scores),
        sum(s.b_mentions for s in scores),
    )


# ---------------------------------------------------------------- reports


def plain(value: Any) -> Any:
    """A report value as JSON-ready data: typed figures by ``to_dict``, dataclasses by field."""
    if hasattr(value, "to_dict"):
        return plain(value.to_dict())
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def rounded(value: Any) -> Any:
    """``value`` with every float rounded to 4 decimals (and -0.0 written 0.0)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        r = round(value, 4)
        return 0.0 if r == 0 else r
    if isinstance(value, Mapping):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def render_json(value: Any) -> str:
    """A report as JSON: sorted keys, 2-space indent, numbers rounded to 4 decimals."""
    return json.dumps(rounded(plain(value)), ensure_ascii=False, indent=2, sort_keys=True)


Figure = PRF | Agreement | MeanScore | float | int | str | None
"""What one row of a table shows."""


@dataclass(frozen=True)
class Row:
    """One row of a table: a label and its figure (None: a heading for the rows below)."""

    label: str
    figure: Figure = None
    heading: bool = False


@dataclass(frozen=True)
class Table:
    """A report as text: lines before the rows, the rows, lines after them."""

    head: Sequence[str]
    rows: Sequence[Row]
    foot: Sequence[str] = ()
    width: int = 34
    """The width of the label column."""


def _num(x: Any) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer()):
        return str(int(x))
    return f"{x:.4f}".rstrip("0")


def _score(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4f}"


def _cells(figure: Figure) -> str:
    if isinstance(figure, PRF):
        p, r, f = (_score(x) for x in (figure.precision, figure.recall, figure.f1))
        return f"{p:>7} {r:>7} {f:>7}  {figure.count_cells()}"
    if isinstance(figure, LabelAgreement):
        kappa = f"  kappa {_score(figure.kappa)}"
        return f"observed {_score(figure.observed)}{kappa}   {figure.agreed}/{figure.n} agree"
    if isinstance(figure, Agreement):
        return f"observed {_score(figure.observed)}   {figure.agreed}/{figure.n} agree"
    if isinstance(figure, MeanScore):
        return f"mean {_score(figure.mean)}   n {figure.n}"
    if isinstance(figure, float):
        return _score(figure)
    return _num(figure) if not isinstance(figure, str) else figure


def prf_header(width: int, counts: str) -> str:
    """The column header of the P/R/F1 rows of a table."""
    return f"{'':<{width}} {'P':>7} {'R':>7} {'F1':>7}  {counts}"


def render_text(table: Table) -> str:
    """A report as a text table: one line per row, the label column ``table.width`` wide."""
    lines = list(table.head)
    for row in table.rows:
        if row.heading:
            lines.append(row.label)
        else:
            lines.append(f"{row.label:<{table.width}} {_cells(row.figure)}".rstrip())
    lines += table.foot
    return "\n".join(lines)
