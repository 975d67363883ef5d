"""The events layer: PLOVER events with triggers, arguments, realis and time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.features import CONTEXT_DOC, SENTENCE, SPAN, d
from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, dicts
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
from newsgold.layers.mentions import mention_label, same_entity
from newsgold.spans import IdSpan

if TYPE_CHECKING:
    from newsgold.features import Column, Lookup
    from newsgold.model import Document

NAME = "events"
MENTIONS = "mentions"
ENTITIES = "entities"


class Trigger(IdSpan):
    """An event mention: the word or phrase that expresses an event."""


@dataclass(frozen=True)
class Argument:
    role: str
    entity_id: str
    mention_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "entity_id": self.entity_id, "mention_id": self.mention_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Argument:
        return cls(d["role"], d["entity_id"], d["mention_id"])


@dataclass(frozen=True)
class Time:
    mention_id: str | None
    value: str
    reasoning: str

    def to_dict(self) -> dict[str, Any]:
        return {"mention_id": self.mention_id, "value": self.value, "reasoning": self.reasoning}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Time:
        return cls(d["mention_id"], d["value"], d["reasoning"])


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    modes: tuple[str, ...]
    contexts: tuple[str, ...]
    triggers: tuple[Trigger, ...]
    arguments: tuple[Argument, ...]
    realis: str
    time: Time | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "modes": list(self.modes),
            "contexts": list(self.contexts),
            "triggers": [t.to_dict() for t in self.triggers],
            "arguments": [a.to_dict() for a in self.arguments],
            "realis": self.realis,
            "time": None if self.time is None else self.time.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        return cls(
            d["id"],
            d["type"],
            tuple(d["modes"]),
            tuple(d["contexts"]),
            tuple(Trigger.from_dict(t) for t in d["triggers"]),
            tuple(Argument.from_dict(a) for a in d["arguments"]),
            d["realis"],
            None if d["time"] is None else Time.from_dict(d["time"]),
        )


def _modes(ck: Context, i: int, ev: dict[str, Any]) -> None:
    allowed_modes = inventory().event_modes
    etype, modes = ev.get("type"), ev.get("modes")
    if not (isinstance(etype, str) and etype in allowed_modes and isinstance(modes, list)):
        return
    for j, mode in enumerate(modes):
        if isinstance(mode, str) and mode not in allowed_modes[etype]:
            allowed = ", ".join(allowed_modes[etype]) or "none"
            ck.add(
                pointer(NAME, i, "modes", j),
                "event-mode-not-allowed",
                f'mode "{mode}" is not a mode of {etype}',
                f"use one of: {allowed}",
            )


def _arguments(ck: Context, i: int, ev: dict[str, Any]) -> None:
    for j, arg in dicts(ev.get("arguments")):
        where = (NAME, i, "arguments", j)
        ck.ref(ENTITIES, arg.get("entity_id"), *where, "entity_id")
        mention_id = arg.get("mention_id")
        if mention_id is not None and ck.ref(MENTIONS, mention_id, *where, "mention_id"):
            same_entity(ck, mention_id, arg.get("entity_id"), *where, "mention_id")


def _time(ck: Context, i: int, ev: dict[str, Any]) -> None:
    tm = ev.get("time")
    if not isinstance(tm, dict) or tm.get("mention_id") is None:
        return
    mention_id = tm["mention_id"]
    if not ck.ref(MENTIONS, mention_id, NAME, i, "time", "mention_id"):
        return
    label = mention_label(ck, mention_id)
    if label not in ("DATE", "TIME"):
        ck.add(
            pointer(NAME, i, "time", "mention_id"),
            "event-time-label",
            f'mention "{mention_id}" is {label}, not DATE or TIME',
            "anchor the time to a DATE or TIME mention or set mention_id to null",
        )


def check(ck: Context) -> None:
    """Trigger spans, modes allowed for the type, arguments and time anchors."""
    for i, ev in ck.items(NAME):
        for j, trig in dicts(ev.get("triggers")):
            ck.span(trig, NAME, i, "triggers", j)
        _modes(ck, i, ev)
        _arguments(ck, i, ev)
        _time(ck, i, ev)


# ---------------------------------------------------------------- Hugging Face configs


def _columns() -> list[Column]:
    argument = {
        "role": "string",
        "entity_id": "string",
        "entity_name": "string",
        "mention_id": "string",
        "mention_text": "string",
    }
    return [
        ("doc_id", "string", d("document.id")),
        ("id", "string", d("event.id")),
        ("type", ("label", "event_type"), d("event.type")),
        ("modes", ("list", "string"), d("event.modes")),
        ("contexts", ("list", "string"), d("event.contexts")),
        ("triggers", ("list", {"id": "string", **SPAN}), d("event.triggers")),
        (
            "arguments",
            ("list", argument),
            d("event.arguments") + " With the entity name and the mention text beside the ids.",
        ),
        ("realis", ("label", "realis"), d("event.realis")),
        ("time_value", "string", d("time.value") + " Null when the event has no time."),
        ("time_mention_id", "string", d("time.mention_id")),
        ("time_text", "string", "Text of the anchoring mention, or null."),
        ("time_reasoning", "string", d("time.reasoning")),
        ("context", ("list", SENTENCE), CONTEXT_DOC),
    ]


def _row(doc: Document, look: Lookup, ev: Event) -> dict[str, Any]:
    time = ev.time
    return {
        "doc_id": doc.id,
        "id": ev.id,
        "type": ev.type,
        "modes": list(ev.modes),
        "contexts": list(ev.contexts),
        "triggers": [t.to_dict() for t in ev.triggers],
        "arguments": [
            {
                "role": a.role,
                "entity_id": a.entity_id,
                "entity_name": look.entity_name(a.entity_id),
                "mention_id": a.mention_id,
                "mention_text": look.mention_text(a.mention_id),
            }
            for a in ev.arguments
        ],
        "realis": ev.realis,
        "time_value": None if time is None else time.value,
        "time_mention_id": None if time is None else time.mention_id,
        "time_text": None if time is None else look.mention_text(time.mention_id),
        "time_reasoning": None if time is None else time.reasoning,
        "context": look.context((t.start, t.end) for t in ev.triggers),
    }


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return [_row(doc, look, ev) for ev in doc.layer(NAME)]


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

TRIGGERS = "event_triggers"


def _docbin_store(ev: Event) -> dict[str, Any]:
    """An event without its trigger spans, which are in the ``event_triggers`` group."""
    return {
        "id": ev.id,
        "type": ev.type,
        "modes": list(ev.modes),
        "contexts": list(ev.contexts),
        "triggers": [t.id for t in ev.triggers],
        "arguments": [a.to_dict() for a in ev.arguments],
        "realis": ev.realis,
        "time": None if ev.time is None else ev.time.to_dict(),
    }


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    out = []
    for rec in source.data[NAME]:
        triggers = []
        for tid in rec["triggers"]:
            for s in source.spans(TRIGGERS, tid)[:1]:
                triggers.append({"id": tid, **source.span(s)})
        out.append({**rec, "triggers": triggers})
    return out


DOCBIN = DocbinPart(
    groups=(TRIGGERS,),
    store=lambda document: [_docbin_store(ev) for ev in document.layer(NAME)],
    read=_docbin_read,
    # label the event type, ``id_`` the trigger id, ``kb_id_`` the event id
    spans=lambda document: [
        DocbinSpan(TRIGGERS, t.id, t.start, t.end, ev.type, ev.id, pointer(NAME, i, "triggers", j))
        for i, ev in enumerate(document.layer(NAME))
        for j, t in enumerate(ev.triggers)
    ],
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _html_marks(document: Document, kit: HtmlKit) -> list[Mark]:
    """Triggers boxed and labelled with the event type."""
    return [
        Mark(4, t.start, t.end, t.id, "a t", label=ev.type)
        for ev in document.layer(NAME)
        for t in ev.triggers
    ]


def _html_row(document: Document, kit: HtmlKit, ev: Event) -> list[str]:
    def via(mention_id: str | None, form: str) -> str:
        return (
            form.format(kit.chip(mention_id, document.mention(mention_id).text))
            if mention_id
            else ""
        )

    arguments = "<br>".join(
        f"{kit.escape(a.role)}: {kit.entity_chip(document, a.entity_id)}"
        + via(a.mention_id, " via {}")
        for a in ev.arguments
    )
    time = kit.escape(ev.time.value) + via(ev.time.mention_id, " ({})") if ev.time else kit.none()
    return [
        f"<code>{kit.escape(ev.id)}</code>",
        f"<b>{kit.escape(ev.type)}</b>",
        " ".join(kit.chip(t.id, t.text) for t in ev.triggers),
        arguments,
        kit.escape(", ".join(ev.modes)) or kit.none(),
        kit.escape(", ".join(ev.contexts)) or kit.none(),
        kit.escape(ev.realis),
        time,
    ]


def _html_records(document: Document) -> list[PageRecord]:
    out = []
    for ev in document.layer(NAME):
        out.append(PageRecord(ev.id, "event", ev.to_dict(), [a.entity_id for a in ev.arguments]))
        out += [PageRecord(t.id, "trigger", t.to_dict(), [ev.id]) for t in ev.triggers]
    return out


HTML = HtmlPart(
    records=_html_records,
    marks=_html_marks,
    table=lambda document, kit: kit.table(
        "Events",
        ["id", "type", "triggers", "arguments", "modes", "contexts", "realis", "time"],
        [(ev.id, _html_row(document, kit, ev)) for ev in document.layer(NAME)],
    ),
    legend=lambda documents, kit: '<span class="t">trigger</span>',
    toggle="t",
    counted=NAME,
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL = ConllPart(not_carried=each_record(NAME, "event"))


LAYER = Layer(
    name=NAME,
    record=Event,
    ids=(IdKind(NAME, "ev"), IdKind("triggers", "t", ("triggers",))),
    depends_on=(MENTIONS, ENTITIES),
    check=check,
    configs=(Config(NAME, "event with its triggers and arguments", (NAME,), _columns, _rows),),
    summary=lambda records: [(NAME, len(records), counts(e.type for e in records))],
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={"brat": BRAT, "docbin": DOCBIN, "html": HTML, "conll": CONLL},
    description="PLOVER events: triggers, arguments, modes, contexts, realis, time.",
)
