"""Inter-annotator agreement between two annotations, A and B, of one document.

Both files must validate and hold the same text. Every figure compares B with A:
A is the reference for recall, B for precision; F1 is symmetric, so swapping the
files swaps P and R and leaves F1 unchanged. JSON output has sorted keys and
numbers rounded to 4 decimals. ``newsgold agreement --docs`` prints this text.

CONVENTIONS
- Spans are compared by character offsets (0-based, end-exclusive). A unit that
  has several spans (discontinuous content, several evidence spans) is compared
  as the set of its spans.
- Exact match: the same offsets (for a unit with several spans, the same set).
- Overlap match: character-level Dice coefficient 2|A & B| / (|A| + |B|) >= 0.5
  between the unions of the two units' spans. Units are paired one to one,
  greedily: the pair with the highest Dice first; ties go to the pair whose A
  unit, then whose B unit, comes first in text order (offsets, then id). Exact
  matches have Dice 1 and so are always paired first.
- Empty sides: a ratio whose denominator is 0 is 0.0, except that when both
  sides have nothing (nothing to find and nothing found) P, R and F1 are 1.0:
  the two annotations agree. Every figure carries its counts (a_total,
  a_matched, b_total, b_matched), so such cases are visible.
- Observed agreement = agreed / compared over matched pairs; null when no pair
  was compared.
- Cohen's kappa = (p_o - p_e) / (1 - p_e), where p_e is the sum over labels of
  the product of the two annotators' proportions of that label on the compared
  pairs. Degenerate case: p_e = 1 happens only when both annotators gave one
  and the same label to every pair, so p_o = 1 as well and the formula is 0/0;
  kappa is then reported as 1.0 (the labels are identical). With no pair
  compared, kappa is null.

COREFERENCE (entities and events, one implementation)
Definitions of the CoNLL-2012 reference scorer (v8.01; Pradhan et al. 2014,
"Scoring Coreference Partitions of Predicted Mentions: A Reference
Implementation"). K are A's clusters (key), R are B's (response).
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
  scorer: no mention is added or removed. A mention only in A lowers recall, a
  mention only in B lowers precision.
- Singletons: "coreference" scores every cluster, singletons included, as the
  reference scorer scores whatever its input holds: MUC ignores singletons by
  definition, B-cubed and CEAF-e count them. "coreference_without_singletons"
  first removes the one-mention clusters from each side (the CoNLL-2011/2012
  setting, whose data had no singletons).
- One deviation: when neither side has a coreference link (every cluster a
  singleton on both sides) both MUC denominators are 0; the reference scorer
  prints 0 there, this code prints 1.0 by the empty-sides convention.

LAYER mentions
- NAM mentions, strict: a mention matches when span and label are equal.
  Exact span: span alone. Micro figures over all NAM mentions. By type,
  strict: the mentions of that label on each side. By type, exact span: the
  NAM spans that either annotator labelled with the type, compared by span.
- NOM and PRO mentions: exact span, each mention type on its own.
- Entity linking, on the mentions whose span both sides have (any mention
  type): the two files have their own entity ids, so the linked entities are
  compared by Wikipedia title when both have one (underscores read as spaces,
  case-folded), else by canonical name (NFKC, case-folded, every run of
  punctuation and space read as one space). Two group entities (with members)
  agree when their members agree one for one by the same rule.
- Coreference over all mentions (NAM, NOM and PRO) keyed by span; an entity is
  the cluster of the mentions linked to it; a group entity is one more
  cluster (its members do not change it).

LAYER quotes
- Attributions: a quote of A and one of B match when their content spans match
  exactly, or by overlap (the threshold above). P/R/F1 for both.
- Roles: each quote gives one unit per role: its content spans, its cue spans,
  and the span of its source mention (none when the source is null). Units of
  a role are pooled over the document and matched exactly and by overlap.
- On the attributions matched by overlap: speaker (entity ids are shared by
  both annotators; two nulls agree), type (observed and kappa over direct,
  indirect, mixed) and parent (both null, or B's parent is the quote matched
  to A's parent).

LAYER events
- Triggers of all events, matched exactly and by overlap; P/R/F1 for both.
- On the triggers matched by overlap: the event type (observed and kappa) and
  type plus modes (the same type and the same set of modes).
- Events are paired one to one, greedily, by the number of matched triggers
  they share (ties by text order of their first trigger). On paired events:
  arguments as (role, entity id) and, identification only, as entity ids,
  P/R/F1 pooled over the pairs (arguments of unpaired events are not counted);
  realis (observed and kappa); time value (ISO value equal, or both null).
- Event coreference: each event is the cluster of its trigger spans; the
  coreference definitions above. A trigger span used by two events of one file
  is kept in the first (text order) and counted in duplicate_trigger_spans.

LAYER stance
- A stance of A and one of B pair when the holder is the same entity (entity
  ids are shared) and the targets match: by target id; or through the target
  map given with --target-map FILE, a JSON object mapping B's target ids to
  A's ({"tg_b_id": "tg_a_id", ...}), which replaces B's id by A's for every B
  id it lists; or when both targets link the same entity_id or the same
  event_id. Pairs by id or map are taken before pairs by linked id; one to
  one, greedily, in text order. P/R/F1 over the stance records.
- On paired records: polarity (observed and kappa over FAVOR, AGAINST, NONE),
  evidence (mean character Dice of the evidence spans, and exact agreement),
  basis (observed and kappa over explicit, inferred).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, fields
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from newsgold.io import parse_json_file
from newsgold.issues import Problem, ProblemError, pointer, problem
from newsgold.model import Document, Entity, Event, Mention, Quote, Stance, Trigger
from newsgold.spans import dice, greedy_pairs

DOCS: str = __doc__ or ""
"""The metric definitions, as printed by ``newsgold agreement --docs``."""

AGREEMENT_LAYERS = ("mentions", "quotes", "events", "stance")
OVERLAP_THRESHOLD = 0.5
"""Smallest character-level Dice coefficient for an overlap match."""

_REQUIRED_LAYERS: dict[str, tuple[str, ...]] = {
    "mentions": ("mentions", "entities"),
    "quotes": ("quotes",),
    "events": ("events",),
    "stance": ("stance",),
}

Range = tuple[int, int]
K = TypeVar("K", bound=Hashable)


# ---------------------------------------------------------------- figures


def _ratio(num: float, den: float, other_den: float) -> float:
    if den == 0:
        return 1.0 if other_den == 0 else 0.0
    return num / den


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of B against A.

    ``recall = a_matched / a_total`` and ``precision = b_matched / b_total``. For
    counted units both matched figures are the number of matched pairs; for the
    coreference metrics they are the metric's numerators.
    """

    a_total: float
    a_matched: float
    b_total: float
    b_matched: float

    @property
    def recall(self) -> float:
        return _ratio(self.a_matched, self.a_total, self.b_total)

    @property
    def precision(self) -> float:
        return _ratio(self.b_matched, self.b_total, self.a_total)

    @property
    def f1(self) -> float:
        if self.a_total == 0 and self.b_total == 0:
            return 1.0
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    @classmethod
    def counted(cls, a_total: int, b_total: int, matched: int) -> PRF:
        return cls(a_total, matched, b_total, matched)

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "a_total": self.a_total,
            "a_matched": self.a_matched,
            "b_total": self.b_total,
            "b_matched": self.b_matched,
        }


