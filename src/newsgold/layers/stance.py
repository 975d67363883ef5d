"""The stance layer: a holder's polarity toward a target, with evidence and quotes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.columns import CONTEXT_DOC, SENTENCE, SPAN, d, span_rows
from newsgold.issues import Problem, pointer, problem
from newsgold.labels import inventory
from newsgold.layers.agreement_part import AgreementOption, AgreementPart, fields_dict
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, dicts, short
from newsgold.layers.entities import participant
from newsgold.layers.evaluation import (
    Aligner,
    ErrorRecord,
    Errors,
    Evaluation,
    Key,
    PredictionContext,
    Run,
    Side,
    Spn,
    norm_description,
)
from newsgold.layers.evaluation import side as side_of
from newsgold.layers.events import event_referents
from newsgold.layers.formats import (
    ConllPart,
    DocbinPart,
    DocbinSource,
    DocbinSpan,
    HtmlKit,
    HtmlPart,
    Mark,
    PageRecord,
    each_record,
)
from newsgold.layers.mentions import entity_referents
from newsgold.layers.parts import (
    BratConf,
    BratPart,
    BratReading,
    BratRelation,
    BratType,
    BratWriting,
)
from newsgold.layers.quotes import QUOTE
from newsgold.records import field_names, make, read
from newsgold.scoring import (
    PRF,
    Agreement,
    Counted,
    LabelAgreement,
    MeanScore,
    Row,
    equality_agreement,
    exact_pairs,
    label_agreement,
)
from newsgold.spans import Range, Span, dice, greedy_pairs, spans_from

if TYPE_CHECKING:
    from newsgold.layers.base import Column, Lookup
    from newsgold.layers.base import DocumentView as Document

NAME = "stance"
ENTITIES = "entities"
EVENTS = "events"
QUOTES = "quotes"


@dataclass(frozen=True)
class Target:
    id: str
    description: str
    entity_id: str | None
    event_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "entity_id": self.entity_id,
            "event_id": self.event_id,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Target:
        return read(cls, d, _TARGET_FIELDS) or make(
            cls,
            id=d["id"],
            description=d["description"],
            entity_id=d["entity_id"],
            event_id=d["event_id"],
        )


_TARGET_FIELDS = field_names(Target)
"""The keys of a Target object in canonical order: :func:`newsgold.records.read`
takes such an object at once."""


@dataclass(frozen=True)
class Stance:
    id: str
    holder: str
    target: Target
    polarity: str
    evidence: tuple[Span, ...]
    quote_ids: tuple[str, ...]
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "holder": self.holder,
            "target": self.target.to_dict(),
            "polarity": self.polarity,
            "evidence": [s.to_dict() for s in self.evidence],
            "quote_ids": list(self.quote_ids),
            "basis": self.basis,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Stance:
        return make(
            cls,
            id=d["id"],
            holder=d["holder"],
            target=Target.from_dict(d["target"]),
            polarity=d["polarity"],
            evidence=spans_from(d["evidence"]),
            quote_ids=tuple(d["quote_ids"]),
            basis=d["basis"],
        )


def _target(ck: Context, i: int, tg: dict[str, Any], targets: dict[str, tuple[Any, ...]]) -> None:
    if tg.get("entity_id") is not None:
        ck.ref(ENTITIES, tg.get("entity_id"), NAME, i, "target", "entity_id")
    if tg.get("event_id") is not None:
        ck.ref(EVENTS, tg.get("event_id"), NAME, i, "target", "event_id")
    tid = tg.get("id")
    key = (tg.get("description"), tg.get("entity_id"), tg.get("event_id"))
    if not isinstance(tid, str):
        return
    if tid in targets and targets[tid] != key:
        ck.add(
            pointer(NAME, i, "target"),
            "target-conflict",
            f'target "{tid}" is {short(list(key))} here but {short(list(targets[tid]))} before',
            "use one description and link per target id, or a new id",
        )
    targets.setdefault(tid, key)


def _quote_spans(ck: Context, quote: dict[str, Any]) -> list[Range] | None:
    """The content and cue spans of a quote; None when one of them is unusable (the quote
    has a problem of its own)."""
    spans = [ck.span_of(s) for key in ("content", "cue") for _, s in dicts(quote.get(key))]
    usable = [s for s in spans if s is not None]
    return usable if len(usable) == len(spans) else None


def _evidence_in_quotes(ck: Context, i: int, st: dict[str, Any], evidence: list[Range]) -> None:
    """Each cited quote holds some of the record's evidence, in its content or its cue."""
    cited = [q for q in st.get("quote_ids", []) if isinstance(q, str)]
    for j, qid in enumerate(cited):
        quote = ck.record(QUOTES, qid)
        spans = _quote_spans(ck, quote) if quote is not None else None
        if spans and not any(_inside(e, spans) for e in evidence):
            ck.add(
                pointer(NAME, i, "quote_ids", j),
                "evidence-outside-quote",
                f'no evidence span lies in the content or cue of the cited quote "{qid}"',
                "cite only the attributions the evidence stands in, or correct the evidence",
            )


