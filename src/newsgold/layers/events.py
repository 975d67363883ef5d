"""The events layer: PLOVER events with triggers, arguments, realis and time."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.columns import CONTEXT_DOC, SENTENCE, SPAN, d
from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, dicts
from newsgold.layers.evaluation import (
    NOWHERE,
    Evaluation,
    PredictionContext,
    Run,
    Spn,
    align,
    spans_of,
)
from newsgold.layers.mentions import entity_referents, mention_label, same_entity
from newsgold.scoring import Counted, Row, exact_pairs
from newsgold.spans import IdSpan, greedy_pairs

if TYPE_CHECKING:
    from newsgold.layers.base import Column, Lookup
    from newsgold.layers.base import DocumentView as Document

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


@dataclass(frozen=True)
class PEvent:
    """A predicted event: type, modes, trigger spans, (role, entity referent) arguments, realis."""

    type: str
    modes: frozenset[str]
    triggers: tuple[Spn, ...]
    arguments: tuple[tuple[str, frozenset[Spn]], ...]
    realis: str | None


def event_referents(doc: Document) -> dict[str, frozenset[Spn]]:
    """Each gold event as the set of its trigger spans, in event order."""
    return {ev.id: frozenset((t.start, t.end) for t in ev.triggers) for ev in doc.layer(NAME)}


def _events_from_document(ck: PredictionContext, value: dict[str, Any]) -> list[Any]:
    """The events whose triggers are usable; each joins the event referents by its id."""
    out = []
    for i, ev in dicts(value.get(NAME)):
        ok = ck.spans(ev["triggers"], NAME, i, "triggers")
        args = []
        for j, a in dicts(ev.get("arguments")):
            where = (NAME, i, "arguments", j)
            ref = ck.referent(ENTITIES, a["entity_id"], *where, "entity_id")
            extra = ck.referent(MENTIONS, a.get("mention_id"), *where, "mention_id")
            args.append((str(a["role"]), frozenset(ref or ()) | frozenset(extra or ())))
        if ok:
            triggers = spans_of(ev["triggers"])
            if isinstance(ev.get("id"), str):
                ck.add_referent(NAME, ev["id"], triggers)
            modes = frozenset(ev.get("modes", []))
            out.append(PEvent(ev["type"], modes, triggers, tuple(args), ev.get("realis")))
    return out


def _events_from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    ok = ck.spans(value["triggers"], "triggers")
    args = []
    for j, a in enumerate(value.get("arguments", [])):
        ok = ck.spans(a["entity"], "arguments", j, "entity") and ok
        args.append((str(a["role"]), frozenset(spans_of(a["entity"]))))
    if not ok:
        return []
    modes = frozenset(value.get("modes", []))
    triggers = spans_of(value["triggers"])
    return [PEvent(value["type"], modes, triggers, tuple(args), value.get("realis"))]


def _matched(gold: Sequence[Any], pred: Sequence[Any], key: Callable[[Any], Any]) -> int:
    """How many gold and predicted items pair one to one by equal ``key``."""
    return len(exact_pairs([key(g) for g in gold], [key(p) for p in pred]))


_TRIGGER_KEYS: dict[str, Callable[[Any], Any]] = {
    "identification": lambda x: x[0],
    "type": lambda x: x[:2],
    "type_mode": lambda x: x,
}
_ARGUMENT_KEYS: dict[str, Callable[[Any], Any]] = {
    "identification": lambda x: x[:2],
    "classification": lambda x: x,
}


def _add_counts(counts: dict[str, list[int]], name: str, n: int, pred: int, gold: int) -> None:
    c = counts[name]
    counts[name] = [c[0] + n, c[1] + pred, c[2] + gold]


def _scored_arguments(doc: Document, pred: Sequence[PEvent]) -> tuple[list[Any], list[Any]]:
    """Gold and predicted (event, entity, role) arguments, predicted referents aligned."""
    events: tuple[Event, ...] = doc.layer(NAME)
    entities, triggers = entity_referents(doc), event_referents(doc)
    gold_types = {ev.id: ev.type for ev in events}
    ga = [(ev.id, a.entity_id, a.role) for ev in events for a in ev.arguments]
    pa = []
    for ev in pred:
        key = align(frozenset(ev.triggers), triggers)
        if key is not None and gold_types.get(key) != ev.type:
            key = NOWHERE
        pa += [(key, align(ent, entities), role) for role, ent in ev.arguments]
    return ga, pa


def _realis(doc: Document, pred: Sequence[PEvent]) -> tuple[int, int]:
    """(paired events, correct realis) over events paired by shared trigger spans."""
    events: tuple[Event, ...] = doc.layer(NAME)
    triggers = event_referents(doc)
    scored = []
    for i, gev in enumerate(events):
        for j, pev in enumerate(pred):
            shared = len(triggers[gev.id] & set(pev.triggers))
            if shared:
                scored.append((-shared, i, j))
    pairs = greedy_pairs(scored)
    return len(pairs), sum(int(events[i].realis == pred[j].realis) for i, j in pairs)


def _score_events(run: Run) -> dict[str, Any]:
    trig = {name: [0, 0, 0] for name in _TRIGGER_KEYS}
    args = {name: [0, 0, 0] for name in _ARGUMENT_KEYS}
    realis_pairs = realis_correct = 0
    for doc, pred in run.pairs:
        events: tuple[Event, ...] = doc.layer(NAME)
        gt = [
            ((t.start, t.end), ev.type, frozenset(ev.modes)) for ev in events for t in ev.triggers
        ]
        pt = [(sp, ev.type, ev.modes) for ev in pred for sp in ev.triggers]
        for name, by in _TRIGGER_KEYS.items():
            _add_counts(trig, name, _matched(gt, pt, by), len(pt), len(gt))
        ga, pa = _scored_arguments(doc, pred)
        for name, by in _ARGUMENT_KEYS.items():
            _add_counts(args, name, _matched(ga, pa, by), len(pa), len(ga))
        paired, correct = _realis(doc, pred)
        realis_pairs += paired
        realis_correct += correct
    return {
        "trigger_identification": Counted.of(*trig["identification"]),
        "trigger_classification": Counted.of(*trig["type"]),
        "trigger_classification_mode": Counted.of(*trig["type_mode"]),
        "argument_identification": Counted.of(*args["identification"]),
        "argument_classification": Counted.of(*args["classification"]),
        "realis": {
            "accuracy": realis_correct / realis_pairs if realis_pairs else 0.0,
            "correct": realis_correct,
            "paired_events": realis_pairs,
        },
    }


def _event_rows(s: Mapping[str, Any]) -> list[Row]:
    return [
        Row("trigger identification", s["trigger_identification"]),
        Row("trigger classification (type)", s["trigger_classification"]),
        Row("trigger classification (type+mode)", s["trigger_classification_mode"]),
        Row("argument identification", s["argument_identification"]),
        Row("argument classification", s["argument_classification"]),
    ]


def _event_notes(s: Mapping[str, Any]) -> tuple[str, list[str]]:
    r = s["realis"]
    return "", [
        f"realis accuracy {r['accuracy']:.4f} "
        f"({r['correct']} of {r['paired_events']} paired events)"
    ]


_EVALUATION_DOC = """\
Events (``--layer events``). Triggers (each trigger span of an event is one
mention) are matched one to one by exact span: identification; classification
by span and type; by span, type and the set of modes. Arguments are
(event, entity, role): a predicted argument is identified when its event is
aligned to a gold event of the same type that has an argument with the aligned
entity, and classified when the role is equal too. Realis accuracy is over the
events paired one to one by shared trigger spans.
"""


EVALUATIONS: tuple[Any, ...] = (
    Evaluation(
        name=NAME,
        needs=(NAME,),
        from_document=_events_from_document,
        from_record=_events_from_record,
        score=_score_events,
        rows=_event_rows,
        notes=_event_notes,
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