@dataclass(frozen=True)
class Agreement:
    """Agreement on ``n`` compared pairs, of which ``agreed`` agree."""

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


def _value(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, Mapping):
        return {str(k): _value(v) for k, v in obj.items()}
    return obj


def _fields_dict(obj: Any) -> dict[str, Any]:
    return {f.name: _value(getattr(obj, f.name)) for f in fields(obj)}


# ---------------------------------------------------------------- Cohen's kappa


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


def _equality_agreement(pairs: Sequence[tuple[object, object]]) -> Agreement:
    return Agreement(len(pairs), sum(a == b for a, b in pairs))


# ---------------------------------------------------------------- spans and matching


def _exact_pairs(a_keys: Sequence[K], b_keys: Sequence[K]) -> list[tuple[int, int]]:
    """Pair equal keys one to one, in order."""
    free: dict[K, list[int]] = {}
    for j, key in enumerate(b_keys):
        free.setdefault(key, []).append(j)
    out = []
    for i, key in enumerate(a_keys):
        js = free.get(key)
        if js:
            out.append((i, js.pop(0)))
    return out


def _overlap_pairs(
    a_units: Sequence[Sequence[Range]],
    b_units: Sequence[Sequence[Range]],
    threshold: float = OVERLAP_THRESHOLD,
) -> list[tuple[int, int]]:
    """Pair units one to one by best Dice >= threshold; ties by index of A, then of B."""
    candidates = []
    for i, ua in enumerate(a_units):
        for j, ub in enumerate(b_units):
            d = dice(ua, ub)
            if d >= threshold:
                candidates.append(((-d,), i, j))
    return greedy_pairs(candidates)


