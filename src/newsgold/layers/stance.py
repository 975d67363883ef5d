"""The stance layer: a holder's polarity toward a target, with evidence and quotes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.columns import CONTEXT_DOC, SENTENCE, SPAN, d, span_rows
from newsgold.issues import pointer
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, dicts, short
from newsgold.layers.evaluation import (
    Evaluation,
    Key,
    PredictionContext,
    Run,
    Spn,
    align,
    norm_description,
    spans_of,
)
from newsgold.layers.events import event_referents
from newsgold.layers.mentions import entity_referents
from newsgold.scoring import Counted, Row, exact_pairs
from newsgold.spans import Span, spans_from

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
        return cls(d["id"], d["description"], d["entity_id"], d["event_id"])


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
        return cls(
            d["id"],
            d["holder"],
            Target.from_dict(d["target"]),
            d["polarity"],
            spans_from(d["evidence"]),
            tuple(d["quote_ids"]),
            d["basis"],
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


def check(ck: Context) -> None:
    """Holder, evidence spans, cited quotes, and one description per target id."""
    targets: dict[str, tuple[Any, ...]] = {}
    for i, st in ck.items(NAME):
        ck.ref(ENTITIES, st.get("holder"), NAME, i, "holder")
        ck.span_list(st.get("evidence"), NAME, i, "evidence")
        qids = st.get("quote_ids")
        if isinstance(qids, list):
            for j, qid in enumerate(qids):
                ck.ref(QUOTES, qid, NAME, i, "quote_ids", j)
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
    out = []
    for i, st in dicts(value.get(NAME)):
        holder = ck.referent(ENTITIES, st["holder"], NAME, i, "holder") or frozenset()
        kind, target = _doc_target(ck, st["target"], i)
        out.append(PStance(holder, kind, target, st["polarity"]))
    return out


def _stance_from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    ok = ck.spans(value["holder"], "holder")
    tg = value["target"]
    kind: str
    target: PTarget
    if "entity" in tg:
        ok = ck.spans(tg["entity"], "target", "entity") and ok
        kind, target = "entity", frozenset(spans_of(tg["entity"]))
    elif "event" in tg:
        ok = ck.spans(tg["event"], "target", "event") and ok
        kind, target = "event", frozenset(spans_of(tg["event"]))
    else:
        kind, target = "description", norm_description(tg["description"])
    if not ok:
        return []
    return [PStance(frozenset(spans_of(value["holder"])), kind, target, value["polarity"])]


def _gold_target(tg: Target) -> tuple[str, Key]:
    if tg.entity_id is not None:
        return "entity", tg.entity_id
    if tg.event_id is not None:
        return "event", tg.event_id
    return "description", norm_description(tg.description)


def _pred_target(
    st: PStance, entities: dict[str, frozenset[Spn]], events: dict[str, frozenset[Spn]]
) -> tuple[str, Key]:
    if st.target_kind == "entity" and isinstance(st.target, frozenset):
        return "entity", align(st.target, entities)
    if st.target_kind == "event" and isinstance(st.target, frozenset):
        return "event", align(st.target, events)
    return "description", str(st.target)


def _polarity(matched_pol: list[tuple[str, str]]) -> dict[str, Any]:
    classes = {}
    present = []
    for cls in ("FAVOR", "AGAINST"):
        c_tp = sum(1 for a, b in matched_pol if a == b == cls)
        c_pred = sum(1 for _, b in matched_pol if b == cls)
        c_gold = sum(1 for a, _ in matched_pol if a == cls)
        if c_pred or c_gold:
            classes[cls] = Counted.of(c_tp, c_pred, c_gold)
            present.append(classes[cls].f1)
    correct = sum(1 for a, b in matched_pol if a == b)
    return {
        "accuracy": correct / len(matched_pol) if matched_pol else 0.0,
        "f_avg": sum(present) / len(present) if present else 0.0,
        "f_avg_classes": len(present),
        "correct": correct,
        "matched_pairs": len(matched_pol),
        "per_class": classes,
    }


def _score_stance(run: Run) -> dict[str, Any]:
    matched_pol: list[tuple[str, str]] = []
    tp = n_pred = n_gold = 0
    for doc, pred in run.pairs:
        entities, events = entity_referents(doc), event_referents(doc)
        records: tuple[Stance, ...] = doc.layer(NAME)
        g = [((st.holder, _gold_target(st.target)), st.polarity) for st in records]
        p = [
            ((align(st.holder, entities), _pred_target(st, entities, events)), st.polarity)
            for st in pred
        ]
        matched = exact_pairs([x[0] for x in g], [x[0] for x in p])
        tp += len(matched)
        n_pred += len(p)
        n_gold += len(g)
        matched_pol += [(g[i][1], p[j][1]) for i, j in matched]
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
    ),
)


# ---------------------------------------------------------------- agreement
# How ``newsgold agreement`` compares two annotations of this layer.

AGREEMENT: Any = None


# ---------------------------------------------------------------- brat
# This layer's part in the brat standoff export and import.

BRAT: Any = None


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.

DOCBIN: Any = None


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.

HTML: Any = None


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL: Any = None


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
)
