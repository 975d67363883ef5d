"""The stance layer: a holder's polarity toward a target, with evidence and quotes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.features import CONTEXT_DOC, SENTENCE, SPAN, d, span_rows
from newsgold.issues import pointer
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, short
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
from newsgold.spans import Span, spans_from

if TYPE_CHECKING:
    from newsgold.features import Column, Lookup
    from newsgold.model import Document

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
    event = look.events.get(target.event_id) if target.event_id else None
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

EVIDENCE = "stance_evidence"


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    out = []
    for rec in source.data[NAME]:
        evidence = source.spans(EVIDENCE, rec["id"])
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
    groups=(EVIDENCE,),
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
            EVIDENCE, st.id, s.start, s.end, st.polarity, st.holder, pointer(NAME, i, "evidence", j)
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
)