def _span_prf(
    a_units: Sequence[Sequence[Range]], b_units: Sequence[Sequence[Range]]
) -> dict[str, PRF]:
    exact = _exact_pairs([tuple(sorted(u)) for u in a_units], [tuple(sorted(u)) for u in b_units])
    overlap = _overlap_pairs(a_units, b_units)
    return {
        "exact": PRF.counted(len(a_units), len(b_units), len(exact)),
        "overlap": PRF.counted(len(a_units), len(b_units), len(overlap)),
    }


def _counter_prf(a: Counter[K], b: Counter[K]) -> PRF:
    return PRF.counted(a.total(), b.total(), (a & b).total())


# ---------------------------------------------------------------- coreference


Cluster = frozenset[Hashable]


def _where(clusters: Sequence[Cluster]) -> dict[Hashable, list[int]]:
    out: dict[Hashable, list[int]] = {}
    for j, c in enumerate(clusters):
        for m in c:
            out.setdefault(m, []).append(j)
    return out


def _muc_side(key: Sequence[Cluster], response: Sequence[Cluster]) -> tuple[int, int]:
    where = _where(response)
    num = den = 0
    for k in key:
        parts = len({j for m in k for j in where.get(m, [])}) + sum(m not in where for m in k)
        num += len(k) - parts
        den += len(k) - 1
    return num, den


def muc(key: Sequence[Cluster], response: Sequence[Cluster]) -> PRF:
    """MUC recall and precision (Vilain et al. 1995) as in the CoNLL-2012 reference scorer."""
    r_num, r_den = _muc_side(key, response)
    p_num, p_den = _muc_side(response, key)
    return PRF(r_den, r_num, p_den, p_num)


def _b_cubed_side(key: Sequence[Cluster], response: Sequence[Cluster]) -> tuple[float, int]:
    num = 0.0
    for k in key:
        for r in response:
            common = len(k & r)
            if common:
                num += common * common / len(k)
    return num, sum(len(k) for k in key)


def b_cubed(key: Sequence[Cluster], response: Sequence[Cluster]) -> PRF:
    """B-cubed (Bagga and Baldwin 1998) as in the CoNLL-2012 reference scorer."""
    r_num, r_den = _b_cubed_side(key, response)
    p_num, p_den = _b_cubed_side(response, key)
    return PRF(r_den, r_num, p_den, p_num)


def max_assignment(weights: Sequence[Sequence[float]]) -> float:
    """The largest sum of weights over a one-to-one assignment of rows to columns.

    The Hungarian (Kuhn-Munkres) algorithm with potentials, O(n^2 m).
    """
    if not weights or not weights[0]:
        return 0.0
    rows = [list(r) for r in weights]
    if len(rows) > len(rows[0]):
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
    return sum(rows[p[j] - 1][j - 1] for j in range(1, m + 1) if p[j])


def _phi4(k: Cluster, r: Cluster) -> float:
    return 2 * len(k & r) / (len(k) + len(r))


def ceaf_e(key: Sequence[Cluster], response: Sequence[Cluster]) -> PRF:
    """Entity-based CEAF (Luo 2005, phi4) as in the CoNLL-2012 reference scorer.

    Clusters that share no mention have similarity 0, so the optimal alignment
    is solved per connected group of overlapping clusters.
    """
    where = _where(response)
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, k in enumerate(key):
        find(("k", i))
        for mention in k:
            for j in where.get(mention, []):
                parent[find(("r", j))] = find(("k", i))
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for i in range(len(key)):
        groups.setdefault(find(("k", i)), ([], []))[0].append(i)
    for j in range(len(response)):
        root = find(("r", j))
        if root in groups:
            groups[root][1].append(j)
    total = 0.0
    for ks, rs in groups.values():
        if rs:
            total += max_assignment([[_phi4(key[i], response[j]) for j in rs] for i in ks])
    return PRF(len(key), total, len(response), total)


def coreference_scores(key: Sequence[Cluster], response: Sequence[Cluster]) -> CorefScores:
    """MUC, B-cubed and CEAF-e of ``response`` (B) against ``key`` (A)."""
    return CorefScores(
        muc(key, response),
        b_cubed(key, response),
        ceaf_e(key, response),
        len(key),
        len(response),
        sum(len(k) for k in key),
        sum(len(r) for r in response),
    )


def _coref_pair(
    key: Sequence[Cluster], response: Sequence[Cluster]
) -> tuple[CorefScores, CorefScores]:
    return (
        coreference_scores(key, response),
        coreference_scores([k for k in key if len(k) > 1], [r for r in response if len(r) > 1]),
    )


# ---------------------------------------------------------------- mentions