def _inside(span: Range, spans: list[Range]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def _pairs(ck: Context, i: int, st: dict[str, Any], seen: dict[tuple[str, str], int]) -> None:
    """One record per holder and target."""
    tg = st.get("target")
    holder, target = st.get("holder"), tg.get("id") if isinstance(tg, dict) else None
    if not (isinstance(holder, str) and isinstance(target, str)):
        return
    if (holder, target) in seen:
        ck.add(
            pointer(NAME, i),
            "stance-duplicate-pair",
            f'holder "{holder}" and target "{target}" already have /{NAME}/{seen[holder, target]}',
            "put all the evidence for one holder and target into one record",
        )
    else:
        seen[holder, target] = i


def check(ck: Context) -> None:
    """Holder, evidence spans and the quotes they stand in, one record per holder and
    target, and one description per target id."""
    targets: dict[str, tuple[Any, ...]] = {}
    pairs: dict[tuple[str, str], int] = {}
    for i, st in ck.items(NAME):
        if ck.ref(ENTITIES, st.get("holder"), NAME, i, "holder"):
            participant(ck, st.get("holder"), "holder", NAME, i, "holder")
        evidence = ck.span_list(st.get("evidence"), NAME, i, "evidence")
        qids = st.get("quote_ids")
        if isinstance(qids, list):
            for j, qid in enumerate(qids):
                ck.ref(QUOTES, qid, NAME, i, "quote_ids", j)
            if len(evidence) == len(list(dicts(st.get("evidence")))):
                _evidence_in_quotes(ck, i, st, evidence)
        _pairs(ck, i, st, pairs)
        tg = st.get("target")
        if isinstance(tg, dict):
            _target(ck, i, tg, targets)


# ---------------------------------------------------------------- Hugging Face configs


def _columns() -> list[Column]:
    return [
        ("doc_id", "string", d("document.id")),
        ("id", "string", d("stance.id")),
        ("holder", "string", d("stance.holder")),
        ("holder_name", "string", "Canonical name of the holder entity."),
        ("target_id", "string", d("target.id")),
        ("target_description", "string", d("target.description")),
        ("target_entity_id", "string", d("target.entity_id")),
        ("target_entity_name", "string", "Canonical name of the target entity, or null."),
        ("target_event_id", "string", d("target.event_id")),
        ("target_event_type", "string", "PLOVER type of the target event, or null."),
        ("polarity", ("label", "polarity"), d("stance.polarity")),
        ("evidence", ("list", SPAN), d("stance.evidence")),
        ("quote_ids", ("list", "string"), d("stance.quote_ids")),
        ("basis", ("label", "stance_basis"), d("stance.basis")),
        ("context", ("list", SENTENCE), CONTEXT_DOC),
    ]


def _row(doc: Document, look: Lookup, st: Stance) -> dict[str, Any]:
    target = st.target
    event = look.get(EVENTS, target.event_id)
    return {
        "doc_id": doc.id,
        "id": st.id,
        "holder": st.holder,
        "holder_name": look.entity_name(st.holder),
        "target_id": target.id,
        "target_description": target.description,
        "target_entity_id": target.entity_id,
        "target_entity_name": look.entity_name(target.entity_id),
        "target_event_id": target.event_id,
        "target_event_type": None if event is None else event.type,
        "polarity": st.polarity,
        "evidence": span_rows(st.evidence),
        "quote_ids": list(st.quote_ids),
        "basis": st.basis,
        "context": look.context((s.start, s.end) for s in st.evidence),
    }


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return [_row(doc, look, st) for st in doc.layer(NAME)]


# ---------------------------------------------------------------- evaluation
# The views ``newsgold evaluate --layer`` scores: prediction normaliser and scorer.

PTarget = frozenset[Spn] | str


@dataclass(frozen=True)
class PStance:
    """A predicted stance: holder referent, target as (kind, referent or description), polarity."""

    holder: frozenset[Spn]
    target_kind: str
    target: PTarget
    polarity: str


def _doc_target(ck: PredictionContext, tg: dict[str, Any], i: int) -> tuple[str, PTarget]:
    where = (NAME, i, "target")
    if tg.get("entity_id") is not None:
        return "entity", ck.referent(ENTITIES, tg["entity_id"], *where, "entity_id") or frozenset()
    if tg.get("event_id") is not None:
        return "event", ck.referent(EVENTS, tg["event_id"], *where, "event_id") or frozenset()
    if isinstance(tg.get("description"), str):
        return "description", norm_description(tg["description"])
    ck.add(
        pointer(*where),
        "schema-required",
        "the target has no entity_id, event_id or description",
        "give the target an entity, an event or a description",
    )
    return "description", ""


def _stance_from_document(ck: PredictionContext, value: dict[str, Any]) -> list[Any]:
    """Every stance record (every part checked; the records made only for this view's
    scorer)."""
    out = []
    build = ck.builds(NAME)
    for i, st in dicts(value.get(NAME)):
        holder = ck.referent(ENTITIES, st["holder"], NAME, i, "holder") or frozenset()
        kind, target = _doc_target(ck, st["target"], i)
        if build:
            out.append(PStance(holder, kind, target, st["polarity"]))
    return out


def _stance_from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    holder = ck.checked_spans(value["holder"], "holder")
    tg = value["target"]
    kind: str
    target: PTarget | None  # None: the target's spans are not usable
    if "entity" in tg or "event" in tg:
        kind = "entity" if "entity" in tg else "event"
        found = ck.checked_spans(tg[kind], "target", kind)
        target = None if found is None else frozenset(found)
    else:
        kind, target = "description", norm_description(tg["description"])
    if holder is None or target is None:
        return []
    return [PStance(frozenset(holder), kind, target, value["polarity"])]


def _gold_target(tg: Target) -> tuple[str, Key]:
    if tg.entity_id is not None:
        return "entity", tg.entity_id
    if tg.event_id is not None:
        return "event", tg.event_id
    return "description", norm_description(tg.description)


def _pred_target(st: PStance, entities: Aligner, events: Aligner) -> tuple[str, Key]:
    if st.target_kind == "entity" and isinstance(st.target, frozenset):
        return "entity", entities.align(st.target)
    if st.target_kind == "event" and isinstance(st.target, frozenset):
        return "event", events.align(st.target)
    return "description", str(st.target)


def _polarity(matched_pol: Counter[tuple[str, str]]) -> dict[str, Any]:
    """Polarity figures over the matched pairs, counted by (gold, predicted) polarity."""
    classes = {}
    present = []
    for cls in ("FAVOR", "AGAINST"):
        c_tp = sum(n for (a, b), n in matched_pol.items() if a == b == cls)
        c_pred = sum(n for (_, b), n in matched_pol.items() if b == cls)
        c_gold = sum(n for (a, _), n in matched_pol.items() if a == cls)
        if c_pred or c_gold:
            classes[cls] = Counted.of(c_tp, c_pred, c_gold)
            present.append(classes[cls].f1)
    correct = sum(n for (a, b), n in matched_pol.items() if a == b)
    pairs = sum(matched_pol.values())
    return {
        "accuracy": correct / pairs if pairs else 0.0,
        "f_avg": sum(present) / len(present) if present else 0.0,
        "f_avg_classes": len(present),
        "correct": correct,
        "matched_pairs": pairs,
        "per_class": classes,
    }


def match_stance(doc: Document, pred: Sequence[PStance]) -> list[tuple[int, int]]:
    """Gold and predicted stance records paired one to one by (holder, target)."""
    entities, events = Aligner(entity_referents(doc)), Aligner(event_referents(doc))
    records: tuple[Stance, ...] = doc.layer(NAME)
    g = [(st.holder, _gold_target(st.target)) for st in records]
    p = [(entities.align(st.holder), _pred_target(st, entities, events)) for st in pred]
    return exact_pairs(g, p)


def _score_stance(run: Run) -> dict[str, Any]:
    matched_pol: Counter[tuple[str, str]] = Counter()
    tp = n_pred = n_gold = 0
    for doc, pred in run.pairs:
        records: tuple[Stance, ...] = doc.layer(NAME)
        matched = match_stance(doc, pred)
        tp += len(matched)
        n_pred += len(pred)
        n_gold += len(records)
        matched_pol.update((records[i].polarity, pred[j].polarity) for i, j in matched)
    return {"pairs": Counted.of(tp, n_pred, n_gold), "polarity": _polarity(matched_pol)}


def _stance_rows(s: Mapping[str, Any]) -> list[Row]:
    per_class = s["polarity"]["per_class"].items()
    return [Row("holder-target pairs", s["pairs"])] + [
        Row(f"  {c} (matched pairs)", v) for c, v in per_class
    ]


def _stance_notes(s: Mapping[str, Any]) -> tuple[str, list[str]]:
    pol = s["polarity"]
    return "", [
        f"on {pol['matched_pairs']} matched pair(s): F_avg(FAVOR, AGAINST) {pol['f_avg']:.4f} "
        f"over {pol['f_avg_classes']} class(es), accuracy {pol['accuracy']:.4f}"
    ]


_EVALUATION_DOC = """\
Stance (``--layer stance``). A record is the pair (holder, target): the target is
an entity, else an event, else its description compared case- and
space-insensitively. Pairs are matched one to one. On the matched pairs:
accuracy of the polarity, and ``f_avg``, the mean F1 of FAVOR and AGAINST
(SemEval-2016 Task 6); a class that occurs neither in the gold nor in the
predictions of the matched pairs is left out of the mean, so that a perfect
prediction scores 1.
"""


# The records of ``newsgold evaluate --layer stance --errors``.

_STANCE_CATEGORIES = {
    "correct": "holder-target pair found, polarity right",
    "wrong-polarity": "holder-target pair found, polarity wrong",
    "missed": "a gold pair not predicted",
    "spurious": "a predicted pair that is not in the gold",
}

_STANCE_ERRORS_DOC = """\
Errors of ``--layer stance``: one record per pair of the matching of (holder,
target) pairs, per unmatched gold pair (missed) and per unmatched prediction
(spurious); a matched pair is correct or wrong in polarity. The spans are the
evidence of a gold record and the first holder span of a prediction (a
predicted stance has no evidence).
"""


def _stance_doc_records(doc: Document, pred: Sequence[PStance]) -> list[ErrorRecord]:
    records: tuple[Stance, ...] = doc.layer(NAME)
    pairs = dict(match_stance(doc, pred))

    def gold_side(i: int) -> Side:
        st = records[i]
        where = [(e.start, e.end) for e in st.evidence]
        return side_of(doc.text, where, st.polarity, ident=st.id)

    def pred_side(j: int) -> Side:
        return side_of(doc.text, sorted(pred[j].holder)[:1], pred[j].polarity, index=j)

    out = []
    for i in range(len(records)):
        j = pairs.get(i)
        if j is None:
            out.append(ErrorRecord(doc.id, "pair", "missed", gold_side(i), None))
            continue
        right = records[i].polarity == pred[j].polarity
        category = "correct" if right else "wrong-polarity"
        out.append(ErrorRecord(doc.id, "pair", category, gold_side(i), pred_side(j)))
    paired_p = set(pairs.values())
    out += [
        ErrorRecord(doc.id, "pair", "spurious", None, pred_side(j))
        for j in range(len(pred))
        if j not in paired_p
    ]
    return out


def _stance_records(run: Run) -> list[ErrorRecord]:
    return [r for doc, pred in run.pairs for r in _stance_doc_records(doc, pred)]


def _stance_tally(records: Sequence[ErrorRecord]) -> dict[str, int]:
    return {
        "pairs": sum(r.category in ("correct", "wrong-polarity") for r in records),
        "gold": sum(r.gold is not None for r in records),
        "predicted": sum(r.pred is not None for r in records),
        "polarity": sum(r.category == "correct" for r in records),
    }


def _stance_expected(s: Mapping[str, Any]) -> dict[str, int]:
    pairs = s["pairs"]
    return {
        "pairs": pairs["correct"],
        "gold": pairs["gold"],
        "predicted": pairs["predicted"],
        "polarity": s["polarity"]["correct"],
    }


EVALUATIONS: tuple[Any, ...] = (
    Evaluation(
        name=NAME,
        needs=(NAME,),
        from_document=_stance_from_document,
        from_record=_stance_from_record,
        score=_score_stance,
        rows=_stance_rows,
        notes=_stance_notes,
        description=_EVALUATION_DOC,
        errors=Errors(
            _stance_records,
            _STANCE_CATEGORIES,
            _stance_tally,
            _stance_expected,
            _STANCE_ERRORS_DOC,
        ),
    ),
)


# ---------------------------------------------------------------- agreement
# How ``newsgold agreement`` compares two annotations of this layer.


@dataclass(frozen=True)
class StanceAgreement:
    pairs: PRF
    matched_by: Mapping[str, int]
    polarity: LabelAgreement
    evidence_dice: MeanScore
    evidence_exact: Agreement
    basis: LabelAgreement

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def _evidence(s: Stance) -> list[Range]:
    return [(x.start, x.end) for x in s.evidence]


def _text_order_stance(doc: Document) -> list[Stance]:
    return sorted(
        doc.layer(NAME), key=lambda s: (sorted(_evidence(s)), s.holder, s.target.id, s.id)
    )


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
    """Agreement on the stance layer (see the docs below); ``target_map`` maps B's target ids
    to A's."""
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


def parse_target_map(value: Any, file: str) -> tuple[dict[str, str] | None, list[Problem]]:
    """A target map from the JSON value of its file: an object from B's target ids to A's.

    Returns ``(map, [])`` or ``(None, problems)``.
    """
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return None, [
            problem(
                "target-map-invalid",
                file,
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
    ids = {"A": {s.target.id for s in a.layer(NAME)}, "B": {s.target.id for s in b.layer(NAME)}}
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


_AGREEMENT_DOCS = """\
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

AGREEMENT = AgreementPart(
    requires=(NAME,),
    compare=stance_agreement,
    docs=_AGREEMENT_DOCS,
    labels={
        "pairs": "Holder-target pairs",
        "matched_by": "Pairs matched by",
        "target_id": "target id",
        "target_map": "target map",
        "linked_id": "linked entity or event id",
        "polarity": "Polarity (matched pairs)",
        "evidence_dice": "Evidence, mean character Dice (matched pairs)",
        "evidence_exact": "Evidence, exact (matched pairs)",
        "basis": "Basis (matched pairs)",
    },
    options=(
        AgreementOption(
            flag="--target-map",
            name="target_map",
            metavar="FILE",
            help=f"{NAME} only: JSON object mapping target ids of B to those of A, "
            '{"tg_b": "tg_a"}',
            parse=parse_target_map,
            check=target_map_problems,
        ),
    ),
)


# ---------------------------------------------------------------- brat
# This layer's part in the brat standoff export and import: the evidence is an
# ``Evidence`` span (fragments when discontinuous); relations ``Holder`` and
# ``TargetEntity`` (first mentions of the entities), ``TargetEvent`` and
# ``InQuote``; attributes ``Polarity`` and ``Basis``; a note holds the target id
# and description.

EVIDENCE = "Evidence"


def _brat_conf() -> BratConf:
    inv = inventory()
    labels = "|".join(inv.entity_types)
    return BratConf(
        about=("Stance evidence is a span of its own.",),
        span_types=(BratType(EVIDENCE, ("Stance evidence", "Evidence"), "bgColor:#b8e0b8"),),
        relation_types=(
            BratRelation(
                "Holder", EVIDENCE, labels, "the stance holder (first mention of the entity)"
            ),
            BratRelation(
                "TargetEntity", EVIDENCE, labels, "the entity the target is (first mention)"
            ),
            BratRelation("TargetEvent", EVIDENCE, "<EVENT>", "the event the target is"),
            BratRelation("InQuote", EVIDENCE, QUOTE, "an attribution the stance is expressed in"),
        ),
        attributes=(
            f"Polarity\tArg:{EVIDENCE}, Value:{'|'.join(inv.polarities)}",
            f"Basis\tArg:{EVIDENCE}, Value:{'|'.join(inv.stance_bases)}",
        ),
    )


def _brat_write(w: BratWriting) -> None:
    records: tuple[Stance, ...] = w.doc.layer(NAME)
    for st in records:
        w.span(EVIDENCE, st.evidence, st.id)
    for st in records:
        et = w.brat[st.id]
        if st.holder in w.brat:
            w.relation("Holder", et, w.brat[st.holder])
        if st.target.entity_id is not None and st.target.entity_id in w.brat:
            w.relation("TargetEntity", et, w.brat[st.target.entity_id])
        if st.target.event_id is not None:
            w.relation("TargetEvent", et, w.brat[st.target.event_id])
        for qid in st.quote_ids:
            w.relation("InQuote", et, w.brat[qid])
    for st in records:
        w.add("A", f"Polarity {w.brat[st.id]} {st.polarity}")
        w.add("A", f"Basis {w.brat[st.id]} {st.basis}")
    for st in records:
        note = {"target": {"id": st.target.id, "description": st.target.description}}
        w.note(w.brat[st.id], note)


def _brat_stance(r: BratReading, bid: str) -> dict[str, Any]:
    t = r.ann.t[bid]
    note = r.note(bid)
    found = note.get("target")
    target_note: dict[str, Any] = found if isinstance(found, dict) else {}
    event_id = r.resolve(EVENTS, r.one("TargetEvent", bid))
    return {
        "id": r.canonical(bid, "st"),
        "holder": r.resolve(ENTITIES, r.one("Holder", bid)),
        "target": {
            "id": target_note.get("id"),
            "description": target_note.get("description"),
            "entity_id": r.resolve(ENTITIES, r.one("TargetEntity", bid)),
            "event_id": event_id,
        },
        "polarity": r.attr("Polarity", bid, t.line),
        "evidence": r.spans(t),
        "quote_ids": [r.resolve(QUOTES, q) for q in r.targets("InQuote", bid)],
        "basis": r.attr("Basis", bid, t.line),
    }


def _brat_read(r: BratReading) -> list[dict[str, Any]]:
    return [_brat_stance(r, bid) for bid, t in r.ann.t.items() if t.type == EVIDENCE]


BRAT = BratPart(read=_brat_read, conf=_brat_conf, write=_brat_write)


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.

DOCBIN_EVIDENCE = "stance_evidence"


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    out = []
    for rec in source.data[NAME]:
        evidence = source.spans(DOCBIN_EVIDENCE, rec["id"])
        out.append(
            {
                "id": rec["id"],
                "holder": rec["holder"],
                "target": rec["target"],
                "polarity": evidence[0]["label"] if evidence else None,
                "evidence": [source.span(s) for s in evidence],
                "quote_ids": rec["quote_ids"],
                "basis": rec["basis"],
            }
        )
    return out


DOCBIN = DocbinPart(
    groups=(DOCBIN_EVIDENCE,),
    store=lambda document: [
        {
            "id": st.id,
            "holder": st.holder,
            "target": st.target.to_dict(),
            "quote_ids": list(st.quote_ids),
            "basis": st.basis,
        }
        for st in document.layer(NAME)
    ],
    read=_docbin_read,
    # label the polarity, ``id_`` the stance id, ``kb_id_`` the holder
    spans=lambda document: [
        DocbinSpan(
            DOCBIN_EVIDENCE,
            st.id,
            s.start,
            s.end,
            st.polarity,
            st.holder,
            pointer(NAME, i, "evidence", j),
        )
        for i, st in enumerate(document.layer(NAME))
        for j, s in enumerate(st.evidence)
    ],
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _html_marks(document: Document, kit: HtmlKit) -> list[Mark]:
    """Evidence overlined, labelled at its end with the stance id and polarity."""
    out = []
    for st in document.layer(NAME):
        for i, s in enumerate(st.evidence):
            label = f"{st.id} {st.polarity}" if i == len(st.evidence) - 1 else ""
            out.append(Mark(1, s.start, s.end, st.id, f"a st st-{st.polarity}", label=label))
    return out


def _html_row(document: Document, kit: HtmlKit, st: Stance) -> list[str]:
    target = st.target
    return [
        f"<code>{kit.escape(st.id)}</code>",
        kit.entity_chip(document, st.holder),
        f'<span class="pol pol-{kit.escape(st.polarity)}">{kit.escape(st.polarity)}</span>',
        kit.chip(target.id, target.description)
        + (f" = {kit.entity_chip(document, target.entity_id)}" if target.entity_id else "")
        + (f" = {kit.chip(target.event_id)}" if target.event_id else ""),
        f"“{kit.spans_text(st.evidence)}”",
        " ".join(kit.chip(x) for x in st.quote_ids) or kit.none(),
        kit.escape(st.basis),
    ]


def _html_records(document: Document) -> list[PageRecord]:
    out = []
    for st in document.layer(NAME):
        links = [st.holder, st.target.entity_id, st.target.event_id, *st.quote_ids]
        out.append(PageRecord(st.id, "stance", st.to_dict(), links))
        out.append(PageRecord(st.target.id, "target", st.target.to_dict(), keep_first=True))
    return out


HTML = HtmlPart(
    records=_html_records,
    marks=_html_marks,
    table=lambda document, kit: kit.table(
        "Stance",
        ["id", "holder", "polarity", "target", "evidence", "quotes", "basis"],
        [(st.id, _html_row(document, kit, st)) for st in document.layer(NAME)],
    ),
    legend=lambda documents, kit: '<span class="st">stance evidence</span>',
    toggle="st",
    counted=f"{NAME} records",
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL = ConllPart(not_carried=each_record(NAME, "stance record"))


LAYER = Layer(
    name=NAME,
    record=Stance,
    ids=(IdKind(NAME, "st"), IdKind("targets", "tg", ("target",), unique=False)),
    depends_on=(ENTITIES, EVENTS, QUOTES),
    check=check,
    configs=(Config(NAME, "stance record", (NAME,), _columns, _rows),),
    summary=lambda records: [(NAME, len(records), counts(s.polarity for s in records))],
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={"brat": BRAT, "docbin": DOCBIN, "html": HTML, "conll": CONLL},
    description="Stance: holder, target, polarity, evidence spans, cited quotes, basis.",
    labels=("polarity", "stance_basis"),
)
