"""The stance layer: a holder's polarity toward a target, with evidence and quotes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.columns import CONTEXT_DOC, SENTENCE, SPAN, d, span_rows
from newsgold.issues import pointer
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, dicts, short
from newsgold.layers.entities import participant
from newsgold.spans import Range, Span, spans_from

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

EVALUATIONS: tuple[Any, ...] = ()


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