def _norm_title(title: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", title).replace("_", " ").split()).casefold()


def _norm_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _same_referent_single(ea: Entity, eb: Entity) -> bool:
    if ea.wikipedia and eb.wikipedia:
        return _norm_title(ea.wikipedia) == _norm_title(eb.wikipedia)
    return _norm_name(ea.name) == _norm_name(eb.name)


def same_referent(ea: Entity, eb: Entity, a: Document, b: Document) -> bool:
    """Whether entity ``ea`` of A and ``eb`` of B are the same referent (see DOCS)."""
    if ea.members and eb.members:
        ma = [a.entity(x) for x in ea.members]
        mb = [b.entity(x) for x in eb.members]
        pairs = greedy_pairs(
            ((0,), i, j)
            for i, x in enumerate(ma)
            for j, y in enumerate(mb)
            if _same_referent_single(x, y)
        )
        return len(ma) == len(mb) == len(pairs)
    return _same_referent_single(ea, eb)


def _span(m: Mention) -> Range:
    return (m.start, m.end)


@dataclass(frozen=True)
class MentionAgreement:
    nam_strict: PRF
    nam_exact_span: PRF
    nam_strict_by_type: Mapping[str, PRF]
    nam_exact_span_by_type: Mapping[str, PRF]
    nom: PRF
    pro: PRF
    entity_linking: Agreement
    coreference: CorefScores
    coreference_without_singletons: CorefScores

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


def _entity_clusters(doc: Document) -> list[Cluster]:
    clusters: dict[str, set[Hashable]] = {}
    for m in doc.mentions:
        clusters.setdefault(m.entity_id, set()).add(_span(m))
    return [frozenset(clusters[k]) for k in sorted(clusters)]


def mention_agreement(a: Document, b: Document) -> MentionAgreement:
    """Agreement on the mention and entity layers (see DOCS)."""
    nam_a = [m for m in a.mentions if m.mention_type == "NAM"]
    nam_b = [m for m in b.mentions if m.mention_type == "NAM"]
    labels = sorted({m.label for m in nam_a} | {m.label for m in nam_b})
    strict_by_type: dict[str, PRF] = {}
    span_by_type: dict[str, PRF] = {}
    for label in labels:
        strict_by_type[label] = _counter_prf(
            Counter(_span(m) for m in nam_a if m.label == label),
            Counter(_span(m) for m in nam_b if m.label == label),
        )
        spans = {_span(m) for m in (*nam_a, *nam_b) if m.label == label}
        span_by_type[label] = _counter_prf(
            Counter(_span(m) for m in nam_a if _span(m) in spans),
            Counter(_span(m) for m in nam_b if _span(m) in spans),
        )

    def by_type(kind: str, doc: Document) -> Counter[Range]:
        return Counter(_span(m) for m in doc.mentions if m.mention_type == kind)

    spans_b = {_span(m): m for m in b.mentions}
    linking = []
    for ma in sorted(a.mentions, key=lambda m: (m.start, m.end, m.id)):
        mb = spans_b.get(_span(ma))
        if mb is not None:
            linking.append(same_referent(a.entity(ma.entity_id), b.entity(mb.entity_id), a, b))
    coref, coref_ns = _coref_pair(_entity_clusters(a), _entity_clusters(b))
    return MentionAgreement(
        nam_strict=_counter_prf(
            Counter((m.start, m.end, m.label) for m in nam_a),
            Counter((m.start, m.end, m.label) for m in nam_b),
        ),
        nam_exact_span=_counter_prf(Counter(map(_span, nam_a)), Counter(map(_span, nam_b))),
        nam_strict_by_type=strict_by_type,
        nam_exact_span_by_type=span_by_type,
        nom=_counter_prf(by_type("NOM", a), by_type("NOM", b)),
        pro=_counter_prf(by_type("PRO", a), by_type("PRO", b)),
        entity_linking=Agreement(len(linking), sum(linking)),
        coreference=coref,
        coreference_without_singletons=coref_ns,
    )


# ---------------------------------------------------------------- quotes


@dataclass(frozen=True)
class QuoteAgreement:
    attributions: Mapping[str, PRF]
    roles: Mapping[str, Mapping[str, PRF]]
    matched_attributions: int
    speaker: Agreement
    type: LabelAgreement
    parent: Agreement

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


def _content(q: Quote) -> list[Range]:
    return [(s.start, s.end) for s in q.content]


def _text_order_quotes(doc: Document) -> list[Quote]:
    return sorted(doc.quotes, key=lambda q: (sorted(_content(q)), q.id))


def _role_units(doc: Document, quotes: Sequence[Quote], role: str) -> list[list[Range]]:
    mentions = {m.id: m for m in doc.mentions}
    out = []
    for q in quotes:
        if role == "content":
            out.append(_content(q))
        elif role == "cue":
            out.append([(s.start, s.end) for s in q.cue])
        elif q.source is not None:
            out.append([_span(mentions[q.source])])
    return out


def quote_agreement(a: Document, b: Document) -> QuoteAgreement:
    """Agreement on the quote layer (see DOCS)."""
    qa, qb = _text_order_quotes(a), _text_order_quotes(b)
    attributions = _span_prf([_content(q) for q in qa], [_content(q) for q in qb])
    roles = {
        role: _span_prf(_role_units(a, qa, role), _role_units(b, qb, role))
        for role in ("content", "cue", "source")
    }
    pairs = _overlap_pairs([_content(q) for q in qa], [_content(q) for q in qb])
    a_to_b = {qa[i].id: qb[j].id for i, j in pairs}
    parent_agrees = []
    for i, j in pairs:
        pa, pb = qa[i].parent, qb[j].parent
        parent_agrees.append(pb is None if pa is None else pa in a_to_b and a_to_b[pa] == pb)
    return QuoteAgreement(
        attributions=attributions,
        roles=roles,
        matched_attributions=len(pairs),
        speaker=_equality_agreement([(qa[i].speaker, qb[j].speaker) for i, j in pairs]),
        type=label_agreement([(qa[i].type, qb[j].type) for i, j in pairs]),
        parent=Agreement(len(parent_agrees), sum(parent_agrees)),
    )


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class EventAgreement:
    triggers: Mapping[str, PRF]
    matched_triggers: int
    trigger_type: LabelAgreement
    trigger_type_and_modes: Agreement
    matched_events: int
    arguments: Mapping[str, PRF]
    realis: LabelAgreement
    time_value: Agreement
    coreference: CorefScores
    coreference_without_singletons: CorefScores
    duplicate_trigger_spans: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


def _trig_span(t: Trigger) -> Range:
    return (t.start, t.end)


def _text_order_events(doc: Document) -> list[Event]:
    return sorted(doc.events, key=lambda e: (min(_trig_span(t) for t in e.triggers), e.id))


def _text_order_triggers(events: Sequence[Event]) -> list[tuple[int, Trigger]]:
    out = [(k, t) for k, e in enumerate(events) for t in e.triggers]
    return sorted(out, key=lambda kt: (_trig_span(kt[1]), kt[1].id))


def _event_clusters(events: Sequence[Event]) -> tuple[list[Cluster], int]:
    seen: set[Range] = set()
    clusters: list[Cluster] = []
    duplicates = 0
    for e in events:
        spans: set[Range] = set()
        for t in e.triggers:
            span = _trig_span(t)
            if span in seen and span not in spans:
                duplicates += 1
                continue
            seen.add(span)
            spans.add(span)
        if spans:
            clusters.append(frozenset(spans))
    return clusters, duplicates


def event_agreement(a: Document, b: Document) -> EventAgreement:
    """Agreement on the event layer (see DOCS)."""
    ea, eb = _text_order_events(a), _text_order_events(b)
    ta, tb = _text_order_triggers(ea), _text_order_triggers(eb)
    triggers = _span_prf([[_trig_span(t)] for _, t in ta], [[_trig_span(t)] for _, t in tb])
    pairs = _overlap_pairs([[_trig_span(t)] for _, t in ta], [[_trig_span(t)] for _, t in tb])
    types = [(ea[ta[i][0]].type, eb[tb[j][0]].type) for i, j in pairs]
    type_modes = [
        (ea[ta[i][0]].type, frozenset(ea[ta[i][0]].modes))
        == (eb[tb[j][0]].type, frozenset(eb[tb[j][0]].modes))
        for i, j in pairs
    ]
    shared = Counter((ta[i][0], tb[j][0]) for i, j in pairs)
    event_pairs = greedy_pairs(((-n,), ka, kb) for (ka, kb), n in shared.items())
    role_a: Counter[tuple[str, str]] = Counter()
    role_b: Counter[tuple[str, str]] = Counter()
    role_hit = ident_a = ident_b = ident_hit = 0
    for ka, kb in event_pairs:
        ra = Counter((x.role, x.entity_id) for x in ea[ka].arguments)
        rb = Counter((x.role, x.entity_id) for x in eb[kb].arguments)
        role_a += ra
        role_b += rb
        role_hit += (ra & rb).total()
        ia = {x.entity_id for x in ea[ka].arguments}
        ib = {x.entity_id for x in eb[kb].arguments}
        ident_a += len(ia)
        ident_b += len(ib)
        ident_hit += len(ia & ib)
    clusters_a, dup_a = _event_clusters(ea)
    clusters_b, dup_b = _event_clusters(eb)
    coref, coref_ns = _coref_pair(clusters_a, clusters_b)

    def time_value(e: Event) -> str | None:
        return None if e.time is None else e.time.value

    return EventAgreement(
        triggers=triggers,
        matched_triggers=len(pairs),
        trigger_type=label_agreement(types),
        trigger_type_and_modes=Agreement(len(type_modes), sum(type_modes)),
        matched_events=len(event_pairs),
        arguments={
            "role_and_entity": PRF.counted(role_a.total(), role_b.total(), role_hit),
            "entity_only": PRF.counted(ident_a, ident_b, ident_hit),
        },
        realis=label_agreement([(ea[i].realis, eb[j].realis) for i, j in event_pairs]),
        time_value=_equality_agreement(
            [(time_value(ea[i]), time_value(eb[j])) for i, j in event_pairs]
        ),
        coreference=coref,
        coreference_without_singletons=coref_ns,
        duplicate_trigger_spans={"a": dup_a, "b": dup_b},
    )


# ---------------------------------------------------------------- stance


@dataclass(frozen=True)
class StanceAgreement:
    pairs: PRF
    matched_by: Mapping[str, int]
    polarity: LabelAgreement
    evidence_dice: MeanScore
    evidence_exact: Agreement
    basis: LabelAgreement

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


def _evidence(s: Stance) -> list[Range]:
    return [(x.start, x.end) for x in s.evidence]


def _text_order_stance(doc: Document) -> list[Stance]:
    return sorted(doc.stance, key=lambda s: (sorted(_evidence(s)), s.holder, s.target.id, s.id))


def _target_match(sa: Stance, sb: Stance, target_map: Mapping[str, str]) -> str | None:
    """How the targets of ``sa`` (A) and ``sb`` (B) match, or None.

    One of "target_id", "target_map" or "linked_id".
    """
    ta, tb = sa.target, sb.target
    if tb.id in target_map:
        if target_map[tb.id] == ta.id:
            return "target_map"
    elif tb.id == ta.id:
        return "target_id"
    if ta.entity_id is not None and ta.entity_id == tb.entity_id:
        return "linked_id"
    if ta.event_id is not None and ta.event_id == tb.event_id:
        return "linked_id"
    return None


def stance_agreement(
    a: Document, b: Document, target_map: Mapping[str, str] | None = None
) -> StanceAgreement:
    """Agreement on the stance layer (see DOCS); ``target_map`` maps B's target ids to A's."""
    tmap = target_map or {}
    sa, sb = _text_order_stance(a), _text_order_stance(b)
    how: dict[tuple[int, int], str] = {}
    priority = {"target_id": 0, "target_map": 0, "linked_id": 1}
    candidates = []
    for i, x in enumerate(sa):
        for j, y in enumerate(sb):
            if x.holder != y.holder:
                continue
            kind = _target_match(x, y, tmap)
            if kind is not None:
                how[(i, j)] = kind
                candidates.append(((priority[kind],), i, j))
    pairs = greedy_pairs(candidates)
    matched_by = Counter(how[p] for p in pairs)
    return StanceAgreement(
        pairs=PRF.counted(len(sa), len(sb), len(pairs)),
        matched_by={k: matched_by[k] for k in ("target_id", "target_map", "linked_id")},
        polarity=label_agreement([(sa[i].polarity, sb[j].polarity) for i, j in pairs]),
        evidence_dice=MeanScore(
            len(pairs), sum(dice(_evidence(sa[i]), _evidence(sb[j])) for i, j in pairs)
        ),
        evidence_exact=_equality_agreement(
            [(sorted(_evidence(sa[i])), sorted(_evidence(sb[j]))) for i, j in pairs]
        ),
        basis=label_agreement([(sa[i].basis, sb[j].basis) for i, j in pairs]),
    )


def read_target_map(path: Path) -> tuple[dict[str, str] | None, list[Problem]]:
    """Read a target map file: a JSON object from B's target ids to A's.

    Returns ``(map, [])`` or ``(None, problems)``.
    """
    value, problems = parse_json_file(path)
    if problems:
        return None, problems
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return None, [
            problem(
                "target-map-invalid",
                str(path),
                "",
                "a target map must be a JSON object of strings",
                'write {"<target id of B>": "<target id of A>", ...}',
            )
        ]
    return dict(value), []


def target_map_problems(
    target_map: Mapping[str, str], a: Document, b: Document, file: str = ""
) -> list[Problem]:
    """Problems of map entries that name a target id the documents do not have.

    ``file`` is the map's file; each problem points at its entry.
    """
    ids = {"A": {s.target.id for s in a.stance}, "B": {s.target.id for s in b.stance}}
    out = []
    for kb, ka in sorted(target_map.items()):
        for key, side in ((kb, "B"), (ka, "A")):
            if key not in ids[side]:
                has = ", ".join(sorted(ids[side])) or "none"
                out.append(
                    problem(
                        "target-map-unknown-id",
                        file,
                        pointer(kb),
                        f'"{key}" is not a target id of {side} ({side} has: {has})',
                        "map target ids of B to target ids of A",
                    )
                )
    return out


# ---------------------------------------------------------------- entry points

LayerAgreement = MentionAgreement | QuoteAgreement | EventAgreement | StanceAgreement


@dataclass(frozen=True)
class AgreementReport:
    """The agreement of two annotation files on one layer."""

    layer: str
    a_file: str
    b_file: str
    a_document: str
    b_document: str
    text_sha256: str
    metrics: LayerAgreement

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "a": {"file": self.a_file, "document": self.a_document},
            "b": {"file": self.b_file, "document": self.b_document},
            "text_sha256": self.text_sha256,
            "overlap_threshold": OVERLAP_THRESHOLD,
            "metrics": self.metrics.to_dict(),
        }


