"""The quotes layer: attributions (PARC style) with content, cue, source and speaker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.features import CONTEXT_DOC, SENTENCE, SPAN, d, span_rows
from newsgold.issues import pointer
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, dicts, short
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
from newsgold.layers.mentions import same_entity
from newsgold.spans import Span, spans_from

if TYPE_CHECKING:
    from newsgold.features import Column, Lookup
    from newsgold.model import Document

NAME = "quotes"
MENTIONS = "mentions"
ENTITIES = "entities"


@dataclass(frozen=True)
class Participant:
    entity_id: str
    mention_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "mention_id": self.mention_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Participant:
        return cls(d["entity_id"], d["mention_id"])


@dataclass(frozen=True)
class Quote:
    id: str
    type: str
    content: tuple[Span, ...]
    cue: tuple[Span, ...]
    source: str | None
    speaker: str | None
    addressee: Participant | None
    parent: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "content": [s.to_dict() for s in self.content],
            "cue": [s.to_dict() for s in self.cue],
            "source": self.source,
            "speaker": self.speaker,
            "addressee": None if self.addressee is None else self.addressee.to_dict(),
            "parent": self.parent,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        addressee = d["addressee"]
        return cls(
            d["id"],
            d["type"],
            spans_from(d["content"]),
            spans_from(d["cue"]),
            d["source"],
            d["speaker"],
            None if addressee is None else Participant.from_dict(addressee),
            d["parent"],
        )


def _participants(ck: Context, i: int, q: dict[str, Any]) -> None:
    if q.get("source") is not None:
        ck.ref(MENTIONS, q.get("source"), NAME, i, "source")
    if q.get("speaker") is not None and ck.ref(ENTITIES, q.get("speaker"), NAME, i, "speaker"):
        same_entity(ck, q.get("source"), q.get("speaker"), NAME, i, "source")
    addressee = q.get("addressee")
    if not isinstance(addressee, dict):
        return
    where = (NAME, i, "addressee")
    ck.ref(ENTITIES, addressee.get("entity_id"), *where, "entity_id")
    mention_id = addressee.get("mention_id")
    if mention_id is not None and ck.ref(MENTIONS, mention_id, *where, "mention_id"):
        same_entity(ck, mention_id, addressee.get("entity_id"), *where, "mention_id")


def _nesting(
    ck: Context, contents: dict[str, list[tuple[int, int]]], parents: dict[str, str]
) -> None:
    for i, q in ck.items(NAME):
        qid, parent = q.get("id"), parents.get(str(q.get("id")))
        if parent is None:
            continue
        seen_chain = {qid}
        cur: str | None = parent
        while cur is not None and cur not in seen_chain:
            seen_chain.add(cur)
            cur = parents.get(cur)
        if cur is not None:
            ck.add(
                pointer(NAME, i, "parent"),
                "quote-parent-cycle",
                f'"{qid}" is, through its parents, its own ancestor',
                "a parent must enclose its child, not the other way round",
            )
            continue
        outer = contents.get(parent)
        if outer is None:
            continue  # the parent's content has problems of its own
        for cs, ce in contents.get(str(qid), []):
            if not any(ps <= cs and ce <= pe for ps, pe in outer):
                ck.add(
                    pointer(NAME, i, "content"),
                    "quote-outside-parent",
                    f"content {cs}-{ce} {short(ck.text[cs:ce])} "
                    f'is not inside the content of parent "{parent}"',
                    "nest only attributions that lie inside the parent's content, or clear parent",
                )
                break


def check(ck: Context) -> None:
    """Spans, references to mentions and entities, and nested attributions."""
    contents: dict[str, list[tuple[int, int]]] = {}
    parents: dict[str, str] = {}
    for i, q in ck.items(NAME):
        content = ck.span_list(q.get("content"), NAME, i, "content")
        usable = len(content) == len(list(dicts(q.get("content"))))
        ck.span_list(q.get("cue"), NAME, i, "cue")
        _participants(ck, i, q)
        if isinstance(q.get("id"), str):
            if usable:
                contents[q["id"]] = content
            if q.get("parent") is not None and ck.ref(NAME, q.get("parent"), NAME, i, "parent"):
                parents[q["id"]] = q["parent"]
    _nesting(ck, contents, parents)


# ---------------------------------------------------------------- Hugging Face configs


def _columns() -> list[Column]:
    return [
        ("doc_id", "string", d("document.id")),
        ("id", "string", d("quote.id")),
        ("type", ("label", "quote_type"), d("quote.type")),
        ("content", ("list", SPAN), d("quote.content")),
        ("cue", ("list", SPAN), d("quote.cue")),
        ("source", "string", d("quote.source")),
        ("source_text", "string", "Text of the source mention, or null."),
        ("speaker", "string", d("quote.speaker")),
        ("speaker_name", "string", "Canonical name of the speaker entity, or null."),
        ("addressee_entity_id", "string", "Id of the addressed entity, or null."),
        ("addressee_name", "string", "Canonical name of the addressed entity, or null."),
        ("addressee_mention_id", "string", d("participant.mention_id")),
        ("parent", "string", d("quote.parent")),
        ("context", ("list", SENTENCE), CONTEXT_DOC),
    ]


def _row(doc: Document, look: Lookup, q: Quote) -> dict[str, Any]:
    addressee = q.addressee
    return {
        "doc_id": doc.id,
        "id": q.id,
        "type": q.type,
        "content": span_rows(q.content),
        "cue": span_rows(q.cue),
        "source": q.source,
        "source_text": look.mention_text(q.source),
        "speaker": q.speaker,
        "speaker_name": look.entity_name(q.speaker),
        "addressee_entity_id": None if addressee is None else addressee.entity_id,
        "addressee_name": None if addressee is None else look.entity_name(addressee.entity_id),
        "addressee_mention_id": None if addressee is None else addressee.mention_id,
        "parent": q.parent,
        "context": look.context((s.start, s.end) for s in (*q.content, *q.cue)),
    }


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return [_row(doc, look, q) for q in doc.layer(NAME)]


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

CONTENT, CUE, SOURCE = "quote_content", "quote_cue", "quote_source"


def _docbin_spans(document: Document) -> list[DocbinSpan]:
    """One span per fragment of content (label the quote type, ``kb_id_`` the speaker) and
    cue, and the source mention (``kb_id_`` the speaker); ``id_`` the quote id."""
    out = []
    for i, q in enumerate(document.layer(NAME)):
        for j, s in enumerate(q.content):
            where = pointer(NAME, i, "content", j)
            out.append(DocbinSpan(CONTENT, q.id, s.start, s.end, q.type, q.speaker, where))
        for j, s in enumerate(q.cue):
            out.append(
                DocbinSpan(CUE, q.id, s.start, s.end, "cue", None, pointer(NAME, i, "cue", j))
            )
        if q.source is not None:
            src = document.mention(q.source)
            where = pointer(NAME, i, "source")
            out.append(DocbinSpan(SOURCE, q.id, src.start, src.end, "source", q.speaker, where))
    return out


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    by_span = {(m["start"], m["end"]): m["id"] for m in source.records[MENTIONS]}
    out = []
    for rec in source.data[NAME]:
        content = source.spans(CONTENT, rec["id"])
        src = source.spans(SOURCE, rec["id"], required=False)
        out.append(
            {
                "id": rec["id"],
                "type": content[0]["label"] if content else None,
                "content": [source.span(s) for s in content],
                "cue": [source.span(s) for s in source.spans(CUE, rec["id"])],
                "source": by_span.get((src[0]["start"], src[0]["end"])) if src else None,
                "speaker": rec["speaker"],
                "addressee": rec["addressee"],
                "parent": rec["parent"],
            }
        )
    return out


DOCBIN = DocbinPart(
    groups=(CONTENT, CUE, SOURCE),
    store=lambda document: [
        {
            "id": q.id,
            "speaker": q.speaker,
            "addressee": None if q.addressee is None else q.addressee.to_dict(),
            "parent": q.parent,
        }
        for q in document.layer(NAME)
    ],
    read=_docbin_read,
    spans=_docbin_spans,
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _html_marks(document: Document, kit: HtmlKit) -> list[Mark]:
    """Content shaded, labelled at its end with the quote id, type and speaker; cues in
    bold with the quote id."""
    entities = {e.id: e for e in document.layer(ENTITIES)}
    out = []
    for q in document.layer(NAME):
        speaker = entities[q.speaker].name if q.speaker in entities else "unknown speaker"
        for i, s in enumerate(q.content):
            label = f"{q.id} {q.type} · {speaker}" if i == len(q.content) - 1 else ""
            out.append(Mark(0, s.start, s.end, q.id, f"a q q-{q.type}", label=label))
        for s in q.cue:
            out.append(Mark(3, s.start, s.end, q.id, "a c", label=f"cue {q.id}"))
    return out


def _html_row(document: Document, kit: HtmlKit, q: Quote) -> list[str]:
    addressee = (
        kit.entity_chip(document, q.addressee.entity_id)
        + (f" via {kit.chip(q.addressee.mention_id)}" if q.addressee.mention_id else "")
        if q.addressee
        else kit.none()
    )
    return [
        f"<code>{kit.escape(q.id)}</code>",
        kit.escape(q.type),
        kit.entity_chip(document, q.speaker),
        kit.chip(q.source, document.mention(q.source).text) if q.source else kit.none(),
        f'<span class="cue">{kit.spans_text(q.cue)}</span>',
        f"“{kit.spans_text(q.content)}”",
        addressee,
        kit.chip(q.parent) if q.parent else kit.none(),
    ]


def _html_records(document: Document) -> list[PageRecord]:
    out = []
    for q in document.layer(NAME):
        addressee = q.addressee.entity_id if q.addressee else None
        out.append(
            PageRecord(q.id, "quote", q.to_dict(), [q.source, q.speaker, addressee, q.parent])
        )
    return out


HTML = HtmlPart(
    records=_html_records,
    marks=_html_marks,
    table=lambda document, kit: kit.table(
        "Quotes",
        ["id", "type", "speaker", "source", "cue", "content", "addressee", "parent"],
        [(q.id, _html_row(document, kit, q)) for q in document.layer(NAME)],
    ),
    legend=lambda documents, kit: '<span class="q">quote content</span> <span class="c">cue</span>',
    toggle="q",
    counted=NAME,
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL = ConllPart(not_carried=each_record(NAME, "quote"))


LAYER = Layer(
    name=NAME,
    record=Quote,
    ids=(IdKind(NAME, "q"),),
    depends_on=(MENTIONS, ENTITIES),
    check=check,
    configs=(Config(NAME, "attribution", (NAME,), _columns, _rows),),
    summary=lambda records: [(NAME, len(records), counts(q.type for q in records))],
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={"brat": BRAT, "docbin": DOCBIN, "html": HTML, "conll": CONLL},
    description="Attributions: content, cue, source mention, speaker entity, addressee, nesting.",
)
