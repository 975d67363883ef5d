"""Inter-annotator agreement between two annotations, A and B, of one document.

:data:`DOCS` states every definition; ``newsgold agreement --docs`` prints it.
The definitions shared with ``newsgold evaluate`` (matching, the empty-sides
rule, accuracy, kappa, the coreference metrics) come from :mod:`newsgold.scoring`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from newsgold.io import parse_json_file
from newsgold.issues import Problem, ProblemError, pointer, problem
from newsgold.model import Document, Entity, Event, Mention, Quote, Stance, Trigger
from newsgold.scoring import (
    COREFERENCE,
    DEFINITIONS,
    OVERLAP_MEASURE,
    OVERLAP_THRESHOLD,
    PRF,
    Agreement,
    Cluster,
    CorefScores,
    LabelAgreement,
    MeanScore,
    Row,
    Table,
    coreference_scores,
    equality_agreement,
    label_agreement,
    overlap_pairs,
    plain,
    prf_header,
    render_json,
    render_text,
    span_prf,
)
from newsgold.spans import Range, dice, greedy_pairs

_INTRO = """\
Inter-annotator agreement between two annotations, A and B, of one document.

Both files must validate and hold the same text. Every figure compares B with A:
A is the reference for recall, B for precision; F1 is symmetric, so swapping the
files swaps P and R and leaves F1 unchanged. JSON output has sorted keys and
numbers rounded to 4 decimals. ``newsgold agreement --docs`` prints this text.

CONVENTIONS (shared with newsgold evaluate; A is the reference, B the response)
"""

_AGREEMENT_CONVENTIONS = """
- Every figure carries its counts (a_total, a_matched, b_total, b_matched), so
  empty sides are visible. Observed agreement is null when no pair was compared.

COREFERENCE (entities and events, one implementation)
"""

_SINGLETONS = """
- Singletons: "coreference" scores every cluster, singletons included, as the
  reference scorer scores whatever its input holds: MUC ignores singletons by
  definition, B-cubed and CEAF-e count them. "coreference_without_singletons"
  first removes the one-mention clusters from each side (the CoNLL-2011/2012
  setting, whose data had no singletons).

"""

_LAYER_DOCS = """\
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

DOCS: str = _INTRO + DEFINITIONS + _AGREEMENT_CONVENTIONS + COREFERENCE + _SINGLETONS + _LAYER_DOCS
"""The metric definitions, as printed by ``newsgold agreement --docs``."""

AGREEMENT_LAYERS = ("mentions", "quotes", "events", "stance")

_REQUIRED_LAYERS: dict[str, tuple[str, ...]] = {
    "mentions": ("mentions", "entities"),
    "quotes": ("quotes",),
    "events": ("events",),
    "stance": ("stance",),
}

K = TypeVar("K", bound=Hashable)


def _fields_dict(obj: Any) -> dict[str, Any]:
    return {f.name: plain(getattr(obj, f.name)) for f in fields(obj)}


def _counter_prf(a: Counter[K], b: Counter[K]) -> PRF:
    return PRF.counted(a.total(), b.total(), (a & b).total())


# ---------------------------------------------------------------- coreference


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
    attributions = span_prf([_content(q) for q in qa], [_content(q) for q in qb])
    roles = {
        role: span_prf(_role_units(a, qa, role), _role_units(b, qb, role))
        for role in ("content", "cue", "source")
    }
    pairs = overlap_pairs([_content(q) for q in qa], [_content(q) for q in qb])
    a_to_b = {qa[i].id: qb[j].id for i, j in pairs}
    parent_agrees = []
    for i, j in pairs:
        pa, pb = qa[i].parent, qb[j].parent
        parent_agrees.append(pb is None if pa is None else pa in a_to_b and a_to_b[pa] == pb)
    return QuoteAgreement(
        attributions=attributions,
        roles=roles,
        matched_attributions=len(pairs),
        speaker=equality_agreement([(qa[i].speaker, qb[j].speaker) for i, j in pairs]),
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
    triggers = span_prf([[_trig_span(t)] for _, t in ta], [[_trig_span(t)] for _, t in tb])
    pairs = overlap_pairs([[_trig_span(t)] for _, t in ta], [[_trig_span(t)] for _, t in tb])
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
        time_value=equality_agreement(
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
        evidence_exact=equality_agreement(
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


def to_json(report: AgreementReport) -> str:
    """The report as JSON: sorted keys, numbers rounded to 4 decimals."""
    return render_json(report)


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
    "overlap": f"overlap ({OVERLAP_MEASURE} >= {OVERLAP_THRESHOLD})",
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


def _items(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, CorefScores):
        yield from (("muc", value.muc), ("b_cubed", value.b_cubed), ("ceaf_e", value.ceaf_e))
        yield "conll_f1", value.conll_f1
        yield from ((f, getattr(value, f)) for f in ("a_clusters", "b_clusters"))
        yield from ((f, getattr(value, f)) for f in ("a_mentions", "b_mentions"))
    elif isinstance(value, Mapping):
        yield from ((str(k), v) for k, v in value.items())
    elif is_dataclass(value):
        yield from ((f.name, getattr(value, f.name)) for f in fields(value))


def _rows(value: Any, indent: int) -> Iterator[Row]:
    pad = " " * indent
    for key, v in _items(value):
        label = pad + _LABELS.get(key, key)
        if isinstance(v, PRF | Agreement | MeanScore | float | int):
            yield Row(label, v)
        else:
            yield Row(label, heading=True)
            yield from _rows(v, indent + 2)


def to_text(report: AgreementReport) -> str:
    """The report as a readable table."""
    head = [
        f"Agreement on layer {report.layer} of document {report.a_document}",
        f"A: {report.a_file or report.a_document} (recall: the share of A that B matches)",
        f"B: {report.b_file or report.b_document} (precision: the share of B that A matches)",
        "A and B columns: matched/total; definitions: newsgold agreement --docs",
        "",
        prf_header(_WIDTH, "A and B"),
    ]
    return render_text(Table(head, list(_rows(report.metrics, 0)), width=_WIDTH))