class AgreementError(ProblemError, ValueError):
    """Two annotations that cannot be compared; ``problems`` says why."""

    empty_message = "the annotations cannot be compared"


def comparability_problems(
    a: Document, b: Document, layer: str, *, a_file: str = "", b_file: str = ""
) -> list[Problem]:
    """Why A and B cannot be compared on ``layer`` (empty when they can).

    ``a_file`` and ``b_file`` name the files in the problems.
    """
    out = []
    if a.text != b.text:
        at, bt = a.text, b.text
        pos = next(
            (i for i, (x, y) in enumerate(zip(at, bt, strict=False)) if x != y),
            min(len(at), len(bt)),
        )
        out.append(
            problem(
                "texts-differ",
                b_file,
                "/text",
                f"A and B are annotations of different texts (text_sha256 "
                f"{a.text_sha256[:12]}... vs {b.text_sha256[:12]}...; {len(at)} vs {len(bt)} "
                f"characters, first difference at character {pos}: {at[pos : pos + 20]!r} vs "
                f"{bt[pos : pos + 20]!r})",
                "compare two annotations of one document",
            )
        )
    for side, doc, file in (("A", a, a_file), ("B", b, b_file)):
        missing = [x for x in _REQUIRED_LAYERS[layer] if x not in doc.annotated_layers]
        if missing:
            out.append(
                problem(
                    "compared-layer-not-annotated",
                    file,
                    "/annotated_layers",
                    f"{side} ({doc.id}) does not list {', '.join(missing)} in annotated_layers",
                    f"layer {layer} cannot be compared until it is annotated",
                )
            )
    return out


_LAYER_FUNCTIONS: dict[str, Callable[[Document, Document], LayerAgreement]] = {
    "mentions": mention_agreement,
    "quotes": quote_agreement,
    "events": event_agreement,
}


def compare(
    a: Document,
    b: Document,
    layer: str,
    *,
    target_map: Mapping[str, str] | None = None,
    a_file: str = "",
    b_file: str = "",
) -> AgreementReport:
    """Compare two annotations of one document on ``layer``.

    Raises ValueError when ``layer`` is unknown, and :class:`AgreementError` (a
    ValueError too) when the documents cannot be compared (see
    :func:`comparability_problems`).
    """
    if layer not in AGREEMENT_LAYERS:
        raise ValueError(f"unknown layer {layer!r}; use one of {', '.join(AGREEMENT_LAYERS)}")
    problems = comparability_problems(a, b, layer, a_file=a_file, b_file=b_file)
    if problems:
        raise AgreementError(problems)
    if layer == "stance":
        metrics: LayerAgreement = stance_agreement(a, b, target_map)
    else:
        metrics = _LAYER_FUNCTIONS[layer](a, b)
    return AgreementReport(layer, a_file, b_file, a.id, b.id, a.text_sha256, metrics)


# ---------------------------------------------------------------- output


def _rounded(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        r = round(value, 4)
        return 0.0 if r == 0 else r
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def to_json(report: AgreementReport) -> str:
    """The report as JSON: sorted keys, numbers rounded to 4 decimals."""
    return json.dumps(_rounded(report.to_dict()), ensure_ascii=False, indent=2, sort_keys=True)


_LABELS = {
    "nam_strict": "NAM mentions, strict (span + label)",
    "nam_exact_span": "NAM mentions, exact span",
    "nam_strict_by_type": "NAM mentions by type, strict",
    "nam_exact_span_by_type": "NAM mentions by type, exact span",
    "nom": "NOM mentions, exact span",
    "pro": "PRO mentions, exact span",
    "entity_linking": "Entity linking (exact-span-matched mentions)",
    "coreference": "Coreference, all clusters",
    "coreference_without_singletons": "Coreference, singletons removed",
    "muc": "MUC",
    "b_cubed": "B-cubed",
    "ceaf_e": "CEAF-e",
    "conll_f1": "CoNLL F1 (mean of the three F1)",
    "a_clusters": "clusters in A",
    "b_clusters": "clusters in B",
    "a_mentions": "mentions in A",
    "b_mentions": "mentions in B",
    "attributions": "Attributions (content)",
    "roles": "Role spans",
    "exact": "exact",
    "overlap": f"overlap (Dice >= {OVERLAP_THRESHOLD})",
    "matched_attributions": "Attributions matched by overlap",
    "speaker": "Speaker (matched attributions)",
    "type": "Type (matched attributions)",
    "parent": "Parent (matched attributions)",
    "triggers": "Triggers",
    "matched_triggers": "Triggers matched by overlap",
    "trigger_type": "Event type (matched triggers)",
    "trigger_type_and_modes": "Event type + modes (matched triggers)",
    "matched_events": "Events paired",
    "arguments": "Arguments (paired events)",
    "role_and_entity": "role + entity",
    "entity_only": "entity only",
    "realis": "Realis (paired events)",
    "time_value": "Time value (paired events)",
    "duplicate_trigger_spans": "Trigger spans in two events (ignored for coreference)",
    "pairs": "Holder-target pairs",
    "matched_by": "Pairs matched by",
    "target_id": "target id",
    "target_map": "target map",
    "linked_id": "linked entity or event id",
    "polarity": "Polarity (matched pairs)",
    "evidence_dice": "Evidence, mean character Dice (matched pairs)",
    "evidence_exact": "Evidence, exact (matched pairs)",
    "basis": "Basis (matched pairs)",
    "a": "in A",
    "b": "in B",
}

_WIDTH = 48


def _num(x: Any) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer()):
        return str(int(x))
    return f"{x:.4f}".rstrip("0")


def _score(x: Any) -> str:
    return "   n/a" if x is None else f"{x:.4f}"


def _render(value: Mapping[str, Any], lines: list[str], indent: int) -> None:
    pad = " " * indent
    for key, v in value.items():
        label = _LABELS.get(key, key)
        head = f"{pad}{label}".ljust(_WIDTH)
        if isinstance(v, dict) and "f1" in v:
            a_side = f"{_num(v['a_matched'])}/{_num(v['a_total'])}"
            b_side = f"{_num(v['b_matched'])}/{_num(v['b_total'])}"
            lines.append(
                f"{head} P {_score(v['precision'])}  R {_score(v['recall'])}  F1 {_score(v['f1'])}"
                f"   A {a_side}  B {b_side}"
            )
        elif isinstance(v, dict) and "observed" in v:
            kappa = f"  kappa {_score(v['kappa'])}" if "kappa" in v else ""
            lines.append(
                f"{head} observed {_score(v['observed'])}{kappa}   {v['agreed']}/{v['n']} agree"
            )
        elif isinstance(v, dict) and "mean" in v:
            lines.append(f"{head} mean {_score(v['mean'])}   n {v['n']}")
        elif isinstance(v, dict):
            lines.append(f"{pad}{label}")
            _render(v, lines, indent + 2)
        elif isinstance(v, float):
            lines.append(f"{head} {_score(v)}")
        else:
            lines.append(f"{head} {_num(v)}")


def to_text(report: AgreementReport) -> str:
    """The report as a readable table."""
    d = _rounded(report.to_dict())
    lines = [
        f"Agreement on layer {report.layer} of document {report.a_document}",
        f"A: {report.a_file or report.a_document} (recall: the share of A that B matches)",
        f"B: {report.b_file or report.b_document} (precision: the share of B that A matches)",
        "A and B columns: matched/total; definitions: newsgold agreement --docs",
        "",
    ]
    _render(d["metrics"], lines, 0)
    return "\n".join(lines)
